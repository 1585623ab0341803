// One SNAS training step as the speed comparison defines it (the PyTorch peer in
// ../shared/peers/pytorch_supernet.py does the same): Gumbel-softmax architecture weights at
// tau = 1, one forward and backward pass, SGD-momentum on the network weights and Adam on the
// log-alphas. Either one mixed edge (stride 1) or the whole search network.
import * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module.js';
import { Init } from '../nn/module.js';
import { SearchNetwork } from '../networks/search.js';
import { softmaxCrossEntropy } from '../ops/index.js';
import { concreteSample } from '../samplers/concrete.js';
import { MixedOp } from '../space/search-cell.js';
import { PRIMITIVES } from '../space/primitives.js';
import { Adam } from '../optim/adam.js';
import { Sgd } from '../optim/sgd.js';

export interface StepShape {
  what: 'edge' | 'network';
  batch: number;
  channels: number;
  layers: number;
  size: number;
}

/** The peer's optimiser settings. */
export const STEP_SETTINGS = {
  tau: 1, lr: 0.025, momentum: 0.9, weightDecay: 3e-4, alphaLr: 3e-4, alphaBetas: [0.5, 0.999] as const, alphaWeightDecay: 1e-3,
};

export interface SnasStep {
  readonly shape: StepShape;
  readonly weights: tf.Variable[];
  readonly alphas: tf.Variable[];
  /** Loss and gradients of the weights and log-alphas (by variable name) for a given Gumbel seed; nothing is updated. */
  gradients(seed: number): { value: tf.Scalar; grads: tf.NamedTensorMap };
  /** One full step (gradients, SGD and Adam); returns the loss (the caller disposes it). */
  step(seed: number): tf.Scalar;
  dispose(): void;
}

export function buildSnasStep(shape: StepShape, seed = 0): SnasStep {
  const ops = PRIMITIVES.length;
  const init = new Init(seed);
  const randn = (s: number[], k: number) => tf.randomNormal(s, 0, 1, 'float32', seed * 7919 + k);
  let model: Module;
  let loss: (gumbelSeed: number) => tf.Scalar;
  let alphas: tf.Variable[];
  const alpha = (s: number[], k: number) => {
    const initial = tf.tidy(() => tf.add(1, tf.mul(0.01, randn(s, k))));
    const v = tf.variable(initial, true);
    initial.dispose();
    return v;
  };
  if (shape.what === 'edge') {
    const edge = new MixedOp(shape.channels, 1, init);
    model = edge;
    alphas = [alpha([1, ops], 1)];
    const x = tf.keep(randn([shape.batch, shape.size, shape.size, shape.channels], 2)) as tf.Tensor4D;
    const target = tf.keep(randn(x.shape, 3));
    loss = (g) => {
      const w = concreteSample(alphas[0] as tf.Tensor2D, STEP_SETTINGS.tau, g).reshape([ops]) as tf.Tensor1D;
      return tf.mean(tf.mul(edge.forward(x, w, { training: true })!, target)) as tf.Scalar;
    };
    const dispose = () => tf.dispose([x, target]);
    return finish(shape, model, alphas, loss, dispose);
  }
  const net = new SearchNetwork({ channels: shape.channels, layers: shape.layers, classes: 10, seed });
  model = net;
  alphas = [alpha([14, ops], 1), alpha([14, ops], 2)];  // normal, reduction
  const x = tf.keep(randn([shape.batch, shape.size, shape.size, 3], 3)) as tf.Tensor4D;
  const y = tf.keep(tf.tidy(() => tf.cast(tf.floor(tf.randomUniform([shape.batch], 0, 10, 'float32', seed * 7919 + 4)), 'int32'))) as tf.Tensor1D;
  loss = (g) => {
    const zn = concreteSample(alphas[0] as tf.Tensor2D, STEP_SETTINGS.tau, g);
    const zr = concreteSample(alphas[1] as tf.Tensor2D, STEP_SETTINGS.tau, g + 1);
    return softmaxCrossEntropy(net.forward(x, zn, zr, { training: true }), y);
  };
  return finish(shape, model, alphas, loss, () => tf.dispose([x, y]));
}

function finish(shape: StepShape, model: Module, alphas: tf.Variable[], loss: (g: number) => tf.Scalar, disposeData: () => void): SnasStep {
  const weights = model.trainableVariables();
  const sgd = new Sgd({ momentum: STEP_SETTINGS.momentum, weightDecay: STEP_SETTINGS.weightDecay });
  const adam = new Adam({ lr: STEP_SETTINGS.alphaLr, betas: STEP_SETTINGS.alphaBetas, weightDecay: STEP_SETTINGS.alphaWeightDecay });
  const gradients = (g: number) => tf.variableGrads(() => loss(g), [...weights, ...alphas]);
  return {
    shape, weights, alphas, gradients,
    step(g: number) {
      return tf.tidy(() => {
        const { value, grads } = gradients(g);
        sgd.step(weights, grads, STEP_SETTINGS.lr);
        adam.step(alphas, alphas.map((a) => grads[a.name]!));
        return value;
      });
    },
    dispose() {
      sgd.dispose();
      adam.dispose();
      tf.dispose(alphas);
      model.dispose();
      disposeData();
    },
  };
}
