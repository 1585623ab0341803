// A search's validation accuracies under the two BN rules its evaluation runs every epoch
// (src/search/run.ts; metrics.csv's *_batch_bn and *_running_bn columns): BN on each batch's own
// statistics, and BN on the running averages (the released code's eval mode). Per search config:
// the final epoch's accuracies under both (means over seeds), and how far the search accuracy
// moves from one epoch to the next under each, which is where a lag of the running averages
// behind the weights shows (the training accuracy moves little between late epochs).
import type { DataFrame } from 'danfojs-node';
import { rowsWhere } from '../results/table.js';
import { col, finalStats } from './run-stats.js';
import type { Row } from './table.js';

export interface BnRuleSearch {
  config: string;
  method: string;
}

export interface BnRuleRow extends Row {
  method: string;
  config: string;
  seeds: number;
  /** The rule search_val_acc and child_val_acc report, as the runs' configs name it (search.eval_bn): 'batch', 'running', or 'mixed' across runs. */
  reported: string;
  search_batch_bn: number;
  search_running_bn: number;
  child_batch_bn: number;
  child_running_bn: number;
  /** Mean over epochs 2.. of |search accuracy - the previous epoch's|, mean over seeds. */
  search_epoch_change_batch_bn: number;
  search_epoch_change_running_bn: number;
}

const RULES = ['batch_bn', 'running_bn'] as const;

/** Mean absolute change of `metric` between consecutive epochs of each run, then the mean over the runs. */
export function meanEpochChange(runs: DataFrame, metric: string): number {
  const byRun = new Map<string, [number, number][]>();
  const [names, epochs, values] = [col<string>(runs, 'run'), col<number>(runs, 'epoch'), col<number>(runs, metric)];
  names.forEach((run, i) => byRun.set(run, [...(byRun.get(run) ?? []), [Number(epochs[i]), Number(values[i])]]));
  const perRun = [...byRun.values()].flatMap((points) => {
    const v = points.sort((a, b) => a[0] - b[0]).map((p) => p[1]);
    if (v.length < 2) return [];
    return [v.slice(1).reduce((s, x, i) => s + Math.abs(x - v[i]!), 0) / (v.length - 1)];
  });
  return perRun.length ? perRun.reduce((a, b) => a + b, 0) / perRun.length : NaN;
}

/** The rule the runs' configs name (search.eval_bn, the runs table's eval_bn column), or 'mixed' when they differ. */
function reportedRule(rows: DataFrame): string {
  const rules = [...new Set(col<string>(rows, 'eval_bn'))];
  return rules.length === 1 ? rules[0]! : 'mixed';
}

export function bnRuleRows(runs: DataFrame, searches: BnRuleSearch[]): BnRuleRow[] {
  const metrics = RULES.flatMap((r) => [`search_val_acc_${r}`, `child_val_acc_${r}`]);
  const final = finalStats(runs, ['config'], metrics);
  return searches.map((s) => {
    const f = final.get(s.config);
    if (!f) throw new Error(`BN rules: no runs of '${s.config}' in the runs table`);
    const rows = rowsWhere(runs, col<string>(runs, 'config').map((c) => c === s.config));
    return {
      method: s.method, config: s.config, seeds: f.search_val_acc_batch_bn!.n, reported: reportedRule(rows),
      search_batch_bn: f.search_val_acc_batch_bn!.mean, search_running_bn: f.search_val_acc_running_bn!.mean,
      child_batch_bn: f.child_val_acc_batch_bn!.mean, child_running_bn: f.child_val_acc_running_bn!.mean,
      search_epoch_change_batch_bn: meanEpochChange(rows, 'search_val_acc_batch_bn'),
      search_epoch_change_running_bn: meanEpochChange(rows, 'search_val_acc_running_bn'),
    };
  });
}
