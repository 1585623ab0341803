// GDAS over the shared search network (Dong and Yang, CVPR 2019; METHODS-FACTS, "GDAS"): on
// every edge one op, drawn by the Gumbel-max trick from softmax(alpha), is the only op computed,
// forward and backward; its output is scaled by the straight-through weight (one-hot forward,
// the gradient of the Gumbel-softmax p = softmax((log_softmax(alpha) + G) / tau)), so alpha
// learns through the one computed path. Weights and alpha are updated in turn, first order:
// the weights on a training batch under one sample, then alpha (Adam) on a batch from the other
// half of the training split under a fresh one. tau falls linearly from tau_max to tau_min over
// the epochs. The categorical is over the 7 computed ops: a sampled 'none' passes no gradient,
// and a sample with 'none' on every edge from a cell's previous cell cuts the cells before it
// out of the network (measured: at quick scale one such draw left the reduction cells' alpha
// without any gradient), so alpha's 'none' column is never used; the entropy, the flips and the
// child (DARTS' two-per-node rule) are those of softmax over the 7.
import * as tf from '@tensorflow/tfjs';
import type { GdasConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import type { Ctx } from '../nn/module.js';
import { correctCount, softmaxCrossEntropy } from '../ops/index.js';
import type { Genotype } from '../space/genotype.js';
import { CELL_TYPES, deriveDarts, entropy, maskFlips, twoPerNodeMaskOf, type Alphas, type CellType } from './architecture.js';
import { PRIMITIVES } from '../space/primitives.js';
import { AlphaSearch } from './arch-optimizer.js';
import { opWeightShare } from './child.js';
import { activeOf, disposeDraw, draw, straightThroughWeights, type Draw } from './hard-gumbel.js';
import { countCorrect, since, stepResult, type SearchStrategy, type StepClock, type StepInput, type StepResult } from './strategy.js';
import type { DataShape } from '../data/images.js';
import { seedFor } from '../util/rng.js';

const TRAIN: Ctx = { training: true };
const OPS = PRIMITIVES.length;

/** alpha with its 'none' column at -infinity: softmax over the 7 computed ops. */
const withoutNone = (a: Alphas): Alphas => ({
  normal: a.normal.map((r) => [-Infinity, ...r.slice(1)]), reduce: a.reduce.map((r) => [-Infinity, ...r.slice(1)]),
});

/** GDAS' temperature: linear in the epoch from tau_max (first epoch) to tau_min (last). */
export function gdasTemperature(cfg: GdasConfig['gdas'], clock: Pick<StepClock, 'epoch' | 'epochs'>): number {
  if (clock.epochs <= 1) return cfg.tau_max;
  return cfg.tau_max - (cfg.tau_max - cfg.tau_min) * (clock.epoch / (clock.epochs - 1));
}

export class GdasSearch extends AlphaSearch implements SearchStrategy {
  readonly bilevel = true;
  tau: number;

  constructor(override readonly cfg: GdasConfig, seed: number, input: DataShape) {
    super(cfg, seed, input);
    this.tau = gdasTemperature(cfg.gdas, { epoch: 0, epochs: cfg.epochs });
  }

  metrics(): Record<string, number> {
    return { tau: this.tau };
  }

  /** alpha without its 'none' column, normal then reduction (the order of a draw's matrices): the logits GDAS samples from. */
  private computed(): tf.Tensor2D[] {
    return CELL_TYPES.map((t) => tf.slice(this.arch.logAlpha[t], [0, 1], [-1, OPS - 1]) as tf.Tensor2D);
  }

  /** A draw over the 7 computed ops; its indices are primitives' (1..7). */
  async sample(seed: number): Promise<Draw> {
    const logits = this.computed();
    try {
      const d = await draw(logits, seed);
      return { ...d, index: d.index.map((ix) => ix.map((k) => k + 1)) };
    } finally {
      tf.dispose(logits);
    }
  }

  /** Logits through each edge's sampled op only, scaled by its straight-through weight. */
  logits(x: tf.Tensor4D, d: Draw, ctx: Ctx): tf.Tensor2D {
    const w = this.computed().map((a, i) => tf.concat([tf.zeros([a.shape[0], 1]), straightThroughWeights(a, d.u[i]!, d.index[i]!.map((k) => k - 1), this.tau)], 1) as tf.Tensor2D);
    return this.net.forward(x, w[0]!, w[1]!, ctx, { normal: activeOf(d.index[0]!), reduce: activeOf(d.index[1]!) });
  }

  /** The two-per-node rule on softmax over the 7 computed ops, as 0/1 masks (for the flips). */
  private masks(): Record<CellType, tf.Tensor2D> {
    return tf.tidy(() => {
      const [normal, reduce] = this.computed().map((a) => twoPerNodeMaskOf(tf.concat([tf.zeros([a.shape[0], 1]), tf.softmax(a)], 1) as tf.Tensor2D));
      return { normal: normal!, reduce: reduce! };
    });
  }

  async trainStep({ batch, archBatch, clock, lr, seed }: StepInput): Promise<StepResult> {
    if (!archBatch) throw new Error('GDAS needs a batch for the architecture step');
    this.tau = gdasTemperature(this.cfg.gdas, clock);
    const weights = this.net.trainableVariables();
    const alphas = this.arch.variables();
    const before = this.masks();
    // The weights' step under one sample.
    const forWeights = await this.sample(seedFor(seed, 1));
    const t0 = performance.now();
    let forward = 0;
    const [loss, correct] = tf.tidy(() => {
      let hits: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = this.logits(batch.x, forWeights, TRAIN);
        hits = tf.keep(correctCount(logits, batch.y));
        const l = softmaxCrossEntropy(logits, batch.y);
        forward = since(t0);
        return l;
      }, weights);
      this.sgd.step(weights, grads, lr);
      return [value, hits!];
    });
    const backward = since(t0) - forward;
    const opsTrained = opWeightShare(this.net, { active: { normal: activeOf(forWeights.index[0]!), reduce: activeOf(forWeights.index[1]!) } });
    disposeDraw(forWeights);
    // Alpha's step under a fresh sample, on the other half.
    const t1 = performance.now();
    const forAlpha = await this.sample(seedFor(seed, 2));
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => softmaxCrossEntropy(this.logits(archBatch.x, forAlpha, TRAIN), archBatch.y), alphas);
      this.alphaOpt.step(alphas, grads);
    });
    disposeDraw(forAlpha);
    const arch = since(t1);
    return { ...stepResult(loss!, correct!, undefined, batch), opsTrained, flips: maskFlips(before, this.masks()), seconds: { arch, forward, backward } };
  }

  /** Correct predictions through a fresh sample's ops, in the evaluation context `ctx`. */
  async evalSearch(batch: Batch, seed: number, ctx: Ctx): Promise<number> {
    const d = await this.sample(seed);
    try {
      return await countCorrect(() => this.logits(batch.x, d, ctx), batch);
    } finally {
      disposeDraw(d);
    }
  }

  /** The entropy of the distribution GDAS samples from: softmax over the 7 computed ops. */
  entropy(a: Alphas, type: CellType): number {
    return entropy(a[type].map((r) => r.slice(1)));
  }

  derive(a: Alphas, name: string): Genotype {
    return deriveDarts(withoutNone(a), name);
  }
}
