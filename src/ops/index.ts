// The one module of tensor operations that all snas-lab code uses: each op has a forward
// pass that matches PyTorch's definition and a gradient checked on every backend
// (test/ops.test.ts). Inputs are NHWC float32.
export { conv2d, depthwiseConv2d, pointwiseConv, separableConv } from './conv.js';
export type { ConvOptions, DepthwiseOptions } from './conv.js';
export { avgPool3x3, avgPoolValid, maxPool3x3 } from './pool.js';
export { batchNormInfer, batchNormTrain, BN_EPSILON } from './norm.js';
export type { Moments, RunningStats } from './norm.js';
export { poolBlock, poolBlockInfer, sepBlock, sepBlockInfer } from './block.js';
export type { SepBlockOptions } from './block.js';
export { correctCount, softmaxCrossEntropy } from './loss.js';
export { padSpatial } from './layout.js';
export { relu, weightedSum } from './combine.js';
export { hasFusedKernels } from './fused.js';
