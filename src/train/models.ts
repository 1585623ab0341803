// Classifiers for the dataset checks: a linear model on raw pixels, and a derived network.
import * as tf from '@tensorflow/tfjs';
import { Linear } from '../nn/layers.js';
import { Init, Module, type Ctx } from '../nn/module.js';
import { DerivedNetwork } from '../networks/derived.js';
import type { Genotype } from '../space/genotype.js';
import type { OpName } from '../space/primitives.js';
import type { Classifier } from './fit.js';
import type { DataShape } from '../data/images.js';

/** Multinomial logistic regression on the (normalised) pixels. */
export class LinearClassifier extends Module implements Classifier {
  private readonly linear: Linear;
  constructor(shape: DataShape, seed = 0) {
    super();
    this.linear = this.child('linear', new Linear(shape.channels * shape.size * shape.size, shape.classes, new Init(seed)));
  }

  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor2D {
    return this.linear.forward(x.reshape([x.shape[0], -1]), ctx);
  }
}

/** A CIFAR-style derived network as a classifier (no auxiliary head). */
export function networkClassifier(genotype: Genotype, channels: number, layers: number, shape: DataShape, seed = 0): Classifier & { dispose(): void; parameterCount(): number } {
  const net = new DerivedNetwork({ kind: 'cifar10', genotype, channels, layers, classes: shape.classes, inputSize: shape.size, inputChannels: shape.channels, auxiliary: false, seed });
  return {
    forward: (x, ctx) => net.forward(x, ctx).logits,
    trainableVariables: () => net.trainableVariables(),
    dispose: () => net.dispose(),
    parameterCount: () => net.parameterCount(),
  };
}

/** The topology of `g` with every op replaced by `op`: cells built from a single op. */
export function singleOpGenotype(g: Genotype, op: OpName): Genotype {
  const swap = (c: Genotype['normal']) => ({ ...c, edges: c.edges.map((e) => ({ ...e, op })) });
  return { name: `${g.name} topology, all ${op}`, normal: swap(g.normal), reduce: swap(g.reduce) };
}
