// Experiment configs are YAML files validated against one schema. This holds the keys every
// config shares (backend, scale, seed); the search and training sections join it later.
// Every error names the file, the key and what was expected.
import { readFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { parseBackendRequest, type BackendRequest } from '../backends/index.js';
import { parseScale, type Scale } from '../scale.js';

export class ConfigError extends Error {}

export interface BaseConfig {
  /** Compute backend: auto (the fastest that works) or a name; SNAS_BACKEND overrides it. */
  backend: BackendRequest;
  /** Run scale; the CLI's --scale and SNAS_SCALE override it. */
  scale?: Scale;
  /** Random seed of the run. */
  seed: number;
}

const KEYS: Record<keyof BaseConfig, string> = {
  backend: 'auto | torch | tfjs-node-gpu | tfjs-node | wasm | cpu',
  scale: 'smoke | quick | paper',
  seed: 'a non-negative integer',
};

/** Parses a YAML file into plain data; syntax errors carry the line and column. */
export function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the config: ${(err as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = e.linePos ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    throw new ConfigError(`${file}${where}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  if (doc.contents !== null && !isMap(doc.contents)) throw new ConfigError(`${file}: expected a mapping of keys at the top level`);
  return doc.toJS() ?? {};
}

export function parseBaseConfig(raw: unknown, file: string): BaseConfig {
  const data = raw as Record<string, unknown>;
  for (const key of Object.keys(data)) {
    if (!(key in KEYS)) throw new ConfigError(`${file}: unknown key '${key}'; expected one of ${Object.keys(KEYS).join(', ')}`);
  }
  const str = (key: keyof BaseConfig): string | undefined => {
    const v = data[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new ConfigError(`${file}: ${key}: expected ${KEYS[key]}, got ${JSON.stringify(v)}`);
    return v;
  };
  const seed = data.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) {
    throw new ConfigError(`${file}: seed: expected ${KEYS.seed}, got ${JSON.stringify(seed)}`);
  }
  const backend = str('backend');
  const scale = str('scale');
  return {
    backend: backend === undefined ? 'auto' : parseBackendRequest(backend, `${file}: backend`),
    ...(scale === undefined ? {} : { scale: parseScale(scale, `${file}: scale`) }),
    seed,
  };
}

export function loadBaseConfig(file: string): BaseConfig {
  return parseBaseConfig(readYaml(file), file);
}
