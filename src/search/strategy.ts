// What a search run (run.ts) asks of a search method: SNAS (snas.ts), DARTS (darts.ts), NASP
// (nasp.ts) and ENAS (enas.ts) each implement it over the shared search network. Whatever a
// method schedules (SNAS' temperature) it computes itself from the step's place in the run;
// run directories, records, checkpoints and resume are the run layer's (src/runs/).
import * as tf from '@tensorflow/tfjs';
import { correctCount } from '../ops/index.js';
import type { Batch } from '../data/batches.js';
import type { SearchNetwork } from '../networks/search.js';
import type { Genotype } from '../space/genotype.js';
import type { Alphas, CellType } from './architecture.js';
import type { Ctx } from '../nn/module.js';

/** Where a step stands in the run (what a schedule is a function of). */
export interface StepClock {
  epoch: number;
  epochs: number;
  /** The step within the whole run (0-based). */
  step: number;
  stepsPerEpoch: number;
}

export interface StepInput {
  /** A training batch (the weights' half of the training split for a bi-level method). */
  batch: Batch;
  /** Bi-level methods only: a batch from the other half, for the architecture step. */
  archBatch?: Batch;
  clock: StepClock;
  lr: number;
  /** Makes the step's randomness (samples, drop-path) a function of (seed, epoch, step). */
  seed: number;
}

/** A step's numbers as scalars on the backend (the run layer reads them back in batches). */
export interface StepResult {
  /** The loss the weights were trained on. */
  loss: tf.Scalar;
  correct: tf.Scalar;
  count: number;
  /** The resource cost term at the step's op weights (log form); absent where a method has none. */
  cost?: tf.Scalar;
  /**
   * The share of the cells' op weights (parameters of every edge's ops, all cells) that this
   * step trained: NASP's and ENAS' children train their own ops only; absent where every op is
   * computed and trained (SNAS, DARTS), which counts as 1.
   */
  opsTrained?: number;
  /** How many choices of the method's discrete architecture this step changed (choiceChanges), on the backend; absent where a method does not count them. */
  flips?: tf.Scalar;
  /** Wall seconds of the step's parts (STEP_TIMERS), where the method measures them. */
  seconds?: StepSeconds;
}

/**
 * The parts of a step the run layer times (timing.csv's arch_s, forward_s, backward_s, the
 * split of NASP's Table 6): the architecture update, the weights' forward pass, and their
 * backward pass with the optimiser's step.
 */
export const STEP_TIMERS = ['arch', 'forward', 'backward'] as const;
export type StepSeconds = Partial<Record<(typeof STEP_TIMERS)[number], number>>;

/** Seconds since `t0` (a performance.now() reading). */
export const since = (t0: number) => (performance.now() - t0) / 1000;

export interface SearchStrategy {
  readonly net: SearchNetwork;
  /** True when the weights train on one half of the training split and the architecture on the other. */
  readonly bilevel: boolean;
  /** True where the network the method searches with is the child derive() returns (NASP's binary architecture): evaluated once for both. */
  readonly searchIsChild?: boolean;
  /** Every tensor of the search's state under a stable name (what a checkpoint saves). */
  state(): Map<string, tf.Variable>;
  /** Numbers of state besides tensors (an Adam step count, a reward baseline). */
  counters(): Record<string, number>;
  restoreCounters(c: Record<string, number>): void;
  trainStep(input: StepInput): Promise<StepResult>;
  /**
   * Correct predictions on a batch under the method's own search-time op weights (SNAS: a fresh Z
   * at the last step's temperature), in the evaluation context `ctx` (its BN rule).
   */
  evalSearch(batch: Batch, seed: number, ctx: Ctx): Promise<number>;
  /** The method's own values at the last step, recorded per epoch by name (SNAS: tau); {} where it has none. */
  metrics(): Record<string, number>;
  /** The architecture parameters as numbers, [14, 8] per cell type (alphas.json). */
  archValues(): Promise<Alphas>;
  /** The entropy of the method's distribution over ops for one cell type; NaN where it has none. */
  entropy(a: Alphas, type: CellType): number;
  /** The child under the method's own derivation rule. */
  derive(a: Alphas, name: string): Genotype;
  dispose(): void;
}

/** Correct predictions of logits against labels, read back to JavaScript. */
export async function countCorrect(logits: () => tf.Tensor2D, batch: Batch): Promise<number> {
  const correct = tf.tidy(() => correctCount(logits(), batch.y));
  const n = (await correct.data())[0]!;
  correct.dispose();
  return n;
}

/** Waits for a step by reading its loss back, and frees its tensors (timing, tests). */
export async function settleStep(r: StepResult): Promise<number> {
  const loss = (await r.loss.data())[0]!;
  tf.dispose([r.loss, r.correct, ...(r.cost ? [r.cost] : []), ...(r.flips ? [r.flips] : [])]);
  return loss;
}

/** A step's loss, correct count and cost, not read back: the caller owns the tensors. */
export function stepResult(loss: tf.Tensor, correct: tf.Tensor, cost: tf.Tensor | undefined, batch: Batch): StepResult {
  const r: StepResult = { loss: loss as tf.Scalar, correct: correct as tf.Scalar, count: batch.y.shape[0] };
  if (cost) r.cost = cost as tf.Scalar;
  return r;
}
