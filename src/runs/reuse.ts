// A run as a reusable result: a finished run directory with the same config is read back
// instead of recomputed; an unfinished one resumes from its checkpoint; one whose config
// changed starts over. The executors and `snas calibrate` decide through runAction.
import { existsSync } from 'node:fs';
import { stringify } from 'yaml';
import { FILES, RunDir } from './dir.js';

/** What a run directory needs for a config: nothing (finished with it), to resume (unfinished with it), or a fresh start. */
export type RunAction = 'skip' | 'resume' | 'start';

export function runAction(out: string, config: unknown): RunAction {
  const dir = new RunDir(out);
  if (dir.recordedConfig() !== stringify(config)) return 'start';
  const status = dir.status();
  if (status?.status === 'finished') return 'skip';
  const checkpoint = existsSync(dir.path(FILES.checkpoint)) || existsSync(dir.path(FILES.previousCheckpoint));
  return status !== undefined && checkpoint ? 'resume' : 'start';
}

/**
 * Runs `run` into `out` unless a finished run with the same config is there: then nothing is
 * computed and the caller reads it back. An unfinished run with the same config resumes; one
 * with another config starts over. Returns what was done.
 */
export async function ensureRun(
  out: string, config: unknown, log: (line: string) => void, run: (flags: { resume: boolean; force: boolean }) => Promise<unknown>,
): Promise<RunAction> {
  const action = runAction(out, config);
  if (action === 'skip') {
    log(`${out}: finished run with the same config, reused`);
    return action;
  }
  if (action === 'start' && existsSync(new RunDir(out).path(FILES.config))) log(`${out}: a run with another config, or one that left no checkpoint; starting over`);
  await run({ resume: action === 'resume', force: action === 'start' });
  return action;
}
