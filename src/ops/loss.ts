// Softmax cross-entropy from integer class labels, and the count of correct predictions.
import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom.js';

/**
 * Mean over the batch of -log softmax(logits)[label]. tfjs has no sparse variant; the
 * gradient is the closed form (softmax(logits) - onehot(label)) / batch.
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const [batch, classes] = logits.shape;
  if (labels.shape[0] !== batch) {
    throw new Error(`softmaxCrossEntropy: ${batch} logits rows but ${labels.shape[0]} labels`);
  }
  if (labels.dtype !== 'int32') throw new Error(`softmaxCrossEntropy: labels must be int32, got ${labels.dtype}`);
  return withGradient<tf.Scalar>([logits], ([z], save) => {
    // Tensors the backward pass needs go through save(): tfjs disposes everything else
    // created in the forward pass before the backward pass runs.
    const onehot = tf.oneHot(labels, classes).cast('float32');
    const logProbs = tf.logSoftmax(z as tf.Tensor2D);
    save([logProbs, onehot]);
    const value = tf.neg(tf.mean(tf.sum(tf.mul(logProbs, onehot), 1))) as tf.Scalar;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor =>
      tf.mul(tf.sub(tf.exp(saved[0]!), saved[1]!), tf.div(dy, batch));
    return { value, gradFunc };
  });
}

/** How many rows' largest logit is at their label (float32 scalar; no gradient needed). */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
}
