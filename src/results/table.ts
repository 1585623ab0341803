// Every run under a folder as one danfo DataFrame in long form: one row per (run, epoch), with
// what identifies the run (run, kind, config, method, genotype, seed, scale, backend, status),
// the facts of its config that reports need (configFacts: BN rule, temperature schedule,
// resource constraint and lambda, the method's own keys), so no report infers them from values,
// the epoch, every metric of metrics.csv, the epoch's timing.csv (seconds, the mean seconds of a
// step and of its timed parts) and, for a finished
// training, its result.json figures. Searches and trainings share the table; a column a run
// has no value for holds NaN (numbers) or '' (text). Tables, claims and figures are computed
// from it with danfo (src/report/run-stats.ts); a notebook filters it with selectRuns.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { DataFrame } from 'danfojs-node';
import { parse } from 'yaml';
import { METHOD_SHARED_KEYS, SearchSchema, type SnasConfig } from '../config/schema.js';
import { scheduleText } from '../samplers/temperature.js';
import { parseCsv } from '../util/csv.js';
import { FILES, RunDir, RunDirError } from '../runs/dir.js';

/** The columns that identify a run, in the order the table shows them. */
export const RUN_COLUMNS = ['run', 'kind', 'config', 'method', 'genotype', 'seed', 'scale', 'backend', 'status'] as const;

/** The config facts each row carries after the run's identity ('' or NaN where the run has none). */
export const CONFIG_COLUMNS = ['eval_bn', 'temperature', 'constraint', 'lambda', 'method_keys'] as const;
export type ConfigFacts = Record<(typeof CONFIG_COLUMNS)[number], Value>;

/** key=value for every leaf of a value, with dotted keys ('darts.order=2'). */
function leaves(prefix: string, v: unknown): string[] {
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v).flatMap(([k, x]) => leaves(prefix ? `${prefix}.${k}` : k, x));
  return [`${prefix}=${Array.isArray(v) ? v.join(',') : String(v)}`];
}

/**
 * What reports need of a search's config, read from the config (never from its values): the BN
 * rule its accuracies report, its temperature schedule, its resource constraint (form, or
 * 'none' with lambda 0) and lambda, and the keys only its method reads (e.g. 'darts.order=2
 * darts.bilevel=true'; SNAS's temperature and constraint have their own columns).
 */
export function configFacts(recorded: unknown): ConfigFacts {
  if (!recorded || typeof recorded !== 'object') return { eval_bn: '', temperature: '', constraint: '', lambda: NaN, method_keys: '' };
  // The recorded section with the schema's defaults filled in (a record of an older schema: as recorded).
  const parsed = SearchSchema.safeParse(recorded);
  const search = (parsed.success ? parsed.data : recorded) as Partial<SnasConfig> & { method?: string };
  const own = Object.entries(search).filter(([k]) => !METHOD_SHARED_KEYS.has(k) && k !== 'temperature' && k !== 'constraint');
  const constraint = search.constraint;
  return {
    eval_bn: search.eval_bn ?? '',
    temperature: search.temperature ? scheduleText(search.temperature) : '',
    constraint: constraint ? (constraint.lambda > 0 ? constraint.form : 'none') : '',
    lambda: constraint ? constraint.lambda : NaN,
    method_keys: own.flatMap(([k, v]) => leaves(k, v)).join(' '),
  };
}

/** result.json figures of a finished training that the table carries. */
const RESULT_COLUMNS = ['test_error', 'params', 'params_paper_size', 'mult_adds'] as const;

type Value = string | number;

/** Every run directory (one holding run.json and metrics.csv) at or under `folder`. */
export function findRunDirs(folder: string): string[] {
  if (!existsSync(folder)) return [];
  const dirs: string[] = [];
  const walk = (d: string) => {
    if (existsSync(join(d, FILES.status)) && existsSync(join(d, FILES.metrics))) {
      dirs.push(d);
      return;
    }
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(folder);
  return dirs;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new RunDirError(`${file}: cannot read it as JSON (${(err as Error).message})`);
  }
}

/** The rows of one run directory; `root` names the run relative to it. */
export function runRows(path: string, root?: string): Record<string, Value>[] {
  const dir = new RunDir(path);
  const status = dir.status();
  const config = (parse(dir.recordedConfig() ?? '{}') ?? {}) as { seed?: number; scale?: string; search?: { method?: string }; train?: { genotype?: string } };
  const env = existsSync(dir.path(FILES.environment)) ? readJson(dir.path(FILES.environment)) : {};
  const result = existsSync(dir.path(FILES.result)) ? readJson(dir.path(FILES.result)) : {};
  const timing = existsSync(dir.path(FILES.timing)) ? parseCsv(readFileSync(dir.path(FILES.timing), 'utf8')) : [];
  // Every timing.csv column but the epoch (seconds, images_per_s, step_s and the body's timers).
  const timed = new Map(timing.map((t) => [Number(t.epoch), Object.fromEntries(Object.entries(t).filter(([k]) => k !== 'epoch').map(([k, v]) => [k, Number(v)]))]));
  const id: Record<string, Value> = {
    run: root ? relative(root, path) || basename(path) : path,
    kind: config.search ? 'search' : config.train ? 'train' : '',
    config: status?.name ?? basename(path),
    method: config.search?.method ?? (config.train ? 'train' : ''),
    genotype: config.train?.genotype ?? '',
    seed: config.seed ?? NaN,
    scale: config.scale ?? '',
    backend: String((env.backend as { name?: string } | undefined)?.name ?? ''),
    status: status?.status ?? '',
    ...configFacts(config.search),
  };
  const extra = existsSync(dir.path(FILES.result)) ? Object.fromEntries(RESULT_COLUMNS.map((c) => [c, typeof result[c] === 'number' ? result[c] as number : NaN])) : {};
  return parseCsv(readFileSync(dir.path(FILES.metrics), 'utf8')).map((m) => {
    const metrics = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === 'NaN' ? NaN : v]));
    return { ...id, ...metrics, seconds: NaN, ...timed.get(Number(m.epoch)), ...extra };
  });
}

/**
 * The runs table of every run directory at or under `source` (a folder), or of the listed run
 * directories: one row per (run, epoch). Throws when there is no epoch to show.
 */
export async function runsTable(source: string | string[]): Promise<DataFrame> {
  const dirs = Array.isArray(source) ? source : findRunDirs(source);
  const root = Array.isArray(source) ? undefined : source;
  const rows = dirs.flatMap((d) => runRows(d, root));
  if (rows.length === 0) throw new RunDirError(`${Array.isArray(source) ? source.join(', ') || '(no run directories)' : source}: no finished epoch of any run to tabulate`);
  // One set of columns for all rows: the run's identity first, then metrics in first-seen order.
  const columns: string[] = [...RUN_COLUMNS, ...CONFIG_COLUMNS];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const text = new Set(columns.filter((c) => rows.some((r) => typeof r[c] === 'string' && r[c] !== '')));
  const filled = rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? (text.has(c) ? '' : NaN)])));
  const dfd = await import('danfojs-node');
  return new dfd.DataFrame(filled, { columns });
}

/** The rows whose columns equal the given values (a value list: any of them), e.g. selectRuns(df, { config: ['snas-mild', 'darts-2nd'] }). */
export function selectRuns(df: DataFrame, where: Record<string, Value | Value[]>): DataFrame {
  let mask: boolean[] = new Array<boolean>(df.shape[0]).fill(true);
  for (const [column, want] of Object.entries(where)) {
    if (!df.columns.includes(column)) throw new RunDirError(`selectRuns: no column '${column}'; columns: ${df.columns.join(', ')}`);
    const allowed = new Set(Array.isArray(want) ? want : [want]);
    const values = df[column].values as Value[];
    mask = mask.map((m, i) => m && allowed.has(values[i]!));
  }
  return rowsWhere(df, mask);
}

/** The rows where `mask` is true, by position (whatever the frame's index labels are). */
export function rowsWhere(df: DataFrame, mask: boolean[]): DataFrame {
  return df.iloc({ rows: mask.flatMap((m, i) => (m ? [i] : [])) });
}
