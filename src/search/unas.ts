// UNAS over the shared search network (Vahdat et al., CVPR 2020; METHODS-FACTS, "UNAS"): each
// edge's op is a categorical softmax(alpha), and alpha minimises the expected objective
//   f = L_train + gap_weight * |L_val - L_train|
// (the generalisation gap: L_train on the step's training batch, L_val on a batch from the
// other half of the training split) by the estimator unas.estimator names (estimators.ts):
// the relaxed pathwise gradient, REINFORCE with a moving-average baseline, or REBAR. Each step
// first trains the weights on L_train under one sample (the relaxed one for pathwise, the
// discrete one, its ops only, for the other two), then steps alpha (Adam) on a fresh draw.
// REINFORCE and REBAR subtract a moving average of their learning signal (f(b), or REBAR's
// f(b) - eta f(relaxed z~)) as baseline. The
// relaxation's temperature is fixed (unas.tau); REBAR's eta is fixed too (REBAR and RELAX tune
// theirs). The child is DARTS' two-per-node rule on softmax(alpha).
import * as tf from '@tensorflow/tfjs';
import type { UnasConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import type { Ctx } from '../nn/module.js';
import { correctCount, softmaxCrossEntropy } from '../ops/index.js';
import { concreteSample } from '../samplers/concrete.js';
import type { Genotype } from '../space/genotype.js';
import { PRIMITIVES } from '../space/primitives.js';
import type { ActiveOps } from '../space/search-cell.js';
import { seedFor } from '../util/rng.js';
import { CELL_TYPES, deriveDarts, derivedFlips, derivedMasks, entropy, type Alphas, type CellType } from './architecture.js';
import { AlphaSearch } from './arch-optimizer.js';
import { opWeightShare } from './child.js';
import { discreteLoss, pathwiseSurrogate, rebarSurrogate, reinforceSurrogate, type WeightsLoss } from './estimators.js';
import { activeOf, disposeDraw, draw, oneHotOf, type Draw } from './hard-gumbel.js';
import { countCorrect, since, stepResult, type SearchStrategy, type StepInput, type StepResult } from './strategy.js';
import type { DataShape } from '../data/images.js';

const TRAIN: Ctx = { training: true };
const OPS = PRIMITIVES.length;

export class UnasSearch extends AlphaSearch implements SearchStrategy {
  readonly bilevel = true;
  /** The moving average of REINFORCE's or REBAR's learning signal (its first value at the first step). */
  baseline = 0;
  updates = 0;

  constructor(override readonly cfg: UnasConfig, seed: number, input: DataShape) {
    super(cfg, seed, input);
  }

  metrics(): Record<string, number> {
    return { tau: this.cfg.unas.tau };
  }

  override counters(): Record<string, number> {
    return { ...super.counters(), baseline: this.baseline, updates: this.updates };
  }

  override restoreCounters(c: Record<string, number>): void {
    super.restoreCounters(c);
    this.baseline = c.baseline ?? 0;
    this.updates = c.updates ?? 0;
  }

  private get alphas(): tf.Tensor2D[] {
    return CELL_TYPES.map((t) => this.arch.logAlpha[t] as tf.Tensor2D);
  }

  private forward(x: tf.Tensor4D, w: tf.Tensor2D[], ctx: Ctx, active?: ActiveOps[]): tf.Tensor2D {
    return this.net.forward(x, w[0]!, w[1]!, ctx, active ? { normal: active[0]!, reduce: active[1]! } : undefined);
  }

  /** Logits through a discrete draw: its one-hot weights, each edge computing its sampled op only. */
  private discreteForward(x: tf.Tensor4D, d: Draw, ctx: Ctx): tf.Tensor2D {
    return this.forward(x, d.index.map((ix) => oneHotOf(ix, OPS)), ctx, d.index.map(activeOf));
  }

  /** f = L_train + gap_weight |L_val - L_train| on the two batches, as a function of the op weights. */
  objective(batch: Batch, archBatch: Batch): WeightsLoss {
    const lambda = this.cfg.unas.gap_weight;
    return (w, active) => {
      const train = softmaxCrossEntropy(this.forward(batch.x, w, TRAIN, active), batch.y);
      if (lambda === 0) return train;
      const val = softmaxCrossEntropy(this.forward(archBatch.x, w, TRAIN, active), archBatch.y);
      return tf.add(train, tf.mul(tf.abs(tf.sub(val, train)), lambda)) as tf.Scalar;
    };
  }

  async trainStep({ batch, archBatch, lr, seed }: StepInput): Promise<StepResult> {
    if (!archBatch) throw new Error('UNAS needs a batch from the other half for its objective');
    const { estimator, tau, baseline_decay: decay, rebar_eta: eta } = this.cfg.unas;
    const weights = this.net.trainableVariables();
    const alphas = this.arch.variables();
    const before = derivedMasks(this.arch.logAlpha);
    // The weights' step on L_train under one sample: relaxed (pathwise) or discrete (its ops only).
    const discrete = estimator === 'pathwise' ? undefined : await draw(this.alphas, seedFor(seed, 1));
    const t0 = performance.now();
    let forward = 0;
    const [loss, correct] = tf.tidy(() => {
      let hits: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = discrete
          ? this.discreteForward(batch.x, discrete, TRAIN)
          : this.forward(batch.x, CELL_TYPES.map((t, i) => concreteSample(this.arch.logAlpha[t] as tf.Tensor2D, tau, seedFor(seed, 1, i))), TRAIN);
        hits = tf.keep(correctCount(logits, batch.y));
        const l = softmaxCrossEntropy(logits, batch.y);
        forward = since(t0);
        return l;
      }, weights);
      this.sgd.step(weights, grads, lr);
      return [value, hits!];
    });
    const backward = since(t0) - forward;
    const opsTrained = discrete ? opWeightShare(this.net, { active: { normal: activeOf(discrete.index[0]!), reduce: activeOf(discrete.index[1]!) } }) : 1;
    if (discrete) disposeDraw(discrete);
    // Alpha's step on a fresh draw.
    const t1 = performance.now();
    const d: Draw = await draw(this.alphas, seedFor(seed, 2), estimator === 'rebar');
    const f = this.objective(batch, archBatch);
    let fb = NaN;
    if (estimator !== 'pathwise') {
      const value = discreteLoss(f, d, OPS);
      fb = (await value.data())[0]!;
      value.dispose();
    }
    const base = this.baseline;
    let signal = fb;
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        if (estimator === 'pathwise') return pathwiseSurrogate(this.alphas, d, f, tau);
        if (estimator === 'reinforce') return reinforceSurrogate(this.alphas, d, fb, this.updates === 0 ? fb : base);
        const r = rebarSurrogate(this.alphas, d, fb, f, tau, eta, base);
        signal = r.signal.dataSync()[0]!;
        return r.surrogate;
      }, alphas);
      this.alphaOpt.step(alphas, grads);
    });
    disposeDraw(d);
    if (estimator !== 'pathwise') {
      this.baseline = this.updates === 0 ? signal : decay * this.baseline + (1 - decay) * signal;
      this.updates++;
    }
    const arch = since(t1);
    return { ...stepResult(loss!, correct!, undefined, batch), opsTrained, flips: derivedFlips(before, this.arch.logAlpha), seconds: { arch, forward, backward } };
  }

  /** The network the weights train on: a relaxed sample (pathwise) or a discrete one, its ops only. */
  async evalSearch(batch: Batch, seed: number, ctx: Ctx): Promise<number> {
    if (this.cfg.unas.estimator === 'pathwise') {
      return countCorrect(() => this.forward(batch.x, CELL_TYPES.map((t, i) => concreteSample(this.arch.logAlpha[t] as tf.Tensor2D, this.cfg.unas.tau, seedFor(seed, i))), ctx), batch);
    }
    const d = await draw(this.alphas, seed);
    try {
      return await countCorrect(() => this.discreteForward(batch.x, d, ctx), batch);
    } finally {
      disposeDraw(d);
    }
  }

  entropy(a: Alphas, type: CellType): number {
    return entropy(a[type]);
  }

  derive(a: Alphas, name: string): Genotype {
    return deriveDarts(a, name);
  }
}
