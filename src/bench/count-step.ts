// What one step asks of the engine: tfjs kernel dispatches, tensors made, and (on the torch
// backend) native calls. Counted over a separate step after the timed ones, since the counting
// wrappers cost time of their own.
import * as tf from '@tensorflow/tfjs';
import { hostReads } from '../backends/torch/index.js';
import { profileNative } from '../backends/torch/profile.js';

export interface StepCounts {
  /** tfjs kernels run (forward and backward, optimisers included). */
  tfjs_kernels: number;
  /** tfjs tensors made (each an allocation and a later dispose). */
  tensors: number;
  /** Calls into the native addon; undefined off the torch backend. */
  native_calls?: number;
  /** Reads back to the host (torch), the step's loss included; undefined off the torch backend. */
  host_reads?: number;
}

type Engine = { runKernelFunc: (...a: unknown[]) => unknown; trackTensor: (...a: unknown[]) => unknown };

/** Runs `step` once with counters around tfjs' engine (and the native addon on torch). */
export async function countStep(step: () => Promise<void>): Promise<StepCounts> {
  const engine = tf.engine() as unknown as Engine;
  const native = tf.getBackend() === 'torch' ? profileNative() : undefined;
  native?.reset();
  const { runKernelFunc, trackTensor } = engine;
  let kernels = 0;
  let tensors = 0;
  const reads0 = hostReads();
  engine.runKernelFunc = function (this: unknown, ...a: unknown[]) {
    kernels++;
    return runKernelFunc.apply(this, a);
  };
  engine.trackTensor = function (this: unknown, ...a: unknown[]) {
    tensors++;
    return trackTensor.apply(this, a);
  };
  try {
    await step();
  } finally {
    engine.runKernelFunc = runKernelFunc;
    engine.trackTensor = trackTensor;
  }
  const counts: StepCounts = { tfjs_kernels: kernels, tensors };
  if (native) {
    counts.native_calls = native.rows().reduce((s, r) => s + r.calls, 0);
    counts.host_reads = hostReads() - reads0;
  }
  return counts;
}
