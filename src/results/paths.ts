// Where results go: the results folder (SNAS_RESULTS, set by the notebook runner, or
// results/) and the run directories under it.
import { join } from 'node:path';
import { projectRoot } from '../util/root.js';

export function resultsDir(): string {
  return process.env.SNAS_RESULTS || join(projectRoot(), 'results');
}

/** RESULTS/runs/KIND/...: where runs of a kind (search, train, sweeps, calibrate) go by default. */
export function runsDir(kind: string, ...parts: string[]): string {
  return join(resultsDir(), 'runs', kind, ...parts);
}
