// A run as a reusable result: a finished run directory with the same config is read back
// instead of recomputed; an unfinished one resumes from its checkpoint; one whose config
// changed starts over. Used by `snas calibrate` and the notebooks (searches here, trainings in
// src/train/runs.ts).
import { existsSync, readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { parseGenotype, type Genotype } from '../space/genotype.js';
import type { Alphas } from './architecture.js';
import { runSearch, type EpochRecord, type SearchOptions } from './engine.js';
import { FILES, RunDir, parseCsv } from './run-dir.js';

export interface SearchResult {
  dir: string;
  records: EpochRecord[];
  alphas: Alphas;
  /** The child derived at the end, by the method's own rule (genotype.json). */
  genotype: Genotype;
  /** True when a finished run was read back, not computed. */
  reused: boolean;
  /** Seconds spent training and evaluating, summed over epochs (timing.csv). */
  seconds: number;
}

export type EnsureOptions = Omit<SearchOptions, 'resume' | 'force'>;

/** What a run directory needs for a config: nothing (finished with it), to resume (unfinished with it), or a fresh start. */
export type RunAction = 'skip' | 'resume' | 'start';

export function runAction(out: string, config: unknown): RunAction {
  const dir = new RunDir(out);
  const recorded = existsSync(dir.path(FILES.config)) ? readFileSync(dir.path(FILES.config), 'utf8') : undefined;
  if (recorded !== stringify(config)) return 'start';
  const status = dir.status();
  if (status?.status === 'finished') return 'skip';
  return status !== undefined && existsSync(dir.path(FILES.checkpoint)) ? 'resume' : 'start';
}

/**
 * Runs `run` into `out` unless a finished run with the same config is there: then nothing is
 * computed and the caller reads it back. An unfinished run with the same config resumes; one
 * with another config starts over. Returns whether the run was reused.
 */
export async function ensureRun(
  out: string, config: unknown, log: (line: string) => void, run: (flags: { resume: boolean; force: boolean }) => Promise<unknown>,
): Promise<boolean> {
  const action = runAction(out, config);
  if (action === 'skip') {
    log(`${out}: finished run with the same config, reused`);
    return true;
  }
  if (action === 'start' && existsSync(new RunDir(out).path(FILES.config))) log(`${out}: a run with another config, or one that left no checkpoint; starting over`);
  await run({ resume: action === 'resume', force: action === 'start' });
  return false;
}

export async function ensureSearch(opts: EnsureOptions): Promise<SearchResult> {
  const reused = await ensureRun(opts.out, opts.config, opts.log ?? (() => {}), (flags) => runSearch({ ...opts, ...flags }));
  return readSearchRun(opts.out, reused);
}

/** A search run directory's records, final alphas and genotype, and its time. */
export function readSearchRun(path: string, reused = true): SearchResult {
  const dir = new RunDir(path);
  const records = parseCsv(readFileSync(dir.path(FILES.metrics), 'utf8')) as EpochRecord[];
  const timing = parseCsv(readFileSync(dir.path(FILES.timing), 'utf8'));
  const { normal, reduce } = JSON.parse(readFileSync(dir.path(FILES.alphas), 'utf8')) as Alphas;
  const { name, ...cells } = JSON.parse(readFileSync(dir.path(FILES.genotype), 'utf8')) as { name: string };
  const genotype = parseGenotype(name, cells, dir.path(FILES.genotype));
  return { dir: dir.dir, records, alphas: { normal, reduce }, genotype, reused, seconds: timing.reduce((s, t) => s + Number(t.seconds), 0) };
}
