// Trains a derived network from scratch into a run directory (`snas train`): the CIFAR
// evaluation network of a genotype (a published one or a search's genotype.json), with the
// auxiliary head, drop-path ramped over the epochs, cutout, SGD with momentum and a cosine
// learning rate. Per epoch: train and test loss and accuracy (metrics.csv); at the end
// result.json with the test error, parameters and multiply-adds. Checkpoints, resume, status
// and determinism work as for searches (src/search/engine.ts): every random draw is a
// function of (seed, epoch, step).
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { correctCount } from '../ops/index.js';
import { stringify } from 'yaml';
import type { Config, TrainConfig } from '../config/schema.js';
import { BatchIterator, type Batch } from '../data/batches.js';
import { loadData } from '../data/load.js';
import { countGenotypeNetwork, countNetwork } from '../cost/network-cost.js';
import { DerivedNetwork, NETWORK_DEFAULTS } from '../networks/derived.js';
import { restoreState, saveState } from '../search/checkpoint.js';
import type { ProgressStep } from '../search/progress.js';
import { csv, FILES, RunDir, type RunOptions, type RunStatus } from '../search/run-dir.js';
import { networkState } from '../search/strategy.js';
import { genotypeToData } from '../space/genotype.js';
import { resolveGenotype } from '../space/registry.js';
import { seedFor } from '../util/rng.js';
import { dropPathAt, evaluationLoss, evaluationModel, evaluationShape, evaluationStep } from './evaluation.js';
import { cosineLr } from './sgd.js';

export const TRAIN_COLUMNS = ['epoch', 'lr', 'drop_path', 'train_loss', 'train_acc', 'test_loss', 'test_acc'] as const;
export type TrainRecord = Record<(typeof TRAIN_COLUMNS)[number], number>;

export interface TrainOptions extends RunOptions {
  config: Config & { train: TrainConfig };
  onStep?: (info: ProgressStep) => void;
  onEpoch?: (record: TrainRecord, seconds: number) => void;
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

interface Meta {
  epochs_done: number;
  step: number;
  partial: { loss: number; correct: number; count: number; steps: number };
  records: TrainRecord[];
  seconds: number[];
}

export const RESULT_FILE = 'result.json';

/** A short name for a genotype reference in run directory names: the name, or the file's name (its folder's for a search's genotype.json). */
export function genotypeLabel(ref: string): string {
  const parts = ref.split(/[\\/]/).filter(Boolean);
  const file = (parts[parts.length - 1] ?? ref).replace(/\.(json|ya?ml)$/i, '');
  return file === 'genotype' && parts.length > 1 ? parts[parts.length - 2]! : file;
}

export class TrainingDiverged extends Error {}

export async function runTraining(opts: TrainOptions): Promise<{ dir: string; records: TrainRecord[]; result?: TrainResult }> {
  const { config } = opts;
  const cfg = config.train;
  const log = opts.log ?? (() => {});
  const genotype = resolveGenotype(cfg.genotype);
  const dir = new RunDir(opts.out);
  const configText = stringify(config);
  const resuming = dir.prepare({ resume: opts.resume, force: opts.force, configText });
  const data = loadData(config.data, opts.configFile, log);
  log(data.describe);
  const { net, sgd } = evaluationModel(cfg, genotype, data.split.train.size, config.seed);
  const train = new BatchIterator(data.split.train, {
    batchSize: data.batchSize, shuffle: true, augment: data.augment, stats: data.stats, seed: seedFor(config.seed, 31), dropLast: true,
  });
  const test = new BatchIterator(data.split.test, { batchSize: data.batchSize, shuffle: false, stats: data.stats, seed: 0 });
  const steps = Math.min(train.batchesPerEpoch(), cfg.steps_per_epoch ?? Infinity);
  if (steps < 1) throw new Error(`${opts.configFile}: the training split (${data.split.train.labels.length} images) is smaller than one batch of ${data.batchSize}`);
  const state = networkState(net, sgd);
  let meta: Meta = { epochs_done: 0, step: 0, partial: { loss: 0, correct: 0, count: 0, steps: 0 }, records: [], seconds: [] };
  const writeStatus = dir.statusWriter(opts.command, resuming);
  const setStatus = (status: RunStatus['status'], message?: string) => writeStatus(status, meta.epochs_done, message);
  const writeMetrics = () => dir.write(FILES.metrics, csv(TRAIN_COLUMNS, meta.records));
  try {
    if (resuming && existsSync(dir.path(FILES.checkpoint))) {
      meta = restoreState<Meta>(dir.path(FILES.checkpoint), state);
      log(`resuming ${opts.out} at epoch ${meta.epochs_done + 1}, step ${meta.step}`);
    }
    if (!resuming) dir.write(FILES.config, configText);
    dir.writeJson(FILES.environment, opts.environment());
    dir.writeJson(FILES.genotype, { name: genotype.name, ...genotypeToData(genotype) });
    setStatus('running');
    let processSteps = 0;
    for (let epoch = meta.epochs_done; epoch < cfg.epochs; epoch++) {
      const t0 = performance.now();
      const lr = cosineLr(epoch, cfg.epochs, cfg.lr, cfg.lr_min);
      const dropPath = dropPathAt(epoch, cfg.epochs, cfg.drop_path);
      const acc = { ...meta.partial };
      let step = 0;
      for await (const batch of train.epoch(epoch)) {
        if (step >= steps) break;
        if (step++ < meta.step) continue;
        let k = 0;
        const ctx = { training: true, dropPath, nextSeed: () => seedFor(config.seed, epoch, step, k++) };
        const [loss, correct] = evaluationStep(net, sgd, batch, ctx, lr, cfg.auxiliary_weight);
        const [l, c] = [(await loss.data())[0]!, (await correct.data())[0]!];
        tf.dispose([loss, correct]);
        if (!Number.isFinite(l)) throw new TrainingDiverged(`epoch ${epoch + 1}, step ${step}: the loss is ${l}; stopping. The last checkpoint is kept in ${dir.path(FILES.checkpoint)}`);
        acc.loss += l; acc.correct += c; acc.count += batch.y.shape[0]; acc.steps++;
        opts.onStep?.({ epoch, epochs: cfg.epochs, step, steps, loss: acc.loss / acc.steps, acc: acc.correct / acc.count });
        if (cfg.checkpoint_every > 0 && step % cfg.checkpoint_every === 0 && step < steps) {
          meta = { ...meta, step, partial: { ...acc } };
          await saveState(dir.path(FILES.checkpoint), meta, state);
        }
        if (opts.stopAfterSteps !== undefined && ++processSteps >= opts.stopAfterSteps) return { dir: opts.out, records: meta.records };
      }
      const evaluation = await evaluate(net, test, cfg.eval_batches ?? Infinity);
      const record: TrainRecord = {
        epoch: epoch + 1, lr, drop_path: dropPath, train_loss: acc.loss / acc.steps, train_acc: acc.correct / acc.count, ...evaluation,
      };
      const seconds = (performance.now() - t0) / 1000;
      meta = { epochs_done: epoch + 1, step: 0, partial: { loss: 0, correct: 0, count: 0, steps: 0 }, records: [...meta.records, record], seconds: [...meta.seconds, seconds] };
      writeMetrics();
      await saveState(dir.path(FILES.checkpoint), meta, state);
      setStatus('running');
      opts.onEpoch?.(record, seconds);
    }
    const last = meta.records[meta.records.length - 1]!;
    const counted = countNetwork(net);
    const paper = countGenotypeNetwork({ ...evaluationShape(cfg, genotype), ...NETWORK_DEFAULTS.cifar10, classes: 10 });
    const result: TrainResult = {
      genotype: genotype.name, epochs: cfg.epochs, test_acc: last.test_acc, test_error: 100 * (1 - last.test_acc),
      params: counted.params, params_with_aux: counted.params_with_aux, mult_adds: counted.mult_adds, params_paper_size: paper.params,
      seconds: meta.seconds.reduce((a, b) => a + b, 0),
    };
    dir.writeJson(RESULT_FILE, result);
    setStatus('finished');
    return { dir: opts.out, records: meta.records, result };
  } catch (err) {
    setStatus('failed', (err as Error).message);
    throw err;
  } finally {
    sgd.dispose();
    net.dispose();
  }
}

/** Test loss and accuracy in inference mode over up to `batches` batches. */
async function evaluate(net: DerivedNetwork, test: BatchIterator, batches: number): Promise<{ test_loss: number; test_acc: number }> {
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
  return { test_loss: loss / seen, test_acc: correct / seen };
}
