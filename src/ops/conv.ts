// Convolutions with gradients that are right on every tfjs backend.
// tfjs has no gradient for dilated depthwise convolution, and wasm has no kernels for
// Conv2DBackpropFilter or either depthwise backprop, so the backward passes here are written
// with forward kernels (convolutions, slices, matmuls) that every backend has.
import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom.js';
import { fusedConv, hasFusedKernels } from './fused.js';
import { cropSpatial, padSpatial, padTo, sampleGrid, validLength, zeroInsert } from './layout.js';

export interface ConvOptions {
  /** Stride in both spatial dimensions (default 1). */
  stride?: number;
  /** Symmetric zero padding on every side (default 0). */
  pad?: number;
}

export interface DepthwiseOptions extends ConvOptions {
  /** Dilation in both spatial dimensions (default 1). */
  dilation?: number;
}

function checkStride(s: number, what: string): void {
  if (!Number.isInteger(s) || s < 1) throw new Error(`${what}: stride must be a positive integer, got ${s}`);
}

/**
 * Weight gradient of a correlation: dW[i, j] = sum over (b, oy, ox) of
 * xpad[b, s*oy + d*i, s*ox + d*j] (outer) dy[b, oy, ox], one matmul (or product) per tap.
 */
function tapGradients(
  xpad: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number, d: number,
  tap: (xs: tf.Tensor4D) => tf.Tensor,
): tf.Tensor[] {
  const [, ho, wo] = dy.shape;
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) taps.push(tap(sampleGrid(xpad, d * i, d * j, ho, wo, s)));
  }
  return taps;
}

/**
 * Dense 2-D convolution, NHWC input and HWIO filter [k, k, Cin, Cout], no bias.
 * Used for the stems, the auxiliary head and FactorizedReduce's strided 1x1 convolutions.
 */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, opts: ConvOptions = {}): tf.Tensor4D {
  const s = opts.stride ?? 1;
  const p = opts.pad ?? 0;
  checkStride(s, 'conv2d');
  const [k, k2, cin, cout] = w.shape;
  if (k !== k2) throw new Error(`conv2d: square filters only, got ${k}x${k2}`);
  if (x.shape[3] !== cin) throw new Error(`conv2d: input has ${x.shape[3]} channels, filter expects ${cin}`);
  if (hasFusedKernels()) return fusedConv(x, w, { stride: s, pad: p, dilation: 1, depthwise: false });
  return withGradient<tf.Tensor4D>([x, w], ([xIn, wIn], save) => {
    const xp = padSpatial(xIn as tf.Tensor4D, p);
    save([xp, wIn!]);
    const value = tf.conv2d(xp, wIn as tf.Tensor4D, s, 'valid');
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [xpS, wS] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy4 = dy as tf.Tensor4D;
      const [b, hp, wp] = xpS.shape;
      const [, ho, wo] = dy4.shape;
      // Rows/columns of the padded input that some window reaches.
      const hu = s * (ho - 1) + k;
      const wu = s * (wo - 1) + k;
      const dxUsed = tf.conv2dTranspose(dy4, wS, [b, hu, wu, cin], s, 'valid');
      const dx = cropSpatial(padTo(dxUsed, hp, wp), p);
      const dyFlat = dy4.reshape([-1, cout]);
      const taps = tapGradients(xpS, dy4, k, s, 1, (xs) => tf.matMul(xs.reshape([-1, cin]), dyFlat, true, false));
      const dw = tf.stack(taps).reshape([k, k, cin, cout]);
      return [dx, dw];
    };
    return { value, gradFunc };
  });
}

/** 1x1 convolution, stride 1: a matmul over the channel dimension ([1, 1, Cin, Cout] filter). */
export function pointwiseConv(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [b, h, wd, cin] = x.shape;
  const [kh, kw, wcin, cout] = w.shape;
  if (kh !== 1 || kw !== 1 || wcin !== cin) {
    throw new Error(`pointwiseConv: filter ${w.shape} does not fit input with ${cin} channels`);
  }
  // The torch backend's direct pointwise kernel (or oneDNN's channels-last 1x1 convolution at
  // larger channel counts) is several times faster than a GEMM with so few channels.
  if (hasFusedKernels()) return fusedConv(x, w, { stride: 1, pad: 0, dilation: 1, depthwise: false });
  return tf.matMul(x.reshape([b * h * wd, cin]), w.reshape([cin, cout])).reshape([b, h, wd, cout]);
}

/**
 * Depthwise convolution with filter [k, k, C, 1], any stride and dilation (the dilated
 * depthwise convolution of dil_conv_3x3/5x5 uses dilation 2, stride 1 or 2).
 */
export function depthwiseConv2d(x: tf.Tensor4D, w: tf.Tensor4D, opts: DepthwiseOptions = {}): tf.Tensor4D {
  const s = opts.stride ?? 1;
  const d = opts.dilation ?? 1;
  const p = opts.pad ?? 0;
  checkStride(s, 'depthwiseConv2d');
  checkStride(d, 'depthwiseConv2d (dilation)');
  const [k, k2, c, mult] = w.shape;
  if (k !== k2 || mult !== 1) throw new Error(`depthwiseConv2d: filter must be [k, k, C, 1], got [${w.shape}]`);
  if (x.shape[3] !== c) throw new Error(`depthwiseConv2d: input has ${x.shape[3]} channels, filter expects ${c}`);
  if (hasFusedKernels()) return fusedConv(x, w, { stride: s, pad: p, dilation: d, depthwise: true });
  return withGradient<tf.Tensor4D>([x, w], ([xIn, wIn], save) => {
    const xp = padSpatial(xIn as tf.Tensor4D, p);
    save([xp, wIn!]);
    const value = depthwiseValid(xp, wIn as tf.Tensor4D, s, d);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [xpS, wS] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy4 = dy as tf.Tensor4D;
      const [, hp, wp] = xpS.shape;
      // Transpose of the strided, dilated correlation: spread dy onto the stride grid, then
      // correlate with the flipped filter at the same dilation.
      const u = zeroInsert(dy4, s);
      const span = d * (k - 1);
      const upad = tf.pad(u, [[0, 0], [span, hp - u.shape[1]], [span, wp - u.shape[2]], [0, 0]]);
      const wFlip = tf.reverse(wS, [0, 1]);
      const dxp = tf.depthwiseConv2d(upad, wFlip, 1, 'valid', 'NHWC', d);
      const dx = cropSpatial(dxp, p);
      return [dx, depthwiseFilterGrad(xpS, dy4, k, s, d)];
    };
    return { value, gradFunc };
  });
}

/**
 * 'valid' depthwise correlation with stride s and dilation d. tfjs accepts stride > 1 or
 * dilation > 1 but not both; when d is a multiple of s, sampling the input every s pixels
 * first turns it into a stride-1 correlation at dilation d/s.
 */
function depthwiseValid(xp: tf.Tensor4D, w: tf.Tensor4D, s: number, d: number): tf.Tensor4D {
  if (s === 1 || d === 1) return tf.depthwiseConv2d(xp, w, s, 'valid', 'NHWC', d);
  const k = w.shape[0];
  const [, hp, wp] = xp.shape;
  if (d % s === 0) {
    const ho = validLength(hp, k, s, d);
    const wo = validLength(wp, k, s, d);
    const rows = ho + (d / s) * (k - 1);
    const cols = wo + (d / s) * (k - 1);
    return tf.depthwiseConv2d(sampleGrid(xp, 0, 0, rows, cols, s), w, 1, 'valid', 'NHWC', d / s);
  }
  const full = tf.depthwiseConv2d(xp, w, 1, 'valid', 'NHWC', d);
  return sampleGrid(full, 0, 0, validLength(hp, k, s, d), validLength(wp, k, s, d), s);
}

/**
 * dW[i, j, c] = sum over (b, oy, ox) of xpad[b, s*oy + d*i, s*ox + d*j, c] * dy[b, oy, ox, c],
 * computed as one depthwise correlation: the batch folded into the channels, dy as the filter
 * (dilated by s) and the output strided by d. Where tfjs cannot take both a stride and a
 * dilation above 1, the input is subsampled as in the forward pass, or (d not a multiple of s)
 * the taps are summed one by one.
 */
function depthwiseFilterGrad(xp: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number, d: number): tf.Tensor4D {
  const [b, hp, wp, c] = xp.shape;
  const [, ho, wo] = dy.shape;
  if (s > 1 && d > 1) {
    if (d % s === 0) {
      const xs = sampleGrid(xp, 0, 0, ho + (d / s) * (k - 1), wo + (d / s) * (k - 1), s);
      return depthwiseFilterGrad(xs, dy, k, 1, d / s);
    }
    const taps = tapGradients(xp, dy, k, s, d, (xs) => tf.sum(tf.mul(xs, dy), [0, 1, 2]));
    return tf.stack(taps).reshape([k, k, c, 1]);
  }
  const xt = tf.transpose(xp, [1, 2, 0, 3]).reshape([1, hp, wp, b * c]) as tf.Tensor4D;
  const filter = tf.transpose(dy, [1, 2, 0, 3]).reshape([ho, wo, b * c, 1]) as tf.Tensor4D;
  const g = tf.depthwiseConv2d(xt, filter, d, 'valid', 'NHWC', s);
  return tf.sum(tf.slice(g, [0, 0, 0, 0], [1, k, k, b * c]).reshape([k, k, b, c]), 2).reshape([k, k, c, 1]);
}

/** Depthwise kxk (stride, dilation) followed by a pointwise 1x1: one half of sep_conv, or dil_conv's core. */
export function separableConv(
  x: tf.Tensor4D, depthwise: tf.Tensor4D, pointwise: tf.Tensor4D, opts: DepthwiseOptions = {},
): tf.Tensor4D {
  return pointwiseConv(depthwiseConv2d(x, depthwise, opts), pointwise);
}
