// Loads the native half of the `torch` backend (src/backends/torch/native, built by
// src/setup/build-torch.sh against Debian's libtorch). Every failure becomes a one-line reason.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { projectRoot } from '../../util/root.js';

/** A kernel's result: [native id, dtype code, ...shape]. */
export type Out = number[];

export interface NativeTorch {
  init(threads: number, device: string): { threads: number; device: string; cuda: boolean; mkldnn: boolean; config: string; gpus: number; cudart: number; cudnn: number };
  write(values: ArrayBufferView | null, shape: number[], code: number): number;
  read(id: number, code: number): Float32Array | Int32Array | Uint8Array;
  free(id: number): void;
  count(): number;
  bytes(): number;
  version(): string;
  unaryKernels: string[];
  binaryKernels: string[];
  unary(name: string, x: number, code: number, alpha: number): Out;
  binary(name: string, a: number, b: number, outCode: number, inCode: number): Out;
  reduce(name: string, x: number, axes: number[], keepDims: boolean, code: number): Out;
  cast(x: number, code: number): Out;
  select(cond: number, a: number, b: number, code: number): Out;
  clip(x: number, lo: number, hi: number, code: number): Out;
  softmax(x: number, dim: number): Out;
  matmul(a: number, b: number, transposeA: boolean, transposeB: boolean): Out;
  batchNorm(x: number, mean: number, variance: number, offset: number, scale: number, eps: number): Out;
  cumulative(product: boolean, x: number, axis: number, exclusive: boolean, reverse: boolean, code: number): Out;
  topk(x: number, k: number, sorted: boolean, code: number): Out[];
  addN(xs: number[], code: number): Out;
  reshape(x: number, shape: number[], code: number): Out;
  concat(xs: number[], axis: number, code: number): Out;
  stack(xs: number[], axis: number, code: number): Out;
  unstack(x: number, axis: number, code: number): Out[];
  slice(x: number, begin: number[], size: number[], code: number): Out;
  stridedSlice(x: number, begin: number[], end: number[], strides: number[], finalShape: number[], code: number): Out;
  split(x: number, sizes: number[], axis: number, code: number): Out[];
  transpose(x: number, perm: number[], code: number): Out;
  tile(x: number, reps: number[], code: number): Out;
  reverse(x: number, dims: number[], code: number): Out;
  pad(x: number, paddings: number[], value: number, code: number): Out;
  fill(shape: number[], value: number, code: number): Out;
  range(start: number, stop: number, step: number, code: number): Out;
  oneHot(indices: number, depth: number, on: number, off: number, code: number): Out;
  gather(x: number, indices: number, axis: number, code: number): Out;
  gatherNd(x: number, indices: number, code: number): Out;
  scatterNd(indices: number, updates: number, shape: number[], code: number): Out;
  segmentSum(x: number, segmentIds: number, numSegments: number, code: number): Out;
  conv(x: number, w: number, stride: number[], pad: number[], dilation: number[], depthwise: boolean): Out;
  convBackward(dy: number, x: number | number[], w: number | number[], stride: number[], pad: number[], dilation: number[],
    depthwise: boolean, needX: boolean, needW: boolean): Out[];
  /** Whether the direct NHWC kernels (depthwise convolution) are used; with an argument, sets it first (SNAS_TORCH_DIRECT=0: off from the start). */
  direct(on?: boolean): boolean;
  maxPool(x: number, k: number[], stride: number[], pad: number[]): Out[];
  maxPoolBackward(dy: number, x: number, indices: number, k: number[], stride: number[], pad: number[]): Out;
  avgPool(x: number, k: number[], stride: number[], pad: number[], countIncludePad: boolean): Out;
  avgPoolBackward(dy: number, x: number | number[], k: number[], stride: number[], pad: number[], countIncludePad: boolean): Out;
  /** [y, invstd]; with running mean and variance ids, also updates them in place. */
  bnTrain(x: number, eps: number, momentum: number, runningMean?: number, runningVar?: number): Out[];
  bnTrainBackward(dy: number, y: number, invstd: number): Out;
  /** [y, depthwise output, invstd] of BN(pointwise(depthwise(relu(x)))); with running mean and variance ids, also updates them in place. */
  sepBlock(x: number, wDepthwise: number, wPointwise: number, stride: number[], pad: number[], dilation: number[], eps: number, momentum: number,
    runningMean?: number, runningVar?: number): Out[];
  /** [y, invstd(, indices for max)] of BN(3x3 pooling); with running mean and variance ids, also updates them in place. */
  poolBlock(x: number, max: boolean, k: number[], stride: number[], pad: number[], eps: number, momentum: number,
    runningMean?: number, runningVar?: number): Out[];
  poolBlockBackward(dy: number, x: number, y: number, invstd: number, indices: number, max: boolean, k: number[], stride: number[], pad: number[]): Out;
  /** [dx, dwDepthwise, dwPointwise] */
  sepBlockBackward(dy: number, x: number, d: number, y: number, invstd: number, wDepthwise: number, wPointwise: number,
    stride: number[], pad: number[], dilation: number[]): Out[];
  /** y of the sep block in inference mode (BN with the running statistics, left as they are). */
  /** Without runningMean and runningVar: BN with the batch's statistics. */
  sepBlockInfer(x: number, wDepthwise: number, wPointwise: number, stride: number[], pad: number[], dilation: number[], eps: number, runningMean?: number, runningVar?: number): Out;
  /** y of the pool block in inference mode (BN with the running statistics, left as they are). */
  poolBlockInfer(x: number, max: boolean, k: number[], stride: number[], pad: number[], eps: number, runningMean?: number, runningVar?: number): Out;
  reluBackward(dy: number, y: number): Out;
  weightedSum(xs: number[], w: number): Out;
  weightedSumBackward(dy: number, xs: number[], w: number): Out[];
  /** In place: params and buffers change; returns the gradients' global norm before clipping. */
  sgdStep(params: number[], grads: number[], buffers: number[], started: boolean[], lr: number, momentum: number,
    weightDecay: number, clipNorm: number): Out;
}

export const ADDON_DIR = 'src/backends/torch/native';
export const ADDON_FILE = `${ADDON_DIR}/build/Release/snas_torch.node`;
export const LIBTORCH_HEADER = '/usr/include/ATen/ATen.h';

export class AddonUnavailable extends Error {}

let loaded: NativeTorch | undefined;

/** The addon, or an AddonUnavailable whose message says why not in one line. */
export function loadAddon(): NativeTorch {
  if (loaded) return loaded;
  const root = projectRoot();
  const file = join(root, ADDON_FILE);
  if (!existsSync(file)) {
    const why = existsSync(process.env.SNAS_TORCH_INCLUDE ? join(process.env.SNAS_TORCH_INCLUDE, 'ATen/ATen.h') : LIBTORCH_HEADER)
      ? 'native addon not built (npm run setup builds it)'
      : 'libtorch not installed (npm run setup installs Debian\'s libtorch-dev and builds the addon)';
    throw new AddonUnavailable(why);
  }
  try {
    loaded = createRequire(join(root, 'package.json'))(file) as NativeTorch;
  } catch (err) {
    throw new AddonUnavailable(`native addon fails to load: ${String((err as Error).message).split('\n')[0]}`);
  }
  return loaded;
}
