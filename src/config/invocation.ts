// An invocation's settings: the scale, where many runs go (executor, local workers, Slurm
// options) and the results folder. One typed record, resolved once by the command a person
// typed (flags over the variables below) and handed to every child process it starts (a
// notebook's kernel, a run) as the JSON of SNAS_INVOCATION; everything that needs a setting
// reads it through invocation(). Where no command wrote a record (a kernel of a Jupyter a person
// started, a script), the person's own variables stand in: SNAS_SCALE, SNAS_EXECUTOR,
// SNAS_WORKERS, SNAS_RESULTS.
import { z } from 'zod';
import { DEFAULT_SCALE, SCALES, type Scale } from '../scale.js';
import { ConfigError, describeIssues } from './load.js';
import { SlurmOptionsSchema } from './slurm.js';

export const EXECUTORS = ['local', 'slurm'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

export const InvocationSchema = z.object({
  scale: z.enum(SCALES).optional(),
  executor: z.enum(EXECUTORS).optional(),
  /** Runs at a time on this machine (the local executor). */
  workers: z.number().int().min(1).optional(),
  /** Options over configs/slurm.yaml (the Slurm executor). */
  slurm: SlurmOptionsSchema.partial().optional(),
  /** The results folder (absolute). */
  results: z.string().min(1).optional(),
}).strict();
export type Invocation = z.infer<typeof InvocationSchema>;

/** The variable that carries the record to child processes. */
export const INVOCATION_ENV = 'SNAS_INVOCATION';

/** The person's own variables, each for one setting. */
export const SETTING_ENV = { scale: 'SNAS_SCALE', executor: 'SNAS_EXECUTOR', workers: 'SNAS_WORKERS', results: 'SNAS_RESULTS' } as const;

/** A setting from the person's variable: '' or unset is no setting; a bad value is an error naming the variable. */
function fromVariable(env: NodeJS.ProcessEnv, key: keyof typeof SETTING_ENV): unknown {
  const raw = env[SETTING_ENV[key]]?.trim();
  if (!raw) return undefined;
  const value = key === 'workers' ? Number(raw) : raw;
  const r = InvocationSchema.shape[key].safeParse(value);
  if (!r.success) {
    const expected = key === 'scale' ? `one of ${SCALES.join(', ')}` : key === 'executor' ? `one of ${EXECUTORS.join(', ')}` : key === 'workers' ? 'a positive integer' : 'a folder';
    throw new ConfigError(`environment variable ${SETTING_ENV[key]}: unknown ${key} '${raw}'; expected ${expected}`);
  }
  return r.data;
}

/** The invocation's settings: SNAS_INVOCATION's record, each setting it lacks from the person's variable. */
export function invocation(env: NodeJS.ProcessEnv = process.env): Invocation {
  let recorded: unknown = {};
  const text = env[INVOCATION_ENV];
  if (text) {
    try {
      recorded = JSON.parse(text);
    } catch {
      throw new ConfigError(`environment variable ${INVOCATION_ENV}: expected the JSON record of an invocation's settings, got '${text.slice(0, 80)}'`);
    }
  }
  const r = InvocationSchema.safeParse(recorded);
  if (!r.success) throw new ConfigError(describeIssues(`environment variable ${INVOCATION_ENV}`, r.error, recorded, InvocationSchema));
  const out: Invocation = { ...r.data };
  for (const key of Object.keys(SETTING_ENV) as (keyof typeof SETTING_ENV)[]) {
    if (out[key] === undefined) {
      const v = fromVariable(env, key);
      if (v !== undefined) (out as Record<string, unknown>)[key] = v;
    }
  }
  return out;
}

/** The environment a child process needs to run under `settings` (over this invocation's own). */
export function invocationEnv(settings: Invocation, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const merged = InvocationSchema.parse({ ...invocation(env), ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) });
  return { [INVOCATION_ENV]: JSON.stringify(merged) };
}

/** The scale a notebook or command runs at: the invocation's, else the default. */
export function scaleFromEnv(env: NodeJS.ProcessEnv = process.env): Scale {
  return invocation(env).scale ?? DEFAULT_SCALE;
}
