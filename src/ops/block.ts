// The search cell's blocks, batch norm without affine parameters: ReLU, depthwise convolution,
// pointwise convolution, BN (the separable and dilated convolutions); 3x3 pooling, BN (the
// pools); in training mode (batch statistics) and in inference mode (running statistics, or an
// evaluation's batch statistics). One fused op where the backend has it (one native call forward
// and, in training, one backward); the ops one by one otherwise, which the fused ones are tested
// against.
import type * as tf from '@tensorflow/tfjs';
import { relu } from './combine.js';
import { depthwiseConv2d, pointwiseConv } from './conv.js';
import { fusedPoolBlock, fusedPoolBlockInfer, fusedSepBlock, fusedSepBlockInfer, hasFusedKernels } from './fused.js';
import { batchNormInfer, batchNormTrain, type EvalMoments, type RunningStats } from './norm.js';
import { avgPool3x3, maxPool3x3 } from './pool.js';

export interface SepBlockOptions {
  stride: number;
  /** Symmetric padding of the depthwise convolution. */
  pad: number;
  dilation: number;
  eps: number;
}

/** BN(pointwise(depthwise(relu(x)))): wd [k, k, C, 1], wp [1, 1, C, C']; `running` updated with the batch moments when given. */
export function sepBlock(x: tf.Tensor4D, wd: tf.Tensor4D, wp: tf.Tensor4D, opts: SepBlockOptions, running?: RunningStats): tf.Tensor4D {
  if (hasFusedKernels()) return fusedSepBlock(x, wd, wp, opts, running);
  const d = depthwiseConv2d(relu(x), wd, { stride: opts.stride, pad: opts.pad, dilation: opts.dilation });
  return batchNormTrain(pointwiseConv(d, wp), opts.eps, running);
}

/** BN(3x3 max or average pooling, padding 1, excluded from the average). */
export function poolBlock(x: tf.Tensor4D, kind: 'max' | 'avg', stride: number, eps: number, running?: RunningStats): tf.Tensor4D {
  if (hasFusedKernels()) return fusedPoolBlock(x, kind, 3, stride, 1, eps, running);
  return batchNormTrain(kind === 'max' ? maxPool3x3(x, stride) : avgPool3x3(x, stride), eps, running);
}

/** BN of an evaluation: with the running statistics, or with the batch's own ('batch'). */
function evalNorm(x: tf.Tensor4D, eps: number, moments: EvalMoments): tf.Tensor4D {
  return moments === 'batch' ? batchNormTrain(x, eps) : batchNormInfer(x, eps, moments);
}

/**
 * sepBlock in inference mode (evaluation; no gradient on the fused path): BN with the running
 * statistics, or with each batch's own ('batch': sepBlock's output, without what its backward keeps).
 */
export function sepBlockInfer(x: tf.Tensor4D, wd: tf.Tensor4D, wp: tf.Tensor4D, opts: SepBlockOptions, moments: EvalMoments): tf.Tensor4D {
  if (hasFusedKernels()) return fusedSepBlockInfer(x, wd, wp, opts, moments);
  const d = depthwiseConv2d(relu(x), wd, { stride: opts.stride, pad: opts.pad, dilation: opts.dilation });
  return evalNorm(pointwiseConv(d, wp), opts.eps, moments);
}

/** poolBlock in inference mode, BN as in sepBlockInfer. */
export function poolBlockInfer(x: tf.Tensor4D, kind: 'max' | 'avg', stride: number, eps: number, moments: EvalMoments): tf.Tensor4D {
  if (hasFusedKernels()) return fusedPoolBlockInfer(x, kind, 3, stride, 1, eps, moments);
  return evalNorm(kind === 'max' ? maxPool3x3(x, stride) : avgPool3x3(x, stride), eps, moments);
}
