// One search config over several seeds, as the notebooks run it: each seed in its own run
// directory (RESULTS/runs/search/NAME-SCALE-seedS, the same place `snas search` writes, so a
// finished CLI run is reused; searchJobs hands the same runs to the process pool), and per-epoch
// statistics across the seeds.
import { join } from 'node:path';
import type { BackendChoice } from '../backends/index.js';
import { readSearchConfig } from '../cli/search-config.js';
import type { Config } from '../config/schema.js';
import type { Band } from '../report/band-figure.js';
import { environmentRecord } from '../report/environment.js';
import { resultsDir } from '../report/write-table.js';
import type { Scale } from '../scale.js';
import { mean, std } from '../util/stats.js';
import type { EpochRecord } from './engine.js';
import type { PoolJob } from './pool.js';
import { ensureSearch, type SearchResult } from './runs.js';

export interface SeedRuns {
  /** The config file's name (snas-mild, ...). */
  name: string;
  file: string;
  scale: Scale;
  runs: (SearchResult & { seed: number })[];
}

export interface SeedRunOptions {
  file: string;
  scale: Scale;
  seeds: number[];
  backend: BackendChoice;
  /** One line per finished epoch and per reused run (default: console.log). */
  log?: (line: string) => void;
}

/** Where a search run of config NAME goes by default (`snas search` and the notebooks). */
export function searchRunDir(name: string, scale: Scale, seed: number): string {
  return join(resultsDir(), 'runs', 'search', `${name}-${scale}-seed${seed}`);
}

/** Each seed's config and run directory. */
function seedRuns(file: string, scale: Scale, seeds: number[]): { name: string; runs: { seed: number; config: Config; out: string }[] } {
  const { config: base, name } = readSearchConfig(file, scale);
  return {
    name,
    runs: seeds.map((seed) => ({ seed, config: { ...structuredClone(base), seed }, out: searchRunDir(name, scale, seed) })),
  };
}

/** The same runs as jobs for the process pool (runPool), so that searchSeeds then reads them back. */
export function searchJobs(file: string, scale: Scale, seeds: number[]): PoolJob[] {
  const { name, runs } = seedRuns(file, scale, seeds);
  return runs.map(({ seed, config, out }) => ({ label: `${name} seed ${seed}`, command: 'search', dir: out, config }));
}

export async function searchSeeds(opts: SeedRunOptions): Promise<SeedRuns> {
  const { name, runs: planned } = seedRuns(opts.file, opts.scale, opts.seeds);
  const log = opts.log ?? ((l: string) => console.log(l));
  const runs: SeedRuns['runs'] = [];
  for (const { seed, config, out } of planned) {
    const result = await ensureSearch({
      config, configFile: opts.file, out,
      environment: () => ({ ...environmentRecord(opts.backend, { scale: opts.scale, seed }), config_file: opts.file }),
      command: `searchSeeds ${opts.file} --scale ${opts.scale} --seed ${seed}`,
      log,
      onEpoch: (r, t) => log(`${name} seed ${seed} epoch ${r.epoch}: search val ${pct(r.search_val_acc)}, child val ${pct(r.child_val_acc)}, `
        + `entropy ${Number(r.entropy_normal).toFixed(2)}/${Number(r.entropy_reduce).toFixed(2)}, ${t.seconds.toFixed(0)} s`),
    });
    runs.push({ ...result, seed });
  }
  return { name, file: opts.file, scale: opts.scale, runs };
}

function pct(v: number | string): string {
  return `${(100 * Number(v)).toFixed(1)}%`;
}

/** Per epoch across seeds (x = the epoch numbers every seed reached): the mean and the range (min to max) of one metric column. */
export function epochBand<R extends { epoch: number | string }>(runs: { records: R[] }[], column: keyof R): Band {
  const epochs = Math.min(...runs.map((r) => r.records.length));
  const band: Band = { x: [], mean: [], lo: [], hi: [] };
  for (let e = 0; e < epochs; e++) {
    const xs = runs.map((r) => Number(r.records[e]![column]));
    band.x.push(Number(runs[0]!.records[e]!.epoch));
    band.mean.push(mean(xs));
    band.lo.push(Math.min(...xs));
    band.hi.push(Math.max(...xs));
  }
  return band;
}

/** The last epoch's value of a column across seeds: mean and standard deviation. */
export function finalStats(runs: { records: EpochRecord[] }[], column: keyof EpochRecord): { mean: number; std: number } {
  const xs = runs.map((r) => Number(r.records[r.records.length - 1]![column]));
  return { mean: mean(xs), std: std(xs) };
}
