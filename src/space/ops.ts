// The cell operations as modules (paper Sec. 3.1, App. G.1): ReLU-Conv-BN blocks, separable and
// dilated convolutions, pools (followed by BN in SNAS' flavour), identity, zero and
// FactorizedReduce (skip_connect with stride 2).
import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Conv2d, DepthwiseConv2d, avgPool3x3, dropPath, maxPool3x3, relu } from '../nn/layers.js';
import { Init, Module, type Ctx } from '../nn/module.js';
import * as ops from '../ops/index.js';
import type { OpName } from './primitives.js';

/** A cell operation: maps [N, H, W, C] to [N, H/stride, W/stride, C]. */
export abstract class CellOp extends Module {
  abstract forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D;
  /** Identity ops are exempt from drop-path. */
  readonly isIdentity: boolean = false;
}

export interface OpOptions {
  /** Affine BN (derived networks) or not (search networks). */
  affine: boolean;
  /** A BN after each pool: SNAS' code does this everywhere; DARTS only in search (set false for DARTS' derived cells). */
  poolBN: boolean;
}

/** ReLU, k x k convolution, BN: cell input preprocessing (1x1) and the stems' building block. */
export class ReLUConvBN extends CellOp {
  private readonly conv: Conv2d;
  private readonly bn: BatchNorm;
  constructor(cin: number, cout: number, k: number, stride: number, pad: number, affine: boolean, init: Init) {
    super();
    this.conv = this.child('conv', new Conv2d(cin, cout, k, init, stride, pad));
    this.bn = this.child('bn', new BatchNorm(cout, affine));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    return this.bn.forward(this.conv.forward(relu(x, ctx), ctx), ctx);
  }
}

/** ReLU, depthwise k x k (stride, dilation), pointwise 1x1, BN. */
class ReLUSepBN extends Module {
  private readonly dw: DepthwiseConv2d;
  private readonly pw: Conv2d;
  private readonly bn: BatchNorm;
  constructor(c: number, k: number, stride: number, dilation: number, affine: boolean, init: Init) {
    super();
    this.dw = this.child('dw', new DepthwiseConv2d(c, k, init, stride, (dilation * (k - 1)) / 2, dilation));
    this.pw = this.child('pw', new Conv2d(c, c, 1, init));
    this.bn = this.child('bn', new BatchNorm(c, affine));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    // A search network (BN without affine parameters), training or evaluating: one fused op
    // where the backend has it. Counting passes (ctx.trace) and the rest go layer by layer.
    if (!ctx.trace && !this.bn.affine) {
      const { stride, pad, dilation } = this.dw;
      const [wd, wp, opts] = [this.dw.w as tf.Tensor4D, this.pw.w as tf.Tensor4D, { stride, pad, dilation, eps: ops.BN_EPSILON }];
      if (ctx.training) return ops.sepBlock(x, wd, wp, opts, this.bn.runningStats());
      return ops.sepBlockInfer(x, wd, wp, opts, ctx.batchStats ? 'batch' : this.bn.runningStats());
    }
    return this.bn.forward(this.pw.forward(this.dw.forward(relu(x, ctx), ctx), ctx), ctx);
  }
}

/** sep_conv_kxk: the ReLU-depthwise-pointwise-BN block twice, stride only in the first. */
export class SepConv extends CellOp {
  private readonly a: ReLUSepBN;
  private readonly b: ReLUSepBN;
  constructor(c: number, k: number, stride: number, affine: boolean, init: Init) {
    super();
    this.a = this.child('a', new ReLUSepBN(c, k, stride, 1, affine, init));
    this.b = this.child('b', new ReLUSepBN(c, k, 1, 1, affine, init));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    return this.b.forward(this.a.forward(x, ctx), ctx);
  }
}

/** dil_conv_kxk: ReLU, depthwise k x k with dilation 2, pointwise 1x1, BN. */
export class DilConv extends CellOp {
  private readonly block: ReLUSepBN;
  constructor(c: number, k: number, stride: number, affine: boolean, init: Init) {
    super();
    this.block = this.child('block', new ReLUSepBN(c, k, stride, 2, affine, init));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    return this.block.forward(x, ctx);
  }
}

/** 3x3 max or average pooling (padding excluded from the average), optionally followed by BN. */
export class Pool extends CellOp {
  private readonly bn?: BatchNorm;
  constructor(readonly kind: 'max' | 'avg', c: number, readonly stride: number, bn: boolean, affine: boolean) {
    super();
    if (bn) this.bn = this.child('bn', new BatchNorm(c, affine));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    if (this.bn && !ctx.trace && !this.bn.affine) {
      const running = this.bn.runningStats();
      if (ctx.training) return ops.poolBlock(x, this.kind, this.stride, ops.BN_EPSILON, running);
      return ops.poolBlockInfer(x, this.kind, this.stride, ops.BN_EPSILON, ctx.batchStats ? 'batch' : running);
    }
    const y = this.kind === 'max' ? maxPool3x3(x, this.stride, ctx) : avgPool3x3(x, this.stride, ctx);
    return this.bn ? this.bn.forward(y, ctx) : y;
  }
}

export class Identity extends CellOp {
  override readonly isIdentity = true;
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return x;
  }
}

/** none: a zero map of the output's shape. */
export class Zero extends CellOp {
  constructor(readonly stride: number) {
    super();
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w, c] = x.shape;
    return tf.zeros([n, Math.ceil(h / this.stride), Math.ceil(w / this.stride), c]);
  }
}

/**
 * Halves the spatial size: ReLU, then two 1x1 stride-2 convolutions (C/2 outputs each, the
 * second on the input shifted by one pixel), concatenated along channels, then BN.
 */
export class FactorizedReduce extends CellOp {
  private readonly convA: Conv2d;
  private readonly convB: Conv2d;
  private readonly bn: BatchNorm;
  constructor(cin: number, cout: number, affine: boolean, init: Init) {
    super();
    if (cout % 2 !== 0) throw new Error(`FactorizedReduce needs an even number of output channels, got ${cout}`);
    this.convA = this.child('conv_a', new Conv2d(cin, cout / 2, 1, init, 2));
    this.convB = this.child('conv_b', new Conv2d(cin, cout / 2, 1, init, 2));
    this.bn = this.child('bn', new BatchNorm(cout, affine));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    const r = relu(x, ctx);
    const [n, h, w, c] = r.shape;
    const shifted = tf.slice(r, [0, 1, 1, 0], [n, h - 1, w - 1, c]);
    return this.bn.forward(tf.concat([this.convA.forward(r, ctx), this.convB.forward(shifted, ctx)], 3), ctx);
  }
}

/** Builds one of the 8 primitives for C channels and the given stride. */
export function makeOp(name: OpName, c: number, stride: number, opts: OpOptions, init: Init): CellOp {
  switch (name) {
    case 'none': return new Zero(stride);
    case 'max_pool_3x3': return new Pool('max', c, stride, opts.poolBN, opts.affine);
    case 'avg_pool_3x3': return new Pool('avg', c, stride, opts.poolBN, opts.affine);
    case 'skip_connect': return stride === 1 ? new Identity() : new FactorizedReduce(c, c, opts.affine, init);
    case 'sep_conv_3x3': return new SepConv(c, 3, stride, opts.affine, init);
    case 'sep_conv_5x5': return new SepConv(c, 5, stride, opts.affine, init);
    case 'dil_conv_3x3': return new DilConv(c, 3, stride, opts.affine, init);
    case 'dil_conv_5x5': return new DilConv(c, 5, stride, opts.affine, init);
  }
}

/** An op's output with drop-path applied unless it is the identity. */
export function withDropPath(op: CellOp, x: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
  const y = op.forward(x, ctx);
  return op.isIdentity ? y : dropPath(y, ctx);
}
