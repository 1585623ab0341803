// A search as a run (src/runs/lifecycle.ts), whatever its method (the strategy search.method
// names: methods.ts): epochs of training steps (bi-level methods take an architecture batch
// from the other half of the training split), an evaluation per epoch (the supernet as the
// method searches with it, and the derived child on the shared weights), and the search's own
// files (alphas.json, alpha_history.jsonl, genotype.json) beside the run layer's records.
import * as tf from '@tensorflow/tfjs';
import { stringify } from 'yaml';
import type { Config } from '../config/schema.js';
import { BatchIterator, type Batch } from '../data/batches.js';
import type { ImageSet } from '../data/images.js';
import { loadData } from '../data/load.js';
import { splitData } from '../data/splits.js';
import { cosineLr } from '../optim/cosine.js';
import { FILES, type RunDir, type RunOptions } from '../runs/dir.js';
import { runLifecycle, type EpochSums, type EpochSteps, type LifecycleOptions, type RunBody, type RunSummary, type TimingRecord } from '../runs/lifecycle.js';
import { EVAL_BN, evalCtx, type EvalBn } from '../nn/module.js';
import { genotypeToData } from '../space/genotype.js';
import { seedFor } from '../util/rng.js';
import { cellText, parameterFreeEdges, type Alphas } from './architecture.js';
import { evalChild, withChild } from './child.js';
import { createStrategy } from './methods.js';
import { STEP_TIMERS, type SearchStrategy } from './strategy.js';
import { useThreads } from '../backends/index.js';

/**
 * metrics.csv of every search, one layout for all methods (so runs of different methods form
 * one table): a column a method has no value for holds NaN. `tau` comes from the strategy's
 * metrics() (SNAS' temperature), `cost` from its steps (SNAS' resource cost term), `steps` is
 * the epoch's steps and `ops_trained` the mean share of the cells' op weights a step trained
 * (1 where every op trains; see StepResult.opsTrained), `flips` the epoch's changes of the method's
 * discrete architecture summed over its steps (NASP, DARTS; StepResult.flips). The validation accuracies are measured
 * twice, BN on each batch's own statistics (`_batch_bn`) and on the running averages
 * (`_running_bn`), on the same batches and the same sampled children; search_val_acc and
 * child_val_acc repeat the pair search.eval_bn names.
 */
export const METRIC_COLUMNS = [
  'epoch', 'steps', 'tau', 'lr', 'train_loss', 'train_acc', 'cost', 'search_val_acc', 'child_val_acc', 'entropy_normal', 'entropy_reduce',
  'genotype_normal', 'genotype_reduce', 'param_free_normal', 'param_free_reduce', 'ops_trained',
  'search_val_acc_batch_bn', 'child_val_acc_batch_bn', 'search_val_acc_running_bn', 'child_val_acc_running_bn', 'flips',
] as const;

/** The columns whose values come from the strategy's metrics(). */
const STRATEGY_COLUMNS = ['tau'] as const;

export type EpochRecord = Record<(typeof METRIC_COLUMNS)[number], number | string>;

export interface SearchOptions extends RunOptions {
  config: Config;
  onStep?: LifecycleOptions<EpochRecord>['onStep'];
  onEpoch?: (record: EpochRecord, timing: TimingRecord) => void;
}

async function* skip(batches: AsyncGenerator<Batch>, n: number): AsyncGenerator<Batch> {
  let i = 0;
  for await (const b of batches) if (i++ >= n) yield b;
}

export function runSearch(opts: SearchOptions): Promise<RunSummary<EpochRecord>> {
  const { config } = opts;
  if (!config.search) throw new Error(`${opts.configFile}: no search section`);
  useThreads(config.threads);
  return runLifecycle({ ...opts, configText: stringify(config) }, () => searchBody(opts));
}

function searchBody(opts: SearchOptions): RunBody<EpochRecord> {
  const { config } = opts;
  const cfg = config.search!;
  const data = loadData(config.data, opts.configFile, opts.log ?? (() => {}));
  opts.log?.(data.describe);
  const search = createStrategy(cfg, config.seed, data.shape);
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
  if (steps < 1) {
    search.dispose();
    throw new Error(`${opts.configFile}: the training split (${data.split.train.labels.length} images) is smaller than one batch of ${data.batchSize}`);
  }
  const evalBatches = Math.min(valid.batchesPerEpoch(), cfg.eval_batches ?? Infinity);
  let history: Alphas[] = [];
  let lr = 0;
  let entropyNow = NaN;

  return {
    epochs: cfg.epochs,
    stepsPerEpoch: steps,
    checkpointEvery: cfg.checkpoint_every,
    columns: METRIC_COLUMNS,
    timers: STEP_TIMERS,
    state: () => search.state(),
    saveExtra: () => ({ counters: search.counters(), alpha_history: history }),
    restoreExtra(extra) {
      const e = extra as { counters?: Record<string, number>; alpha_history?: Alphas[] };
      search.restoreCounters(e.counters ?? {});
      history = e.alpha_history ?? [];
    },
    async beginEpoch(epoch, start): Promise<EpochSteps> {
      lr = cosineLr(epoch, cfg.epochs, cfg.lr, cfg.lr_min);
      const alphasNow = await search.archValues();
      entropyNow = search.entropy(alphasNow, 'normal') + search.entropy(alphasNow, 'reduce');
      const batches = skip(train.epoch(epoch), start);
      const archBatches = archTrain ? skip(archTrain.epoch(epoch), start) : undefined;
      return {
        async step(step) {
          const next = await batches.next();
          if (next.done) return undefined;
          const archBatch = archBatches ? (await archBatches.next()).value as Batch : undefined;
          const clock = { epoch, epochs: cfg.epochs, step: epoch * steps + step, stepsPerEpoch: steps };
          const r = await search.trainStep({ batch: next.value, archBatch, clock, lr, seed: seedFor(config.seed, epoch, step) });
          const sums: Record<string, tf.Scalar> = { ops_trained: tf.scalar(r.opsTrained ?? 1) };
          if (r.cost) sums.cost = r.cost;
          if (r.flips) sums.flips = r.flips;
          return { loss: r.loss, correct: r.correct, count: r.count, sums, timers: r.seconds };
        },
        async close() {
          await batches.return(undefined);
          await archBatches?.return(undefined);
        },
      };
    },
    progress: () => ({ ...search.metrics(), H: entropyNow }),
    async endEpoch(epoch, sums) {
      const alphas = await search.archValues();
      history = [...history, alphas];
      return evaluateEpoch(search, alphas, valid, evalBatches, epoch, lr, sums, config.seed, cfg.eval_bn);
    },
    writeFiles: (dir, records) => writeSearchFiles(dir, records.length, history, search),
    dispose: () => search.dispose(),
  };
}

async function evaluateEpoch(
  search: SearchStrategy, alphas: Alphas, valid: BatchIterator, batches: number, epoch: number, lr: number, sums: EpochSums, seed: number,
  headline: EvalBn,
): Promise<EpochRecord> {
  const genotype = search.derive(alphas, `epoch ${epoch + 1}`);
  const sampled: Record<EvalBn, number> = { batch: 0, running: 0 };
  const derived: Record<EvalBn, number> = { batch: 0, running: 0 };
  let seen = 0;
  let b = 0;
  await withChild(genotype, async (child) => {
    for await (const batch of valid.epoch(0)) {
      if (b >= batches) break;
      for (const bn of EVAL_BN) {
        const ctx = evalCtx(bn);
        if (search.searchIsChild) {
          const correct = await evalChild(search.net, child, batch, ctx);
          sampled[bn] += correct;
          derived[bn] += correct;
        } else {
          sampled[bn] += await search.evalSearch(batch, seedFor(seed, epoch, b, 5), ctx);
          derived[bn] += await evalChild(search.net, child, batch, ctx);
        }
      }
      seen += batch.y.shape[0];
      b++;
    }
  });
  const acc = (n: Record<EvalBn, number>, bn: EvalBn) => n[bn] / seen;
  const own = search.metrics();
  return {
    epoch: epoch + 1, ...Object.fromEntries(STRATEGY_COLUMNS.map((c) => [c, own[c] ?? NaN])) as Record<(typeof STRATEGY_COLUMNS)[number], number>,
    steps: sums.steps, lr, train_loss: sums.loss / sums.steps, train_acc: sums.correct / sums.count, cost: (sums.cost ?? NaN) / sums.steps,
    search_val_acc: acc(sampled, headline), child_val_acc: acc(derived, headline), entropy_normal: search.entropy(alphas, 'normal'), entropy_reduce: search.entropy(alphas, 'reduce'),
    genotype_normal: cellText(genotype, 'normal'), genotype_reduce: cellText(genotype, 'reduce'),
    param_free_normal: parameterFreeEdges(genotype, 'normal'), param_free_reduce: parameterFreeEdges(genotype, 'reduce'),
    ops_trained: (sums.ops_trained ?? NaN) / sums.steps, flips: sums.flips ?? NaN,
    search_val_acc_batch_bn: acc(sampled, 'batch'), child_val_acc_batch_bn: acc(derived, 'batch'),
    search_val_acc_running_bn: acc(sampled, 'running'), child_val_acc_running_bn: acc(derived, 'running'),
  };
}

function writeSearchFiles(dir: RunDir, epochsDone: number, history: Alphas[], search: SearchStrategy): void {
  dir.write(FILES.alphaHistory, history.map((a, i) => JSON.stringify({ epoch: i + 1, ...a })).join('\n') + (history.length ? '\n' : ''));
  const last = history[history.length - 1];
  if (last) {
    dir.writeJson(FILES.alphas, { epoch: epochsDone, ...last });
    dir.writeJson(FILES.genotype, { name: `search after epoch ${epochsDone}`, ...genotypeToData(search.derive(last, 'search')) });
  }
}

/** One line per finished epoch (the CLI's and the notebooks' log). */
export function searchEpochLine(r: EpochRecord, t: TimingRecord): string {
  const pct = (v: number | string) => `${(100 * Number(v)).toFixed(1)}%`;
  const bn = r.search_val_acc === r.search_val_acc_batch_bn && r.child_val_acc === r.child_val_acc_batch_bn
    ? { other: 'running', search: r.search_val_acc_running_bn, child: r.child_val_acc_running_bn }
    : { other: 'batch', search: r.search_val_acc_batch_bn, child: r.child_val_acc_batch_bn };
  return `epoch ${r.epoch}: train loss ${Number(r.train_loss).toFixed(3)} acc ${pct(r.train_acc)}, search val ${pct(r.search_val_acc)}, `
    + `child val ${pct(r.child_val_acc)} (${bn.other} BN: ${pct(bn.search)}, ${pct(bn.child)}), entropy ${Number(r.entropy_normal).toFixed(2)}/${Number(r.entropy_reduce).toFixed(2)}, `
    + `tau ${Number(r.tau).toFixed(3)}, ${t.seconds.toFixed(1)} s (${t.images_per_s.toFixed(0)} img/s)`;
}
