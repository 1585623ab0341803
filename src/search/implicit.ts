// iDARTS' architecture gradient (Zhang et al. 2021; METHODS-FACTS, "iDARTS"), for any model: the
// hypergradient of the implicit function theorem at the current weights w,
//   dL_val/dalpha - (d2 L_train / dalpha dw) v,   v = H^-1 dL_val/dw,  H = d2 L_train / dw2,
// with H^-1 approximated by the Neumann series eta * sum_{k=0..K} (I - eta H)^k. Every
// second-order product is a finite difference of first-order gradients, as DARTS' second order
// takes its own (unrolled.ts): H u = (dL_train/dw(w + eps u) - dL_train/dw(w - eps u)) / 2 eps,
// and the mixed term the same with dL_train/dalpha, eps = 0.01 / ||u||. A step costs 2K + 3
// forward-backward passes. The weights are put back afterwards.
import * as tf from '@tensorflow/tfjs';

export interface ImplicitProblem {
  weights: tf.Variable[];
  alphas: tf.Variable[];
  trainLoss: () => tf.Scalar;
  valLoss: () => tf.Scalar;
}

export interface NeumannSeries {
  /** K: the terms beyond the first (Hessian-vector products). */
  terms: number;
  /** eta: the series' step. */
  lr: number;
}

/** The finite-difference step for a direction u: 0.01 / ||u|| (DARTS' rule). */
function stepFor(u: tf.Tensor[]): tf.Scalar {
  return tf.div(0.01, tf.sqrt(tf.addN(u.map((t) => tf.sum(tf.square(t)))))) as tf.Scalar;
}

export function implicitAlphaGrads(p: ImplicitProblem, series: NeumannSeries): Record<string, tf.Tensor> {
  const saved = p.weights.map((w) => tf.keep(w.clone()));
  const at = (u: tf.Tensor[], eps: tf.Scalar, sign: 1 | -1) => p.weights.forEach((w, i) => w.assign(tf.add(saved[i]!, tf.mul(u[i]!, tf.mul(eps, sign)))));
  /** (grad of L_train w.r.t. `vars` at w + eps u) minus the same at w - eps u, over 2 eps. */
  const centred = (u: tf.Tensor[], vars: tf.Variable[]) => {
    const eps = stepFor(u);
    at(u, eps, 1);
    const plus = tf.variableGrads(p.trainLoss, vars).grads;
    at(u, eps, -1);
    const minus = tf.variableGrads(p.trainLoss, vars).grads;
    p.weights.forEach((w, i) => w.assign(saved[i]!));
    return vars.map((v) => tf.div(tf.sub(plus[v.name]!, minus[v.name]!), tf.mul(eps, 2)));
  };
  try {
    return tf.tidy(() => {
      const atW = tf.variableGrads(p.valLoss, [...p.weights, ...p.alphas]).grads;
      // v = eta * sum_{k=0..K} (I - eta H)^k g, g = dL_val/dw: term_{k+1} = term_k - eta H term_k.
      let term = p.weights.map((w) => atW[w.name]!);
      let sum = term;
      for (let k = 0; k < series.terms; k++) {
        const hu = centred(term, p.weights);
        term = term.map((t, i) => tf.sub(t, tf.mul(hu[i]!, series.lr)));
        sum = sum.map((s, i) => tf.add(s, term[i]!));
      }
      const v = sum.map((s) => tf.mul(s, series.lr));
      const mixed = centred(v, p.alphas);
      const out: Record<string, tf.Tensor> = {};
      p.alphas.forEach((a, i) => { out[a.name] = tf.sub(atW[a.name]!, mixed[i]!); });
      return out;
    });
  } finally {
    p.weights.forEach((w, i) => w.assign(saved[i]!));
    tf.dispose(saved);
  }
}
