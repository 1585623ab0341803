// The separable and dilated convolutions' building block in training mode: ReLU, depthwise
// convolution, pointwise convolution, batch norm without affine parameters. One fused op where
// the backend has it (one native call forward and one backward); the four ops otherwise, which
// the fused one is tested against.
import type * as tf from '@tensorflow/tfjs';
import { relu } from './combine.js';
import { depthwiseConv2d, pointwiseConv } from './conv.js';
import { fusedSepBlock, hasFusedKernels } from './fused.js';
import { batchNormTrain, type RunningStats } from './norm.js';

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
