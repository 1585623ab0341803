// The flags that choose where many runs go (`snas sweep`, `snas reproduce`): --executor and,
// for Slurm, the resources of each job over configs/slurm.yaml.
import { invocation, SETTING_ENV, type Invocation } from '../config/invocation.js';
import type { SlurmOptions } from '../config/slurm.js';
import { EXECUTORS, makeExecutor, type ExecutorChoice } from '../executors/select.js';
import type { Executor } from '../executors/executor.js';
import { defaultWorkers } from '../executors/local.js';
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
  --workers N    local: runs at a time, each with its config's threads (default: SNAS_WORKERS,
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

/** The executor the flags choose (over the invocation's settings), and the settings a child process (a notebook) needs to choose the same. */
export function executorFromFlags(v: Values): { executor: Executor; settings: Invocation } {
  const given = invocation();
  const name = typeof v.executor === 'string' ? v.executor : given.executor ?? 'local';
  const workers = v.workers === undefined ? given.workers : positiveInt(v.workers, '--workers');
  const choice: ExecutorChoice = { workers: workers ?? defaultWorkers(), slurm: { ...given.slurm, ...slurmFlags(v) } };
  const executor = makeExecutor(name, choice, typeof v.executor === 'string' ? '--executor' : `environment variable ${SETTING_ENV.executor}`);
  return { executor, settings: { executor: executor.name as Invocation['executor'], workers, slurm: choice.slurm } };
}
