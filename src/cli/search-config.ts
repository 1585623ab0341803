// A search config as `snas search` and `snas calibrate` read it: the file at a scale (--scale,
// else the file's own `scale:` key, else $SNAS_SCALE or the default), with a search section.
import { basename, extname } from 'node:path';
import { ConfigError, configAtScale, readYaml } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { parseScale, type Scale } from '../scale.js';
import { scaleOption } from './command.js';

export interface SearchConfigFile {
  config: Config & { search: NonNullable<Config['search']> };
  scale: Scale;
  /** The file's name without folder and extension (run directories are named after it). */
  name: string;
}

export function readSearchConfig(file: string, scaleFlag: unknown): SearchConfigFile {
  const raw = readYaml(file) as Record<string, unknown>;
  const scale = scaleFlag === undefined && typeof raw.scale === 'string' ? parseScale(raw.scale, `${file}: scale`) : scaleOption(scaleFlag);
  const config = configAtScale(raw, file, scale);
  if (!config.search) throw new ConfigError(`${file}: search: expected a search section (method, epochs, ...)`);
  return { config: config as SearchConfigFile['config'], scale, name: basename(file, extname(file)) };
}
