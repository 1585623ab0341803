// Table 2 (CIFAR-10 evaluation): the paper's rows, quoted (source 'paper'), each followed by
// the cells trained here under the same method (source 'measured'): the published cell and the
// cell our own search found, plus rows the paper lacks (a random-cell baseline, NASP). Test
// error is the final epoch's, mean and standard deviation over seeds; parameters are counted
// at the paper's size (C 36, 20 cells, without the auxiliary head) and at the trained size.
import type { TrainedRun } from '../train/runs.js';
import { mean, std } from '../util/stats.js';
import { paperTables, withMeasured, type PaperRow } from './paper.js';
import type { Row } from './table.js';

export interface MeasuredTraining {
  /** The paper's Table 2 method this cell belongs to (its first column). */
  method: string;
  /** Which cell: 'published SNAS_mild', 'found here: snas-mild-quick-seed0', ... */
  cell: string;
  runs: TrainedRun[];
  /** Hours the search that found the cell took here (undefined for published cells). */
  searchHours?: number;
  scale: string;
  hardware: string;
}

export const TABLE2_COLUMNS = [
  'method', 'source', 'cell', 'test_error', 'test_error_std', 'params_m', 'params_m_trained', 'search_cost_gpu_days', 'search_hours',
  'search_method', 'seeds', 'scale', 'hardware',
] as const;

function paperRow(p: PaperRow): Row {
  return {
    method: p.method, source: 'paper', cell: p.genotype ? `published ${p.genotype}` : undefined,
    test_error: p.test_error as number, test_error_std: p.test_error_std as number | undefined, params_m: p.params_m as number,
    params_m_trained: undefined, search_cost_gpu_days: p.search_cost_gpu_days as number | undefined, search_hours: undefined,
    search_method: p.search_method as string | undefined, seeds: undefined, scale: 'paper', hardware: 'GPU (the paper)',
  };
}

function measuredRow(m: MeasuredTraining): Row {
  const errors = m.runs.map((r) => r.result.test_error);
  return {
    method: m.method, source: 'measured', cell: m.cell,
    test_error: mean(errors), test_error_std: errors.length > 1 ? std(errors) : undefined,
    params_m: m.runs[0]!.result.params_paper_size / 1e6, params_m_trained: m.runs[0]!.result.params / 1e6,
    search_cost_gpu_days: undefined, search_hours: m.searchHours, search_method: undefined,
    seeds: m.runs.length, scale: m.scale, hardware: m.hardware,
  };
}

export function table2Rows(measured: MeasuredTraining[]): Row[] {
  return withMeasured(paperTables().table2, measured, paperRow, measuredRow);
}
