// The flags `snas search` and `snas train` share, their help, and what they set.
import type { Config } from '../config/schema.js';
import { runAction } from '../runs/reuse.js';
import { parseScale, type Scale } from '../scale.js';
import { SCALE_HELP } from './command.js';
import { UsageError } from './usage.js';

/** For parse(). */
export const RUN_OPTIONS = {
  seed: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, force: { type: 'boolean' }, scale: { type: 'string' },
  name: { type: 'string' }, auto: { type: 'boolean' },
} as const;

export const RUN_HELP = `  --seed N       the run's seed (default: the config's)
  --out DIR      the run directory
  --resume       continue an unfinished run from its checkpoint (same config; a damaged latest
                 checkpoint falls back to the previous one, with a warning)
  --force        overwrite the run directory, even a finished run
  --auto         what the run directory needs: nothing when it holds the run finished with this
                 config, --resume when unfinished with a checkpoint, else --force (the Slurm
                 executor's jobs run with it, so that a resubmitted job resumes)
  --name NAME    the run's name in tables (default: the config file's name)
${SCALE_HELP}; the config's scales.<scale> section applies
Exit codes: 0 done, 1 runtime failure (e.g. a diverged loss; the last checkpoint is kept),
2 bad config, arguments or files (nothing written).`;

/** --scale when given (else the config file's own scale: key, else $SNAS_SCALE or the default). */
export function scaleFlag(value: unknown): Scale | undefined {
  return typeof value === 'string' ? parseScale(value, '--scale') : undefined;
}

/** Sets the config's seed from --seed, when given. */
export function applySeed(config: Config, value: unknown): void {
  if (value === undefined) return;
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed: expected a non-negative integer, got '${String(value)}'`);
  config.seed = seed;
}

/** --resume and --force as given, or as --auto decides from the run directory; undefined: the run is finished already. */
export function runFlags(values: Record<string, unknown>, out: string, config: Config): { resume: boolean; force: boolean } | undefined {
  if (!values.auto) return { resume: Boolean(values.resume), force: Boolean(values.force) };
  if (values.resume || values.force) throw new UsageError('--auto decides between --resume and --force itself; give --auto alone');
  const action = runAction(out, config);
  return action === 'skip' ? undefined : { resume: action === 'resume', force: action === 'start' };
}
