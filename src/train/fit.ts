// Trains a classifier on a split for a budget of steps or seconds, and measures accuracy: the
// small training loop the dataset checks use (the evaluation command builds on the same parts).
import * as tf from '@tensorflow/tfjs';
import { BatchIterator } from '../data/batches.js';
import type { Data } from '../data/load.js';
import type { ImageSet } from '../data/images.js';
import type { Ctx } from '../nn/module.js';
import { softmaxCrossEntropy } from '../ops/index.js';
import { cosineLr } from '../optim/cosine.js';
import { Sgd } from '../optim/sgd.js';

export interface Classifier {
  forward(x: tf.Tensor4D, ctx: Ctx): tf.Tensor2D;
  trainableVariables(): tf.Variable[];
}

export interface FitOptions {
  /**
   * Budget: a number of steps, or seconds of training (the cosine learning rate then follows
   * the elapsed fraction of the time), or both (whichever ends first; steps set the schedule).
   */
  steps?: number;
  seconds?: number;
  lr: number;
  momentum?: number;
  weightDecay?: number;
  clipNorm?: number;
  augment?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

export interface FitResult {
  steps: number;
  seconds: number;
  images_per_s: number;
  train_loss: number;
  test_acc: number;
}

/** Top-1 accuracy in inference mode over a whole set. */
export async function accuracy(model: Classifier, set: ImageSet, data: Data, batchSize = 256): Promise<number> {
  const it = new BatchIterator(set, { batchSize, shuffle: false, stats: data.stats, seed: 0 });
  let correct = 0;
  for await (const b of it.epoch(0)) {
    const hits = tf.tidy(() => tf.sum(tf.equal(tf.argMax(model.forward(b.x, { training: false }), 1), b.y)));
    correct += (await hits.data())[0]!;
    hits.dispose();
  }
  return correct / set.labels.length;
}

export async function fit(model: Classifier, data: Data, opts: FitOptions): Promise<FitResult> {
  const seed = opts.seed ?? 0;
  const it = new BatchIterator(data.split.train, {
    batchSize: data.batchSize, shuffle: true, stats: data.stats, seed, dropLast: true,
    ...(opts.augment === false ? {} : { augment: data.augment }),
  });
  const sgd = new Sgd({ momentum: opts.momentum ?? 0.9, weightDecay: opts.weightDecay ?? 3e-4, clipNorm: opts.clipNorm ?? 5 });
  const vars = model.trainableVariables();
  if (opts.steps === undefined && opts.seconds === undefined) throw new Error('fit: give a budget of steps or seconds');
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const progress = (step: number) => (opts.steps !== undefined ? step / opts.steps : Math.min(1, elapsed() / opts.seconds!));
  let step = 0;
  let lossAvg = 0;
  let seen = 0;
  let dropSeed = seed * 7919;
  const nextSeed = () => ++dropSeed;
  outer: for (let epoch = 0; ; epoch++) {
    for await (const b of it.epoch(epoch)) {
      if ((opts.steps !== undefined && step >= opts.steps) || (opts.seconds !== undefined && elapsed() >= opts.seconds)) break outer;
      const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(model.forward(b.x, { training: true, nextSeed }), b.y), vars);
      sgd.step(vars, grads, cosineLr(progress(step), 1, opts.lr));
      const loss = (await value.data())[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      if (!Number.isFinite(loss)) throw new Error(`training diverged at step ${step}: loss ${loss}`);
      lossAvg = step === 0 ? loss : 0.98 * lossAvg + 0.02 * loss;
      seen += b.y.shape[0];
      step++;
      if (opts.log && step % 50 === 0) opts.log(`  step ${step}: loss ${lossAvg.toFixed(3)}, ${elapsed().toFixed(0)} s`);
    }
  }
  const seconds = elapsed();
  sgd.dispose();
  const testAcc = await accuracy(model, data.split.test, data);
  return { steps: step, seconds, images_per_s: seen / seconds, train_loss: lossAvg, test_acc: testAcc };
}
