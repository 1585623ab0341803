// A search or training config as the commands and the notebooks read it: the file at a scale
// (the one asked for, else the file's own `scale:` key, else $SNAS_SCALE or the default), with
// the section the run needs, and the file's name (run directories and tables are named after it).
import { basename, extname } from 'node:path';
import { parseScale, type Scale } from '../scale.js';
import { scaleFromEnv } from './invocation.js';
import { ConfigError, configAtScale, readYaml } from './load.js';
import type { Config, TrainConfig } from './schema.js';

export interface SearchConfigFile {
  config: Config & { search: NonNullable<Config['search']> };
  scale: Scale;
  /** The file's name without folder and extension. */
  name: string;
}

export interface TrainConfigFile {
  config: Config & { train: TrainConfig };
  scale: Scale;
  name: string;
}

function readAtScale(file: string, asked: Scale | undefined): { config: Config; scale: Scale; name: string } {
  const raw = readYaml(file) as Record<string, unknown>;
  const scale = asked ?? (typeof raw.scale === 'string' ? parseScale(raw.scale, `${file}: scale`) : scaleFromEnv());
  return { config: configAtScale(raw, file, scale), scale, name: basename(file, extname(file)) };
}

export function readSearchConfig(file: string, scale?: Scale): SearchConfigFile {
  const r = readAtScale(file, scale);
  if (!r.config.search) throw new ConfigError(`${file}: search: expected a search section (method, epochs, ...)`);
  return r as SearchConfigFile;
}

export function readTrainConfig(file: string, scale?: Scale): TrainConfigFile {
  const r = readAtScale(file, scale);
  if (!r.config.train) throw new ConfigError(`${file}: train: expected a train section (genotype, epochs, ...)`);
  return r as TrainConfigFile;
}
