// Discrete samples of the per-edge categorical softmax(alpha) by the Gumbel-max trick, for the
// methods that compute one op per edge (GDAS; UNAS' REINFORCE and REBAR): the index per edge is
// read back to choose the op to compute; the uniforms behind the sample are kept, so that GDAS'
// straight-through weights and UNAS' relaxations are functions of alpha at the same noise.
import * as tf from '@tensorflow/tfjs';
import type { ActiveOps } from '../space/search-cell.js';
import { stopGradient } from './cost-term.js';

/** The noise of one draw per matrix: uniforms u (the sample's Gumbels), v (REBAR's conditional ones, when asked for), and the sample b. */
export interface Draw {
  u: tf.Tensor2D[];
  v: tf.Tensor2D[];
  index: number[][];
}

/** G = -log(-log u). */
export const gumbelOf = (u: tf.Tensor) => tf.neg(tf.log(tf.neg(tf.log(u))));

/** Draws u (and v when `conditional`) per matrix from a seed and reads back b = argmax(log_softmax(alpha) + G(u)) per row. */
export async function draw(alphas: tf.Tensor2D[], seed: number, conditional = false): Promise<Draw> {
  const uniform = (shape: [number, number], s: number) => tf.randomUniform(shape, 1e-10, 1 - 1e-7, 'float32', s) as tf.Tensor2D;
  const u = alphas.map((a, i) => uniform(a.shape, seed + 2 * i));
  const v = conditional ? alphas.map((a, i) => uniform(a.shape, seed + 2 * i + 1)) : [];
  const index: number[][] = [];
  for (const [i, a] of alphas.entries()) {
    const arg = tf.tidy(() => tf.argMax(tf.add(tf.logSoftmax(a), gumbelOf(u[i]!)), 1));
    index.push(Array.from(await arg.data()));
    arg.dispose();
  }
  return { u, v, index };
}

export function disposeDraw(d: Draw): void {
  tf.dispose([...d.u, ...d.v]);
}

/** One op per edge: the sample's index (the others are not computed). */
export function activeOf(index: readonly number[]): ActiveOps {
  return index.map((k) => [k]);
}

/** The sample's one-hot rows [edges, ops] (no gradient). */
export function oneHotOf(index: readonly number[], ops: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d([...index], 'int32'), ops).toFloat() as tf.Tensor2D);
}

/** p = softmax((log_softmax(alpha) + G(u)) / tau): the relaxed sample at the draw's noise, differentiable in alpha. */
export function relaxedAt(logAlpha: tf.Tensor2D, u: tf.Tensor2D, tau: number): tf.Tensor2D {
  return tf.softmax(tf.div(tf.add(tf.logSoftmax(logAlpha), gumbelOf(u)), tau)) as tf.Tensor2D;
}

/**
 * GDAS' straight-through weights: one_hot(index) - sg(p) + p with p = relaxedAt(alpha, u, tau):
 * the forward value is the one-hot sample, the gradient that of p.
 */
export function straightThroughWeights(logAlpha: tf.Tensor2D, u: tf.Tensor2D, index: readonly number[], tau: number): tf.Tensor2D {
  const p = relaxedAt(logAlpha, u, tau);
  return tf.add(oneHotOf(index, logAlpha.shape[1]), tf.sub(p, stopGradient(p))) as tf.Tensor2D;
}
