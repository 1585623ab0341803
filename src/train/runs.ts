// Trainings as reusable results (notebook 06): one genotype trained over seeds, each seed in
// RESULTS/runs/train/CONFIG-LABEL-SCALE-seedS (where `snas train` writes), reused when
// finished with the same config, resumed when not.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BackendChoice } from '../backends/index.js';
import type { Config, TrainConfig } from '../config/schema.js';
import { readTrainConfig } from '../cli/search-config.js';
import { environmentRecord } from '../report/environment.js';
import { resultsDir } from '../report/write-table.js';
import type { Scale } from '../scale.js';
import { genotypeToData } from '../space/genotype.js';
import { randomCell } from '../space/sample.js';
import { writeAtomic } from '../util/files.js';
import { rng, seedFor } from '../util/rng.js';
import { FILES, parseCsv } from '../search/run-dir.js';
import type { PoolJob } from '../search/pool.js';
import { ensureRun } from '../search/runs.js';
import { genotypeLabel, RESULT_FILE, runTraining, type TrainRecord, type TrainResult } from './run.js';

export interface TrainedRun {
  seed: number;
  dir: string;
  records: TrainRecord[];
  result: TrainResult;
  reused: boolean;
}

export interface TrainSeedOptions {
  /** A training config (configs/train/*.yaml). */
  file: string;
  scale: Scale;
  /** A published genotype's name or a genotype file. */
  genotype: string;
  seeds: number[];
  backend: BackendChoice;
  log?: (line: string) => void;
}

/** Where a training of config NAME on a genotype goes by default (`snas train` and the notebooks). */
export function trainRunDir(name: string, genotype: string, scale: Scale, seed: number): string {
  return join(resultsDir(), 'runs', 'train', `${name}-${genotypeLabel(genotype)}-${scale}-seed${seed}`);
}

/** Each seed's config and run directory. */
function seedRuns(opts: Omit<TrainSeedOptions, 'backend'>): { seed: number; config: Config & { train: TrainConfig }; dir: string; label: string }[] {
  const { config: base, name } = readTrainConfig(opts.file, opts.scale);
  return opts.seeds.map((seed) => {
    const config = structuredClone(base);
    config.seed = seed;
    config.train.genotype = opts.genotype;
    const dir = trainRunDir(name, opts.genotype, opts.scale, seed);
    return { seed, config, label: basename(dir), dir };
  });
}

/** The same runs as jobs for the process pool (runPool), so that trainSeeds then reads them back. */
export function trainJobs(opts: Omit<TrainSeedOptions, 'backend'>): PoolJob[] {
  return seedRuns(opts).map(({ config, dir, label }) => ({ label, command: 'train', dir, config }));
}

export async function trainSeeds(opts: TrainSeedOptions): Promise<TrainedRun[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const out: TrainedRun[] = [];
  for (const { seed, config, dir } of seedRuns(opts)) {
    const reused = await ensureRun(dir, config, log, (flags) => runTraining({
      config, configFile: opts.file, out: dir, ...flags,
      environment: () => ({ ...environmentRecord(opts.backend, { scale: opts.scale, seed }), config_file: opts.file }),
      command: `trainSeeds ${opts.file} --genotype ${opts.genotype} --scale ${opts.scale} --seed ${seed}`, log,
      onEpoch: (r, s) => log(`${genotypeLabel(opts.genotype)} seed ${seed} epoch ${r.epoch}: test acc ${(100 * r.test_acc).toFixed(1)}%, ${s.toFixed(0)} s`),
    }));
    const records = parseCsv(readFileSync(join(dir, FILES.metrics), 'utf8')) as TrainRecord[];
    const result = JSON.parse(readFileSync(join(dir, RESULT_FILE), 'utf8')) as TrainResult;
    out.push({ seed, dir, records, result, reused });
  }
  return out;
}

/**
 * The random-search baseline's cells: `count` genotypes drawn uniformly from DARTS' discrete
 * space (seeded), written as RESULTS/runs/random-cells/random-K.json for trainSeeds.
 */
export function randomCells(count: number, seed: number): string[] {
  const next = rng(seedFor(seed, 41));
  return Array.from({ length: count }, (_, k) => {
    const g = { name: `random-${k}`, normal: randomCell(next), reduce: randomCell(next), source: `uniform over DARTS' space, seed ${seed}` };
    const file = join(resultsDir(), 'runs', 'random-cells', `random-${k}.json`);
    writeAtomic(file, `${JSON.stringify({ name: g.name, ...genotypeToData(g) }, null, 2)}\n`);
    return file;
  });
}
