// Auxiliary classifier heads (evaluation training only; excluded from the parameter counts
// the paper reports).
import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Conv2d, Linear, avgPoolValid, relu } from '../nn/layers.js';
import { Init, Module, type Ctx } from '../nn/module.js';
import { NetworkShapeError } from './reductions.js';

/**
 * ReLU, avgpool 5x5 (stride 3 for CIFAR, 2 for ImageNet, no padding), 1x1 conv -> 128, BN,
 * ReLU, 2x2 conv -> 768, BN (CIFAR only), ReLU, linear.
 */
export class AuxiliaryHead extends Module {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm;
  private readonly conv2: Conv2d;
  private readonly bn2?: BatchNorm;
  private readonly classifier: Linear;
  private readonly poolStride: number;
  constructor(readonly kind: 'cifar' | 'imagenet', c: number, inputSize: number, classes: number, init: Init) {
    super();
    this.poolStride = kind === 'cifar' ? 3 : 2;
    const pooled = Math.floor((inputSize - 5) / this.poolStride) + 1;
    const out = pooled - 1; // 2x2 convolution, no padding
    if (inputSize < 5 || out < 1) throw new NetworkShapeError(`auxiliary head: a ${inputSize}x${inputSize} input is too small (needs at least ${this.poolStride + 5})`);
    this.conv1 = this.child('conv1', new Conv2d(c, 128, 1, init));
    this.bn1 = this.child('bn1', new BatchNorm(128, true));
    this.conv2 = this.child('conv2', new Conv2d(128, 768, 2, init));
    if (kind === 'cifar') this.bn2 = this.child('bn2', new BatchNorm(768, true));
    this.classifier = this.child('classifier', new Linear(768 * out * out, classes, init));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor2D {
    let h = avgPoolValid(relu(x, ctx), 5, this.poolStride, ctx);
    h = relu(this.bn1.forward(this.conv1.forward(h, ctx), ctx), ctx);
    h = this.conv2.forward(h, ctx);
    if (this.bn2) h = this.bn2.forward(h, ctx);
    h = relu(h, ctx);
    return this.classifier.forward(h.reshape([h.shape[0], -1]), ctx);
  }
}
