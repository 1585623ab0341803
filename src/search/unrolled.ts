// DARTS' second-order architecture gradient (Liu et al. 2019, Sec. 2.3), for any model: with
// w' = w - xi * (m * buf + dL_train/dw + decay * w) the weights after one SGD step,
//   dL_val(w', alpha)/dalpha - xi * (dL_train(w+)/dalpha - dL_train(w-)/dalpha) / (2 eps),
// where w+/- = w +/- eps * dL_val/dw' and eps = 0.01 / ||dL_val/dw'|| (the finite-difference
// Hessian-vector product). The weights are put back afterwards.
import * as tf from '@tensorflow/tfjs';

export interface UnrolledProblem {
  weights: tf.Variable[];
  alphas: tf.Variable[];
  trainLoss: () => tf.Scalar;
  valLoss: () => tf.Scalar;
  /** The momentum term of the weight optimiser for w (momentum times its buffer). */
  moment: (w: tf.Variable) => tf.Tensor;
  decay: number;
}

export function unrolledAlphaGrads(p: UnrolledProblem, xi: number): Record<string, tf.Tensor> {
  const saved = p.weights.map((w) => tf.keep(w.clone()));
  try {
    return tf.tidy(() => {
      const g = tf.variableGrads(p.trainLoss, p.weights).grads;
      p.weights.forEach((w) => w.assign(tf.sub(w, tf.mul(tf.add(tf.add(p.moment(w), g[w.name]!), tf.mul(w, p.decay)), xi))));
      const atUnrolled = tf.variableGrads(p.valLoss, [...p.weights, ...p.alphas]).grads;
      const v = p.weights.map((w) => atUnrolled[w.name]!);
      const eps = tf.div(0.01, tf.sqrt(tf.addN(v.map((t) => tf.sum(tf.square(t))))));
      const alphaGradAt = (sign: 1 | -1) => {
        p.weights.forEach((w, i) => w.assign(tf.add(saved[i]!, tf.mul(v[i]!, tf.mul(eps, sign)))));
        return tf.variableGrads(p.trainLoss, p.alphas).grads;
      };
      const plus = alphaGradAt(1);
      const minus = alphaGradAt(-1);
      const out: Record<string, tf.Tensor> = {};
      for (const a of p.alphas) {
        const implicit = tf.div(tf.sub(plus[a.name]!, minus[a.name]!), tf.mul(eps, 2));
        out[a.name] = tf.sub(atUnrolled[a.name]!, tf.mul(implicit, xi));
      }
      return out;
    });
  } finally {
    p.weights.forEach((w, i) => w.assign(saved[i]!));
    tf.dispose(saved);
  }
}
