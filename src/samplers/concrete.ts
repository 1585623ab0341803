// The concrete (Gumbel-softmax) distribution of SNAS (paper Sec. 2.2, Eq. 5; App. C):
// Z_ij = softmax((log alpha_ij + G_ij) / tau), G = -log(-log U), U ~ Uniform(0, 1), one row per edge.
import * as tf from '@tensorflow/tfjs';
import { withGradient } from '../ops/custom.js';

/** Gumbel(0, 1) noise of the given shape from a seed. */
export function gumbelNoise(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => {
    const u = tf.randomUniform(shape, 1e-10, 1 - 1e-7, 'float32', seed);
    return tf.neg(tf.log(tf.neg(tf.log(u))));
  });
}

// Eq. 5
/** A relaxed one-hot sample per row of logAlpha [edges, ops] at temperature tau. */
export function concreteSample(logAlpha: tf.Tensor2D, tau: number, seed: number): tf.Tensor2D {
  if (!(tau > 0)) throw new Error(`concreteSample: temperature must be positive, got ${tau}`);
  return tf.tidy(() => tf.softmax(tf.div(tf.add(logAlpha, gumbelNoise(logAlpha.shape, seed)), tau)) as tf.Tensor2D);
}

/**
 * Straight-through variant: the forward value is the one-hot argmax of each row of z, the
 * gradient passes to z unchanged.
 */
export function straightThrough(z: tf.Tensor2D): tf.Tensor2D {
  return withGradient<tf.Tensor2D>([z], ([zIn]) => ({
    value: tf.oneHot(tf.argMax(zIn!, 1), zIn!.shape[1]!).cast('float32') as tf.Tensor2D,
    gradFunc: (dy) => dy,
  }));
}

const FLOAT32_MIN_NORMAL = 1.1754944e-38;

/**
 * Log-density of the concrete distribution at Z, one value per row (n = ops per row;
 * alpha = exp(log alpha)), App. C:
 *   log p(Z) = log((n-1)!) + (n-1) log tau + sum_k log alpha_k - (tau+1) sum_k log Z_k
 *              - n log sum_k alpha_k Z_k^(-tau)
 * Differentiable in log alpha and Z (the policy-gradient form of the cost term uses it).
 */
export function concreteLogDensity(z: tf.Tensor2D, logAlpha: tf.Tensor2D, tau: number): tf.Tensor1D {
  const n = z.shape[1]!;
  let logFactorial = 0;
  for (let k = 2; k < n; k++) logFactorial += Math.log(k);
  return tf.tidy(() => {
    // At low temperatures a sample's small entries underflow to 0 in float32; floor them at
    // the smallest normal float so that log Z (and the density) stays finite.
    const logZ = tf.log(tf.maximum(z, FLOAT32_MIN_NORMAL));
    const mix = tf.logSumExp(tf.sub(logAlpha, tf.mul(logZ, tau)), 1);
    return tf.addN([
      tf.fill([z.shape[0]], logFactorial + (n - 1) * Math.log(tau)),
      tf.sum(logAlpha, 1),
      tf.mul(tf.sum(logZ, 1), -(tau + 1)),
      tf.mul(mix, -n),
    ]) as tf.Tensor1D;
  });
}
