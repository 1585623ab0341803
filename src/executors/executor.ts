// Many runs at once: an executor takes run requests (a resolved config and the directory it
// belongs in) and leaves each directory holding a finished run. The run directory is the only
// channel between a run and whoever asked for it: a finished run with the same config is
// skipped, an unfinished one resumed, a changed one started over (runAction). The local
// executor runs child processes on this machine (local.ts); another executor (a
// cluster's scheduler) implements the same interface.
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Scale } from '../scale.js';
import { writeAtomic } from '../util/files.js';
import { projectPath, projectRoot } from '../util/root.js';
import { FILES, RunDir } from '../runs/dir.js';
import { runAction, type RunAction } from '../runs/reuse.js';

export interface RunRequest {
  /** The snas subcommand that runs it. */
  kind: 'search' | 'train';
  /** The run's name in tables: its config's name (snas-mild, cifar10) or a sweep value (linear-5). */
  name: string;
  /** How the run is named in the log and in errors. */
  label: string;
  /** The run directory. */
  dir: string;
  /** The resolved config (its scale applied, its seed set). */
  config: object;
  seed: number;
  scale: Scale;
}

export type RunCounts = Record<RunAction, number>;

export interface Executor {
  readonly name: string;
  /** Brings every request's directory to a finished run; rejects, after the others finished, if any run failed. */
  run(requests: RunRequest[], log: (line: string) => void): Promise<RunCounts>;
}

/**
 * The snas command line (after node) that runs a request: its config written beside its
 * directory (DIR.yaml), then `snas search|train DIR.yaml --out DIR MODE --scale S --name N`,
 * MODE being --resume, --force or --auto.
 */
export function runCommand(r: RunRequest, mode: '--resume' | '--force' | '--auto'): string[] {
  const file = `${r.dir}.yaml`;
  writeAtomic(file, stringify(r.config));
  // Paths relative to the project root (every executor runs the command there), so run.json's record of it is the same in every clone.
  return [join(projectRoot(), 'src', 'cli', 'snas.js'), r.kind, projectPath(file), '--out', projectPath(r.dir), mode, '--scale', r.scale, '--name', r.name];
}

/** A request with what was done for it. */
export interface ObtainedRun extends RunRequest {
  action: RunAction;
}

/** What each request needs now (skip, resume, start) and the counts. */
export function plannedActions(requests: RunRequest[]): { request: RunRequest; action: RunAction }[] {
  return requests.map((request) => ({ request, action: runAction(request.dir, request.config) }));
}

export function countActions(actions: { action: RunAction }[]): RunCounts {
  const counts: RunCounts = { skip: 0, resume: 0, start: 0 };
  for (const a of actions) counts[a.action]++;
  return counts;
}

/**
 * What a call of obtainRuns will do, said before it does it: which runs are reused (finished
 * with the same config), which resumed from their checkpoints and which computed from the start.
 */
export function plannedSummary(planned: { request: RunRequest; action: RunAction }[]): string[] {
  const of = (a: RunAction) => planned.filter((p) => p.action === a).map((p) => p.request.label);
  const [skip, resume, start] = [of('skip'), of('resume'), of('start')];
  const lines = [`runs: ${planned.length} requested; ${skip.length} reused (finished before with the same config), ${resume.length} to resume, ${start.length} to compute`];
  if (skip.length) lines.push(`  reused: ${skip.join(', ')}`);
  if (resume.length) lines.push(`  resumed from their checkpoints: ${resume.join(', ')}`);
  if (start.length) lines.push(`  computed now: ${start.join(', ')}`);
  return lines;
}

/**
 * The runs a notebook or command needs, in one call: those not finished yet are run by the
 * executor; all come back with what was done (reused, resumed or started), each directory
 * checked to hold a finished run.
 */
export async function obtainRuns(requests: RunRequest[], executor: Executor, log: (line: string) => void = (l) => console.log(l)): Promise<ObtainedRun[]> {
  const planned = plannedActions(requests);
  for (const line of plannedSummary(planned)) log(line);
  await executor.run(requests, log);
  return planned.map(({ request, action }) => {
    const status = new RunDir(request.dir).status();
    if (status?.status !== 'finished') throw new Error(`${request.label}: ${request.dir} holds no finished run after the executor (${FILES.status}: ${status?.status ?? 'missing'})`);
    return { ...request, action };
  });
}
