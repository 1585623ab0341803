// Spatial layout helpers for NHWC tensors: explicit (PyTorch-style, symmetric) padding,
// zero-insertion and subsampling. Every op in this folder pads explicitly and then runs a
// 'valid' kernel, so stride-2 outputs line up with PyTorch's (padding=k//2) rather than with
// TensorFlow's 'same' (which pads only at the bottom/right on even sizes).
import * as tf from '@tensorflow/tfjs';

/** Pads height and width by `p` on every side with `value`. */
export function padSpatial(x: tf.Tensor4D, p: number, value = 0): tf.Tensor4D {
  if (p === 0) return x;
  return tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], value);
}

/** Removes `p` rows/columns of padding from every side. */
export function cropSpatial(x: tf.Tensor4D, p: number): tf.Tensor4D {
  if (p === 0) return x;
  const [b, h, w, c] = x.shape;
  return tf.slice(x, [0, p, p, 0], [b, h - 2 * p, w - 2 * p, c]);
}

/** Output length of a 'valid' window of size `k`, dilation `d`, stride `s` over `n` inputs. */
export function validLength(n: number, k: number, s: number, d = 1): number {
  const span = d * (k - 1) + 1;
  if (n < span) throw new Error(`window of span ${span} does not fit in ${n} inputs`);
  return Math.floor((n - span) / s) + 1;
}

/**
 * Every `s`-th row and column starting at (r0, c0), `rows` x `cols` of them:
 * out[b, i, j, c] = x[b, r0 + s*i, c0 + s*j, c]. Not differentiable; used inside custom
 * gradients. Written as a contiguous slice and a reshape that keeps every s-th element (wasm's
 * StridedSlice kernel, and its Slice at rank 6, are an order of magnitude slower).
 */
export function sampleGrid(
  x: tf.Tensor4D, r0: number, c0: number, rows: number, cols: number, s: number,
): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  if (s === 1) return tf.slice(x, [0, r0, c0, 0], [b, rows, cols, c]);
  const needH = s * rows;
  const needW = s * cols;
  const availH = Math.min(needH, h - r0);
  const availW = Math.min(needW, w - c0);
  let region = tf.slice(x, [0, r0, c0, 0], [b, availH, availW, c]);
  if (availH < needH || availW < needW) region = tf.pad(region, [[0, 0], [0, needH - availH], [0, needW - availW], [0, 0]]);
  // Keep every s-th row, then every s-th column, each a rank-3 slice (fast on wasm; rank 6 is not).
  const byRow = tf.slice(region.reshape([b * rows, s, needW * c]), [0, 0, 0], [b * rows, 1, needW * c]);
  const byCol = tf.slice(byRow.reshape([b * rows * cols, s, c]), [0, 0, 0], [b * rows * cols, 1, c]);
  return byCol.reshape([b, rows, cols, c]);
}

/**
 * Zero-insertion, the transpose of subsampling by `s`: out[b, s*i, s*j, c] = x[b, i, j, c],
 * zeros elsewhere; the result has s*(H-1)+1 rows and s*(W-1)+1 columns.
 */
export function zeroInsert(x: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return x;
  const [b, h, w, c] = x.shape;
  const spread = tf.pad(x.reshape([b, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, s - 1], [0, 0], [0, s - 1], [0, 0]]);
  const dense = spread.reshape([b, h * s, w * s, c]) as tf.Tensor4D;
  return tf.slice(dense, [0, 0, 0, 0], [b, s * (h - 1) + 1, s * (w - 1) + 1, c]);
}

/** Pads a gradient computed for the leading rows/cols of an input back to the input's size. */
export function padTo(x: tf.Tensor4D, h: number, w: number): tf.Tensor4D {
  const [, xh, xw] = x.shape;
  if (xh === h && xw === w) return x;
  return tf.pad(x, [[0, 0], [0, h - xh], [0, w - xw], [0, 0]]);
}
