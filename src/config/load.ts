// Loads a YAML experiment config and validates it against the schema (src/config/schema.ts).
// Every error names the file, the key and what was expected.
import { readFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigSchema, type Config } from './schema.js';

export class ConfigError extends Error {}

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

/** The schema inside wrappers (defaults, optionals, nullables, preprocessing). */
function unwrap(s: z.ZodTypeAny): z.ZodTypeAny {
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s._def.innerType;
    else if (s instanceof z.ZodEffects) s = s._def.schema;
    else return s;
  }
}

/**
 * The object schema found at `path` inside `schema`, unwrapping defaults and optionals; a
 * discriminated union (the search section) resolves to the option the data selects.
 */
function objectAt(schema: z.ZodTypeAny, path: (string | number)[], data: unknown): z.AnyZodObject | undefined {
  let s: z.ZodTypeAny = schema;
  for (let i = 0; ; i++) {
    s = unwrap(s);
    if (s instanceof z.ZodDiscriminatedUnion) {
      const here = valueAt(data, path.slice(0, i)) as Record<string, unknown> | undefined;
      s = unwrap(s.optionsMap.get(here?.[s.discriminator] as z.Primitive) ?? s.options[0]);
    }
    if (i === path.length) break;
    if (!(s instanceof z.ZodObject)) return undefined;
    s = s.shape[path[i]!];
    if (!s) return undefined;
  }
  return s instanceof z.ZodObject ? s : undefined;
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), data);
}

/** One line per problem: 'FILE: KEY: what was expected, what was found'. */
export function describeIssues(file: string, error: z.ZodError, data: unknown, schema: z.ZodTypeAny = ConfigSchema): string {
  return error.issues.map((issue) => {
    const key = issue.path.join('.');
    const at = key ? `${file}: ${key}` : file;
    const got = JSON.stringify(valueAt(data, issue.path));
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = Object.keys(objectAt(schema, issue.path, data)?.shape ?? {});
        const method = (valueAt(data, issue.path) as { method?: unknown } | undefined)?.method;
        const reads = issue.path.join('.') === 'search' && typeof method === 'string' ? ` (method ${method} does not read it)` : '';
        return issue.keys.map((k) => `${at}: unknown key '${k}'${reads}; expected one of ${known.join(', ')}`).join('\n');
      }
      case 'invalid_union_discriminator':
        return `${at}: expected one of ${issue.options.map(String).join(', ')}, got ${got}`;
      case 'invalid_enum_value':
        return `${at}: expected one of ${issue.options.join(', ')}, got ${got}`;
      case 'invalid_type':
        return `${at}: expected ${issue.expected}, got ${issue.received === 'undefined' ? 'nothing' : got}`;
      default:
        return `${at}: ${issue.message.replace(/^Number must be/, 'expected a number').replace(/^String must/, 'expected a string that must')}, got ${got}`;
    }
  }).join('\n');
}

export function parseConfig(raw: unknown, file: string): Config {
  const r = ConfigSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(describeIssues(file, r.error, raw));
  return r.data;
}

export function loadConfig(file: string): Config {
  return parseConfig(readYaml(file), file);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` merged into `base`: objects key by key, anything else replaced. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/**
 * A config at one scale: the file's `scales.<scale>` section merged over the rest, validated,
 * with `scale` set and `scales` dropped (what a run records as the config it ran with).
 */
export function configAtScale(raw: unknown, file: string, scale: Config['scale'] & string): Config {
  const checked = parseConfig(raw, file); // the whole file, overrides included, must be valid
  const { scales, ...rest } = raw as Record<string, unknown>;
  const override = (scales as Record<string, unknown> | undefined)?.[scale] ?? {};
  const merged = deepMerge(rest, override);
  const r = ConfigSchema.safeParse({ ...(merged as object), scale });
  if (!r.success) throw new ConfigError(describeIssues(`${file} (scales.${scale} applied)`, r.error, merged));
  void checked;
  const { scales: _dropped, ...config } = r.data;
  return config;
}
