// SNAS' search strategy over the shared search network (paper Sec. 2; the released code's
// settings): single-level, one backward pass of CE + lambda * cost updates the weights (SGD
// with momentum, cosine learning rate, weight decay, clipping) and the log-alphas (Adam or
// SGD) in the same step; one concrete sample per cell type per step.
import * as tf from '@tensorflow/tfjs';
import type { SearchConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import { SearchNetwork } from '../networks/search.js';
import { softmaxCrossEntropy } from '../ops/index.js';
import { concreteSample, straightThrough } from '../samplers/concrete.js';
import { Adam } from '../train/adam.js';
import { Sgd } from '../train/sgd.js';
import { seedFor } from '../util/rng.js';
import { Architecture, CELL_TYPES, oneHot, type Alphas } from './architecture.js';
import { costTables, costTerm, edgeTerms, type CostTables } from './cost-term.js';

export interface StepResult {
  loss: number;
  correct: number;
  count: number;
  /** The cost term at the sampled Z (log form, summed over both cell types), whatever the form in the loss. */
  cost: number;
}

export class SnasSearch {
  readonly net: SearchNetwork;
  readonly arch: Architecture;
  readonly sgd: Sgd;
  readonly alphaOpt: Adam | Sgd;
  private readonly costs: Record<'normal' | 'reduce', tf.Tensor3D>;
  readonly tables: CostTables;

  constructor(readonly cfg: SearchConfig, readonly seed: number, imageSize: number, classes: number) {
    this.net = new SearchNetwork({ channels: cfg.channels, layers: cfg.layers, classes, seed });
    this.arch = new Architecture(cfg.alpha_init, seedFor(seed, 11));
    this.sgd = new Sgd({ momentum: cfg.momentum, weightDecay: cfg.weight_decay, clipNorm: cfg.grad_clip || undefined });
    this.alphaOpt = cfg.alpha_optimizer === 'adam'
      ? new Adam({ lr: cfg.alpha_lr, betas: cfg.alpha_betas, weightDecay: cfg.alpha_weight_decay })
      : new Sgd({ momentum: 0, weightDecay: cfg.alpha_weight_decay });
    this.tables = costTables(cfg.channels, cfg.layers, imageSize);
    this.costs = { normal: tf.tensor3d(this.tables.normal), reduce: tf.tensor3d(this.tables.reduce) };
  }

  weights(): tf.Variable[] {
    return this.net.trainableVariables();
  }

  private sample(type: 'normal' | 'reduce', tau: number, seed: number): tf.Tensor2D {
    const z = concreteSample(this.arch.logAlpha[type] as tf.Tensor2D, tau, seed);
    return this.cfg.straight_through ? straightThrough(z) : z;
  }

  /** One training step on a batch; `stepSeed` makes its randomness (Z, drop-path) reproducible. */
  async trainStep(batch: Batch, tau: number, lr: number, stepSeed: number): Promise<StepResult> {
    const weights = this.weights();
    const alphas = this.arch.variables();
    const lambda = this.cfg.constraint.lambda;
    let drop = 0;
    const ctx = { training: true, dropPath: this.cfg.drop_path, nextSeed: () => seedFor(stepSeed, 3, drop++) };
    const [loss, correct, cost] = tf.tidy(() => {
      let kept: tf.Tensor[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const z = { normal: this.sample('normal', tau, seedFor(stepSeed, 1)), reduce: this.sample('reduce', tau, seedFor(stepSeed, 2)) };
        const logits = this.net.forward(batch.x, z.normal, z.reduce, ctx);
        const ce = softmaxCrossEntropy(logits, batch.y);
        const costValue = tf.addN(CELL_TYPES.map((t) => tf.sum(edgeTerms(z[t], this.costs[t]))));
        const correctCount = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), batch.y), 'float32'));
        kept = [tf.keep(correctCount), tf.keep(costValue)];
        if (lambda === 0) return ce;
        const term = this.cfg.constraint.form === 'reparam_log'
          ? costValue // the reparameterised term is the cost at Z itself
          : tf.addN(CELL_TYPES.map((t) => costTerm(this.cfg.constraint.form, z[t], this.arch.logAlpha[t] as tf.Tensor2D, tau, this.costs[t])));
        return tf.add(ce, tf.mul(term, lambda)) as tf.Scalar;
      }, [...weights, ...alphas]);
      this.sgd.step(weights, grads, lr);
      if (this.alphaOpt instanceof Adam) this.alphaOpt.step(alphas, alphas.map((a) => grads[a.name]!));
      else this.alphaOpt.step(alphas, grads, this.cfg.alpha_lr);
      return [value, ...kept];
    });
    const [l, c, k] = await Promise.all([loss!.data(), correct!.data(), cost!.data()]);
    tf.dispose([loss!, correct!, cost!]);
    return { loss: l[0]!, correct: c[0]!, count: batch.y.shape[0], cost: k[0]! };
  }

  /**
   * Correct predictions on a batch in inference mode (BN running statistics), under freshly
   * sampled Z (`sampleSeed`) or under given op weights (a derived child, one-hot).
   */
  async evalBatch(batch: Batch, weights: { tau: number; sampleSeed: number } | Record<'normal' | 'reduce', tf.Tensor2D>): Promise<number> {
    const correct = tf.tidy(() => {
      const z = 'tau' in weights
        ? { normal: this.sample('normal', weights.tau, seedFor(weights.sampleSeed, 1)), reduce: this.sample('reduce', weights.tau, seedFor(weights.sampleSeed, 2)) }
        : weights;
      const logits = this.net.forward(batch.x, z.normal, z.reduce, { training: false });
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), batch.y), 'float32'));
    });
    const n = (await correct.data())[0]!;
    correct.dispose();
    return n;
  }

  /** The derived child's one-hot op weights as tensors (the caller disposes them). */
  childWeights(alphas: Alphas): Record<'normal' | 'reduce', tf.Tensor2D> {
    const hot = oneHot(alphas);
    return { normal: tf.tensor2d(hot.normal), reduce: tf.tensor2d(hot.reduce) };
  }

  dispose(): void {
    this.sgd.dispose();
    this.alphaOpt.dispose();
    this.arch.dispose();
    this.net.dispose();
    tf.dispose([this.costs.normal, this.costs.reduce]);
  }
}
