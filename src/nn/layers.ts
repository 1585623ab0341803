// Leaf layers: convolutions, batch norm, linear, activation and pooling, on the ops in
// src/ops. Each reports its cost to ctx.trace when one is given.
import * as tf from '@tensorflow/tfjs';
import * as ops from '../ops/index.js';
import { Init, Module, type Ctx } from './module.js';

const BN_MOMENTUM = 0.1; // PyTorch's default: running = (1 - m) * running + m * batch

/** Dense convolution k x k, stride s, symmetric padding p, no bias. */
export class Conv2d extends Module {
  readonly w: tf.Variable;
  constructor(readonly cin: number, readonly cout: number, readonly k: number, init: Init, readonly stride = 1, readonly pad = 0) {
    super();
    this.w = this.variable('w', init.uniform([k, k, cin, cout], 1 / Math.sqrt(cin * k * k)));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    const w = this.w as tf.Tensor4D;
    const y = this.k === 1 && this.stride === 1 && this.pad === 0
      ? ops.pointwiseConv(x, w)
      : ops.conv2d(x, w, { stride: this.stride, pad: this.pad });
    ctx.trace?.record({ kind: 'conv', macs: y.size * this.k * this.k * this.cin, ops: 0, batch: x.shape[0] });
    return y;
  }
}

/** Depthwise convolution k x k (one filter per channel), stride, dilation, padding, no bias. */
export class DepthwiseConv2d extends Module {
  readonly w: tf.Variable;
  constructor(readonly channels: number, readonly k: number, init: Init, readonly stride = 1, readonly pad = 0, readonly dilation = 1) {
    super();
    this.w = this.variable('w', init.uniform([k, k, channels, 1], 1 / Math.sqrt(k * k)));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    const y = ops.depthwiseConv2d(x, this.w as tf.Tensor4D, { stride: this.stride, pad: this.pad, dilation: this.dilation });
    ctx.trace?.record({ kind: 'conv', macs: y.size * this.k * this.k, ops: 0, batch: x.shape[0] });
    return y;
  }
}

/** Batch norm over N, H, W; affine (gamma, beta) optional; running statistics as in PyTorch. */
export class BatchNorm extends Module {
  readonly gamma?: tf.Variable;
  readonly beta?: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  constructor(readonly channels: number, readonly affine: boolean) {
    super();
    if (affine) {
      this.gamma = this.variable('gamma', tf.ones([channels]));
      this.beta = this.variable('beta', tf.zeros([channels]));
    }
    this.runningMean = this.variable('running_mean', tf.zeros([channels]), false);
    this.runningVar = this.variable('running_var', tf.ones([channels]), false);
  }

  /** The running statistics a training-mode pass updates. */
  runningStats(): ops.RunningStats {
    return { mean: this.runningMean, variance: this.runningVar, momentum: BN_MOMENTUM };
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    let y: tf.Tensor4D;
    if (ctx.training) {
      y = ops.batchNormTrain(x, ops.BN_EPSILON, this.runningStats());
    } else if (ctx.batchStats) {
      y = ops.batchNormTrain(x, ops.BN_EPSILON);
    } else {
      y = ops.batchNormInfer(x, ops.BN_EPSILON, { mean: this.runningMean, variance: this.runningVar });
    }
    if (this.gamma && this.beta) y = tf.add(tf.mul(y, this.gamma), this.beta) as tf.Tensor4D;
    ctx.trace?.record({ kind: 'bn', macs: 0, ops: y.size, batch: x.shape[0] });
    return y;
  }
}

/** Fully connected layer with bias (the classifiers). */
export class Linear extends Module {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor(readonly fin: number, readonly fout: number, init: Init) {
    super();
    const bound = 1 / Math.sqrt(fin);
    this.w = this.variable('w', init.uniform([fin, fout], bound));
    this.b = this.variable('b', init.uniform([fout], bound));
  }

  forward(x: tf.Tensor2D, ctx: Ctx): tf.Tensor2D {
    ctx.trace?.record({ kind: 'linear', macs: x.shape[0] * this.fin * this.fout, ops: 0, batch: x.shape[0] });
    return tf.add(tf.matMul(x, this.w as tf.Tensor2D), this.b) as tf.Tensor2D;
  }
}

export function relu(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
  ctx.trace?.record({ kind: 'relu', macs: 0, ops: x.size, batch: x.shape[0] });
  return ops.relu(x);
}

export function maxPool3x3(x: tf.Tensor4D, stride: number, ctx: Ctx): tf.Tensor4D {
  const y = ops.maxPool3x3(x, stride);
  ctx.trace?.record({ kind: 'pool', macs: 0, ops: y.size * 9, batch: x.shape[0] });
  return y;
}

export function avgPool3x3(x: tf.Tensor4D, stride: number, ctx: Ctx): tf.Tensor4D {
  const y = ops.avgPool3x3(x, stride);
  ctx.trace?.record({ kind: 'pool', macs: 0, ops: y.size * 9, batch: x.shape[0] });
  return y;
}

/** k x k average pooling without padding (auxiliary heads, ImageNet's final 7x7 pool). */
export function avgPoolValid(x: tf.Tensor4D, k: number, stride: number, ctx: Ctx): tf.Tensor4D {
  const y = ops.avgPoolValid(x, k, stride);
  ctx.trace?.record({ kind: 'pool', macs: 0, ops: y.size * k * k, batch: x.shape[0] });
  return y;
}

/** Global average pooling to [N, C]. */
export function globalAvgPool(x: tf.Tensor4D, ctx: Ctx): tf.Tensor2D {
  ctx.trace?.record({ kind: 'global-pool', macs: 0, ops: x.size, batch: x.shape[0] });
  return tf.mean(x, [1, 2]) as tf.Tensor2D;
}

/** Sum of several maps (a node of a cell), counting one addition per element per extra operand. */
export function addAll(xs: tf.Tensor4D[], ctx: Ctx): tf.Tensor4D {
  if (xs.length === 1) return xs[0]!;
  ctx.trace?.record({ kind: 'add', macs: 0, ops: xs[0]!.size * (xs.length - 1), batch: xs[0]!.shape[0] });
  return tf.addN(xs);
}

/** A mixed edge's sum of weighted maps; counted as the additions of addAll (the scalings are not counted). */
export function weightedSum(xs: tf.Tensor4D[], w: tf.Tensor1D, ctx: Ctx): tf.Tensor4D {
  if (xs.length > 1) ctx.trace?.record({ kind: 'add', macs: 0, ops: xs[0]!.size * (xs.length - 1), batch: xs[0]!.shape[0] });
  return ops.weightedSum(xs, w);
}

/**
 * Drop-path: zeroes each sample's map with probability p and scales the rest by 1/(1-p),
 * during training only.
 */
export function dropPath(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
  const p = ctx.dropPath ?? 0;
  if (!ctx.training || p <= 0) return x;
  if (!ctx.nextSeed) throw new Error('drop-path needs ctx.nextSeed for reproducible masks');
  const keep = 1 - p;
  const mask = tf.less(tf.randomUniform([x.shape[0], 1, 1, 1], 0, 1, 'float32', ctx.nextSeed()), keep).cast('float32');
  return tf.mul(x, tf.div(mask, keep)) as tf.Tensor4D;
}
