// SNAS' search strategy over the shared search network (paper Sec. 2; the released code's
// settings): single-level, one backward pass of CE + lambda * cost updates the weights (SGD
// with momentum, cosine learning rate, weight decay, clipping) and the log-alphas (Adam or
// SGD) in the same step; one concrete sample per cell type per step.
import * as tf from '@tensorflow/tfjs';
import type { SnasConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import { correctCount, softmaxCrossEntropy } from '../ops/index.js';
import { concreteSample, straightThrough } from '../samplers/concrete.js';
import { temperature } from '../samplers/temperature.js';
import type { Genotype } from '../space/genotype.js';
import { seedFor } from '../util/rng.js';
import { CELL_TYPES, deriveSnas, entropy, type Alphas, type CellType } from './architecture.js';
import { AlphaSearch } from './arch-optimizer.js';
import { costTables, costTerm, edgeTerms, type CostTables } from './cost-term.js';
import { countCorrect, since, stepResult, type SearchStrategy, type StepClock, type StepInput, type StepResult } from './strategy.js';
import type { DataShape } from '../data/images.js';
import type { Ctx } from '../nn/module.js';

export class SnasSearch extends AlphaSearch implements SearchStrategy {
  readonly bilevel = false;
  private readonly costs: Record<CellType, tf.Tensor3D>;
  readonly tables: CostTables;
  /** The temperature of the last step (the schedule's first before any step). */
  tau: number;

  constructor(override readonly cfg: SnasConfig, seed: number, input: DataShape) {
    super(cfg, seed, input);
    this.tables = costTables(cfg.channels, cfg.layers, input.size);
    this.costs = { normal: tf.tensor3d(this.tables.normal), reduce: tf.tensor3d(this.tables.reduce) };
    this.tau = this.temperatureAt({ epoch: 0, epochs: cfg.epochs, step: 0, stepsPerEpoch: 1 });
  }

  /** The temperature schedule at a point of the run. */
  temperatureAt(clock: StepClock): number {
    return temperature(this.cfg.temperature, clock);
  }

  metrics(): Record<string, number> {
    return { tau: this.tau };
  }

  weights(): tf.Variable[] {
    return this.net.trainableVariables();
  }

  private sample(type: CellType, tau: number, seed: number): tf.Tensor2D {
    const z = concreteSample(this.arch.logAlpha[type] as tf.Tensor2D, tau, seed);
    return this.cfg.straight_through ? straightThrough(z) : z;
  }

  /** One training step: weights and log-alphas from one backward pass of CE + lambda * cost. */
  async trainStep({ batch, clock, lr, seed: stepSeed }: StepInput): Promise<StepResult> {
    const tau = (this.tau = this.temperatureAt(clock));
    const weights = this.weights();
    const alphas = this.arch.variables();
    const lambda = this.cfg.constraint.lambda;
    let drop = 0;
    const ctx = { training: true, dropPath: this.cfg.drop_path, nextSeed: () => seedFor(stepSeed, 3, drop++) };
    // Timers: one forward and one backward pass serve the weights and alpha alike (counted as the weights').
    const t0 = performance.now();
    let forward = 0;
    const [loss, correct, cost] = tf.tidy(() => {
      let kept: tf.Tensor[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const z = { normal: this.sample('normal', tau, seedFor(stepSeed, 1)), reduce: this.sample('reduce', tau, seedFor(stepSeed, 2)) };
        const logits = this.net.forward(batch.x, z.normal, z.reduce, ctx);
        const ce = softmaxCrossEntropy(logits, batch.y);
        const costValue = tf.addN(CELL_TYPES.map((t) => tf.sum(edgeTerms(z[t], this.costs[t]))));
        const hits = correctCount(logits, batch.y);
        kept = [tf.keep(hits), tf.keep(costValue)];
        const term = lambda === 0 ? undefined : this.cfg.constraint.form === 'reparam_log'
          ? costValue // the reparameterised term is the cost at Z itself
          : tf.addN(CELL_TYPES.map((t) => costTerm(this.cfg.constraint.form, z[t], this.arch.logAlpha[t] as tf.Tensor2D, tau, this.costs[t])));
        forward = since(t0);
        return term ? tf.add(ce, tf.mul(term, lambda)) as tf.Scalar : ce;
      }, [...weights, ...alphas]);
      this.sgd.step(weights, grads, lr);
      this.alphaOpt.step(alphas, grads);
      return [value, ...kept];
    });
    return { ...stepResult(loss!, correct!, cost!, batch), seconds: { arch: 0, forward, backward: since(t0) - forward } };
  }

  /** Correct predictions under a freshly sampled Z, in the evaluation context `ctx` (its BN rule). */
  evalSearch(batch: Batch, sampleSeed: number, ctx: Ctx): Promise<number> {
    const tau = this.tau;
    return countCorrect(() => {
      const z = { normal: this.sample('normal', tau, seedFor(sampleSeed, 1)), reduce: this.sample('reduce', tau, seedFor(sampleSeed, 2)) };
      return this.net.forward(batch.x, z.normal, z.reduce, ctx);
    }, batch);
  }

  entropy(a: Alphas, type: CellType): number {
    return entropy(a[type]);
  }

  derive(a: Alphas, name: string): Genotype {
    return deriveSnas(a, name);
  }

  override dispose(): void {
    super.dispose();
    tf.dispose([this.costs.normal, this.costs.reduce]);
  }
}
