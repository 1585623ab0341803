// 3x3 pooling with PyTorch's padding (1 on every side) and correct gradients everywhere.
// tfjs' avgPool gradient is wrong at the borders when padding is excluded from the count,
// and wasm's maxPool gradient is wrong for padded windows; both backward passes are written
// here as a sum over the 9 window taps, each scattered back onto the input grid.
import * as tf from '@tensorflow/tfjs';
import { withGradient } from './custom.js';
import { fusedAvgPool, fusedMaxPool, hasFusedKernels } from './fused.js';
import { cropSpatial, padSpatial, sampleGrid, validLength, zeroInsert } from './layout.js';

const K = 3;
const PAD = 1;

/** Adds, for every tap (i, j) of a k x k window with stride s, the tap's gradient map back onto the padded input. */
function scatterTaps(
  shape: [number, number, number, number], s: number,
  tapGrad: (i: number, j: number) => tf.Tensor4D,
): tf.Tensor4D {
  const [, hp, wp] = shape;
  const parts: tf.Tensor4D[] = [];
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const spread = zeroInsert(tapGrad(i, j), s);
      const [, h, w] = spread.shape;
      parts.push(tf.pad(spread, [[0, 0], [i, hp - i - h], [j, wp - j - w], [0, 0]]));
    }
  }
  return tf.addN(parts);
}

/**
 * max_pool_3x3: 3x3 max pooling, padding 1 (padded cells never win), stride 1 or 2.
 * tfjs' own gradient failed the gradient tests here (on one of cpu and wasm) for padded
 * windows, so the backward pass is written here: the first maximum of each window in row-major order (as PyTorch picks it) is found by
 * an argmax over the 9 taps, turned into a flat position in the padded input, and dy is
 * scatter-added there. All reshapes and reductions stay at rank 2 (fast on wasm).
 */
export function maxPool3x3(x: tf.Tensor4D, stride = 1): tf.Tensor4D {
  if (hasFusedKernels()) return fusedMaxPool(x, K, stride, PAD);
  return withGradient<tf.Tensor4D>([x], ([xIn], save) => {
    const xp = padSpatial(xIn as tf.Tensor4D, PAD, -Infinity);
    const value = tf.maxPool(xp, K, stride, 'valid');
    save([xp]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const xpS = saved[0] as tf.Tensor4D;
      const [b, hp, wp, c] = xpS.shape;
      const [, ho, wo] = dy.shape as [number, number, number, number];
      const n = b * ho * wo * c;
      const taps: tf.Tensor[] = [];
      for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) taps.push(sampleGrid(xpS, i, j, ho, wo, stride).reshape([1, n]));
      const tap = tf.argMax(tf.transpose(tf.concat(taps, 0)), 1); // [n], first maximum wins
      // flat index in the padded input: corner of the window plus the tap's row and column
      const offset = tf.add(tf.mul(tf.floorDiv(tap, K), wp * c), tf.mul(tf.mod(tap, K), c));
      const index = tf.add(windowCorners(b, ho, wo, c, hp, wp, stride), offset.cast('int32'));
      const dxp = tf.scatterND(index.reshape([n, 1]), dy.reshape([n]), [b * hp * wp * c]);
      return cropSpatial(dxp.reshape([b, hp, wp, c]) as tf.Tensor4D, PAD);
    };
    return { value, gradFunc };
  });
}

const cornerCache = new Map<string, tf.Tensor1D>();
const CORNER_CACHE_SIZE = 32;

/**
 * Flat index, in the padded input, of the top-left corner of every output's window (and
 * channel). It depends on the shape alone, so it is built once per shape (and backend) and
 * kept, for the last 32 shapes.
 */
function windowCorners(b: number, ho: number, wo: number, c: number, hp: number, wp: number, s: number): tf.Tensor1D {
  const key = [tf.getBackend(), b, ho, wo, c, hp, wp, s].join(',');
  const cached = cornerCache.get(key);
  if (cached && !cached.isDisposed) return cached;
  const data = new Int32Array(b * ho * wo * c);
  let k = 0;
  for (let n = 0; n < b; n++) for (let y = 0; y < ho; y++) for (let x = 0; x < wo; x++) {
    const base = ((n * hp + y * s) * wp + x * s) * c;
    for (let ch = 0; ch < c; ch++) data[k++] = base + ch;
  }
  const corners = tf.keep(tf.tensor1d(data, 'int32'));
  if (cornerCache.size >= CORNER_CACHE_SIZE) {
    const [oldest, tensor] = cornerCache.entries().next().value as [string, tf.Tensor1D];
    tensor.dispose();
    cornerCache.delete(oldest);
  }
  cornerCache.set(key, corners);
  return corners;
}

/** 1 / (number of real, unpadded inputs) in each 3x3 window: count_include_pad=False. */
function inverseCounts(h: number, w: number, s: number): tf.Tensor4D {
  const ho = validLength(h + 2 * PAD, K, s);
  const wo = validLength(w + 2 * PAD, K, s);
  const inside = (start: number, n: number) => Math.min(start + K, n + PAD) - Math.max(start, PAD);
  const data = new Float32Array(ho * wo);
  for (let r = 0; r < ho; r++) {
    for (let c = 0; c < wo; c++) data[r * wo + c] = 1 / (inside(r * s, h) * inside(c * s, w));
  }
  return tf.tensor4d(data, [1, ho, wo, 1]);
}

/** avg_pool_3x3: 3x3 average pooling, padding 1 excluded from the average, stride 1 or 2. */
export function avgPool3x3(x: tf.Tensor4D, stride = 1): tf.Tensor4D {
  if (hasFusedKernels()) return fusedAvgPool(x, K, stride, PAD, false);
  const [, h, w] = x.shape;
  return withGradient<tf.Tensor4D>([x], ([xIn], save) => {
    const xp = padSpatial(xIn as tf.Tensor4D, PAD);
    const inv = inverseCounts(h, w, stride);
    const value = tf.mul(tf.mul(tf.avgPool(xp, K, stride, 'valid'), K * K), inv) as tf.Tensor4D;
    save([xp, inv]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor => {
      const [xpS, invS] = saved as [tf.Tensor4D, tf.Tensor4D];
      const share = tf.mul(dy, invS) as tf.Tensor4D;
      return cropSpatial(scatterTaps(xpS.shape, stride, () => share), PAD);
    };
    return { value, gradFunc };
  });
}

/** k x k average pooling with no padding (auxiliary heads, the ImageNet network's 7x7 pool). */
export function avgPoolValid(x: tf.Tensor4D, k: number, stride: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (h < k || w < k) throw new Error(`avgPoolValid: a ${k}x${k} window does not fit a ${h}x${w} input`);
  return tf.avgPool(x, k, stride, 'valid');
}
