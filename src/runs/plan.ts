// `--dry-run`: what a run would do and what it would cost on this backend, without data or run
// directory: the split sizes follow from the config (data/splits.ts' splitSizes), and a few
// steps are timed on random images of the config's shape (search/plan.ts, train/plan.ts).
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batches.js';
import { timeIt } from '../util/timing.js';

export interface Plan {
  what: string;
  epochs: number;
  stepsPerEpoch: number;
  evalBatchesPerEpoch: number;
  secondsPerStep: number;
  secondsPerEvalBatch: number;
  /** Estimated hours for the whole run on this backend. */
  hours: number;
}

/** A batch of random images and cycling labels of the config's shape (no data needed). */
export function randomBatch(n: number, shape: { size: number; channels: number }, seed: number): Batch {
  return {
    x: tf.randomNormal([n, shape.size, shape.size, shape.channels], 0, 1, 'float32', seed) as tf.Tensor4D,
    y: tf.tensor1d(Array.from({ length: n }, (_, i) => i % 10), 'int32'),
    index: 0,
  };
}

/** Median seconds of `reps` calls after one warm-up call. */
export async function seconds(reps: number, work: () => Promise<unknown>): Promise<number> {
  return (await timeIt(work, { warmup: 1, reps })).median_ms / 1000;
}

/** The plan from its counts and the timed seconds, with the estimated hours. */
export function planOf(what: string, epochs: number, stepsPerEpoch: number, evalBatchesPerEpoch: number, secondsPerStep: number, secondsPerEvalBatch: number): Plan {
  const hours = (epochs * (stepsPerEpoch * secondsPerStep + evalBatchesPerEpoch * secondsPerEvalBatch)) / 3600;
  return { what, epochs, stepsPerEpoch, evalBatchesPerEpoch, secondsPerStep, secondsPerEvalBatch, hours };
}

/** The plan in a few lines. */
export function planText(p: Plan, backend: string): string {
  const total = p.epochs * p.stepsPerEpoch;
  return [
    `plan: ${p.what}`,
    `  ${p.epochs} epochs x ${p.stepsPerEpoch} steps = ${total.toLocaleString('en-US')} steps, ${Number.isInteger(p.evalBatchesPerEpoch) ? p.evalBatchesPerEpoch : `${p.evalBatchesPerEpoch.toFixed(1)} (mean)`} evaluation batches per epoch`,
    `  timed here (backend ${backend}): ${p.secondsPerStep.toFixed(3)} s per step, ${p.secondsPerEvalBatch.toFixed(3)} s per evaluation batch`,
    `  estimate: ${p.hours.toFixed(p.hours < 10 ? 2 : 0)} hours (${(p.hours / 24).toFixed(2)} days) on this machine`,
  ].join('\n');
}
