// Table 1 (CIFAR-10 search): the paper's rows, quoted (source 'paper'), each followed by the
// same method as measured here (source 'measured'): search validation accuracy under freshly
// sampled Z, child accuracy without finetuning (final epoch, mean and std over seeds), and the
// search's own time in hours per seed on the hardware at hand.
import type { EpochRecord } from '../search/engine.js';
import { finalStats } from '../search/seeds.js';
import { paperTables, withMeasured, type PaperRow } from './paper.js';
import type { Row } from './table.js';

export interface MeasuredSearch {
  /** The paper's method label this measurement stands beside (Table 1's first column). */
  method: string;
  runs: { records: EpochRecord[]; seconds: number }[];
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

function measuredRow(m: MeasuredSearch): Row {
  const val = finalStats(m.runs, 'search_val_acc');
  const child = finalStats(m.runs, 'child_val_acc');
  const hours = m.runs.reduce((s, r) => s + r.seconds, 0) / 3600 / m.runs.length;
  const spread = (x: number) => (m.runs.length > 1 ? 100 * x : undefined);
  return {
    method: m.method, source: 'measured',
    search_val_acc: 100 * val.mean, search_val_acc_std: spread(val.std),
    child_val_acc: 100 * child.mean, child_val_acc_std: spread(child.std),
    search_cost_gpu_days: m.gpu ? hours / 24 : undefined, search_hours: hours,
    seeds: m.runs.length, scale: m.scale, hardware: m.hardware,
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
 * One row per (method, source): the paper's rows, quoted, each followed by its measurement
 * (search time per seed in hours); measured methods the paper's Table 1 lacks come last.
 */
export function table1Rows(measured: MeasuredSearch[]): Row[] {
  return withMeasured(paperTables().table1, measured, paperRow, measuredRow);
}
