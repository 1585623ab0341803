// A notebook's parameters, papermill's way: its first code cell is tagged `parameters` and
// declares, one per line, the values a reader would change (`const name[: Type] = value; //
// what it is`). `snas notebooks NN -p name=value -f params.yaml` checks each given value against
// the declaration (its name and type) before anything runs, and a cell redeclaring the given
// ones is injected after the parameters cell (tagged `injected-parameters`).
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SCALES } from '../scale.js';
import { NotebookError } from './run.js';

export const PARAMETERS_TAG = 'parameters';
export const INJECTED_TAG = 'injected-parameters';

/** The value types a parameter may have. */
export const PARAMETER_TYPES = ['number', 'string', 'boolean', 'number[]', 'string[]', 'Scale'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];
export type ParameterValue = number | string | boolean | number[] | string[];
export type ParameterValues = Record<string, ParameterValue>;

export interface Parameter {
  name: string;
  type: ParameterType;
  /** `const` or `let`, as declared. */
  keyword: string;
  /** Whether the declaration names its type (kept on the injected line). */
  annotated: boolean;
  /** The default's source text. */
  source: string;
  /** The comment after it. */
  doc: string;
}

interface Cell { cell_type: string; source: string | string[]; metadata?: { tags?: string[] } }

const cellSource = (c: Cell) => (Array.isArray(c.source) ? c.source.join('') : c.source);

/** The notebook's parameters cell: its first code cell, which must carry the tag. */
export function parametersCell(cells: Cell[], label: string): Cell {
  const cell = cells.find((c) => c.cell_type === 'code');
  if (!cell || !(cell.metadata?.tags ?? []).includes(PARAMETERS_TAG)) {
    throw new NotebookError(`${label}: its first code cell is not tagged '${PARAMETERS_TAG}', so it takes no parameters`);
  }
  return cell;
}

const DECLARATION = /^(const|let)\s+([A-Za-z_$][\w$]*)\s*(?::\s*([^=]+?))?\s*=\s*(.+?);?\s*(?:\/\/\s*(.*))?$/;

/** The type of a default written as a literal (a number, a quoted string, a boolean, an array of either). */
function literalType(text: string): ParameterType | undefined {
  if (/^-?\d/.test(text) || /^['"]/.test(text) || /^(true|false)$/.test(text) || /^\[/.test(text)) {
    let value: unknown;
    try { value = parseYaml(text); } catch { return undefined; }
    return typeOf(value);
  }
  return undefined;
}

function typeOf(value: unknown): ParameterType | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) return 'number[]';
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return 'string[]';
  return undefined;
}

/** The parameters a parameters cell declares, in order. */
export function declaredParameters(source: string, label: string): Parameter[] {
  const out: Parameter[] = [];
  source.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('//') || line.startsWith('import ')) return;
    const m = DECLARATION.exec(line);
    if (!m) throw new NotebookError(`${label}: parameters cell, line ${i + 1}: expected 'const name[: Type] = value; // what it is', got '${line}'`);
    const [, keyword, name, annotation, value, doc] = m;
    const type = (annotation?.trim() ?? literalType(value!.trim())) as ParameterType | undefined;
    if (!type || !(PARAMETER_TYPES as readonly string[]).includes(type)) {
      throw new NotebookError(`${label}: parameters cell, line ${i + 1}: '${name}' needs a type among ${PARAMETER_TYPES.join(', ')} (annotate it, or give a literal default)`);
    }
    out.push({ name: name!, type, keyword: keyword!, annotated: Boolean(annotation), source: value!.trim(), doc: (doc ?? '').trim() });
  });
  return out;
}

/** The parameters of a notebook file. */
export function notebookParameters(path: string): Parameter[] {
  const nb = JSON.parse(readFileSync(path, 'utf8')) as { cells: Cell[] };
  const label = basename(path);
  return declaredParameters(cellSource(parametersCell(nb.cells, label)), label);
}

/** `name=value` pairs from -p: each value read as YAML (so 0.5, [0, 1], quick, 'a b' all work). */
export function parsePairs(pairs: string[]): { values: Record<string, unknown>; raw: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const raw: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new NotebookError(`-p ${pair}: expected name=value`);
    const [name, text] = [pair.slice(0, at).trim(), pair.slice(at + 1)];
    raw[name] = text;
    try {
      values[name] = text.trim() === '' ? '' : parseYaml(text);
    } catch {
      throw new NotebookError(`-p ${name}: cannot read '${text}' (a number, a word, 'a quoted string', true/false, or a list like [0, 1])`);
    }
  }
  return { values, raw };
}

/** A -f file: a YAML mapping of parameter names to values. */
export function readParametersFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new NotebookError(`-f ${path}: no such file`);
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new NotebookError(`-f ${path}: not YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new NotebookError(`-f ${path}: expected a mapping of parameter names to values`);
  return data as Record<string, unknown>;
}

const EXAMPLE: Record<ParameterType, string> = {
  number: 'a number, e.g. 0.5', string: "a string, e.g. 'text'", boolean: 'true or false',
  'number[]': 'a list of numbers, e.g. [0, 1, 2]', 'string[]': 'a list of strings, e.g. [a, b]', Scale: SCALES.join(' | '),
};

/** One given value checked against its declaration; strings given as bare numbers are kept as text. */
function checkValue(p: Parameter, value: unknown, raw: string | undefined, where: string): ParameterValue {
  const bad = () => new NotebookError(`${where}: parameter '${p.name}' (${p.type}) expected ${EXAMPLE[p.type]}, got ${raw ?? JSON.stringify(value)}`);
  switch (p.type) {
    case 'Scale':
      if (typeof value !== 'string' || !(SCALES as readonly string[]).includes(value)) throw bad();
      return value;
    case 'string':
      if (typeof value === 'string') return value;
      if (raw !== undefined && (typeof value === 'number' || typeof value === 'boolean')) return raw.trim();
      throw bad();
    case 'number[]':
    case 'string[]': {
      const t = typeOf(value);
      if (t === p.type || (Array.isArray(value) && value.length === 0)) return value as ParameterValue;
      throw bad();
    }
    default:
      if (typeOf(value) !== p.type) throw bad();
      return value as ParameterValue;
  }
}

/**
 * The values given for a notebook (-f first, then -p over it), checked against what its
 * parameters cell declares: an unknown name or a wrong type is an error naming the notebook.
 */
export function checkParameters(declared: Parameter[], given: Record<string, unknown>, raw: Record<string, string>, label: string, sources: string): ParameterValues {
  const byName = new Map(declared.map((p) => [p.name, p]));
  const out: ParameterValues = {};
  for (const [name, value] of Object.entries(given)) {
    const p = byName.get(name);
    if (!p) throw new NotebookError(`${sources}: ${label} has no parameter '${name}'; its parameters: ${declared.map((d) => `${d.name} (${d.type})`).join(', ')}`);
    out[name] = checkValue(p, value, raw[name], `${sources} for ${label}`);
  }
  return out;
}

/** The source of the injected cell: the given values redeclared, in the parameters cell's order. */
export function injectedSource(declared: Parameter[], values: ParameterValues): string {
  const lines = declared.filter((p) => p.name in values).map((p) => {
    const type = p.annotated ? `: ${p.type}` : '';
    return `${p.keyword} ${p.name}${type} = ${JSON.stringify(values[p.name])};`;
  });
  return ['// Parameters given to snas notebooks (-p / -f), injected after the parameters cell', ...lines].join('\n');
}
