// Activation and the weighted sum of a mixed edge, fused where the backend allows.
import * as tf from '@tensorflow/tfjs';
import { fusedRelu, fusedWeightedSum, hasFusedKernels } from './fused.js';

export function relu<T extends tf.Tensor>(x: T): T {
  return hasFusedKernels() ? fusedRelu(x) : tf.relu(x);
}

/** sum_k w[k] * xs[k], w a vector with one weight per map. */
export function weightedSum(xs: tf.Tensor4D[], w: tf.Tensor1D): tf.Tensor4D {
  if (w.shape[0] !== xs.length) throw new Error(`weightedSum: ${xs.length} maps but ${w.shape[0]} weights`);
  if (hasFusedKernels()) return fusedWeightedSum(xs, w);
  const ws = tf.unstack(w);
  return tf.addN(xs.map((x, k) => tf.mul(ws[k]!, x) as tf.Tensor4D));
}
