// Which executor runs many runs: the local one (child processes on this machine) or Slurm's
// (one job per run), by name, from flags or from the invocation's settings (which is how
// `snas reproduce --executor` reaches the notebooks).
import { EXECUTORS, invocation } from '../config/invocation.js';
import { ConfigError } from '../config/load.js';
import { slurmOptions, type SlurmOptions } from '../config/slurm.js';
import type { Executor } from './executor.js';
import { LocalExecutor } from './local.js';
import { SlurmExecutor } from './slurm.js';

export { EXECUTORS };

export interface ExecutorChoice {
  /** Child processes at a time (local). */
  workers?: number;
  /** Options over configs/slurm.yaml (slurm). */
  slurm?: Partial<SlurmOptions>;
}

export function makeExecutor(name: string, choice: ExecutorChoice = {}, where = '--executor'): Executor {
  if (name === 'local') return new LocalExecutor(choice.workers);
  if (name === 'slurm') return new SlurmExecutor(slurmOptions(choice.slurm));
  throw new ConfigError(`${where}: unknown executor '${name}'; expected one of ${EXECUTORS.join(', ')}`);
}

/** The executor the invocation names (default local), with its workers and Slurm options. */
export function defaultExecutor(env: NodeJS.ProcessEnv = process.env): Executor {
  const settings = invocation(env);
  return makeExecutor(settings.executor ?? 'local', { workers: settings.workers, slurm: settings.slurm });
}
