// The evaluation networks built from a genotype: CIFAR (Table 2) and ImageNet mobile (Table 3).
import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Conv2d, Linear, globalAvgPool, relu } from '../nn/layers.js';
import { Init, Module, type Ctx } from '../nn/module.js';
import { DerivedCell } from '../space/derived-cell.js';
import type { Genotype } from '../space/genotype.js';
import type { OpOptions } from '../space/ops.js';
import { AuxiliaryHead } from './aux-head.js';
import { auxPosition, checkShape, halve, isReduction } from './reductions.js';

export type NetworkKind = 'cifar10' | 'imagenet';

export interface DerivedNetworkOptions {
  kind: NetworkKind;
  genotype: Genotype;
  channels: number;
  layers: number;
  classes: number;
  inputSize: number;
  /** Channels of the input images (3: RGB, the default; 1: grayscale). */
  inputChannels?: number;
  auxiliary: boolean;
  /** SNAS' flavour (default): a BN after every pool; DARTS': bare pools. */
  poolBN?: boolean;
  seed?: number;
}

export interface Output {
  logits: tf.Tensor2D;
  /** Auxiliary logits, in training mode when the network has an auxiliary head. */
  aux?: tf.Tensor2D;
}

export const NETWORK_DEFAULTS: Record<NetworkKind, { channels: number; layers: number; inputSize: number; classes: number }> = {
  cifar10: { channels: 36, layers: 20, inputSize: 32, classes: 10 },
  imagenet: { channels: 48, layers: 14, inputSize: 224, classes: 1000 },
};

/** Stem of the CIFAR network: 3x3 conv (input channels) -> 3C, BN. */
class CifarStem extends Module {
  private readonly conv: Conv2d;
  private readonly bn: BatchNorm;
  constructor(inChannels: number, readonly out: number, init: Init) {
    super();
    this.conv = this.child('conv', new Conv2d(inChannels, out, 3, init, 1, 1));
    this.bn = this.child('bn', new BatchNorm(out, true));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): [tf.Tensor4D, tf.Tensor4D] {
    const s = this.bn.forward(this.conv.forward(x, ctx), ctx);
    return [s, s];
  }
}

/** Stems of the ImageNet network: stem0 (two stride-2 convs, C/2 then C) and stem1 (a third). */
class ImageNetStem extends Module {
  private readonly c0a: Conv2d;
  private readonly b0a: BatchNorm;
  private readonly c0b: Conv2d;
  private readonly b0b: BatchNorm;
  private readonly c1: Conv2d;
  private readonly b1: BatchNorm;
  constructor(inChannels: number, c: number, init: Init) {
    super();
    this.c0a = this.child('stem0.conv1', new Conv2d(inChannels, c / 2, 3, init, 2, 1));
    this.b0a = this.child('stem0.bn1', new BatchNorm(c / 2, true));
    this.c0b = this.child('stem0.conv2', new Conv2d(c / 2, c, 3, init, 2, 1));
    this.b0b = this.child('stem0.bn2', new BatchNorm(c, true));
    this.c1 = this.child('stem1.conv', new Conv2d(c, c, 3, init, 2, 1));
    this.b1 = this.child('stem1.bn', new BatchNorm(c, true));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): [tf.Tensor4D, tf.Tensor4D] {
    const h = relu(this.b0a.forward(this.c0a.forward(x, ctx), ctx), ctx);
    const s0 = this.b0b.forward(this.c0b.forward(h, ctx), ctx);
    const s1 = this.b1.forward(this.c1.forward(relu(s0, ctx), ctx), ctx);
    return [s0, s1];
  }
}

export class DerivedNetwork extends Module {
  readonly cells: DerivedCell[] = [];
  readonly auxHead?: AuxiliaryHead;
  private readonly stem: CifarStem | ImageNetStem;
  private readonly classifier: Linear;
  private readonly auxAt: number;
  constructor(readonly opts: DerivedNetworkOptions) {
    super();
    const { kind, genotype, channels: c, layers, classes, inputSize } = opts;
    checkShape(`${kind} network`, c, layers, inputSize);
    const init = new Init(opts.seed ?? 0);
    const cellOpts: OpOptions = { affine: true, poolBN: opts.poolBN ?? true };
    let cpp: number;
    let cp: number;
    let size: number;
    let reductionPrev: boolean;
    if (kind === 'cifar10') {
      this.stem = this.child('stem', new CifarStem(opts.inputChannels ?? 3, 3 * c, init));
      [cpp, cp, size, reductionPrev] = [3 * c, 3 * c, inputSize, false];
    } else {
      this.stem = this.child('stem', new ImageNetStem(opts.inputChannels ?? 3, c, init));
      // s0 comes out of stem0 (1/4 size) and s1 out of stem1 (1/8): the first cell treats s0 as
      // coming from before a reduction.
      [cpp, cp, size, reductionPrev] = [c, c, halve(halve(halve(inputSize))), true];
    }
    let cCurr = c;
    this.auxAt = auxPosition(layers);
    for (let i = 0; i < layers; i++) {
      const reduction = isReduction(i, layers);
      if (reduction) {
        cCurr *= 2;
        size = halve(size);
      }
      const cell = this.child(`cells.${i}`, new DerivedCell(reduction ? genotype.reduce : genotype.normal, cpp, cp, cCurr, reduction, reductionPrev, cellOpts, init));
      this.cells.push(cell);
      reductionPrev = reduction;
      [cpp, cp] = [cp, cell.outChannels];
      if (i === this.auxAt && opts.auxiliary) this.auxHead = this.child('auxiliary', new AuxiliaryHead(kind === 'cifar10' ? 'cifar' : 'imagenet', cp, size, classes, init));
    }
    this.classifier = this.child('classifier', new Linear(cp, classes, init));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): Output {
    let [s0, s1] = this.stem.forward(x, ctx);
    let aux: tf.Tensor2D | undefined;
    this.cells.forEach((cell, i) => {
      [s0, s1] = [s1, cell.forward(s0, s1, ctx)];
      if (i === this.auxAt && this.auxHead && ctx.training) aux = this.auxHead.forward(s1, ctx);
    });
    // Global average pooling: the CIFAR network's, and at 224x224 the ImageNet network's 7x7 pool.
    const logits = this.classifier.forward(globalAvgPool(s1, ctx), ctx);
    return aux ? { logits, aux } : { logits };
  }

  /** Parameters without the auxiliary head (the paper's convention) and with it. */
  parameterCounts(): { params: number; params_with_aux: number } {
    const all = this.parameterCount();
    return { params: all - (this.auxHead?.parameterCount() ?? 0), params_with_aux: all };
  }
}

/** SNAS' released code puts a BN after every pool; DARTS' evaluation code does not (by the genotype's name). */
export function poolBNOf(genotype: string): boolean {
  return !genotype.startsWith('DARTS');
}
