// The lifecycle of one run, whatever it trains (a search, an evaluation training): the run
// directory and its records (config.yaml, environment.json, run.json, metrics.csv,
// timing.csv), epochs of steps, a checkpoint written atomically at the end of every epoch (and
// every `checkpointEvery` steps) with the previous one kept, resume, progress, the status, and
// a stop on a diverged loss. What differs between runs is a small body (RunBody): its state,
// how an epoch's steps run, how an epoch is evaluated, and the files it adds. A run resumed
// from its checkpoint ends exactly as an uninterrupted one as long as every random draw of the
// body is a function of (seed, epoch, step) and its state is all in the checkpoint.
import { existsSync } from 'node:fs';
import type * as tf from '@tensorflow/tfjs';
import { csvText, type CsvValue } from '../util/csv.js';
import { CheckpointError, restoreRunState, saveRunState } from './checkpoint.js';
import { FILES, RunDir, type RunOptions, type RunStatus } from './dir.js';
import { PendingSteps, READ_EVERY, type StepTensors } from './pending-steps.js';
import type { ProgressStep } from './progress.js';
import { lockFile, whileComputing, type LockInfo } from './lock.js';

/** The loss became NaN or infinite: the run stops and keeps its last good checkpoint. */
export class RunDiverged extends Error {}

/**
 * What a training step reports: the loss it trained on, correct predictions, images, and sums
 * the record averages over steps, as scalars on the backend that the lifecycle reads back every
 * READ_EVERY steps (and before a checkpoint, at an epoch's end and at a stop).
 */
export type StepOutcome = StepTensors & {
  /** Wall seconds of the step's parts by timer name (RunBody.timers), measured by the body. */
  timers?: Partial<Record<string, number>>;
};

/** Epoch sums' keys of the timers: TIMER + name, in seconds over the epoch's steps. */
const TIMER = 'time:';

/** Sums over an epoch's steps so far (a mid-epoch checkpoint keeps them). */
export interface EpochSums {
  loss: number;
  correct: number;
  count: number;
  steps: number;
  [sum: string]: number;
}

/**
 * timing.csv's row of an epoch: its wall seconds (training and evaluation), the training's
 * images per second, the mean wall seconds of a training step (step_s) and of each of the
 * body's timers (NAME_s) per step.
 */
export interface TimingRecord {
  epoch: number;
  seconds: number;
  images_per_s: number;
  step_s: number;
  [timer: string]: number;
}

export type RunRecord = Record<string, CsvValue>;

/** The steps of one epoch: step(i) runs step i (0-based), or returns undefined when the batches ran out. */
export interface EpochSteps {
  step(step: number): Promise<StepOutcome | undefined>;
  /** Frees what the epoch holds (its batch iterators). */
  close(): Promise<void>;
}

export interface RunBody<R extends RunRecord> {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** Also checkpoint every N steps within an epoch (0: at the end of each epoch only). */
  readonly checkpointEvery: number;
  /** metrics.csv's columns, in order. */
  readonly columns: readonly string[];
  /** The parts of a step the body times (StepOutcome.timers), each a timing.csv column NAME_s. */
  readonly timers?: readonly string[];
  /** Every tensor of the run's state under a stable name (what a checkpoint saves). */
  state(): Map<string, tf.Variable>;
  /** Whatever else must survive a resume (optimiser counters, histories), as JSON. */
  saveExtra(): unknown;
  restoreExtra(extra: unknown): void;
  /** The steps of epoch `epoch`, whose first `start` steps ran before (a mid-epoch checkpoint). */
  beginEpoch(epoch: number, start: number): Promise<EpochSteps>;
  /** Values the progress line shows besides loss and accuracy. */
  progress?(): Record<string, number>;
  /** Evaluates the epoch and returns its row of metrics.csv. */
  endEpoch(epoch: number, sums: EpochSums): Promise<R>;
  /** Writes the body's own files from the records so far (at the start and after every epoch). */
  writeFiles?(dir: RunDir, records: R[]): void;
  /** Writes the run's final files after its last epoch (e.g. result.json). */
  finish?(dir: RunDir, records: R[], timing: TimingRecord[]): void;
  dispose(): void;
}

export interface LifecycleOptions<R extends RunRecord> extends RunOptions {
  /** The config as recorded (config.yaml); a resume needs the same text. */
  configText: string;
  onStep?: (info: ProgressStep & { elapsedS: number }) => void;
  onEpoch?: (record: R, timing: TimingRecord) => void;
}

export interface RunSummary<R extends RunRecord> {
  dir: string;
  records: R[];
  timing: TimingRecord[];
  /** False when the process stopped early (stopAfterSteps). */
  finished: boolean;
  resumedFrom?: { epoch: number; step: number };
}

/** What a checkpoint holds besides tensors. */
interface Meta<R> {
  format: 2;
  epochs_done: number;
  step: number;
  partial: EpochSums;
  records: R[];
  timing: TimingRecord[];
  extra: unknown;
}

const emptySums = (): EpochSums => ({ loss: 0, correct: 0, count: 0, steps: 0 });

/** Another process is computing the same run. */
export class RunBusy extends Error {}

/**
 * Runs `makeBody`'s run into opts.out: checks the directory first (a finished run needs
 * --force, an unfinished one --resume or --force), then builds the body (loading data), restores
 * the checkpoint when resuming and runs the remaining epochs.
 */
export function runLifecycle<R extends RunRecord>(opts: LifecycleOptions<R>, makeBody: () => Promise<RunBody<R>> | RunBody<R>): Promise<RunSummary<R>> {
  // One process computes a run at a time: a second one of the same directory says who holds it and stops.
  const busy = (h: LockInfo) => new RunBusy(`${opts.out}: this run is being computed by process ${h.pid} on ${h.host} since ${h.since} (${lockFile(opts.out, 'compute')}); not computing it twice`);
  return whileComputing(opts.out, busy, () => lifecycle(opts, makeBody));
}

async function lifecycle<R extends RunRecord>(opts: LifecycleOptions<R>, makeBody: () => Promise<RunBody<R>> | RunBody<R>): Promise<RunSummary<R>> {
  const log = opts.log ?? (() => {});
  const dir = new RunDir(opts.out);
  const resuming = dir.prepare({ resume: opts.resume, force: opts.force, configText: opts.configText });
  const body = await makeBody();
  const state = body.state();
  let meta: Meta<R> = { format: 2, epochs_done: 0, step: 0, partial: emptySums(), records: [], timing: [], extra: body.saveExtra() };
  let resumedFrom: RunSummary<R>['resumedFrom'];
  const fixed: Partial<RunStatus> = opts.name ? { name: opts.name } : {};
  let writeStatus = dir.statusWriter(opts.command, resuming, fixed);
  const setStatus = (status: RunStatus['status'], message?: string) => writeStatus(status, meta.epochs_done, message);
  const timingColumns = ['epoch', 'seconds', 'images_per_s', 'step_s', ...(body.timers ?? []).map((t) => `${t}_s`)];
  const save = () => saveRunState(dir.path(FILES.checkpoint), dir.path(FILES.previousCheckpoint), { ...meta, extra: body.saveExtra() }, state);
  const writeRecords = () => {
    dir.write(FILES.metrics, csvText(body.columns, meta.records));
    dir.write(FILES.timing, csvText(timingColumns, meta.timing as unknown as RunRecord[]));
    body.writeFiles?.(dir, meta.records);
  };
  const summary = (finished: boolean): RunSummary<R> => ({ dir: opts.out, records: meta.records, timing: meta.timing, finished, resumedFrom });
  try {
    if (resuming && (existsSync(dir.path(FILES.checkpoint)) || existsSync(dir.path(FILES.previousCheckpoint)))) {
      const restored = restoreRunState<Meta<R>>(dir.path(FILES.checkpoint), dir.path(FILES.previousCheckpoint), state);
      if (restored.meta?.format !== 2) throw new CheckpointError(`${restored.file}: a checkpoint of an older snas-lab; start the run over with --force`);
      meta = restored.meta;
      body.restoreExtra(meta.extra);
      resumedFrom = { epoch: meta.epochs_done, step: meta.step };
      if (restored.fallback) {
        log(`warning: ${restored.fallback}; resuming from the previous checkpoint (${restored.file})`);
        writeStatus = dir.statusWriter(opts.command, resuming, { ...fixed, checkpoint_fallback: restored.fallback });
      }
      log(`resuming ${opts.out} at epoch ${meta.epochs_done + 1}, step ${meta.step}`);
    }
    if (!resuming) dir.write(FILES.config, opts.configText);
    dir.writeJson(FILES.environment, opts.environment());
    setStatus('running');
    writeRecords();

    let processSteps = 0;
    for (let epoch = meta.epochs_done; epoch < body.epochs; epoch++) {
      const t0 = performance.now();
      const sums = { ...meta.partial };
      const steps = await body.beginEpoch(epoch, meta.step);
      try {
        const pending = new PendingSteps();
        // Reads the pending steps back: the divergence check, the sums and the progress line.
        const settle = async () => {
          for (const r of await pending.read()) {
            if (!Number.isFinite(r.loss)) {
              const where = meta.epochs_done > 0 ? `end of epoch ${meta.epochs_done}` : 'none written yet';
              throw new RunDiverged(`epoch ${epoch + 1}, step ${r.step + 1}: the loss is ${r.loss}; stopping. The last good checkpoint (${where}) is kept in ${dir.path(FILES.checkpoint)}`);
            }
            sums.loss += r.loss; sums.correct += r.correct; sums.count += r.count;
            for (const [k, v] of Object.entries(r.sums)) sums[k] = (sums[k] ?? 0) + v;
            sums.steps++;
            opts.onStep?.({
              epoch, epochs: body.epochs, step: r.step + 1, steps: body.stepsPerEpoch, loss: sums.loss / sums.steps, acc: sums.correct / sums.count,
              extra: body.progress?.(), elapsedS: (performance.now() - t0) / 1000,
            });
          }
        };
        try {
          for (let step = meta.step; step < body.stepsPerEpoch; step++) {
            const began = performance.now();
            const r = await steps.step(step);
            if (!r) break;
            // The CPU backends compute as they are called, so there a step's wall time is its
            // compute; on a GPU (an asynchronous queue) it is the time to queue the step.
            sums[`${TIMER}step`] = (sums[`${TIMER}step`] ?? 0) + (performance.now() - began) / 1000;
            for (const [k, v] of Object.entries(r.timers ?? {})) if (v !== undefined) sums[TIMER + k] = (sums[TIMER + k] ?? 0) + v;
            pending.push(step, r);
            const done = step + 1;
            const checkpoint = body.checkpointEvery > 0 && done % body.checkpointEvery === 0 && done < body.stepsPerEpoch;
            const stop = opts.stopAfterSteps !== undefined && ++processSteps >= opts.stopAfterSteps;
            if (pending.size >= READ_EVERY || checkpoint || stop) await settle();
            if (checkpoint) {
              meta = { ...meta, step: done, partial: { ...sums } };
              await save();
            }
            if (stop) return summary(false);
          }
          await settle();
        } finally {
          pending.dispose();
        }
      } finally {
        await steps.close();
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      const record = await body.endEpoch(epoch, sums);
      const perStep = (t: string) => (sums[TIMER + t] ?? NaN) / sums.steps;
      const timing: TimingRecord = {
        epoch: epoch + 1, seconds: (performance.now() - t0) / 1000, images_per_s: sums.count / trainSeconds, step_s: perStep('step'),
        ...Object.fromEntries((body.timers ?? []).map((t) => [`${t}_s`, perStep(t)])),
      };
      meta = { ...meta, epochs_done: epoch + 1, step: 0, partial: emptySums(), records: [...meta.records, record], timing: [...meta.timing, timing] };
      writeRecords();
      await save();
      setStatus('running');
      opts.onEpoch?.(record, timing);
    }
    body.finish?.(dir, meta.records, meta.timing);
    setStatus('finished');
    return summary(true);
  } catch (err) {
    // A checkpoint that cannot serve is bad input: the run directory is left as it was.
    if (!(err instanceof CheckpointError)) {
      try {
        setStatus('failed', (err as Error).message);
      } catch { /* run.json cannot be written either (a full disk): the error that stopped the run is the one to report */ }
    }
    throw err;
  } finally {
    body.dispose();
  }
}
