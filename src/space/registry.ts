// The registry of named genotypes: the published cells (src/space/genotypes.yaml).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fromProject, projectRoot } from '../util/root.js';
import { GenotypeError, parseGenotype, type Genotype } from './genotype.js';
import { PRIMITIVES } from './primitives.js';

export const GENOTYPES_FILE = 'src/space/genotypes.yaml';

let cache: Map<string, Genotype> | undefined;

export function loadGenotypes(file = join(projectRoot(), GENOTYPES_FILE)): Map<string, Genotype> {
  const data = parse(readFileSync(file, 'utf8')) as { primitives?: unknown; genotypes?: Record<string, unknown> };
  if (JSON.stringify(data.primitives) !== JSON.stringify(PRIMITIVES)) {
    throw new GenotypeError(`${file}: primitives must be ${PRIMITIVES.join(', ')} in this order`);
  }
  const out = new Map<string, Genotype>();
  for (const [name, raw] of Object.entries(data.genotypes ?? {})) out.set(name, parseGenotype(name, raw, `${file}: ${name}`));
  return out;
}

/** The published genotypes by name (SNAS_mild, SNAS_moderate, SNAS_aggressive, DARTS_V1, DARTS_V2). */
export function publishedGenotypes(): Map<string, Genotype> {
  return (cache ??= loadGenotypes());
}

export function genotypeByName(name: string): Genotype {
  const g = publishedGenotypes().get(name);
  if (!g) throw new GenotypeError(`unknown genotype '${name}'; known: ${[...publishedGenotypes().keys()].join(', ')}`);
  return g;
}

/** A published genotype by name, or one read from a JSON/YAML file ({[name,] normal, reduce[, source]}, as a search's genotype.json). */
export function resolveGenotype(nameOrFile: string): Genotype {
  if (/\.(json|ya?ml)$/i.test(nameOrFile)) {
    let text: string;
    try {
      text = readFileSync(fromProject(nameOrFile), 'utf8');
    } catch (err) {
      throw new GenotypeError(`${nameOrFile}: cannot read the genotype: ${(err as Error).message}`);
    }
    let data: unknown;
    try {
      data = parse(text);
    } catch (err) {
      throw new GenotypeError(`${nameOrFile}: cannot read the genotype: not JSON or YAML (${(err as Error).message.split('\n')[0]})`);
    }
    const { name, ...cells } = (data ?? {}) as { name?: unknown };
    const fallback = nameOrFile.replace(/^.*[\\/]/, '').replace(/\.(json|ya?ml)$/i, '');
    return parseGenotype(typeof name === 'string' ? name : fallback, cells, nameOrFile);
  }
  return genotypeByName(nameOrFile);
}
