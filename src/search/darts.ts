// DARTS over the shared search network (Liu et al. 2019; SNAS-FACTS, "DARTS"): every edge
// mixes its ops by softmax(alpha), deterministically. Bi-level: the architecture step on a
// batch from the other half of the training split, first order (the gradient at the current
// weights), second order (at the unrolled weights w' = w - xi * (momentum buffer + grad +
// decay * w), with the Hessian-vector term from finite differences: unrolled.ts) or iDARTS'
// implicit hypergradient (a Neumann series for the inverse Hessian: implicit.ts), then the
// weight step. Single-level: weights and alpha from one backward pass, as SNAS.
import * as tf from '@tensorflow/tfjs';
import { NEUMANN_DEFAULTS, type DartsConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import type { Ctx } from '../nn/module.js';
import { correctCount, softmaxCrossEntropy } from '../ops/index.js';
import type { Genotype } from '../space/genotype.js';
import { deriveDarts, derivedFlips, derivedMasks, entropy, type Alphas, type CellType } from './architecture.js';
import { AlphaSearch } from './arch-optimizer.js';
import { implicitAlphaGrads } from './implicit.js';
import { unrolledAlphaGrads } from './unrolled.js';
import { countCorrect, since, stepResult, type SearchStrategy, type StepInput, type StepResult } from './strategy.js';
import type { DataShape } from '../data/images.js';

const TRAIN: Ctx = { training: true };

export class DartsSearch extends AlphaSearch implements SearchStrategy {
  readonly bilevel: boolean;

  constructor(override readonly cfg: DartsConfig, seed: number, input: DataShape) {
    super(cfg, seed, input);
    this.bilevel = cfg.darts.bilevel;
  }

  metrics(): Record<string, number> {
    return {};
  }

  /** Logits under softmax(alpha) mixing. */
  logits(x: tf.Tensor4D, ctx: Ctx): tf.Tensor2D {
    const { normal, reduce } = this.arch.logAlpha;
    return this.net.forward(x, tf.softmax(normal) as tf.Tensor2D, tf.softmax(reduce) as tf.Tensor2D, ctx);
  }

  loss(batch: Batch): tf.Scalar {
    return softmaxCrossEntropy(this.logits(batch.x, TRAIN), batch.y);
  }

  /**
   * One step; its flips are the changes of the derived architecture (the two-per-node rule on
   * softmax(alpha)) from the step's start to its end, and its timers split it into the
   * architecture update, the weights' forward pass and their backward pass (for single-level
   * DARTS, one backward pass serves both: it counts as the weights').
   */
  async trainStep({ batch, archBatch, lr }: StepInput): Promise<StepResult> {
    const weights = this.net.trainableVariables();
    const alphas = this.arch.variables();
    const before = derivedMasks(this.arch.logAlpha);
    let arch = 0;
    if (this.bilevel) {
      if (!archBatch) throw new Error('bi-level DARTS needs a batch for the architecture step');
      const t0 = performance.now();
      const alphaGrads = this.archGrads(batch, archBatch, lr);
      this.alphaOpt.step(alphas, alphaGrads);
      tf.dispose(Object.values(alphaGrads));
      arch = since(t0);
    }
    const trained = this.bilevel ? weights : [...weights, ...alphas];
    const t1 = performance.now();
    let forward = 0;
    const [loss, correct] = tf.tidy(() => {
      let hits: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = this.logits(batch.x, TRAIN);
        hits = tf.keep(correctCount(logits, batch.y));
        const l = softmaxCrossEntropy(logits, batch.y);
        forward = since(t1);
        return l;
      }, trained);
      this.sgd.step(weights, grads, lr);
      if (!this.bilevel) this.alphaOpt.step(alphas, grads);
      return [value, hits!];
    });
    const seconds = { arch, forward, backward: since(t1) - forward };
    const flips = derivedFlips(before, this.arch.logAlpha);
    return { ...stepResult(loss!, correct!, undefined, batch), flips, seconds };
  }

  /** The architecture gradient by the config's order. */
  archGrads(batch: Batch, archBatch: Batch, lr: number): Record<string, tf.Tensor> {
    const { order } = this.cfg.darts;
    if (order === 2) return this.secondOrderGrads(batch, archBatch, lr);
    if (order === 'implicit') return this.implicitGrads(batch, archBatch);
    return this.firstOrderGrads(archBatch);
  }

  /** dL_val/dalpha at the current weights. */
  firstOrderGrads(archBatch: Batch): Record<string, tf.Tensor> {
    return tf.tidy(() => tf.variableGrads(() => this.loss(archBatch), this.arch.variables()).grads);
  }

  /**
   * The second-order gradient (unrolled.ts) on this network; every network variable, batch-norm
   * statistics included, is restored afterwards: the architecture step leaves the network as
   * it found it.
   */
  secondOrderGrads(batch: Batch, archBatch: Batch, xi: number): Record<string, tf.Tensor> {
    return this.restoringNetwork(() => unrolledAlphaGrads({
      weights: this.net.trainableVariables(), alphas: this.arch.variables(),
      trainLoss: () => this.loss(batch), valLoss: () => this.loss(archBatch),
      moment: (w) => tf.mul(this.sgd.velocityOf(w), this.cfg.momentum), decay: this.cfg.weight_decay,
    }, xi));
  }

  /** iDARTS' hypergradient (implicit.ts) on this network, every network variable restored afterwards. */
  implicitGrads(batch: Batch, archBatch: Batch): Record<string, tf.Tensor> {
    const { neumann_terms: terms = NEUMANN_DEFAULTS.terms, neumann_lr: lr = NEUMANN_DEFAULTS.lr } = this.cfg.darts;
    return this.restoringNetwork(() => implicitAlphaGrads({
      weights: this.net.trainableVariables(), alphas: this.arch.variables(),
      trainLoss: () => this.loss(batch), valLoss: () => this.loss(archBatch),
    }, { terms, lr }));
  }

  /** Runs f and puts every network variable, batch-norm statistics included, back as it was. */
  private restoringNetwork<T>(f: () => T): T {
    const all = this.net.namedVariables().map(([, v]) => v);
    const saved = all.map((v) => tf.keep(v.clone()));
    try {
      return f();
    } finally {
      all.forEach((v, i) => v.assign(saved[i]!));
      tf.dispose(saved);
    }
  }

  /** Correct predictions under softmax(alpha) mixing. */
  evalSearch(batch: Batch, _seed: number, ctx: Ctx): Promise<number> {
    return countCorrect(() => this.logits(batch.x, ctx), batch);
  }

  entropy(a: Alphas, type: CellType): number {
    return entropy(a[type]);
  }

  derive(a: Alphas, name: string): Genotype {
    return deriveDarts(a, name);
  }
}
