// Direct float64 reference computations of the ops in src/ops, written as plain loops from the
// definitions (PyTorch semantics: symmetric padding, count_include_pad=False, biased BN
// variance). NHWC layout throughout.
export interface Arr {
  shape: number[];
  data: Float64Array;
}

export const arr = (shape: number[], data?: ArrayLike<number>): Arr => ({
  shape,
  data: data ? Float64Array.from(data) : new Float64Array(shape.reduce((a, b) => a * b, 1)),
});

const at4 = (s: number[], n: number, h: number, w: number, c: number) => ((n * s[1]! + h) * s[2]! + w) * s[3]! + c;

function outLen(n: number, k: number, s: number, d: number, p: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/** Grouped correlation: w is [k, k, Cin/groups, Cout]; depthwise is groups = Cin with w [k, k, 1, C]. */
function convGeneric(x: Arr, w: Arr, stride: number, pad: number, dilation: number, depthwise: boolean): Arr {
  const [n, h, wd, cin] = x.shape as [number, number, number, number];
  const k = w.shape[0]!;
  const cout = depthwise ? cin : w.shape[3]!;
  const ho = outLen(h, k, stride, dilation, pad);
  const wo = outLen(wd, k, stride, dilation, pad);
  const y = arr([n, ho, wo, cout]);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++)
        for (let co = 0; co < cout; co++) {
          let acc = 0;
          for (let i = 0; i < k; i++) {
            const iy = oy * stride + i * dilation - pad;
            if (iy < 0 || iy >= h) continue;
            for (let j = 0; j < k; j++) {
              const ix = ox * stride + j * dilation - pad;
              if (ix < 0 || ix >= wd) continue;
              if (depthwise) {
                acc += x.data[at4(x.shape, b, iy, ix, co)]! * w.data[(i * k + j) * cin + co]!;
              } else {
                for (let ci = 0; ci < cin; ci++) {
                  acc += x.data[at4(x.shape, b, iy, ix, ci)]! * w.data[((i * k + j) * cin + ci) * cout + co]!;
                }
              }
            }
          }
          y.data[at4(y.shape, b, oy, ox, co)] = acc;
        }
  return y;
}

export const conv2dRef = (x: Arr, w: Arr, stride = 1, pad = 0): Arr => convGeneric(x, w, stride, pad, 1, false);

/** w is [k, k, C, 1]. */
export const depthwiseRef = (x: Arr, w: Arr, stride = 1, pad = 0, dilation = 1): Arr =>
  convGeneric(x, w, stride, pad, dilation, true);

export function pool3x3Ref(x: Arr, stride: number, kind: 'max' | 'avg'): Arr {
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  const ho = outLen(h, 3, stride, 1, 1);
  const wo = outLen(wd, 3, stride, 1, 1);
  const y = arr([n, ho, wo, c]);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let sum = 0;
          let count = 0;
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++) {
              const iy = oy * stride + i - 1;
              const ix = ox * stride + j - 1;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
              const v = x.data[at4(x.shape, b, iy, ix, ch)]!;
              best = Math.max(best, v);
              sum += v;
              count++;
            }
          y.data[at4(y.shape, b, oy, ox, ch)] = kind === 'max' ? best : sum / count;
        }
  return y;
}

export function batchNormRef(x: Arr, eps = 1e-5): Arr {
  const c = x.shape[3]!;
  const m = x.data.length / c;
  const y = arr(x.shape);
  for (let ch = 0; ch < c; ch++) {
    let mean = 0;
    for (let i = ch; i < x.data.length; i += c) mean += x.data[i]!;
    mean /= m;
    let v = 0;
    for (let i = ch; i < x.data.length; i += c) v += (x.data[i]! - mean) ** 2;
    v /= m;
    for (let i = ch; i < x.data.length; i += c) y.data[i] = (x.data[i]! - mean) / Math.sqrt(v + eps);
  }
  return y;
}

/** Mean softmax cross-entropy of logits [B, K] against integer labels. */
export function crossEntropyRef(logits: Arr, labels: number[]): Arr {
  const [b, k] = logits.shape as [number, number];
  let total = 0;
  for (let r = 0; r < b; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits.data[r * k + j]!);
    let z = 0;
    for (let j = 0; j < k; j++) z += Math.exp(logits.data[r * k + j]! - max);
    total += Math.log(z) + max - logits.data[r * k + labels[r]!]!;
  }
  return arr([], [total / b]);
}

export function pointwiseRef(x: Arr, w: Arr): Arr {
  return conv2dRef(x, w, 1, 0);
}

/** k x k average pooling, no padding. */
export function avgPoolValidRef(x: Arr, k: number, stride: number): Arr {
  const [n, h, wd, c] = x.shape as [number, number, number, number];
  const ho = outLen(h, k, stride, 1, 0);
  const wo = outLen(wd, k, stride, 1, 0);
  const y = arr([n, ho, wo, c]);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < ho; oy++)
      for (let ox = 0; ox < wo; ox++)
        for (let ch = 0; ch < c; ch++) {
          let sum = 0;
          for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sum += x.data[at4(x.shape, b, oy * stride + i, ox * stride + j, ch)]!;
          y.data[at4(y.shape, b, oy, ox, ch)] = sum / (k * k);
        }
  return y;
}
