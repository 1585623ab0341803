// Trains a derived network from scratch as a run (src/runs/lifecycle.ts; `snas train`): the
// CIFAR evaluation network of a genotype (a published one or a search's genotype.json), with
// the auxiliary head, drop-path ramped over the epochs, cutout, SGD with momentum and a cosine
// learning rate. Per epoch: train and test loss and accuracy (metrics.csv); at the end
// result.json with the test error, parameters and multiply-adds. Every random draw is a
// function of (seed, epoch, step), so a resumed training ends as an uninterrupted one.
import * as tf from '@tensorflow/tfjs';
import { stringify } from 'yaml';
import type { Config, TrainConfig } from '../config/schema.js';
import { BatchIterator, type Batch } from '../data/batches.js';
import { loadData } from '../data/load.js';
import { countGenotypeNetwork, countNetwork } from '../cost/network-cost.js';
import { DerivedNetwork, NETWORK_DEFAULTS } from '../networks/derived.js';
import { correctCount } from '../ops/index.js';
import { cosineLr } from '../optim/cosine.js';
import { networkState } from '../optim/state.js';
import { FILES, type RunOptions } from '../runs/dir.js';
import { runLifecycle, type EpochSteps, type LifecycleOptions, type RunBody, type RunSummary, type TimingRecord } from '../runs/lifecycle.js';
import { genotypeToData } from '../space/genotype.js';
import { resolveGenotype } from '../space/registry.js';
import { seedFor } from '../util/rng.js';
import { dropPathAt, evalBatchesAfter, evaluationLoss, evaluationModel, evaluationShape, evaluationStep } from './evaluation.js';
import { useThreads } from '../backends/index.js';

export const TRAIN_COLUMNS = ['epoch', 'lr', 'drop_path', 'train_loss', 'train_acc', 'test_loss', 'test_acc', 'test_images'] as const;
export type TrainRecord = Record<(typeof TRAIN_COLUMNS)[number], number>;

export interface TrainOptions extends RunOptions {
  config: Config & { train: TrainConfig };
  onStep?: LifecycleOptions<TrainRecord>['onStep'];
  onEpoch?: (record: TrainRecord, timing: TimingRecord) => void;
}

export interface TrainResult {
  genotype: string;
  epochs: number;
  test_acc: number;
  /** In %, as Table 2. */
  test_error: number;
  params: number;
  params_with_aux: number;
  mult_adds: number;
  /** Parameters of the same cells at the paper's size (C 36, 20 cells, 32x32). */
  params_paper_size: number;
  seconds: number;
}

/** A short name for a genotype reference in run directory names: the name, or the file's name (its folder's for a search's genotype.json). */
export function genotypeLabel(ref: string): string {
  const parts = ref.split(/[\\/]/).filter(Boolean);
  const file = (parts[parts.length - 1] ?? ref).replace(/\.(json|ya?ml)$/i, '');
  return file === 'genotype' && parts.length > 1 ? parts[parts.length - 2]! : file;
}

export function runTraining(opts: TrainOptions): Promise<RunSummary<TrainRecord>> {
  const genotype = resolveGenotype(opts.config.train.genotype);
  useThreads(opts.config.threads);
  return runLifecycle({ ...opts, configText: stringify(opts.config) }, () => trainingBody(opts, genotype));
}

function trainingBody(opts: TrainOptions, genotype: ReturnType<typeof resolveGenotype>): RunBody<TrainRecord> {
  const { config } = opts;
  const cfg = config.train;
  const data = loadData(config.data, opts.configFile, opts.log ?? (() => {}));
  opts.log?.(data.describe);
  const train = new BatchIterator(data.split.train, {
    batchSize: data.batchSize, shuffle: true, augment: data.augment, stats: data.stats, seed: seedFor(config.seed, 31), dropLast: true,
  });
  const test = new BatchIterator(data.split.test, { batchSize: data.batchSize, shuffle: false, stats: data.stats, seed: 0 });
  const steps = Math.min(train.batchesPerEpoch(), cfg.steps_per_epoch ?? Infinity);
  if (steps < 1) throw new Error(`${opts.configFile}: the training split (${data.split.train.labels.length} images) is smaller than one batch of ${data.batchSize}`);
  const { net, sgd } = evaluationModel(cfg, genotype, data.shape, config.seed);
  let lr = 0;
  let dropPath = 0;

  return {
    epochs: cfg.epochs,
    stepsPerEpoch: steps,
    checkpointEvery: cfg.checkpoint_every,
    columns: TRAIN_COLUMNS,
    state: () => networkState(net, sgd),
    saveExtra: () => ({}),
    restoreExtra: () => {},
    async beginEpoch(epoch, start): Promise<EpochSteps> {
      lr = cosineLr(epoch, cfg.epochs, cfg.lr, cfg.lr_min);
      dropPath = dropPathAt(epoch, cfg.epochs, cfg.drop_path);
      const batches = train.epoch(epoch);
      for (let i = 0; i < start; i++) await batches.next();
      return {
        async step(step) {
          const next = await batches.next();
          if (next.done) return undefined;
          const batch = next.value;
          let k = 0;
          // Seeds by the 1-based step, as trainings have always drawn them.
          const ctx = { training: true, dropPath, nextSeed: () => seedFor(config.seed, epoch, step + 1, k++) };
          const [loss, correct] = evaluationStep(net, sgd, batch, ctx, lr, cfg.auxiliary_weight);
          return { loss: loss as tf.Scalar, correct: correct as tf.Scalar, count: batch.y.shape[0] };
        },
        close: async () => { await batches.return(undefined); },
      };
    },
    async endEpoch(epoch, sums) {
      const evaluation = await evaluate(net, test, evalBatchesAfter(epoch, cfg));
      return { epoch: epoch + 1, lr, drop_path: dropPath, train_loss: sums.loss / sums.steps, train_acc: sums.correct / sums.count, ...evaluation };
    },
    writeFiles: (dir) => dir.writeJson(FILES.genotype, { name: genotype.name, ...genotypeToData(genotype) }),
    finish(dir, records, timing) {
      const last = records[records.length - 1]!;
      const counted = countNetwork(net);
      const paper = countGenotypeNetwork({ ...evaluationShape(cfg, genotype), ...NETWORK_DEFAULTS.cifar10, classes: 10 });
      const result: TrainResult = {
        genotype: genotype.name, epochs: cfg.epochs, test_acc: last.test_acc, test_error: 100 * (1 - last.test_acc),
        params: counted.params, params_with_aux: counted.params_with_aux, mult_adds: counted.mult_adds, params_paper_size: paper.params,
        seconds: timing.reduce((a, t) => a + t.seconds, 0),
      };
      dir.writeJson(FILES.result, result);
    },
    dispose() {
      sgd.dispose();
      net.dispose();
    },
  };
}

/** One line per finished epoch (the CLI's and the notebooks' log). */
export function trainEpochLine(r: TrainRecord, t: TimingRecord): string {
  return `epoch ${r.epoch}: train loss ${r.train_loss.toFixed(3)} acc ${(100 * r.train_acc).toFixed(1)}%, `
    + `test loss ${r.test_loss.toFixed(3)} acc ${(100 * r.test_acc).toFixed(1)}%, drop-path ${r.drop_path.toFixed(3)}, lr ${r.lr.toPrecision(3)}, ${t.seconds.toFixed(1)} s`;
}

/** Test loss and accuracy in inference mode over up to `batches` batches, and how many images they held. */
async function evaluate(net: DerivedNetwork, test: BatchIterator, batches: number): Promise<{ test_loss: number; test_acc: number; test_images: number }> {
  let loss = 0;
  let correct = 0;
  let seen = 0;
  let b = 0;
  for await (const batch of test.epoch(0) as AsyncGenerator<Batch>) {
    if (b++ >= batches) break;
    const [l, c] = tf.tidy(() => {
      const { logits } = net.forward(batch.x, { training: false });
      return [tf.mul(evaluationLoss({ logits }, batch.y, 0), batch.y.shape[0]), correctCount(logits, batch.y)];
    });
    loss += (await l!.data())[0]!;
    correct += (await c!.data())[0]!;
    tf.dispose([l!, c!]);
    seen += batch.y.shape[0];
  }
  return { test_loss: loss / seen, test_acc: correct / seen, test_images: seen };
}
