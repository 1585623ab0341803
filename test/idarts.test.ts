// iDARTS' hypergradient (src/search/implicit.ts) on a quadratic inner problem whose exact
// hypergradient is known in closed form: L_train(w, a) = 1/2 w'Aw - w'Ba, L_val(w, a) =
// 1/2 ||w - c||^2 + d'a, at the inner solution w* = A^-1 B a, where the implicit function
// theorem gives dL_val/da = d + B' A^-1 (w* - c). The Neumann series' error falls as its terms
// grow, and a search with darts.order implicit runs end to end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { implicitAlphaGrads } from '../src/search/implicit.js';
import { rng } from '../src/util/rng.js';

const N = 6;
const M = 3;

/** A = Q diag(eig) Q' with Q a Householder reflection, so that A^-1 = Q diag(1/eig) Q'. */
function quadratic(eig: number[], seed: number) {
  const next = rng(seed);
  const v = Array.from({ length: N }, () => next() - 0.5);
  const vv = v.reduce((s, x) => s + x * x, 0);
  const q = v.map((vi, i) => v.map((vj, j) => (i === j ? 1 : 0) - (2 * vi * vj) / vv));
  const withDiag = (d: number[]) => q.map((_, i) => q.map((__, j) => q[i]!.reduce((s, qik, k) => s + qik * d[k]! * q[j]![k]!, 0)));
  return { a: withDiag(eig), inv: withDiag(eig.map((e) => 1 / e)), b: Array.from({ length: N }, () => Array.from({ length: M }, () => next() - 0.5)),
    c: Array.from({ length: N }, () => next() - 0.5), d: Array.from({ length: M }, () => next() - 0.5), alpha: Array.from({ length: M }, () => next() - 0.5) };
}

const mv = (m: number[][], x: number[]) => m.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
const mtv = (m: number[][], x: number[]) => m[0]!.map((_, j) => m.reduce((s, row, i) => s + row[j]! * x[i]!, 0));

test('the Neumann-series hypergradient converges to the exact one of a quadratic inner problem as its terms grow', async () => {
  await selectBackend();
  const p = quadratic([0.3, 0.4, 0.55, 0.7, 0.85, 1.0], 3);
  const wStar = mv(p.inv, mv(p.b, p.alpha));
  const exact = p.d.map((di, j) => di + mtv(p.b, mv(p.inv, wStar.map((w, i) => w - p.c[i]!)))[j]!);
  const w = tf.variable(tf.tensor2d(wStar, [N, 1]), true, 'w');
  const a = tf.variable(tf.tensor2d(p.alpha, [M, 1]), true, 'a');
  const [A, B, c, d] = [tf.tensor2d(p.a), tf.tensor2d(p.b), tf.tensor2d(p.c, [N, 1]), tf.tensor2d(p.d, [M, 1])];
  const problem = {
    weights: [w], alphas: [a],
    trainLoss: () => tf.sub(tf.mul(0.5, tf.sum(tf.mul(w, tf.matMul(A, w)))), tf.sum(tf.mul(w, tf.matMul(B, a)))) as tf.Scalar,
    valLoss: () => tf.add(tf.mul(0.5, tf.sum(tf.square(tf.sub(w, c)))), tf.sum(tf.mul(d, a))) as tf.Scalar,
  };
  try {
    const errors: number[] = [];
    for (const terms of [0, 1, 2, 4, 8, 24]) {
      const g = implicitAlphaGrads(problem, { terms, lr: 1 });
      const got = Array.from(g[a.name]!.dataSync());
      tf.dispose(Object.values(g));
      errors.push(Math.sqrt(got.reduce((s, v, j) => s + (v - exact[j]!) ** 2, 0)));
      assert.deepEqual(Array.from(w.dataSync()).map((v) => Math.fround(v)), wStar.map((v) => Math.fround(v)), 'the weights are put back');
    }
    const scale = Math.sqrt(exact.reduce((s, v) => s + v * v, 0));
    for (let i = 1; i < errors.length; i++) assert.ok(errors[i]! < errors[i - 1]!, `errors by terms ${errors.map((e) => e.toExponential(2)).join(', ')} do not fall`);
    assert.ok(errors[0]! > 0.05 * scale, `one term already exact (${errors[0]}): the check has no teeth`);
    assert.ok(errors[errors.length - 1]! < 1e-3 * scale, `24 terms leave an error of ${errors[errors.length - 1]} against ${scale}`);
    // The series' contraction is (1 - eta * smallest eigenvalue) = 0.7 per term: the error follows it.
    assert.ok(errors[4]! / errors[3]! < 0.7 ** 4 * 1.5, `error ratio over four terms ${errors[4]! / errors[3]!}`);
  } finally {
    tf.dispose([w, a, A, B, c, d]);
  }
});
