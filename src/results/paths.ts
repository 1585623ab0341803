// Where results go: the results folder (the invocation's, else results/) and the run
// directories under it.
import { join, resolve } from 'node:path';
import { invocation } from '../config/invocation.js';
import { projectRoot } from '../util/root.js';

export function resultsDir(): string {
  const set = invocation().results;
  return set ? resolve(set) : join(projectRoot(), 'results');
}

/** RESULTS/runs/KIND/...: where runs of a kind (search, train, sweeps, calibrate) go by default. */
export function runsDir(kind: string, ...parts: string[]): string {
  return join(resultsDir(), 'runs', kind, ...parts);
}
