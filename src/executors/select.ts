// Which executor runs many runs: the local one (child processes on this machine) or Slurm's
// (one job per run), by name, from flags or from SNAS_EXECUTOR (which is how `snas reproduce
// --executor` reaches the notebooks; SNAS_SLURM carries its Slurm flags as JSON).
import { ConfigError } from '../config/load.js';
import type { Executor } from './executor.js';
import { LocalExecutor } from './local.js';
import { SlurmExecutor, slurmOptions, type SlurmOptions } from './slurm.js';

export const EXECUTORS = ['local', 'slurm'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

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

/** The executor SNAS_EXECUTOR names (default local), with SNAS_SLURM's options. */
export function defaultExecutor(env: NodeJS.ProcessEnv = process.env): Executor {
  let slurm: Partial<SlurmOptions> = {};
  if (env.SNAS_SLURM) {
    try {
      slurm = JSON.parse(env.SNAS_SLURM) as Partial<SlurmOptions>;
    } catch {
      throw new ConfigError(`environment variable SNAS_SLURM: expected a JSON object of Slurm options, got '${env.SNAS_SLURM}'`);
    }
  }
  return makeExecutor(env.SNAS_EXECUTOR || 'local', { slurm }, 'environment variable SNAS_EXECUTOR');
}
