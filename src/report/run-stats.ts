// Statistics over seeds from the runs table (src/results/table.ts), with danfo: each run's last
// epoch, mean and standard deviation (n - 1) of a metric per group, per-epoch bands (mean,
// lowest and highest seed), and each run's total seconds. Tables 1 and 2, the claims, the
// ablation summary and the band figures are computed from these.
import type { DataFrame } from 'danfojs-node';
import { rowsWhere } from '../results/table.js';
import type { Band } from './band-figure.js';

type Value = string | number;

/** The value of `column` per row, as a plain array. */
export function col<T = Value>(df: DataFrame, column: string): T[] {
  if (!df.columns.includes(column)) throw new Error(`runs table: no column '${column}'; columns: ${df.columns.join(', ')}`);
  return df[column].values as T[];
}

/** The rows of each run's last epoch. */
export function lastEpochs(df: DataFrame): DataFrame {
  const last = df.groupby(['run']).agg({ epoch: 'max' });
  const byRun = new Map(col<string>(last, 'run').map((r, i) => [r, col<number>(last, 'epoch_max')[i]!]));
  const runs = col<string>(df, 'run');
  const epochs = col<number>(df, 'epoch');
  return rowsWhere(df, runs.map((r, i) => epochs[i] === byRun.get(r)));
}

/** Each run's values of `metrics` at its last epoch, with its run id and seed, ordered by seed. */
export function finalPerRun(df: DataFrame, metrics: string[]): ({ run: string; seed: number } & Record<string, number>)[] {
  return perRunRows(lastEpochs(df), metrics);
}

/** Each run's values of `metrics` at epoch `epoch` (runs that reached it), ordered by seed. */
export function perRunAt(df: DataFrame, epoch: number, metrics: string[]): ({ run: string; seed: number } & Record<string, number>)[] {
  return perRunRows(rowsWhere(df, col<number>(df, 'epoch').map((e) => e === epoch)), metrics);
}

function perRunRows(df: DataFrame, metrics: string[]): ({ run: string; seed: number } & Record<string, number>)[] {
  const runs = col<string>(df, 'run');
  const seeds = col<number>(df, 'seed');
  const values = metrics.map((m) => col<number>(df, m));
  return runs.map((run, i) => ({ run, seed: Number(seeds[i]), ...Object.fromEntries(metrics.map((m, k) => [m, Number(values[k]![i])])) }) as { run: string; seed: number } & Record<string, number>)
    .sort((a, b) => a.seed - b.seed);
}

export interface SeedStats {
  mean: number;
  /** Sample standard deviation over runs (NaN for one run). */
  std: number;
  /** Runs. */
  n: number;
}

/** Per group (the values of `by`, joined by '/'), each metric's mean, std and count over the groups' rows. */
export function groupStats(df: DataFrame, by: string[], metrics: string[]): Map<string, Record<string, SeedStats>> {
  const agg = df.groupby(by).agg(Object.fromEntries(metrics.map((m) => [m, ['mean', 'std', 'count']])));
  const keys = by.map((b) => col(agg, b));
  const out = new Map<string, Record<string, SeedStats>>();
  for (let i = 0; i < agg.shape[0]; i++) {
    const stats = Object.fromEntries(metrics.map((m) => [m, {
      mean: Number(col(agg, `${m}_mean`)[i]), std: Number(col(agg, `${m}_std`)[i]), n: Number(col(agg, `${m}_count`)[i]),
    }]));
    out.set(keys.map((k) => String(k[i])).join('/'), stats);
  }
  return out;
}

/** Final-epoch statistics over seeds per group: groupStats of lastEpochs. */
export function finalStats(df: DataFrame, by: string[], metrics: string[]): Map<string, Record<string, SeedStats>> {
  return groupStats(lastEpochs(df), by, metrics);
}

/** Each run's seconds summed over its epochs, then the mean over a group's runs (hours per seed = this / 3600). */
export function meanRunSeconds(df: DataFrame, by: string[]): Map<string, number> {
  const perRun = df.groupby([...by, 'run']).agg({ seconds: 'sum' });
  const agg = perRun.groupby(by).agg({ seconds_sum: 'mean' });
  const keys = by.map((b) => col(agg, b));
  return new Map(col<number>(agg, 'seconds_sum_mean').map((v, i) => [keys.map((k) => String(k[i])).join('/'), v]));
}

/**
 * Per group, a band over epochs of one metric: the mean over runs and the range from the lowest
 * to the highest run, at the epochs every run of the group reached.
 */
export function epochBands(df: DataFrame, by: string[], metric: string): Map<string, Band> {
  const agg = df.groupby([...by, 'epoch']).agg({ [metric]: ['mean', 'min', 'max', 'count'] }).sortValues('epoch');
  const runsPerGroup = new Map<string, number>();
  {
    const perRun = df.groupby([...by, 'run']).agg({ epoch: 'count' });
    const keys = by.map((b) => col(perRun, b));
    for (let i = 0; i < perRun.shape[0]; i++) {
      const key = keys.map((k) => String(k[i])).join('/');
      runsPerGroup.set(key, (runsPerGroup.get(key) ?? 0) + 1);
    }
  }
  const out = new Map<string, Band>([...runsPerGroup.keys()].map((k) => [k, { x: [], mean: [], lo: [], hi: [] }]));
  const keys = by.map((b) => col(agg, b));
  for (let i = 0; i < agg.shape[0]; i++) {
    const key = keys.map((k) => String(k[i])).join('/');
    if (Number(col(agg, `${metric}_count`)[i]) !== runsPerGroup.get(key)) continue;
    const band = out.get(key)!;
    band.x.push(Number(col(agg, 'epoch')[i]));
    band.mean.push(Number(col(agg, `${metric}_mean`)[i]));
    band.lo.push(Number(col(agg, `${metric}_min`)[i]));
    band.hi.push(Number(col(agg, `${metric}_max`)[i]));
  }
  return out;
}

/** The band of one group (error naming the groups there are when it is missing). */
export function bandOf(bands: Map<string, Band>, key: string): Band {
  const b = bands.get(key);
  if (!b) throw new Error(`no runs of '${key}' in the runs table; groups: ${[...bands.keys()].join(', ')}`);
  return b;
}
