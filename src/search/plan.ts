// `--dry-run`: what a search or a training would do, and what it would cost on this backend,
// without data or run directory: the split sizes follow from the config (CIFAR-10 has 50,000
// training and 10,000 test images), and a few steps are timed on random images of the
// config's shape.
import * as tf from '@tensorflow/tfjs';
import type { Config, DataConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import { timeIt } from '../bench/timing.js';
import { resolveGenotype } from '../space/registry.js';
import { evaluationModel, evaluationStep } from '../train/evaluation.js';
import { createStrategy } from './methods.js';

const CIFAR10 = { train: 50_000, test: 10_000, size: 32 };

/** Training, validation and test images and the image side a data config gives. */
export function splitSizes(d: DataConfig): { train: number; valid: number; test: number; size: number } {
  const [n, test, size] = d.dataset === 'cifar10' ? [CIFAR10.train, CIFAR10.test, CIFAR10.size] : [d.train_size, d.test_size, d.image_size];
  switch (d.split) {
    case 'released':
      return { train: n, valid: test, test, size };
    case 'darts':
      return { train: Math.floor(n / 2), valid: n - Math.floor(n / 2), test, size };
    case 'holdout': {
      const held = Math.round(n * d.holdout_fraction);
      return { train: n - held, valid: held, test, size };
    }
  }
}

export interface Plan {
  what: string;
  epochs: number;
  stepsPerEpoch: number;
  evalBatchesPerEpoch: number;
  secondsPerStep: number;
  secondsPerEvalBatch: number;
  /** Estimated hours for the whole run on this backend. */
  hours: number;
}

function randomBatch(n: number, size: number, seed: number): Batch {
  return {
    x: tf.randomNormal([n, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D,
    y: tf.tensor1d(Array.from({ length: n }, (_, i) => i % 10), 'int32'),
    index: 0,
  };
}

/** Median seconds of `reps` calls after one warm-up call. */
async function seconds(reps: number, work: () => Promise<unknown>): Promise<number> {
  return (await timeIt(work, { warmup: 1, reps })).median_ms / 1000;
}

function finish(what: string, epochs: number, stepsPerEpoch: number, evalBatchesPerEpoch: number, secondsPerStep: number, secondsPerEvalBatch: number): Plan {
  const hours = (epochs * (stepsPerEpoch * secondsPerStep + evalBatchesPerEpoch * secondsPerEvalBatch)) / 3600;
  return { what, epochs, stepsPerEpoch, evalBatchesPerEpoch, secondsPerStep, secondsPerEvalBatch, hours };
}

export async function planSearch(config: Config, reps = 3): Promise<Plan> {
  const cfg = config.search!;
  const sizes = splitSizes(config.data);
  const batch = config.data.batch_size;
  const search = createStrategy(cfg, config.seed, sizes.size, 10);
  const trainImages = search.bilevel ? Math.floor(sizes.train / 2) : sizes.train;
  const steps = Math.min(Math.floor(trainImages / batch), cfg.steps_per_epoch ?? Infinity);
  const evalBatches = Math.min(Math.ceil(sizes.valid / batch), cfg.eval_batches ?? Infinity);
  const [b, a] = [randomBatch(batch, sizes.size, 1), randomBatch(batch, sizes.size, 2)];
  try {
    const step = await seconds(reps, () => search.trainStep({ batch: b, archBatch: a, tau: 1, lr: cfg.lr, seed: 0 }));
    // An evaluation batch runs the search-time network and the derived child: about two forward passes.
    const evalBatch = 2 * (await seconds(reps, () => search.evalSearch(a, 1, 0)));
    return finish(`${cfg.method} search, ${cfg.layers} cells, C ${cfg.channels}, ${sizes.size}x${sizes.size}, batch ${batch}`, cfg.epochs, steps, evalBatches, step, evalBatch);
  } finally {
    search.dispose();
    tf.dispose([b.x, b.y, a.x, a.y]);
  }
}

export async function planTraining(config: Config, reps = 3): Promise<Plan> {
  const cfg = config.train!;
  const sizes = splitSizes(config.data);
  const batch = config.data.batch_size;
  const genotype = resolveGenotype(cfg.genotype);
  const { net, sgd } = evaluationModel(cfg, genotype, sizes.size, config.seed);
  const b = randomBatch(batch, sizes.size, 1);
  let k = 0;
  try {
    const step = await seconds(reps, async () => {
      const [loss, correct] = evaluationStep(net, sgd, b, { training: true, dropPath: cfg.drop_path, nextSeed: () => ++k }, cfg.lr, cfg.auxiliary_weight);
      await loss.data();
      tf.dispose([loss, correct]);
    });
    const evalBatch = await seconds(reps, async () => {
      const out = tf.tidy(() => net.forward(b.x, { training: false }).logits);
      await out.data();
      out.dispose();
    });
    const steps = Math.min(Math.floor(sizes.train / batch), cfg.steps_per_epoch ?? Infinity);
    const evalBatches = Math.min(Math.ceil(sizes.test / batch), cfg.eval_batches ?? Infinity);
    return finish(`training ${genotype.name}, ${cfg.layers} cells, C ${cfg.channels}, ${sizes.size}x${sizes.size}, batch ${batch}`, cfg.epochs, steps, evalBatches, step, evalBatch);
  } finally {
    sgd.dispose();
    net.dispose();
    tf.dispose([b.x, b.y]);
  }
}

/** The plan in a few lines. */
export function planText(p: Plan, backend: string): string {
  const total = p.epochs * p.stepsPerEpoch;
  return [
    `plan: ${p.what}`,
    `  ${p.epochs} epochs x ${p.stepsPerEpoch} steps = ${total.toLocaleString('en-US')} steps, ${p.evalBatchesPerEpoch} evaluation batches per epoch`,
    `  timed here (backend ${backend}): ${p.secondsPerStep.toFixed(3)} s per step, ${p.secondsPerEvalBatch.toFixed(3)} s per evaluation batch`,
    `  estimate: ${p.hours.toFixed(p.hours < 10 ? 2 : 0)} hours (${(p.hours / 24).toFixed(2)} days) on this machine`,
  ].join('\n');
}
