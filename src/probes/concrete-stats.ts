// Numerical facts about the concrete distribution that tests and notebook 02 check: argmax
// frequencies against softmax(log alpha), the density's mass over the simplex, and how close
// samples come to one-hot as the temperature falls.
import * as tf from '@tensorflow/tfjs';
import { concreteLogDensity, concreteSample } from '../samplers/concrete.js';

/** `n` copies of one row, as a [n, ops] tensor. */
function repeatRow(row: number[], n: number): tf.Tensor2D {
  return tf.tile(tf.tensor2d([row]), [n, 1]) as tf.Tensor2D;
}

/** Frequencies of each argmax over `n` samples of one row of log alpha at temperature tau. */
export function argmaxFrequencies(logAlpha: number[], tau: number, n: number, seed: number): number[] {
  return tf.tidy(() => {
    const picks = tf.argMax(concreteSample(repeatRow(logAlpha, n), tau, seed), 1);
    const counts = tf.sum(tf.oneHot(picks, logAlpha.length), 0).dataSync();
    return Array.from(counts, (c) => c / n);
  });
}

/** Mean over `n` samples of the largest entry of Z (1 for one-hot samples). */
export function meanLargestEntry(logAlpha: number[], tau: number, n: number, seed: number): number {
  return tf.tidy(() => {
    return tf.mean(tf.max(concreteSample(repeatRow(logAlpha, n), tau, seed), 1)).dataSync()[0]!;
  });
}

/**
 * The integral of exp(log p(Z)) over the simplex by the midpoint rule, for 2 or 3 ops
 * (`steps` cells per axis): 1 when the density is normalised.
 */
export function densityMass(logAlpha: number[], tau: number, steps: number): number {
  if (logAlpha.length !== 2 && logAlpha.length !== 3) throw new Error(`densityMass: 2 or 3 ops, got ${logAlpha.length}`);
  const h = 1 / steps;
  const pts: number[][] = [];
  if (logAlpha.length === 2) {
    for (let i = 0; i < steps; i++) pts.push([(i + 0.5) * h, 1 - (i + 0.5) * h]);
  } else {
    for (let i = 0; i < steps; i++) for (let j = 0; i + j < steps - 1; j++) {
      const [z1, z2] = [(i + 0.5) * h, (j + 0.5) * h];
      pts.push([z1, z2, 1 - z1 - z2]);
    }
  }
  const area = logAlpha.length === 2 ? h : h * h;
  return tf.tidy(() => {
    return tf.sum(tf.exp(concreteLogDensity(tf.tensor2d(pts), repeatRow(logAlpha, pts.length), tau))).dataSync()[0]! * area;
  });
}

/** p(Z) along the 2-op simplex Z = (z, 1 - z) at the given points. */
export function densityOnSegment(logAlpha: [number, number], tau: number, zs: number[]): number[] {
  return tf.tidy(() => {
    return Array.from(tf.exp(concreteLogDensity(tf.tensor2d(zs.map((z) => [z, 1 - z])), repeatRow(logAlpha, zs.length), tau)).dataSync());
  });
}
