// A search run directory read back: its records, final alphas, derived genotype and time.
import { readFileSync } from 'node:fs';
import { FILES, RunDir } from '../runs/dir.js';
import { parseGenotype, type Genotype } from '../space/genotype.js';
import { parseCsv } from '../util/csv.js';
import type { Alphas } from './architecture.js';
import type { EpochRecord } from './run.js';

export interface SearchResult {
  dir: string;
  records: EpochRecord[];
  alphas: Alphas;
  /** The child derived at the end, by the method's own rule (genotype.json). */
  genotype: Genotype;
  /** Seconds spent training and evaluating, summed over epochs (timing.csv). */
  seconds: number;
}

export function readSearchRun(path: string): SearchResult {
  const dir = new RunDir(path);
  const records = parseCsv(readFileSync(dir.path(FILES.metrics), 'utf8')) as EpochRecord[];
  const timing = parseCsv(readFileSync(dir.path(FILES.timing), 'utf8'));
  const { normal, reduce } = JSON.parse(readFileSync(dir.path(FILES.alphas), 'utf8')) as Alphas;
  const { name, ...cells } = JSON.parse(readFileSync(dir.path(FILES.genotype), 'utf8')) as { name: string };
  const genotype = parseGenotype(name, cells, dir.path(FILES.genotype));
  return { dir: dir.dir, records, alphas: { normal, reduce }, genotype, seconds: timing.reduce((s, t) => s + Number(t.seconds), 0) };
}

/** A search's architecture parameters after each epoch (alpha_history.jsonl), in epoch order. */
export function readAlphaHistory(path: string): ({ epoch: number } & Alphas)[] {
  const file = new RunDir(path).path(FILES.alphaHistory);
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { epoch: number } & Alphas);
}
