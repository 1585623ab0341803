// Runs a search into a run directory: epochs of training steps, an evaluation per epoch, the
// records (metrics.csv, alphas.json, genotype.json, ...), and a checkpoint written atomically
// at the end of every epoch (and every `checkpoint_every` steps). A run resumed from its
// checkpoint ends exactly as an uninterrupted one: every random draw is a function of
// (seed, epoch, step), and the checkpoint holds all state, optimiser buffers included.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { stringify } from 'yaml';
import type { Config } from '../config/schema.js';
import { BatchIterator, type Batch } from '../data/batches.js';
import { loadData } from '../data/load.js';
import { genotypeToData } from '../space/genotype.js';
import { temperature } from '../samplers/temperature.js';
import { Adam } from '../train/adam.js';
import { cosineLr } from '../train/sgd.js';
import { seedFor } from '../util/rng.js';
import { cellText, deriveSnas, entropy, type Alphas } from './architecture.js';
import { readCheckpoint, writeCheckpoint, type SavedTensor } from './checkpoint.js';
import { csv, FILES, RunDir, type RunStatus } from './run-dir.js';
import { SnasSearch } from './snas.js';

export const METRIC_COLUMNS = [
  'epoch', 'tau', 'lr', 'train_loss', 'train_acc', 'cost', 'search_val_acc', 'child_val_acc', 'entropy_normal', 'entropy_reduce',
  'genotype_normal', 'genotype_reduce',
] as const;

export type EpochRecord = Record<(typeof METRIC_COLUMNS)[number], number | string>;

export interface TimingRecord {
  epoch: number;
  seconds: number;
  images_per_s: number;
  [key: string]: number;
}

export class SearchDiverged extends Error {}

export interface StepInfo {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  acc: number;
  tau: number;
  entropy: number;
  elapsedS: number;
}

export interface SearchOptions {
  config: Config;
  /** Where the config came from, for messages. */
  configFile: string;
  out: string;
  resume: boolean;
  force: boolean;
  environment: () => unknown;
  command: string;
  log?: (line: string) => void;
  onStep?: (info: StepInfo) => void;
  onEpoch?: (record: EpochRecord, timing: TimingRecord) => void;
  /** Test hook: stop (as if killed) after this many training steps in this process. */
  stopAfterSteps?: number;
}

export interface SearchSummary {
  dir: string;
  records: EpochRecord[];
  timing: TimingRecord[];
  resumedFrom?: { epoch: number; step: number };
}

interface CheckpointMeta {
  epochs_done: number;
  step: number;
  /** Sums over the steps of the current epoch so far (mid-epoch checkpoints). */
  partial: { loss: number; correct: number; count: number; cost: number; steps: number };
  records: EpochRecord[];
  timing: TimingRecord[];
  alpha_history: Alphas[];
  adam_t: number;
}

const EMPTY_PARTIAL = { loss: 0, correct: 0, count: 0, cost: 0, steps: 0 };

function stateTensors(search: SnasSearch): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [path, v] of search.net.namedVariables()) out.set(`net/${path}`, v);
  for (const [path, v] of search.net.namedVariables()) if (v.trainable) out.set(`sgd/${path}`, search.sgd.velocityOf(v));
  for (const type of ['normal', 'reduce'] as const) {
    const a = search.arch.logAlpha[type];
    out.set(`alpha/${type}`, a);
    if (search.alphaOpt instanceof Adam) {
      const s = search.alphaOpt.stateOf(a);
      out.set(`adam_m/${type}`, s.m);
      out.set(`adam_v/${type}`, s.v);
    } else {
      out.set(`alpha_sgd/${type}`, search.alphaOpt.velocityOf(a));
    }
  }
  return out;
}

async function saveCheckpoint(dir: RunDir, search: SnasSearch, meta: CheckpointMeta): Promise<void> {
  const tensors: SavedTensor[] = [];
  for (const [name, v] of stateTensors(search)) tensors.push({ name, shape: v.shape, data: (await v.data()) as Float32Array });
  writeCheckpoint(dir.path(FILES.checkpoint), meta, tensors);
}

function restoreCheckpoint(dir: RunDir, search: SnasSearch): CheckpointMeta {
  const file = dir.path(FILES.checkpoint);
  const { meta, tensors } = readCheckpoint<CheckpointMeta>(file);
  for (const [name, v] of stateTensors(search)) {
    const t = tensors.get(name);
    if (!t || t.shape.join(',') !== v.shape.join(',')) {
      throw new Error(`${file}: tensor ${name} ${t ? `has shape [${t.shape}], expected [${v.shape}]` : 'is missing'}; the checkpoint does not belong to this config`);
    }
    v.assign(tf.tensor(t.data, t.shape));
  }
  if (search.alphaOpt instanceof Adam) search.alphaOpt.t = meta.adam_t;
  return meta;
}

async function* skip(batches: AsyncGenerator<Batch>, n: number): AsyncGenerator<Batch> {
  let i = 0;
  for await (const b of batches) if (i++ >= n) yield b;
}

export async function runSearch(opts: SearchOptions): Promise<SearchSummary> {
  const { config } = opts;
  const cfg = config.search;
  if (!cfg) throw new Error(`${opts.configFile}: no search section`);
  const log = opts.log ?? (() => {});
  const dir = new RunDir(opts.out);
  const configText = stringify(config);
  const resuming = dir.prepare({ resume: opts.resume, force: opts.force, configText });

  const data = loadData(config.data, opts.configFile, log);
  log(data.describe);
  const imageSize = data.split.train.size;
  const search = new SnasSearch(cfg, config.seed, imageSize, 10);
  const train = new BatchIterator(data.split.train, {
    batchSize: data.batchSize, shuffle: true, augment: data.augment, stats: data.stats, seed: seedFor(config.seed, 21), dropLast: true,
  });
  const valid = new BatchIterator(data.split.valid, { batchSize: data.batchSize, shuffle: false, stats: data.stats, seed: 0 });
  const steps = Math.min(train.batchesPerEpoch(), cfg.steps_per_epoch ?? Infinity);
  if (steps < 1) throw new Error(`${opts.configFile}: the training split (${data.split.train.labels.length} images) is smaller than one batch of ${data.batchSize}`);
  const evalBatches = Math.min(valid.batchesPerEpoch(), cfg.eval_batches ?? Infinity);

  let meta: CheckpointMeta = { epochs_done: 0, step: 0, partial: { ...EMPTY_PARTIAL }, records: [], timing: [], alpha_history: [], adam_t: 0 };
  let resumedFrom: SearchSummary['resumedFrom'];
  const now = () => new Date().toISOString();
  const startedAt = (resuming && dir.status()?.started_at) || now();
  const setStatus = (status: RunStatus['status'], message?: string) =>
    dir.writeJson(FILES.status, { status, command: opts.command, started_at: startedAt, updated_at: now(), epochs_done: meta.epochs_done, ...(message ? { message } : {}) });
  try {
    if (resuming && existsSync(dir.path(FILES.checkpoint))) {
      meta = restoreCheckpoint(dir, search);
      resumedFrom = { epoch: meta.epochs_done, step: meta.step };
      log(`resuming ${opts.out} at epoch ${meta.epochs_done + 1}, step ${meta.step}`);
    }
    if (!resuming) dir.write(FILES.config, configText);
    dir.writeJson(FILES.environment, opts.environment());
    setStatus('running');
    writeRecords(dir, meta);

    let processSteps = 0;
    for (let epoch = meta.epochs_done; epoch < cfg.epochs; epoch++) {
      const t0 = performance.now();
      const lr = cosineLr(epoch, cfg.epochs, cfg.lr, cfg.lr_min);
      const start = meta.step;
      const acc = { ...meta.partial };
      let tau = temperature(cfg.temperature, { epoch, epochs: cfg.epochs, step: epoch * steps, stepsPerEpoch: steps });
      const alphasNow = await search.arch.values();
      const entropyNow = entropy(alphasNow.normal) + entropy(alphasNow.reduce);
      let step = start;
      for await (const batch of skip(train.epoch(epoch), start)) {
        if (step >= steps) break;
        tau = temperature(cfg.temperature, { epoch, epochs: cfg.epochs, step: epoch * steps + step, stepsPerEpoch: steps });
        const r = await search.trainStep(batch, tau, lr, seedFor(config.seed, epoch, step));
        if (!Number.isFinite(r.loss)) {
          const where = meta.epochs_done > 0 ? `end of epoch ${meta.epochs_done}` : 'none written yet';
          throw new SearchDiverged(`epoch ${epoch + 1}, step ${step + 1}: the loss is ${r.loss}; stopping. The last good checkpoint (${where}) is kept in ${dir.path(FILES.checkpoint)}`);
        }
        acc.loss += r.loss; acc.correct += r.correct; acc.count += r.count; acc.cost += r.cost; acc.steps++;
        step++;
        opts.onStep?.({ epoch, epochs: cfg.epochs, step, steps, loss: acc.loss / acc.steps, acc: acc.correct / acc.count, tau, entropy: entropyNow, elapsedS: (performance.now() - t0) / 1000 });
        if (cfg.checkpoint_every > 0 && step % cfg.checkpoint_every === 0 && step < steps) {
          meta = { ...meta, step, partial: { ...acc }, adam_t: adamT(search) };
          await saveCheckpoint(dir, search, meta);
        }
        if (opts.stopAfterSteps !== undefined && ++processSteps >= opts.stopAfterSteps) {
          search.dispose();
          return { dir: opts.out, records: meta.records, timing: meta.timing, resumedFrom };
        }
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      const alphas = await search.arch.values();
      const record = await evaluateEpoch(search, alphas, valid, evalBatches, epoch, tau, lr, acc, config.seed);
      const timing: TimingRecord = { epoch: epoch + 1, seconds: (performance.now() - t0) / 1000, images_per_s: acc.count / trainSeconds };
      meta = {
        epochs_done: epoch + 1, step: 0, partial: { ...EMPTY_PARTIAL }, records: [...meta.records, record], timing: [...meta.timing, timing],
        alpha_history: [...meta.alpha_history, alphas], adam_t: adamT(search),
      };
      writeRecords(dir, meta);
      await saveCheckpoint(dir, search, meta);
      setStatus('running');
      opts.onEpoch?.(record, timing);
    }
    setStatus('finished');
    return { dir: opts.out, records: meta.records, timing: meta.timing, resumedFrom };
  } catch (err) {
    setStatus('failed', (err as Error).message);
    throw err;
  } finally {
    search.dispose();
  }
}

function adamT(search: SnasSearch): number {
  return search.alphaOpt instanceof Adam ? search.alphaOpt.t : 0;
}

async function evaluateEpoch(
  search: SnasSearch, alphas: Alphas, valid: BatchIterator, batches: number, epoch: number, tau: number, lr: number,
  acc: CheckpointMeta['partial'], seed: number,
): Promise<EpochRecord> {
  const child = search.childWeights(alphas);
  let sampled = 0;
  let derived = 0;
  let seen = 0;
  let b = 0;
  try {
    for await (const batch of valid.epoch(0)) {
      if (b >= batches) break;
      sampled += await search.evalBatch(batch, { tau, sampleSeed: seedFor(seed, epoch, b, 5) });
      derived += await search.evalBatch(batch, child);
      seen += batch.y.shape[0];
      b++;
    }
  } finally {
    tf.dispose([child.normal, child.reduce]);
  }
  const genotype = deriveSnas(alphas, `epoch ${epoch + 1}`);
  return {
    epoch: epoch + 1, tau, lr, train_loss: acc.loss / acc.steps, train_acc: acc.correct / acc.count, cost: acc.cost / acc.steps,
    search_val_acc: sampled / seen, child_val_acc: derived / seen, entropy_normal: entropy(alphas.normal), entropy_reduce: entropy(alphas.reduce),
    genotype_normal: cellText(genotype, 'normal'), genotype_reduce: cellText(genotype, 'reduce'),
  };
}

function writeRecords(dir: RunDir, meta: CheckpointMeta): void {
  dir.write(FILES.metrics, csv(METRIC_COLUMNS, meta.records));
  dir.write(FILES.timing, csv(['epoch', 'seconds', 'images_per_s'], meta.timing));
  dir.write(FILES.alphaHistory, meta.alpha_history.map((a, i) => JSON.stringify({ epoch: i + 1, ...a })).join('\n') + (meta.alpha_history.length ? '\n' : ''));
  const last = meta.alpha_history[meta.alpha_history.length - 1];
  if (last) {
    dir.writeJson(FILES.alphas, { epoch: meta.epochs_done, ...last });
    dir.writeJson(FILES.genotype, { name: `search after epoch ${meta.epochs_done}`, ...genotypeToData(deriveSnas(last, 'search')) });
  }
}
