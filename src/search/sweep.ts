// A sweep: one search config with one key varied over named values, times seeds (e.g. the
// temperature ablation, configs/sweeps/temperature.yaml). Each (value, seed) is a search run
// in RESULTS/runs/sweeps/NAME-SCALE/VALUE-seedS, run by a `snas search` child process on a
// config file written beside it, at most `workers` at a time; a finished run with the same
// config is skipped, an unfinished one resumed, a changed one started over.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { ConfigError, configAtScale, describeIssues, parseConfig, readYaml } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { resultsDir } from '../report/write-table.js';
import { SCALES, type Scale } from '../scale.js';
import { writeAtomic } from '../util/files.js';
import { projectRoot } from '../util/root.js';
import { runAction, type RunAction } from './runs.js';

export const SweepSchema = z.object({
  /** The search config every run starts from (a path from the project root). */
  base: z.string().min(1),
  /** The dotted key the sweep varies (e.g. search.temperature); each value replaces it whole. */
  vary: z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/),
  /** Named values of that key. */
  values: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.unknown()).refine((v) => Object.keys(v).length > 0, 'expected at least one value'),
  /** Seeds per scale. */
  seeds: z.record(z.enum(SCALES), z.array(z.number().int().min(0)).min(1)),
}).strict();
export type Sweep = z.infer<typeof SweepSchema>;

export interface SweepJob {
  value: string;
  seed: number;
  dir: string;
  /** The config file the child process runs. */
  file: string;
  config: Config;
}

export function readSweep(file: string): Sweep & { name: string } {
  const raw = readYaml(file);
  const r = SweepSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(describeIssues(file, r.error, raw, SweepSchema));
  return { ...r.data, name: basename(file, extname(file)) };
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = obj;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[keys[keys.length - 1]!] = value;
}

/** The grid: every (value, seed) with its config at the scale (validated) and its run directory. */
export function sweepJobs(sweep: Sweep & { name: string }, file: string, scale: Scale): SweepJob[] {
  const seeds = sweep.seeds[scale];
  if (!seeds) throw new ConfigError(`${file}: seeds.${scale}: expected the seeds to run at scale ${scale}`);
  const baseFile = join(projectRoot(), sweep.base);
  const base = configAtScale(readYaml(baseFile), sweep.base, scale);
  const root = join(resultsDir(), 'runs', 'sweeps', `${sweep.name}-${scale}`);
  return Object.entries(sweep.values).flatMap(([value, v]) => seeds.map((seed) => {
    const raw = structuredClone(base) as unknown as Record<string, unknown>;
    setPath(raw, sweep.vary, v);
    raw.seed = seed;
    const config = parseConfig(raw, `${file}: values.${value}`);
    return { value, seed, dir: join(root, `${value}-seed${seed}`), file: join(root, `${value}-seed${seed}.yaml`), config };
  }));
}

/** What a job needs: nothing (finished, same config), to resume (unfinished, same config), or a fresh start. */
export function jobAction(job: SweepJob): RunAction {
  return runAction(job.dir, job.config);
}

export interface SweepOptions {
  workers: number;
  log?: (line: string) => void;
}

/** Runs the jobs that need it, `workers` child processes at a time; rejects if any run failed. */
export async function runSweep(jobs: SweepJob[], scale: Scale, opts: SweepOptions): Promise<Record<RunAction, number>> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const counts: Record<RunAction, number> = { skip: 0, resume: 0, start: 0 };
  const todo = jobs.map((j) => ({ job: j, action: jobAction(j) }));
  for (const t of todo) counts[t.action]++;
  const queue = todo.filter((t) => t.action !== 'skip');
  const threads = String(Math.max(1, Math.floor(availableParallelism() / opts.workers)));
  const failures: string[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const t = next;
      writeAtomic(t.job.file, stringify(t.job.config));
      const args = [join(projectRoot(), 'src', 'cli', 'snas.js'), 'search', t.job.file, '--scale', scale, '--out', t.job.dir, t.action === 'resume' ? '--resume' : '--force'];
      log(`sweep: ${t.action} ${t.job.value} seed ${t.job.seed}`);
      const t0 = performance.now();
      const code = await new Promise<number>((resolve) => {
        const child = spawn(process.execPath, args, { cwd: projectRoot(), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SNAS_TORCH_THREADS: threads } });
        let err = '';
        child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-2000); });
        child.on('close', (c) => {
          if (c !== 0) failures.push(`${t.job.value} seed ${t.job.seed} (exit ${c}): ${err.trim().split('\n').slice(-3).join(' | ')}`);
          resolve(c ?? 1);
        });
      });
      log(`sweep: ${t.job.value} seed ${t.job.seed} ${code === 0 ? 'done' : 'FAILED'} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, worker));
  if (failures.length) throw new Error(`sweep: ${failures.length} run(s) failed: ${failures.join('; ')}`);
  return counts;
}
