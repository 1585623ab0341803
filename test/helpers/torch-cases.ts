// One case (or more) for every kernel of the torch backend, on shapes like the supernet's
// (NHWC maps [2, 8, 8, 8], 3x3 and 5x5 filters, strides 1 and 2, dilation 2).
import * as tf from '@tensorflow/tfjs';
import * as ops from '../../src/ops/index.js';
import type { Case, Domain } from './backend-compare.js';
import { FUSED } from '../../src/ops/fused-kernels.js';

const MAP = [2, 8, 8, 8];

type UnaryFn = (x: tf.Tensor) => tf.Tensor;
const UNARY: Record<string, [UnaryFn, Domain, boolean]> = {
  Abs: [tf.abs, 'normal', true], Acos: [tf.acos, 'unit', true], Acosh: [tf.acosh, 'gt1', true],
  Asin: [tf.asin, 'unit', true], Asinh: [tf.asinh, 'normal', true], Atan: [tf.atan, 'normal', true],
  Atanh: [tf.atanh, 'unit', true], Ceil: [tf.ceil, 'normal', false], Cos: [tf.cos, 'normal', true],
  Cosh: [tf.cosh, 'normal', true], Elu: [tf.elu, 'normal', true], Erf: [tf.erf, 'normal', true],
  Exp: [tf.exp, 'normal', true], Expm1: [tf.expm1, 'normal', true], Floor: [tf.floor, 'normal', false],
  IsFinite: [(x) => tf.isFinite(tf.div(x, tf.round(x))), 'normal', false],
  IsInf: [(x) => tf.isInf(tf.div(x, tf.round(x))), 'normal', false],
  IsNan: [(x) => tf.isNaN(tf.log(x)), 'normal', false],
  LeakyRelu: [(x) => tf.leakyRelu(x, 0.1), 'normal', true], Log: [tf.log, 'positive', true],
  Log1p: [tf.log1p, 'positive', true], LogicalNot: [tf.logicalNot, 'bool', false], Neg: [tf.neg, 'normal', true],
  Reciprocal: [tf.reciprocal, 'positive', true], Relu: [tf.relu, 'normal', true], Relu6: [(x) => tf.relu6(tf.mul(x, 5)), 'normal', true],
  Round: [tf.round, 'normal', false], Rsqrt: [tf.rsqrt, 'positive', true], Selu: [tf.selu, 'normal', true],
  Sigmoid: [tf.sigmoid, 'normal', true], Sign: [tf.sign, 'normal', false], Sin: [tf.sin, 'normal', true],
  Sinh: [tf.sinh, 'normal', true], Softplus: [tf.softplus, 'normal', true], Sqrt: [tf.sqrt, 'positive', true],
  Square: [tf.square, 'normal', true], Step: [(x) => tf.step(x, 0.3), 'normal', false], Tan: [tf.tan, 'unit', true],
  Tanh: [tf.tanh, 'normal', true], ZerosLike: [tf.zerosLike, 'normal', false], OnesLike: [tf.onesLike, 'normal', false],
};

type BinaryFn = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const BINARY: Record<string, [BinaryFn, Domain, Domain, boolean]> = {
  Add: [tf.add, 'normal', 'normal', true], Sub: [tf.sub, 'normal', 'normal', true], Multiply: [tf.mul, 'normal', 'normal', true],
  RealDiv: [tf.div, 'normal', 'positive', true], FloorDiv: [tf.floorDiv, 'int', 'index', false], Mod: [tf.mod, 'normal', 'positive', false],
  Maximum: [tf.maximum, 'normal', 'normal', true], Minimum: [tf.minimum, 'normal', 'normal', true], Pow: [tf.pow, 'positive', 'normal', true],
  SquaredDifference: [tf.squaredDifference, 'normal', 'normal', true], Atan2: [tf.atan2, 'normal', 'normal', true],
  Equal: [tf.equal, 'small-int', 'small-int', false], NotEqual: [tf.notEqual, 'small-int', 'small-int', false],
  Less: [tf.less, 'small-int', 'small-int', false], LessEqual: [tf.lessEqual, 'small-int', 'small-int', false],
  Greater: [tf.greater, 'small-int', 'small-int', false], GreaterEqual: [tf.greaterEqual, 'small-int', 'small-int', false],
  LogicalAnd: [tf.logicalAnd, 'bool', 'bool', false], LogicalOr: [tf.logicalOr, 'bool', 'bool', false],
};

function elementwise(): Case[] {
  const cases: Case[] = [];
  for (const [name, [f, domain, grad]] of Object.entries(UNARY)) {
    cases.push({ name: `${name} on ${MAP}`, kernels: name === 'Elu' ? [name, 'EluGrad'] : [name], inputs: [{ shape: MAP, domain }], f, grad });
  }
  // tfjs' own gradients of maximum, minimum and squaredDifference do not reduce over broadcast axes.
  const sameShape = new Set(['Maximum', 'Minimum', 'SquaredDifference']);
  for (const [name, [f, da, db, grad]] of Object.entries(BINARY)) {
    const bShape = sameShape.has(name) ? MAP : [8];
    cases.push({ name: `${name} of [${MAP}] and [${bShape}]`, kernels: [name], inputs: [{ shape: MAP, domain: da }, { shape: bShape, domain: db, max: 5 }], f, grad });
  }
  cases.push({ name: 'Add on int32', kernels: ['Add'], inputs: [{ shape: [3, 4], domain: 'int' }, { shape: [3, 4], domain: 'int' }], f: tf.add });
  cases.push({ name: 'Exp of int32 is float32', kernels: ['Exp'], inputs: [{ shape: [5], domain: 'int' }], f: tf.exp });
  // FloorDiv's index divisor may be 0; shift it to 1..5.
  cases.find((c) => c.kernels[0] === 'FloorDiv')!.f = (a, b) => tf.floorDiv(a, tf.add(b, 1));
  return cases;
}

function reductions(): Case[] {
  const x = [{ shape: MAP }];
  return [
    { name: 'Sum over N, H, W', kernels: ['Sum'], inputs: x, f: (t) => tf.sum(t, [0, 1, 2]), grad: true },
    { name: 'Sum of everything, int32', kernels: ['Sum'], inputs: [{ shape: [4, 5], domain: 'int' }], f: (t) => tf.sum(t) },
    { name: 'Mean over H, W keeping dims', kernels: ['Mean'], inputs: x, f: (t) => tf.mean(t, [1, 2], true), grad: true },
    { name: 'Max over the last axis', kernels: ['Max'], inputs: x, f: (t) => tf.max(t, -1), grad: true },
    { name: 'Min over two axes', kernels: ['Min'], inputs: x, f: (t) => tf.min(t, [1, 3]), grad: true },
    { name: 'Prod over an axis', kernels: ['Prod', 'Cumprod'], inputs: [{ shape: [3, 4], domain: 'positive' }], f: (t) => tf.prod(t, 1), grad: true },
    { name: 'All over an axis', kernels: ['All'], inputs: [{ shape: [6, 3], domain: 'bool' }], f: (t) => tf.all(t, 1) },
    { name: 'Any over an axis', kernels: ['Any'], inputs: [{ shape: [6, 3], domain: 'bool' }], f: (t) => tf.any(t, 0) },
    { name: 'ArgMax over ops (a [14, 8] alpha)', kernels: ['ArgMax'], inputs: [{ shape: [14, 8] }], f: (t) => tf.argMax(t, 1) },
    { name: 'ArgMin over rows', kernels: ['ArgMin'], inputs: [{ shape: [14, 8] }], f: (t) => tf.argMin(t, 0) },
  ];
}

function matrixAndMisc(): Case[] {
  return [
    { name: 'Cast float32 -> int32 -> bool', kernels: ['Cast'], inputs: [{ shape: [4, 6] }], f: (t) => [tf.cast(tf.mul(t, 3), 'int32'), tf.cast(t, 'bool')] },
    { name: 'Select', kernels: ['Select'], inputs: [{ shape: [4, 3], domain: 'bool' }, { shape: [4, 3] }, { shape: [4, 3] }], f: (c, a, b) => tf.where(c as tf.Tensor, a!, b!), grad: true },
    { name: 'ClipByValue', kernels: ['ClipByValue'], inputs: [{ shape: MAP }], f: (t) => tf.clipByValue(t, -0.5, 0.7), grad: true },
    { name: 'Softmax over ops', kernels: ['Softmax'], inputs: [{ shape: [14, 8] }], f: (t) => tf.softmax(t), grad: true },
    { name: 'BatchMatMul (classifier)', kernels: ['BatchMatMul'], inputs: [{ shape: [4, 32] }, { shape: [32, 10] }], f: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), grad: true },
    { name: 'BatchMatMul transposed, batched', kernels: ['BatchMatMul'], inputs: [{ shape: [3, 5, 4] }, { shape: [3, 6, 5] }], f: (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, true, true), grad: true },
    { name: 'FusedBatchNorm with scale and offset', kernels: ['FusedBatchNorm'], inputs: [{ shape: MAP }, { shape: [8] }, { shape: [8], domain: 'positive' }, { shape: [8] }, { shape: [8] }], f: (x, m, v, o, s) => tf.batchNorm(x!, m!, v!, o!, s!, 1e-3), grad: true },
    { name: 'Cumsum exclusive and reversed', kernels: ['Cumsum'], inputs: [{ shape: [4, 6] }], f: (t) => [tf.cumsum(t, 1), tf.cumsum(t, 1, true, true)], grad: true },
    { name: 'TopK of op weights', kernels: ['TopK'], inputs: [{ shape: [14, 8] }], f: (t) => { const r = tf.topk(t, 2); return [r.values, r.indices]; } },
    { name: 'Multinomial (ENAS-style sampling) from a seed', kernels: ['Multinomial'], inputs: [{ shape: [5, 8] }], f: (t) => tf.multinomial(t as tf.Tensor2D, 6, 7) },
    { name: 'AddN of four maps', kernels: ['AddN'], inputs: [{ shape: MAP }, { shape: MAP }, { shape: MAP }, { shape: MAP }], f: (...xs) => tf.addN(xs), grad: true },
  ];
}

function shapes(): Case[] {
  const x = [{ shape: MAP }];
  return [
    { name: 'Identity', kernels: ['Identity'], inputs: x, f: (t) => tf.clone(t) },
    { name: 'Reshape', kernels: ['Reshape'], inputs: x, f: (t) => tf.reshape(t, [-1, 8]), grad: true },
    { name: 'ExpandDims', kernels: ['ExpandDims'], inputs: [{ shape: [4, 3] }], f: (t) => [tf.expandDims(t, 1), tf.expandDims(t, -1)], grad: true },
    { name: 'Concat of node outputs on channels', kernels: ['Concat'], inputs: [{ shape: MAP }, { shape: MAP }, { shape: [2, 8, 8, 4] }], f: (...xs) => tf.concat(xs, 3), grad: true },
    { name: 'Pack', kernels: ['Pack'], inputs: [{ shape: [4, 3] }, { shape: [4, 3] }], f: (a, b) => tf.stack([a!, b!], 1), grad: true },
    { name: 'Unpack alpha rows', kernels: ['Unpack'], inputs: [{ shape: [14, 8] }], f: (t) => tf.unstack(t), grad: true },
    { name: 'Slice (FactorizedReduce shift)', kernels: ['Slice'], inputs: x, f: (t) => tf.slice(t, [0, 1, 1, 0], [-1, 7, 7, -1]), grad: true },
    { name: 'StridedSlice every other pixel', kernels: ['StridedSlice'], inputs: x, f: (t) => tf.stridedSlice(t, [0, 0, 1, 0], [2, 8, 8, 8], [1, 2, 2, 1]) },
    { name: 'SplitV', kernels: ['SplitV'], inputs: x, f: (t) => tf.split(t, [3, 5], 3), grad: true },
    { name: 'Transpose', kernels: ['Transpose'], inputs: x, f: (t) => tf.transpose(t, [1, 2, 0, 3]), grad: true },
    { name: 'Tile', kernels: ['Tile'], inputs: [{ shape: [2, 3] }], f: (t) => tf.tile(t, [2, 3]), grad: true },
    { name: 'Reverse', kernels: ['Reverse'], inputs: x, f: (t) => tf.reverse(t, [1, 2]), grad: true },
    { name: 'PadV2 with a value', kernels: ['PadV2'], inputs: x, f: (t) => tf.pad(t, [[0, 0], [1, 2], [2, 1], [0, 0]], -1.5), grad: true },
    { name: 'Fill', kernels: ['Fill'], inputs: [], f: () => [tf.fill([3, 4], 2.5), tf.fill([2], 7, 'int32')] },
    { name: 'Range', kernels: ['Range'], inputs: [], f: () => [tf.range(0, 10, 3), tf.range(1, 2, 0.25, 'float32')] },
    { name: 'OneHot of labels', kernels: ['OneHot'], inputs: [{ shape: [6], domain: 'index', max: 10 }], f: (t) => tf.oneHot(t as tf.Tensor1D, 10) },
    { name: 'GatherV2', kernels: ['GatherV2', 'UnsortedSegmentSum'], inputs: [{ shape: [6, 5] }, { shape: [4], domain: 'index', max: 5 }], f: (a, i) => tf.gather(a!, i as tf.Tensor1D, 1), grad: true },
    { name: 'GatherNd', kernels: ['GatherNd'], inputs: [{ shape: [4, 5, 3] }, { shape: [6, 2], domain: 'index', max: 4 }], f: (a, i) => tf.gatherND(a!, i!) },
    { name: 'ScatterNd with repeated indices', kernels: ['ScatterNd'], inputs: [{ shape: [9, 1], domain: 'index', max: 4 }, { shape: [9, 3] }], f: (i, u) => tf.scatterND(i!, u!, [4, 3]) },
    { name: 'Cumprod exclusive and reversed', kernels: ['Cumprod'], inputs: [{ shape: [3, 5], domain: 'positive' }], f: (t) => [tf.cumprod(t, 1), tf.cumprod(t, 0, true, true)] },
  ];
}

function convolutions(): Case[] {
  const x = { shape: MAP };
  return [
    { name: 'Conv2D 3x3 same', kernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'], inputs: [x, { shape: [3, 3, 8, 6] }], f: (a, w) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), grad: true },
    { name: 'Conv2D 3x3 stride 2 same (uneven padding)', kernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'], inputs: [x, { shape: [3, 3, 8, 4] }], f: (a, w) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), grad: true },
    { name: 'Conv2D 1x1 stride 2 valid', kernels: ['Conv2D'], inputs: [x, { shape: [1, 1, 8, 4] }], f: (a, w) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid') },
    { name: 'Conv2D 3x3 dilation 2', kernels: ['Conv2D'], inputs: [x, { shape: [3, 3, 8, 4] }], f: (a, w) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC', 2) },
    { name: 'conv2dTranspose', kernels: ['Conv2DBackpropInput'], inputs: [{ shape: [2, 4, 4, 6] }, { shape: [3, 3, 8, 6] }], f: (a, w) => tf.conv2dTranspose(a as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 8, 8], 2, 'same') },
    { name: 'DepthwiseConv2dNative 5x5 same', kernels: ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'], inputs: [x, { shape: [5, 5, 8, 1] }], f: (a, w) => tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), grad: true },
    { name: 'DepthwiseConv2dNative 3x3 stride 2 same (uneven padding, direct kernel)', kernels: ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'], inputs: [x, { shape: [3, 3, 8, 1] }], f: (a, w) => tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), grad: true },
    { name: 'DepthwiseConv2dNative 3x3 stride 2, multiplier 2', kernels: ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'], inputs: [x, { shape: [3, 3, 8, 2] }], f: (a, w) => tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid'), grad: true },
    { name: 'MaxPool 3x3 same', kernels: ['MaxPool', 'MaxPoolGrad'], inputs: [x], f: (a) => tf.maxPool(a as tf.Tensor4D, 3, 1, 'same'), grad: true },
    { name: 'MaxPool 2x2 stride 2 valid', kernels: ['MaxPool', 'MaxPoolGrad'], inputs: [x], f: (a) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), grad: true },
    { name: 'AvgPool 5x5 stride 3 valid (auxiliary head)', kernels: ['AvgPool', 'AvgPoolGrad'], inputs: [x], f: (a) => tf.avgPool(a as tf.Tensor4D, 5, 3, 'valid'), grad: true },
  ];
}

function fused(): Case[] {
  const x = { shape: MAP };
  return [
    { name: 'conv2d 3x3 stride 2 (fused)', kernels: [FUSED.conv, FUSED.convBackward], inputs: [x, { shape: [3, 3, 8, 6] }], f: (a, w) => ops.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, { stride: 2, pad: 1 }), grad: true },
    { name: 'pointwise 1x1 (fused)', kernels: [FUSED.conv, FUSED.convBackward], inputs: [x, { shape: [1, 1, 8, 8] }], f: (a, w) => ops.pointwiseConv(a as tf.Tensor4D, w as tf.Tensor4D), grad: true },
    { name: 'depthwise 5x5 dilation 2 stride 2 (dil_conv_5x5 reduce, fused)', kernels: [FUSED.conv, FUSED.convBackward], inputs: [x, { shape: [5, 5, 8, 1] }], f: (a, w) => ops.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, { stride: 2, pad: 4, dilation: 2 }), grad: true },
    { name: 'depthwise 3x3 (sep_conv_3x3, fused)', kernels: [FUSED.conv, FUSED.convBackward], inputs: [x, { shape: [3, 3, 8, 1] }], f: (a, w) => ops.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, { pad: 1 }), grad: true },
    { name: 'max_pool_3x3 stride 1 and 2 (fused)', kernels: [FUSED.maxPool, FUSED.maxPoolBackward], inputs: [x], f: (a) => [ops.maxPool3x3(a as tf.Tensor4D, 1), ops.maxPool3x3(a as tf.Tensor4D, 2)], grad: true },
    { name: 'avg_pool_3x3 stride 1 and 2, padding excluded (fused)', kernels: [FUSED.avgPool, FUSED.avgPoolBackward], inputs: [x], f: (a) => [ops.avgPool3x3(a as tf.Tensor4D, 1), ops.avgPool3x3(a as tf.Tensor4D, 2)], grad: true },
    { name: 'batch norm in training mode (fused)', kernels: [FUSED.batchNormTrain, FUSED.batchNormTrainBackward], inputs: [x], f: (a) => ops.batchNormTrain(tf.add(tf.mul(a!, 3), 1) as tf.Tensor4D), grad: true },
    { name: 'relu (fused gradient)', kernels: ['Relu', FUSED.reluBackward], inputs: [x], f: (a) => ops.relu(a!), grad: true },
    { name: 'ReLU-depthwise-pointwise-BN block, sep_conv_5x5 stride 2 (fused)', kernels: [FUSED.sepBlock, FUSED.sepBlockBackward], inputs: [x, { shape: [5, 5, 8, 1] }, { shape: [1, 1, 8, 8] }], f: (a, wd, wp) => ops.sepBlock(a as tf.Tensor4D, wd as tf.Tensor4D, wp as tf.Tensor4D, { stride: 2, pad: 2, dilation: 1, eps: ops.BN_EPSILON }), grad: true },
    { name: 'ReLU-depthwise-pointwise-BN block, dil_conv_3x3 (fused)', kernels: [FUSED.sepBlock, FUSED.sepBlockBackward], inputs: [x, { shape: [3, 3, 8, 1] }, { shape: [1, 1, 8, 8] }], f: (a, wd, wp) => ops.sepBlock(a as tf.Tensor4D, wd as tf.Tensor4D, wp as tf.Tensor4D, { stride: 1, pad: 2, dilation: 2, eps: ops.BN_EPSILON }), grad: true },
    { name: 'max pool 3x3 stride 2 then BN (fused)', kernels: [FUSED.poolBlock, FUSED.poolBlockBackward], inputs: [x], f: (a) => ops.poolBlock(a as tf.Tensor4D, 'max', 2, ops.BN_EPSILON), grad: true },
    { name: 'avg pool 3x3 then BN (fused)', kernels: [FUSED.poolBlock, FUSED.poolBlockBackward], inputs: [x], f: (a) => ops.poolBlock(a as tf.Tensor4D, 'avg', 1, ops.BN_EPSILON), grad: true },
    { name: 'the sep block in inference mode, sep_conv_5x5 stride 2 and dil_conv_3x3 (fused)', kernels: [FUSED.sepBlockInfer], inputs: [x, { shape: [5, 5, 8, 1] }, { shape: [1, 1, 8, 8] }, { shape: [3, 3, 8, 1] }, { shape: [8] }, { shape: [8] }],
      f: (a, wd, wp, wd3, m, v) => {
        const moments = { mean: m!, variance: tf.add(tf.abs(v!), 0.5) };
        return [ops.sepBlockInfer(a as tf.Tensor4D, wd as tf.Tensor4D, wp as tf.Tensor4D, { stride: 2, pad: 2, dilation: 1, eps: ops.BN_EPSILON }, moments),
          ops.sepBlockInfer(a as tf.Tensor4D, wd3 as tf.Tensor4D, wp as tf.Tensor4D, { stride: 1, pad: 2, dilation: 2, eps: ops.BN_EPSILON }, moments)];
      } },
    { name: 'the pool blocks in inference mode, max and average, strides 1 and 2 (fused)', kernels: [FUSED.poolBlockInfer], inputs: [x, { shape: [8] }, { shape: [8] }],
      f: (a, m, v) => {
        const moments = { mean: m!, variance: tf.add(tf.abs(v!), 0.5) };
        return (['max', 'avg'] as const).flatMap((kind) => [1, 2].map((s) => ops.poolBlockInfer(a as tf.Tensor4D, kind, s, ops.BN_EPSILON, moments)));
      } },
    { name: 'the sep and pool blocks in inference mode with the batch\'s statistics (fused)', kernels: [FUSED.sepBlockInfer, FUSED.poolBlockInfer], inputs: [x, { shape: [5, 5, 8, 1] }, { shape: [1, 1, 8, 8] }, { shape: [3, 3, 8, 1] }],
      f: (a, wd, wp, wd3) => [
        ops.sepBlockInfer(a as tf.Tensor4D, wd as tf.Tensor4D, wp as tf.Tensor4D, { stride: 2, pad: 2, dilation: 1, eps: ops.BN_EPSILON }, 'batch'),
        ops.sepBlockInfer(a as tf.Tensor4D, wd3 as tf.Tensor4D, wp as tf.Tensor4D, { stride: 1, pad: 2, dilation: 2, eps: ops.BN_EPSILON }, 'batch'),
        ...(['max', 'avg'] as const).flatMap((kind) => [1, 2].map((s) => ops.poolBlockInfer(a as tf.Tensor4D, kind, s, ops.BN_EPSILON, 'batch'))),
      ] },
    { name: 'weighted sum of a mixed edge (fused)', kernels: [FUSED.weightedSum, FUSED.weightedSumBackward], inputs: [{ shape: [7] }, x, x, x, x, x, x, x], f: (w, ...xs) => ops.weightedSum(xs as tf.Tensor4D[], w as tf.Tensor1D), grad: true },
  ];
}

export function torchCases(): Case[] {
  return [...elementwise(), ...reductions(), ...matrixAndMisc(), ...shapes(), ...convolutions(), ...fused()];
}
