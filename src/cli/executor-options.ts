// The flags that choose where many runs go (`snas sweep`, `snas reproduce`): --executor and,
// for Slurm, the resources of each job over configs/slurm.yaml.
import { EXECUTORS, makeExecutor, type ExecutorChoice } from '../executors/select.js';
import type { Executor } from '../executors/executor.js';
import { defaultWorkers } from '../executors/local.js';
import type { SlurmOptions } from '../executors/slurm.js';
import { positiveInt } from './command.js';
import { UsageError } from './usage.js';

export const EXECUTOR_OPTIONS = {
  executor: { type: 'string' }, workers: { type: 'string' },
  partition: { type: 'string' }, account: { type: 'string' }, time: { type: 'string' }, mem: { type: 'string' },
  cpus: { type: 'string' }, gpus: { type: 'string' }, resubmit: { type: 'string' },
} as const;

export const EXECUTOR_HELP = `  --executor E   ${EXECUTORS.join(' | ')} (default: $SNAS_EXECUTOR or local): local runs child processes here,
                 slurm submits one job per run with sbatch (configs/slurm.yaml; the results
                 folder must be on a filesystem every node sees)
  --workers N    local: runs at a time, each with cores/N libtorch threads (default: SNAS_WORKERS,
                 else one on a GPU, else one per core up to 4)
  --partition P, --account A, --time T, --mem M, --cpus N, --gpus N, --resubmit N
                 slurm: each job's resources and how often an interrupted job is resubmitted`;

type Values = Record<string, string | boolean | undefined>;

/** The Slurm options the flags set. */
function slurmFlags(v: Values): Partial<SlurmOptions> {
  const out: Partial<SlurmOptions> = {};
  for (const k of ['partition', 'account', 'time', 'mem'] as const) if (typeof v[k] === 'string') out[k] = v[k] as string;
  const cpus = positiveInt(v.cpus, '--cpus');
  if (cpus !== undefined) out.cpus = cpus;
  for (const k of ['gpus', 'resubmit'] as const) {
    if (v[k] === undefined) continue;
    const n = Number(v[k]);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${k}: expected a non-negative integer, got '${String(v[k])}'`);
    out[k] = n;
  }
  return out;
}

/** The executor the flags choose, and what a child process (a notebook) needs to choose the same (SNAS_EXECUTOR, SNAS_SLURM). */
export function executorFromFlags(v: Values): { executor: Executor; env: Record<string, string> } {
  const name = typeof v.executor === 'string' ? v.executor : process.env.SNAS_EXECUTOR || 'local';
  const choice: ExecutorChoice = { workers: v.workers === undefined ? defaultWorkers() : positiveInt(v.workers, '--workers'), slurm: slurmFlags(v) };
  const executor = makeExecutor(name, choice, typeof v.executor === 'string' ? '--executor' : 'environment variable SNAS_EXECUTOR');
  const env: Record<string, string> = { SNAS_EXECUTOR: name, SNAS_SLURM: JSON.stringify(choice.slurm) };
  if (v.workers !== undefined) env.SNAS_WORKERS = String(choice.workers);
  return { executor, env };
}
