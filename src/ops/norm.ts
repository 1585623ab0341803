// Batch normalisation in training mode without affine parameters (the search cells' BN).
import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom.js';
import { fusedBatchNormTrain, hasFusedKernels } from './fused.js';

export const BN_EPSILON = 1e-5;

/**
 * y = (x - mean) / sqrt(var + eps), mean and (biased) variance over batch, height and width.
 * The gradient is the closed form dx = (dy - mean(dy) - y * mean(dy * y)) / sqrt(var + eps)
 * rather than tfjs' composite of ~25 small kernels (and tf.batchNorm's gradient throws
 * without scale and offset).
 */
export function batchNormTrain(
  x: tf.Tensor4D, eps = BN_EPSILON, onMoments?: (mean: tf.Tensor, variance: tf.Tensor) => void,
): tf.Tensor4D {
  if (hasFusedKernels()) return fusedBatchNormTrain(x, eps, onMoments);
  return withGradient<tf.Tensor4D>([x], ([xIn], save) => {
    const { mean, variance } = tf.moments(xIn!, [0, 1, 2]);
    // The batch moments, for running averages, without computing them a second time.
    onMoments?.(mean, variance);
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
