// UNAS' gradient estimators for the architecture distribution (Vahdat et al. 2020;
// METHODS-FACTS, "UNAS"): each edge's op is a categorical with probabilities softmax(alpha); a
// loss f of the op weights (one [edges, ops] matrix per cell type) is to be minimised in
// expectation. Each estimator is written as a surrogate scalar whose gradient with respect to
// alpha is the estimate (call it inside a gradient tape over alpha):
//   pathwise:  f(softmax(z / tau)), z = log_softmax(alpha) + G: the relaxed (SNAS) gradient, of
//              E f(relaxed sample), not of the discrete expectation;
//   reinforce: (f(b) - baseline) log p(b), b = argmax z the discrete sample;
//   rebar:     (f(b) - eta f(s(z~)) - baseline) log p(b) + eta f(s(z)) - eta f(s(z~)),
//              s = softmax(. / tau), z~ drawn from z's distribution given b (conditional
//              Gumbels, the same uniforms), the first f(s(z~)) held constant (Tucker et al. 2017).
// REINFORCE and REBAR are unbiased for the gradient of E f(b) whatever their baselines (a
// constant times the score function, whose mean is 0); each method's baseline is a moving
// average of its own learning signal, f(b) or f(b) - eta f(s(z~)) (UnasSearch). f(b) is
// computed on the discrete sample, one op per edge.
import * as tf from '@tensorflow/tfjs';
import type { ActiveOps } from '../space/search-cell.js';
import { stopGradient } from './cost-term.js';
import { activeOf, oneHotOf, relaxedAt, type Draw } from './hard-gumbel.js';

/** A loss of op weights per cell type; `active`, when given, the ops to compute (a discrete sample's). */
export type WeightsLoss = (w: tf.Tensor2D[], active?: ActiveOps[]) => tf.Scalar;

/** f at the discrete sample b, each edge computing its sampled op only (no gradient wanted). */
export function discreteLoss(f: WeightsLoss, d: Draw, ops: number): tf.Scalar {
  return tf.tidy(() => f(d.index.map((ix) => oneHotOf(ix, ops)), d.index.map(activeOf)));
}

/** log p(b): sum over rows of log_softmax(alpha) at the sampled index. */
export function logProbOf(alphas: tf.Tensor2D[], d: Draw): tf.Scalar {
  return tf.addN(alphas.map((a, i) => tf.sum(tf.mul(tf.logSoftmax(a), oneHotOf(d.index[i]!, a.shape[1]))))) as tf.Scalar;
}

/**
 * z~ ~ p(z | argmax z = b), by the same uniforms v, differentiable in alpha (theta = log p):
 * z~_b = -log(-log v_b), z~_i = -log(-log v_i / p_i - log v_b) elsewhere.
 */
export function conditionalGumbel(a: tf.Tensor2D, v: tf.Tensor2D, index: readonly number[]): tf.Tensor2D {
  const hot = oneHotOf(index, a.shape[1]);
  const logVb = tf.sum(tf.mul(tf.log(v), hot), 1, true);
  const top = tf.neg(tf.log(tf.neg(logVb)));
  const others = tf.neg(tf.log(tf.sub(tf.mul(tf.neg(tf.log(v)), tf.exp(tf.neg(tf.logSoftmax(a)))), logVb)));
  return tf.add(tf.mul(hot, top), tf.mul(tf.sub(1, hot), others)) as tf.Tensor2D;
}

const relax = (z: tf.Tensor2D, tau: number) => tf.softmax(tf.div(z, tau)) as tf.Tensor2D;

export function pathwiseSurrogate(alphas: tf.Tensor2D[], d: Draw, f: WeightsLoss, tau: number): tf.Scalar {
  return f(alphas.map((a, i) => relaxedAt(a, d.u[i]!, tau)));
}

export function reinforceSurrogate(alphas: tf.Tensor2D[], d: Draw, fb: number, baseline: number): tf.Scalar {
  return tf.mul(logProbOf(alphas, d), fb - baseline) as tf.Scalar;
}

/** REBAR's surrogate, and its learning signal f(b) - eta f(s(z~)) (for the caller's baseline; keep it to read it). */
export function rebarSurrogate(alphas: tf.Tensor2D[], d: Draw, fb: number, f: WeightsLoss, tau: number, eta: number, baseline = 0): { surrogate: tf.Scalar; signal: tf.Scalar } {
  const fz = f(alphas.map((a, i) => relaxedAt(a, d.u[i]!, tau)));
  const fzt = f(alphas.map((a, i) => relax(conditionalGumbel(a, d.v[i]!, d.index[i]!), tau)));
  const signal = tf.sub(fb, tf.mul(stopGradient(fzt), eta)) as tf.Scalar;
  const surrogate = tf.addN([tf.mul(tf.sub(signal, baseline), logProbOf(alphas, d)), tf.mul(fz, eta), tf.mul(fzt, -eta)]) as tf.Scalar;
  return { surrogate, signal };
}
