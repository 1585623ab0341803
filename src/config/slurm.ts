// The Slurm executor's settings: configs/slurm.yaml (or the file SNAS_SLURM_CONFIG names), with
// the flags of `snas sweep|reproduce --executor slurm` on top, validated in one place.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../util/root.js';
import { ConfigError, describeIssues, readYaml } from './load.js';

export const SlurmOptionsSchema = z.object({
  cpus: z.number().int().min(1).default(2),
  gpus: z.number().int().min(0).default(0),
  mem: z.string().regex(/^\d+[KMGT]?$/, 'expected a size such as 4G').default('4G'),
  time: z.string().regex(/^(\d+-)?\d+(:\d{2}){0,2}$/, "expected a time such as '04:00:00' or '1-00:00:00'").default('04:00:00'),
  partition: z.string().min(1).nullable().default(null),
  account: z.string().min(1).nullable().default(null),
  sbatch: z.array(z.string().min(1)).default([]),
  resubmit: z.number().int().min(0).default(2),
  poll_seconds: z.number().positive().default(2),
}).strict();
export type SlurmOptions = z.infer<typeof SlurmOptionsSchema>;

export const SLURM_CONFIG = 'configs/slurm.yaml';

/** The options of SNAS_SLURM_CONFIG (else configs/slurm.yaml) with `over` (flags) on top, validated. */
export function slurmOptions(over: Partial<SlurmOptions> = {}, env: NodeJS.ProcessEnv = process.env): SlurmOptions {
  const file = env.SNAS_SLURM_CONFIG || join(projectRoot(), SLURM_CONFIG);
  const raw = { ...(existsSync(file) ? (readYaml(file) as object) : {}), ...over };
  const r = SlurmOptionsSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(describeIssues(file, r.error, raw, SlurmOptionsSchema));
  return r.data;
}
