// Synthetic run directories for the runs table and the reports computed from it: the files a
// finished search or training leaves (config.yaml, run.json, environment.json, metrics.csv,
// timing.csv, result.json), with the metrics given.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataFrame } from 'danfojs-node';
import { stringify } from 'yaml';
import { RunDir, FILES } from '../../src/runs/dir.js';
import { runsTable } from '../../src/results/table.js';
import { csvText } from '../../src/util/csv.js';

export interface SyntheticRun {
  /** The runs table's config (run.json's name). */
  config: string;
  seed: number;
  /** A search method, or 'train'. */
  method?: string;
  genotype?: string;
  scale?: string;
  /** One record per epoch (epoch numbers are added). */
  records: Record<string, number | string>[];
  /** Seconds per epoch (default 360 each). */
  seconds?: number[];
  /** More timing.csv columns per epoch (step_s, arch_s, ...). */
  timing?: Record<string, number>[];
  result?: Record<string, number | string>;
}

/** Writes one run directory under `root` (named CONFIG-seedS) and returns its path. */
export function writeRun(root: string, r: SyntheticRun): string {
  const dir = new RunDir(join(root, `${r.config}-seed${r.seed}`));
  const method = r.method ?? 'snas';
  const config = method === 'train' ? { seed: r.seed, scale: r.scale ?? 'quick', train: { genotype: r.genotype ?? 'SNAS_mild' } } : { seed: r.seed, scale: r.scale ?? 'quick', search: { method } };
  dir.write(FILES.config, stringify(config));
  dir.writeJson(FILES.status, { status: 'finished', name: r.config, command: 'test', started_at: '', updated_at: '', epochs_done: r.records.length });
  dir.writeJson(FILES.environment, { backend: { name: 'cpu' } });
  const records = r.records.map((x, i) => ({ epoch: i + 1, ...x }));
  const columns = [...new Set(records.flatMap((x) => Object.keys(x)))];
  dir.write(FILES.metrics, csvText(columns, records));
  const timed = Object.keys(r.timing?.[0] ?? {});
  dir.write(FILES.timing, csvText(['epoch', 'seconds', 'images_per_s', ...timed], records.map((x, i) => ({ epoch: x.epoch, seconds: r.seconds?.[i] ?? 360, images_per_s: 1, ...r.timing?.[i] }))));
  if (r.result) dir.writeJson(FILES.result, r.result);
  return dir.dir;
}

/** The runs table of the given synthetic runs, written to a fresh temporary folder. */
export async function syntheticTable(runs: SyntheticRun[]): Promise<{ root: string; table: DataFrame }> {
  const root = mkdtempSync(join(tmpdir(), 'snas-runs-'));
  for (const r of runs) writeRun(root, r);
  return { root, table: await runsTable(root) };
}
