// Runs a search, whatever its method (the strategy search.method names: methods.ts), into a run
// directory: epochs of training steps (bi-level methods take an architecture batch from the
// other half of the training split), an evaluation per epoch, the
// records (metrics.csv, alphas.json, genotype.json, ...), and a checkpoint written atomically
// at the end of every epoch (and every `checkpoint_every` steps). A run resumed from its
// checkpoint ends exactly as an uninterrupted one: every random draw is a function of
// (seed, epoch, step), and the checkpoint holds all state, optimiser buffers included.
import { existsSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Config } from '../config/schema.js';
import { BatchIterator, type Batch } from '../data/batches.js';
import type { ImageSet } from '../data/images.js';
import { loadData } from '../data/load.js';
import { splitData } from '../data/splits.js';
import { genotypeToData } from '../space/genotype.js';
import { temperature } from '../samplers/temperature.js';
import { cosineLr } from '../train/sgd.js';
import { seedFor } from '../util/rng.js';
import { cellText, type Alphas } from './architecture.js';
import { restoreState, saveState } from './checkpoint.js';
import { evalChild, withChild } from './child.js';
import { createStrategy } from './methods.js';
import type { ProgressStep } from './progress.js';
import { csv, FILES, RunDir, type RunOptions, type RunStatus } from './run-dir.js';
import type { SearchStrategy } from './strategy.js';

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

export interface StepInfo extends ProgressStep {
  tau: number;
  entropy: number;
  elapsedS: number;
}

export interface SearchOptions extends RunOptions {
  config: Config;
  onStep?: (info: StepInfo) => void;
  onEpoch?: (record: EpochRecord, timing: TimingRecord) => void;
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
  /** The strategy's counters (SearchStrategy.counters). */
  counters: Record<string, number>;
}

const EMPTY_PARTIAL = { loss: 0, correct: 0, count: 0, cost: 0, steps: 0 };

async function saveCheckpoint(dir: RunDir, search: SearchStrategy, meta: CheckpointMeta): Promise<void> {
  await saveState(dir.path(FILES.checkpoint), { ...meta, counters: search.counters() }, search.state());
}

function restoreCheckpoint(dir: RunDir, search: SearchStrategy): CheckpointMeta {
  const meta = restoreState<CheckpointMeta>(dir.path(FILES.checkpoint), search.state());
  search.restoreCounters(meta.counters ?? {});
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
  const search = createStrategy(cfg, config.seed, imageSize, 10);
  // A bi-level method trains its weights on the first half of the training split and its
  // architecture on the second (DARTS' split); validation stays the held-out split for all.
  const halves = splitData(data.split.train, data.split.test, 'darts');
  const iterator = (set: ImageSet, seed: number) => new BatchIterator(set, {
    batchSize: data.batchSize, shuffle: true, augment: data.augment, stats: data.stats, seed, dropLast: true,
  });
  const train = iterator(search.bilevel ? halves.train : data.split.train, seedFor(config.seed, 21));
  const archTrain = search.bilevel ? iterator(halves.valid, seedFor(config.seed, 22)) : undefined;
  const valid = new BatchIterator(data.split.valid, { batchSize: data.batchSize, shuffle: false, stats: data.stats, seed: 0 });
  const steps = Math.min(train.batchesPerEpoch(), archTrain?.batchesPerEpoch() ?? Infinity, cfg.steps_per_epoch ?? Infinity);
  if (steps < 1) throw new Error(`${opts.configFile}: the training split (${data.split.train.labels.length} images) is smaller than one batch of ${data.batchSize}`);
  const evalBatches = Math.min(valid.batchesPerEpoch(), cfg.eval_batches ?? Infinity);

  let meta: CheckpointMeta = { epochs_done: 0, step: 0, partial: { ...EMPTY_PARTIAL }, records: [], timing: [], alpha_history: [], counters: {} };
  let resumedFrom: SearchSummary['resumedFrom'];
  const writeStatus = dir.statusWriter(opts.command, resuming);
  const setStatus = (status: RunStatus['status'], message?: string) => writeStatus(status, meta.epochs_done, message);
  try {
    if (resuming && existsSync(dir.path(FILES.checkpoint))) {
      meta = restoreCheckpoint(dir, search);
      resumedFrom = { epoch: meta.epochs_done, step: meta.step };
      log(`resuming ${opts.out} at epoch ${meta.epochs_done + 1}, step ${meta.step}`);
    }
    if (!resuming) dir.write(FILES.config, configText);
    dir.writeJson(FILES.environment, opts.environment());
    setStatus('running');
    writeRecords(dir, meta, search);

    let processSteps = 0;
    for (let epoch = meta.epochs_done; epoch < cfg.epochs; epoch++) {
      const t0 = performance.now();
      const lr = cosineLr(epoch, cfg.epochs, cfg.lr, cfg.lr_min);
      const start = meta.step;
      const acc = { ...meta.partial };
      let tau = temperature(cfg.temperature, { epoch, epochs: cfg.epochs, step: epoch * steps, stepsPerEpoch: steps });
      const alphasNow = await search.archValues();
      const entropyNow = search.entropy(alphasNow, 'normal') + search.entropy(alphasNow, 'reduce');
      let step = start;
      const archBatches = archTrain ? skip(archTrain.epoch(epoch), start) : undefined;
      for await (const batch of skip(train.epoch(epoch), start)) {
        if (step >= steps) break;
        tau = temperature(cfg.temperature, { epoch, epochs: cfg.epochs, step: epoch * steps + step, stepsPerEpoch: steps });
        const archBatch = archBatches ? (await archBatches.next()).value as Batch : undefined;
        const r = await search.trainStep({ batch, archBatch, tau, lr, seed: seedFor(config.seed, epoch, step) });
        if (!Number.isFinite(r.loss)) {
          const where = meta.epochs_done > 0 ? `end of epoch ${meta.epochs_done}` : 'none written yet';
          throw new SearchDiverged(`epoch ${epoch + 1}, step ${step + 1}: the loss is ${r.loss}; stopping. The last good checkpoint (${where}) is kept in ${dir.path(FILES.checkpoint)}`);
        }
        acc.loss += r.loss; acc.correct += r.correct; acc.count += r.count; acc.cost += r.cost; acc.steps++;
        step++;
        opts.onStep?.({ epoch, epochs: cfg.epochs, step, steps, loss: acc.loss / acc.steps, acc: acc.correct / acc.count, tau, entropy: entropyNow, elapsedS: (performance.now() - t0) / 1000 });
        if (cfg.checkpoint_every > 0 && step % cfg.checkpoint_every === 0 && step < steps) {
          meta = { ...meta, step, partial: { ...acc } };
          await saveCheckpoint(dir, search, meta);
        }
        if (opts.stopAfterSteps !== undefined && ++processSteps >= opts.stopAfterSteps) {
          search.dispose();
          return { dir: opts.out, records: meta.records, timing: meta.timing, resumedFrom };
        }
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      const alphas = await search.archValues();
      const record = await evaluateEpoch(search, alphas, valid, evalBatches, epoch, tau, lr, acc, config.seed);
      const timing: TimingRecord = { epoch: epoch + 1, seconds: (performance.now() - t0) / 1000, images_per_s: acc.count / trainSeconds };
      meta = {
        epochs_done: epoch + 1, step: 0, partial: { ...EMPTY_PARTIAL }, records: [...meta.records, record], timing: [...meta.timing, timing],
        alpha_history: [...meta.alpha_history, alphas], counters: search.counters(),
      };
      writeRecords(dir, meta, search);
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

async function evaluateEpoch(
  search: SearchStrategy, alphas: Alphas, valid: BatchIterator, batches: number, epoch: number, tau: number, lr: number,
  acc: CheckpointMeta['partial'], seed: number,
): Promise<EpochRecord> {
  const genotype = search.derive(alphas, `epoch ${epoch + 1}`);
  let sampled = 0;
  let derived = 0;
  let seen = 0;
  let b = 0;
  await withChild(genotype, async (child) => {
    for await (const batch of valid.epoch(0)) {
      if (b >= batches) break;
      sampled += await search.evalSearch(batch, tau, seedFor(seed, epoch, b, 5));
      derived += await evalChild(search.net, child, batch);
      seen += batch.y.shape[0];
      b++;
    }
  });
  return {
    epoch: epoch + 1, tau: search.tempered ? tau : NaN, lr, train_loss: acc.loss / acc.steps, train_acc: acc.correct / acc.count, cost: acc.cost / acc.steps,
    search_val_acc: sampled / seen, child_val_acc: derived / seen, entropy_normal: search.entropy(alphas, 'normal'), entropy_reduce: search.entropy(alphas, 'reduce'),
    genotype_normal: cellText(genotype, 'normal'), genotype_reduce: cellText(genotype, 'reduce'),
  };
}

function writeRecords(dir: RunDir, meta: CheckpointMeta, search: SearchStrategy): void {
  dir.write(FILES.metrics, csv(METRIC_COLUMNS, meta.records));
  dir.write(FILES.timing, csv(['epoch', 'seconds', 'images_per_s'], meta.timing));
  dir.write(FILES.alphaHistory, meta.alpha_history.map((a, i) => JSON.stringify({ epoch: i + 1, ...a })).join('\n') + (meta.alpha_history.length ? '\n' : ''));
  const last = meta.alpha_history[meta.alpha_history.length - 1];
  if (last) {
    dir.writeJson(FILES.alphas, { epoch: meta.epochs_done, ...last });
    dir.writeJson(FILES.genotype, { name: `search after epoch ${meta.epochs_done}`, ...genotypeToData(search.derive(last, 'search')) });
  }
}
