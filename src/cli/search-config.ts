// A search or training config as `snas search`, `snas calibrate` and `snas train` read it: the
// file at a scale (--scale, else the file's own `scale:` key, else $SNAS_SCALE or the default),
// with the section the command needs.
import { basename, extname } from 'node:path';
import { ConfigError, configAtScale, readYaml } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { parseScale, type Scale } from '../scale.js';
import { SCALE_HELP, scaleOption } from './command.js';
import { UsageError } from './usage.js';

export interface SearchConfigFile {
  config: Config & { search: NonNullable<Config['search']> };
  scale: Scale;
  /** The file's name without folder and extension (run directories are named after it). */
  name: string;
}

export interface TrainConfigFile {
  config: Config & { train: NonNullable<Config['train']> };
  scale: Scale;
  name: string;
}

/** The file at a scale (--scale, else the file's own `scale:` key, else $SNAS_SCALE or the default). */
function readAtScale(file: string, scaleFlag: unknown): { config: Config; scale: Scale; name: string } {
  const raw = readYaml(file) as Record<string, unknown>;
  const scale = scaleFlag === undefined && typeof raw.scale === 'string' ? parseScale(raw.scale, `${file}: scale`) : scaleOption(scaleFlag);
  return { config: configAtScale(raw, file, scale), scale, name: basename(file, extname(file)) };
}

export function readSearchConfig(file: string, scaleFlag: unknown): SearchConfigFile {
  const r = readAtScale(file, scaleFlag);
  if (!r.config.search) throw new ConfigError(`${file}: search: expected a search section (method, epochs, ...)`);
  return r as SearchConfigFile;
}

export function readTrainConfig(file: string, scaleFlag: unknown): TrainConfigFile {
  const r = readAtScale(file, scaleFlag);
  if (!r.config.train) throw new ConfigError(`${file}: train: expected a train section (genotype, epochs, ...)`);
  return r as TrainConfigFile;
}

/** The flags `snas search` and `snas train` share, for parse(). */
export const RUN_OPTIONS = {
  seed: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, force: { type: 'boolean' }, scale: { type: 'string' },
} as const;

/** Their help lines and the exit codes. */
export const RUN_HELP = `  --seed N       the run's seed (default: the config's)
  --out DIR      the run directory
  --resume       continue an unfinished run from its checkpoint (same config)
  --force        overwrite the run directory, even a finished run
${SCALE_HELP}; the config's scales.<scale> section applies
Exit codes: 0 done, 1 runtime failure (e.g. a diverged loss; the last checkpoint is kept),
2 bad config or arguments (nothing written).`;

/** Sets the config's seed from --seed, when given. */
export function applySeed(config: Config, value: unknown): void {
  if (value === undefined) return;
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed: expected a non-negative integer, got '${String(value)}'`);
  config.seed = seed;
}
