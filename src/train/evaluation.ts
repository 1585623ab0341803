// The pieces of the evaluation training (SNAS-FACTS, "Evaluation settings"; DARTS' and SNAS'
// released train.py): drop-path ramped linearly over the epochs, and the loss with the
// auxiliary head's cross-entropy added at its weight.
import * as tf from '@tensorflow/tfjs';
import type { Output } from '../networks/derived.js';
import { softmaxCrossEntropy } from '../ops/index.js';

/** The drop-path probability during epoch `epoch` (0-based): final * epoch / epochs, as the released code sets it. */
export function dropPathAt(epoch: number, epochs: number, final: number): number {
  return (final * epoch) / epochs;
}

/** Cross-entropy of the logits plus `auxWeight` times that of the auxiliary logits (when the head produced them). */
export function evaluationLoss(out: Output, labels: tf.Tensor1D, auxWeight: number): tf.Scalar {
  const main = softmaxCrossEntropy(out.logits, labels);
  if (!out.aux || auxWeight === 0) return main;
  return tf.add(main, tf.mul(softmaxCrossEntropy(out.aux, labels), auxWeight)) as tf.Scalar;
}
