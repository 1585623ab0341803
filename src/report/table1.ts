// Table 1 (CIFAR-10 search): the paper's rows, quoted (source 'paper'), each followed by the
// same method as measured here (source 'measured'): search validation accuracy under freshly
// sampled Z, child accuracy without finetuning (final epoch, mean and std over seeds), and the
// search's own time in hours per seed on the hardware at hand.
import type { DataFrame } from 'danfojs-node';
import { paperTables, withMeasured, type PaperRow } from './paper.js';
import { finalStats, meanRunSeconds, type SeedStats } from './run-stats.js';
import type { Row } from './table.js';

export interface MeasuredSearch {
  /** The paper's method label this measurement stands beside (Table 1's first column). */
  method: string;
  /** The runs table's config of its runs (snas-mild, ...). */
  config: string;
  scale: string;
  /** Where it ran, e.g. "2-core machine, backend torch". */
  hardware: string;
  /** Whether it ran on a GPU: only then is its time a cost in GPU-days. */
  gpu: boolean;
}

/** Table 1's columns: accuracies in %, search cost in GPU-days (paper, or measured on a GPU) and in hours as measured here. */
export const TABLE1_COLUMNS = [
  'method', 'source', 'search_val_acc', 'search_val_acc_std', 'child_val_acc', 'child_val_acc_std',
  'search_cost_gpu_days', 'search_hours', 'seeds', 'scale', 'hardware',
] as const;

function measuredRow(m: MeasuredSearch, stats: Record<string, SeedStats> | undefined, seconds: number | undefined): Row {
  if (!stats || seconds === undefined) throw new Error(`Table 1: no runs of config '${m.config}' in the runs table`);
  const { search_val_acc: val, child_val_acc: child } = stats as Record<'search_val_acc' | 'child_val_acc', SeedStats>;
  const hours = seconds / 3600;
  const spread = (x: SeedStats) => (x.n > 1 ? 100 * x.std : undefined);
  return {
    method: m.method, source: 'measured',
    search_val_acc: 100 * val.mean, search_val_acc_std: spread(val),
    child_val_acc: 100 * child.mean, child_val_acc_std: spread(child),
    search_cost_gpu_days: m.gpu ? hours / 24 : undefined, search_hours: hours,
    seeds: val.n, scale: m.scale, hardware: m.hardware,
  };
}

function paperRow(p: PaperRow): Row {
  return {
    method: p.method, source: 'paper',
    search_val_acc: p.search_val_acc, search_val_acc_std: undefined, child_val_acc: p.child_val_acc, child_val_acc_std: undefined,
    search_cost_gpu_days: p.search_cost_gpu_days, search_hours: undefined, seeds: undefined, scale: 'paper', hardware: 'GPU (the paper)',
  };
}

/**
 * One row per (method, source): the paper's rows, quoted, each followed by its measurement from
 * the runs table (final epoch, mean and std over seeds; search time per seed in hours);
 * measured methods the paper's Table 1 lacks come last.
 */
export function table1Rows(runs: DataFrame, measured: MeasuredSearch[]): Row[] {
  const stats = finalStats(runs, ['config'], ['search_val_acc', 'child_val_acc']);
  const seconds = meanRunSeconds(runs, ['config']);
  return withMeasured(paperTables().table1, measured, paperRow, (m) => measuredRow(m, stats.get(m.config), seconds.get(m.config)));
}
