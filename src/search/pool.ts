// Runs as child processes, a bounded number at a time: each job is a resolved config (a
// search or a training, already at its scale and seed) and the run directory it belongs in.
// The config is written beside the directory (DIR.yaml) and run by `snas search|train DIR.yaml
// --out DIR`; a finished run with the same config is skipped, an unfinished one resumed, a
// changed one started over (runAction). Used by sweeps and by the notebooks, which then read
// the finished directories back.
//
// Why processes: one step of the small networks here spends most of its time in JavaScript
// dispatch, which a second libtorch thread does not speed up. Two processes with one thread
// each did 1.5x the steps per second of one process with two threads (2 cores, quick scale).
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Scale } from '../scale.js';
import { writeAtomic } from '../util/files.js';
import { projectRoot } from '../util/root.js';
import { runAction, type RunAction } from './runs.js';

export interface PoolJob {
  /** How the job is named in the log and in errors. */
  label: string;
  command: 'search' | 'train';
  /** The run directory. */
  dir: string;
  /** The resolved config (the scale applied, the seed set). */
  config: object;
}

export interface PoolOptions {
  /** Child processes at a time (default: defaultWorkers). */
  workers?: number;
  log?: (line: string) => void;
}

/**
 * SNAS_WORKERS if set; else one when libtorch runs on a GPU (SNAS_TORCH_DEVICE other than cpu:
 * runs would share its memory); else one per core up to 4 (each with cores / workers threads).
 */
export function defaultWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const set = Number(env.SNAS_WORKERS);
  if (Number.isInteger(set) && set > 0) return set;
  if ((env.SNAS_TORCH_DEVICE ?? 'cpu') !== 'cpu') return 1;
  return Math.max(1, Math.min(4, availableParallelism()));
}

export type PoolCounts = Record<RunAction, number>;

/** Runs the jobs that need it, `workers` at a time; rejects, after the others finished, if any failed. */
export async function runPool(jobs: PoolJob[], scale: Scale, opts: PoolOptions = {}): Promise<PoolCounts> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const workers = Math.max(1, opts.workers ?? defaultWorkers());
  const counts: PoolCounts = { skip: 0, resume: 0, start: 0 };
  const todo = jobs.map((job) => ({ job, action: runAction(job.dir, job.config) }));
  for (const t of todo) counts[t.action]++;
  const queue = todo.filter((t) => t.action !== 'skip');
  if (queue.length) log(`${queue.length} of ${jobs.length} runs to compute (${counts.skip} finished already), ${Math.min(workers, queue.length)} at a time`);
  const threads = String(Math.max(1, Math.floor(availableParallelism() / Math.min(workers, Math.max(1, queue.length)))));
  const failures: string[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { job, action } = next;
      const file = `${job.dir}.yaml`;
      writeAtomic(file, stringify(job.config));
      const args = [join(projectRoot(), 'src', 'cli', 'snas.js'), job.command, file, '--out', job.dir, action === 'resume' ? '--resume' : '--force', '--scale', scale];
      log(`${action} ${job.label}`);
      const t0 = performance.now();
      const code = await new Promise<number>((resolve) => {
        const child = spawn(process.execPath, args, { cwd: projectRoot(), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SNAS_TORCH_THREADS: threads } });
        let err = '';
        child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-2000); });
        child.on('error', (e) => { err += e.message; });
        child.on('close', (c) => {
          if (c !== 0) failures.push(`${job.label} (exit ${c}): ${err.trim().split('\n').slice(-3).join(' | ')}`);
          resolve(c ?? 1);
        });
      });
      log(`${job.label}: ${code === 0 ? 'done' : 'FAILED'} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  if (failures.length) throw new Error(`${failures.length} run(s) failed: ${failures.join('; ')}`);
  return counts;
}
