// The search gradient of SNAS on one cell, by hand and by autodiff (paper Sec. 2.2-2.3,
// App. C-E). With Z_ij = softmax((log alpha_ij + G_ij) / tau) and a node's state
// x_j = sum_i sum_k Z_ij^k O_k(x_i):
//   dL/dZ_ij^k      = <dL/dx_j, O_k(x_i)>                                     (Eq. 6)
//   dL/dlogalpha_ij^l = (1/tau) Z_ij^l (dL/dZ_ij^l - sum_k Z_ij^k dL/dZ_ij^k)  (App. C)
// Read as a policy gradient (App. D), c_ij^k = Z_ij^k dL/dZ_ij^k is the credit op k of edge
// (i, j) receives, and the gradient is (1/tau)(c^l - Z^l sum_k c^k): each op's credit against
// the edge's total as baseline. App. E: c^k is the first-order Taylor term of the loss change
// when op k is taken off its edge. A CellProbe is a small real search cell with a fixed linear
// read-out and labels on which all of these are computed and compared.
import * as tf from '@tensorflow/tfjs';
import { globalAvgPool } from '../nn/layers.js';
import { Init, type Ctx } from '../nn/module.js';
import { softmaxCrossEntropy } from '../ops/index.js';
import { concreteSample, gumbelNoise } from '../samplers/concrete.js';
import { EDGE_LIST, EDGES, PRIMITIVES, STEPS } from '../space/primitives.js';
import { SearchCell, edgeWeights } from '../space/search-cell.js';

export interface ProbeOptions {
  channels?: number;
  size?: number;
  batch?: number;
  classes?: number;
  seed?: number;
}

export type Matrix = number[][];

const CTX: Ctx = { training: true };

export class CellProbe {
  readonly cell: SearchCell;
  private readonly s0: tf.Tensor4D;
  private readonly s1: tf.Tensor4D;
  private readonly readout: tf.Tensor2D;
  private readonly labels: tf.Tensor1D;

  constructor(opts: ProbeOptions = {}) {
    const { channels: c = 4, size = 8, batch = 4, classes = 5, seed = 0 } = opts;
    this.cell = new SearchCell(c, c, c, false, false, new Init(seed));
    this.s0 = tf.randomNormal([batch, size, size, c], 0, 1, 'float32', seed + 1) as tf.Tensor4D;
    this.s1 = tf.randomNormal([batch, size, size, c], 0, 1, 'float32', seed + 2) as tf.Tensor4D;
    this.readout = tf.randomNormal([STEPS * c, classes], 0, 1, 'float32', seed + 3) as tf.Tensor2D;
    this.labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32');
  }

  /** The cell's loss under op weights z [14, 8]; `atNode` as in SearchCell.nodeStates. */
  loss(z: tf.Tensor2D, atNode?: (node: number, x: tf.Tensor4D) => tf.Tensor4D): tf.Scalar {
    const states = this.cell.nodeStates(this.s0, this.s1, edgeWeights(z), CTX, atNode);
    const pooled = globalAvgPool(tf.concat(states.slice(2), 3) as tf.Tensor4D, CTX);
    return softmaxCrossEntropy(tf.matMul(pooled, this.readout), this.labels);
  }

  lossValue(z: Matrix): number {
    return tf.tidy(() => this.loss(tf.tensor2d(z)).dataSync()[0]!);
  }

  /** dL/dZ by autodiff. */
  gradZ(z: Matrix): Matrix {
    return tf.tidy(() => tf.grad((t: tf.Tensor) => this.loss(t as tf.Tensor2D))(tf.tensor2d(z)).arraySync() as Matrix);
  }

  /** dL/dZ_ij^k = <dL/dx_j, O_k(x_i)>, from the node gradients and every op's output (Eq. 6). */
  gradZByHand(z: Matrix): Matrix {
    return tf.tidy(() => {
      const zt = tf.tensor2d(z);
      const rows = edgeWeights(zt);
      const states = this.cell.nodeStates(this.s0, this.s1, rows, CTX);
      // dL/dx_j: the gradient with respect to a zero added to node j's state.
      const zeros = states.slice(2).map((s) => tf.zerosLike(s));
      const dx = tf.grads((...eps: tf.Tensor[]) => this.loss(zt, (node, x) => tf.add(x, eps[node - 2]!) as tf.Tensor4D))(zeros);
      return EDGE_LIST.map((e, edge) => PRIMITIVES.map((p, k) => {
        if (p === 'none') return 0;
        const out = this.cell.edges[edge]!.ops[k]!.forward(states[e.input]!, CTX);
        return tf.sum(tf.mul(dx[e.node - 2]!, out)).dataSync()[0]!;
      }));
    });
  }

  dispose(): void {
    this.cell.dispose();
    tf.dispose([this.s0, this.s1, this.readout, this.labels]);
  }
}

/** A concrete sample Z and its noise G (for the chain rule through the softmax). */
export function sampleWithNoise(logAlpha: Matrix, tau: number, seed: number): { z: Matrix; g: Matrix } {
  return tf.tidy(() => ({
    z: concreteSample(tf.tensor2d(logAlpha), tau, seed).arraySync() as Matrix,
    g: gumbelNoise([logAlpha.length, logAlpha[0]!.length], seed).arraySync() as Matrix,
  }));
}

/** dL/dlog alpha by autodiff through Z = softmax((log alpha + G) / tau), G fixed. */
export function gradLogAlpha(probe: CellProbe, logAlpha: Matrix, g: Matrix, tau: number): Matrix {
  return tf.tidy(() => {
    const gt = tf.tensor2d(g);
    const f = (la: tf.Tensor) => probe.loss(tf.softmax(tf.div(tf.add(la, gt), tau)) as tf.Tensor2D);
    return tf.grad(f)(tf.tensor2d(logAlpha)).arraySync() as Matrix;
  });
}

/** App. C's closed form: (1/tau) Z^l (dL/dZ^l - sum_k Z^k dL/dZ^k), edge by edge. */
export function gradLogAlphaByHand(z: Matrix, dz: Matrix, tau: number): Matrix {
  return z.map((row, i) => {
    const mean = row.reduce((s, zk, k) => s + zk * dz[i]![k]!, 0);
    return row.map((zl, l) => (zl * (dz[i]![l]! - mean)) / tau);
  });
}

/** c_ij^k = Z_ij^k dL/dZ_ij^k: the credit of each op (App. D), the first-order term of App. E. */
export function credits(z: Matrix, dz: Matrix): Matrix {
  return z.map((row, i) => row.map((zk, k) => zk * dz[i]![k]!));
}

/** App. D's reading of the same gradient: (1/tau)(c^l - Z^l sum_k c^k), the credit against the edge's total. */
export function gradFromCredits(z: Matrix, c: Matrix, tau: number): Matrix {
  return z.map((row, i) => {
    const total = c[i]!.reduce((s, v) => s + v, 0);
    return row.map((zl, l) => (c[i]![l]! - zl * total) / tau);
  });
}

/** L(Z) - L(Z with Z_ij^k set to 0): the exact loss change when op k leaves edge (i, j). */
export function removalEffects(probe: CellProbe, z: Matrix): Matrix {
  const base = probe.lossValue(z);
  return z.map((row, i) => row.map((zk, k) => {
    if (zk === 0) return 0;
    const off = z.map((r) => [...r]);
    off[i]![k] = 0;
    return base - probe.lossValue(off);
  }));
}

/** Per edge, the share of |credit| held by the op with the largest weight in Z. */
export function creditConcentration(z: Matrix, c: Matrix): number[] {
  return z.map((row, i) => {
    const top = row.indexOf(Math.max(...row));
    const total = c[i]!.reduce((s, v) => s + Math.abs(v), 0);
    return total > 0 ? Math.abs(c[i]![top]!) / total : 1;
  });
}

/** Largest |a - b| over the entries, divided by the largest |b| (1e-12 at least). */
export function relativeError(a: Matrix, b: Matrix): number {
  let err = 0;
  let scale = 1e-12;
  b.forEach((row, i) => row.forEach((v, k) => {
    err = Math.max(err, Math.abs(a[i]![k]! - v));
    scale = Math.max(scale, Math.abs(v));
  }));
  return err / scale;
}

/** log alpha of a cell drawn from N(mean, std) as the search initialises it. */
export function initialLogAlpha(seed: number, mean = 1, std = 0.01): Matrix {
  return tf.tidy(() => tf.randomNormal([EDGES, PRIMITIVES.length], mean, std, 'float32', seed).arraySync() as Matrix);
}
