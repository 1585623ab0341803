// The executor a notebook or command uses when none is named: the local one (child processes
// on this machine, defaultWorkers at a time).
import type { Executor } from './executor.js';
import { LocalExecutor } from './local-executor.js';

export function defaultExecutor(): Executor {
  return new LocalExecutor();
}
