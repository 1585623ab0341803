// A sweep: one search config with one key varied over named values, times seeds (e.g. the
// temperature ablation, configs/sweeps/temperature.yaml). Each (value, seed) is a search run
// request in RESULTS/runs/sweeps/NAME-SCALE/VALUE-seedS for an executor (src/executors/executor.ts):
// a finished run with the same config is skipped, an unfinished one resumed, a changed one
// started over.
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { ConfigError, configAtScale, deepMerge, describeIssues, parseConfig, readYaml } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { RunRequest } from '../executors/executor.js';
import { runsDir } from '../results/paths.js';
import { SCALES, type Scale } from '../scale.js';
import { projectRoot } from '../util/root.js';

export const SweepSchema = z.object({
  /** The search config every run starts from (a path from the project root). */
  base: z.string().min(1),
  /** The dotted key the sweep varies (e.g. search.temperature); each value replaces it whole. */
  vary: z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/),
  /** Named values of that key. */
  values: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.unknown()).refine((v) => Object.keys(v).length > 0, 'expected at least one value'),
  /** Seeds per scale. */
  seeds: z.record(z.enum(SCALES), z.array(z.number().int().min(0)).min(1)),
  /** Per scale, keys merged into the base config at that scale (e.g. a shorter budget for the sweep's many runs). */
  scales: z.record(z.enum(SCALES), z.record(z.string(), z.unknown())).optional(),
}).strict();
export type Sweep = z.infer<typeof SweepSchema>;

export interface SweepJob extends RunRequest {
  value: string;
  seed: number;
  config: Config;
}

export function readSweep(file: string): Sweep & { name: string } {
  const raw = readYaml(file);
  const r = SweepSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(describeIssues(file, r.error, raw, SweepSchema));
  return { ...r.data, name: basename(file, extname(file)) };
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = obj;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[keys[keys.length - 1]!] = value;
}

/** The grid: every (value, seed) with its config at the scale (validated) and its run directory. */
export function sweepJobs(sweep: Sweep & { name: string }, file: string, scale: Scale): SweepJob[] {
  const seeds = sweep.seeds[scale];
  if (!seeds) throw new ConfigError(`${file}: seeds.${scale}: expected the seeds to run at scale ${scale}`);
  const baseFile = join(projectRoot(), sweep.base);
  const atScale = configAtScale(readYaml(baseFile), sweep.base, scale);
  const over = sweep.scales?.[scale];
  const base = over ? parseConfig(deepMerge(atScale, over), `${file}: scales.${scale}`) : atScale;
  const root = runsDir('sweeps', `${sweep.name}-${scale}`);
  return Object.entries(sweep.values).flatMap(([value, v]) => seeds.map((seed) => {
    const raw = structuredClone(base) as unknown as Record<string, unknown>;
    setPath(raw, sweep.vary, v);
    raw.seed = seed;
    const config = parseConfig(raw, `${file}: values.${value}`);
    return { kind: 'search' as const, name: value, label: `${value} seed ${seed}`, value, seed, dir: join(root, `${value}-seed${seed}`), config, scale };
  }));
}
