// Table 2 (CIFAR-10 evaluation): the paper's rows, quoted (source 'paper'), each followed by
// the cells trained here under the same method (source 'measured'): the published cell and the
// cell our own search found, plus rows the paper lacks (a random-cell baseline, NASP). Test
// error is the final epoch's, mean and standard deviation over seeds; parameters are counted
// at the paper's size (C 36, 20 cells, without the auxiliary head) and at the trained size.
import type { DataFrame } from 'danfojs-node';
import { paperTables, withMeasured, type PaperRow } from './paper.js';
import { finalStats, type SeedStats } from './run-stats.js';
import type { Row } from './table.js';

export interface MeasuredTraining {
  /** The paper's Table 2 method this cell belongs to (its first column). */
  method: string;
  /** Which cell: 'published SNAS_mild', 'found here: snas-mild-quick-seed0', ... */
  cell: string;
  /** The runs table's genotype of its trainings (a published name or a genotype file). */
  genotype: string;
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

const TABLE2_METRICS = ['test_error', 'params_paper_size', 'params'] as const;

function measuredRow(m: MeasuredTraining, stats: Record<string, SeedStats> | undefined): Row {
  if (!stats) throw new Error(`Table 2: no trainings of genotype '${m.genotype}' in the runs table`);
  const { test_error: error, params_paper_size: paper, params } = stats as Record<(typeof TABLE2_METRICS)[number], SeedStats>;
  return {
    method: m.method, source: 'measured', cell: m.cell,
    test_error: error.mean, test_error_std: error.n > 1 ? error.std : undefined,
    params_m: paper.mean / 1e6, params_m_trained: params.mean / 1e6,
    search_cost_gpu_days: undefined, search_hours: m.searchHours, search_method: undefined,
    seeds: error.n, scale: m.scale, hardware: m.hardware,
  };
}

/** The paper's rows, quoted, each followed by the trainings of its method from the runs table (final test error, mean and std over seeds). */
export function table2Rows(runs: DataFrame, measured: MeasuredTraining[]): Row[] {
  const stats = finalStats(runs, ['genotype'], [...TABLE2_METRICS]);
  return withMeasured(paperTables().table2, measured, paperRow, (m) => measuredRow(m, stats.get(m.genotype)));
}
