// The pieces of the evaluation training (SNAS-FACTS, "Evaluation settings"; DARTS' and SNAS'
// released train.py): the network and optimiser a training config describes, drop-path ramped
// linearly over the epochs, the loss with the auxiliary head's cross-entropy added at its
// weight, and one training step.
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import type { DataShape } from '../data/images.js';
import { DerivedNetwork, poolBNOf, type DerivedNetworkOptions, type Output } from '../networks/derived.js';
import type { Ctx } from '../nn/module.js';
import { correctCount, softmaxCrossEntropy } from '../ops/index.js';
import type { Genotype } from '../space/genotype.js';
import { weightSgd, type Sgd } from '../optim/sgd.js';

/** The drop-path probability during epoch `epoch` (0-based): final * epoch / epochs, as the released code sets it. */
export function dropPathAt(epoch: number, epochs: number, final: number): number {
  return (final * epoch) / epochs;
}

/** Test batches evaluated after epoch `epoch` (0-based): every test batch up to eval_batches after the last epoch, up to interim_eval_batches (when set) after the others. */
export function evalBatchesAfter(epoch: number, cfg: Pick<TrainConfig, 'epochs' | 'eval_batches' | 'interim_eval_batches'>): number {
  const last = cfg.eval_batches ?? Infinity;
  return epoch + 1 < cfg.epochs && cfg.interim_eval_batches !== null ? Math.min(cfg.interim_eval_batches, last) : last;
}

/** Cross-entropy of the logits plus `auxWeight` times that of the auxiliary logits (when the head produced them). */
export function evaluationLoss(out: Output, labels: tf.Tensor1D, auxWeight: number): tf.Scalar {
  const main = softmaxCrossEntropy(out.logits, labels);
  if (!out.aux || auxWeight === 0) return main;
  return tf.add(main, tf.mul(softmaxCrossEntropy(out.aux, labels), auxWeight)) as tf.Scalar;
}

/** The evaluation network's shape for a training config (SNAS' BN after pools unless the genotype is DARTS' or the config says). */
export function evaluationShape(cfg: TrainConfig, genotype: Genotype, classes = 10): Omit<DerivedNetworkOptions, 'inputSize' | 'inputChannels' | 'auxiliary' | 'seed'> {
  return { kind: 'cifar10', genotype, channels: cfg.channels, layers: cfg.layers, classes, poolBN: cfg.pool_bn ?? poolBNOf(genotype.name) };
}

/** The network (with its auxiliary head when the loss weighs one) and the SGD a training config describes. */
export function evaluationModel(cfg: TrainConfig, genotype: Genotype, input: DataShape, seed: number): { net: DerivedNetwork; sgd: Sgd } {
  const net = new DerivedNetwork({ ...evaluationShape(cfg, genotype, input.classes), inputSize: input.size, inputChannels: input.channels, auxiliary: cfg.auxiliary_weight > 0, seed });
  return { net, sgd: weightSgd(cfg) };
}

/** One SGD step on a batch; returns the loss and the correct count as tensors (the caller reads and frees them). */
export function evaluationStep(net: DerivedNetwork, sgd: Sgd, batch: Batch, ctx: Ctx, lr: number, auxWeight: number): [tf.Scalar, tf.Scalar] {
  return tf.tidy(() => {
    let hits: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = net.forward(batch.x, ctx);
      hits = tf.keep(correctCount(out.logits, batch.y));
      return evaluationLoss(out, batch.y, auxWeight);
    }, net.trainableVariables());
    sgd.step(net.trainableVariables(), grads, lr);
    return [value, hits!];
  });
}
