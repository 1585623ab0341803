// Batch normalisation in training mode without affine parameters (the search cells' BN).
import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom.js';
import { fusedBatchNormTrain, hasFusedKernels } from './fused.js';

export const BN_EPSILON = 1e-5;

/** Running averages a training-mode batch norm updates (PyTorch's rule and default momentum 0.1). */
export interface RunningStats {
  mean: tf.Variable;
  variance: tf.Variable;
  momentum: number;
}

/** Running statistics as inference reads them (a RunningStats' mean and variance). */
export interface Moments {
  mean: tf.Tensor;
  variance: tf.Tensor;
}

/** BN's statistics in an evaluation: the running averages (which stay as they are), or each batch's own. */
export type EvalMoments = Moments | 'batch';

/** Batch norm in inference mode without affine parameters: (x - mean) / sqrt(variance + eps), per channel. */
export function batchNormInfer(x: tf.Tensor4D, eps: number, moments: Moments): tf.Tensor4D {
  return tf.mul(tf.sub(x, moments.mean), tf.rsqrt(tf.add(moments.variance, eps))) as tf.Tensor4D;
}

/**
 * running = (1 - m) running + m batch, with the batch variance made unbiased (n / (n - 1))
 * as PyTorch does; n = elements per channel.
 */
export function updateRunningStats(running: RunningStats, mean: tf.Tensor, variance: tf.Tensor, n: number): void {
  const m = running.momentum;
  tf.tidy(() => {
    const unbiased = tf.mul(variance, n / Math.max(1, n - 1));
    running.mean.assign(tf.add(tf.mul(running.mean, 1 - m), tf.mul(mean, m)));
    running.variance.assign(tf.add(tf.mul(running.variance, 1 - m), tf.mul(unbiased, m)));
  });
}

/**
 * y = (x - mean) / sqrt(var + eps), mean and (biased) variance over batch, height and width.
 * The gradient is the closed form dx = (dy - mean(dy) - y * mean(dy * y)) / sqrt(var + eps)
 * rather than tfjs' composite of ~25 small kernels (and tf.batchNorm's gradient throws
 * without scale and offset). `running`, when given, is updated with the batch moments.
 */
export function batchNormTrain(x: tf.Tensor4D, eps = BN_EPSILON, running?: RunningStats): tf.Tensor4D {
  if (hasFusedKernels()) return fusedBatchNormTrain(x, eps, running);
  return withGradient<tf.Tensor4D>([x], ([xIn], save) => {
    const { mean, variance } = tf.moments(xIn!, [0, 1, 2]);
    if (running) updateRunningStats(running, mean, variance, x.size / x.shape[3]);
    const invStd = tf.rsqrt(tf.add(variance, eps));
    const value = tf.mul(tf.sub(xIn!, mean), invStd) as tf.Tensor4D;
    save([value, invStd]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const [y, inv] = saved as [tf.Tensor4D, tf.Tensor];
      const meanDy = tf.mean(dy, [0, 1, 2]);
      const meanDyY = tf.mean(tf.mul(dy, y), [0, 1, 2]);
      return tf.mul(tf.sub(tf.sub(dy, meanDy), tf.mul(y, meanDyY)), inv);
    };
    return { value, gradFunc };
  });
}
