// The temperature ablation's summary (notebook 08): per schedule, the schedule as its runs'
// configs state it (the runs table's temperature column), the final entropy, search accuracy,
// child accuracy and their gap (mean over seeds, from the runs table), and a few sentences read
// off them.
import type { DataFrame } from 'danfojs-node';
import { rowsWhere } from '../results/table.js';
import { col, finalStats } from './run-stats.js';
import type { Row } from './table.js';

const ABLATION_METRICS = ['tau', 'entropy_normal', 'entropy_reduce', 'search_val_acc', 'child_val_acc'];

/** One row per schedule, named by the sweep value (linear-1, constant-0.3, ...): the runs table's config of its runs. */
export function ablationRows(runs: DataFrame, schedules: string[]): Row[] {
  const stats = finalStats(runs, ['config'], ABLATION_METRICS);
  const configs = col<string>(runs, 'config');
  return schedules.map((name) => {
    const s = stats.get(name);
    if (!s) throw new Error(`temperature ablation: no runs of '${name}' in the runs table`);
    const described = [...new Set(col<string>(rowsWhere(runs, configs.map((c) => c === name)), 'temperature'))];
    const val = s.search_val_acc!.mean;
    const child = s.child_val_acc!.mean;
    return {
      schedule: name, description: described.length === 1 ? described[0]! : `differs between runs: ${described.join('; ')}`, seeds: s.search_val_acc!.n, 'final tau': s.tau!.mean,
      'entropy normal': s.entropy_normal!.mean, 'entropy reduce': s.entropy_reduce!.mean,
      'search val %': 100 * val, 'child %': 100 * child, 'gap (points)': 100 * (val - child),
    };
  });
}

/** Sentences that name the extremes of the table (computed, whatever they are). */
export function ablationReading(rows: Row[]): string[] {
  const by = (key: string) => [...rows].sort((a, b) => Number(a[key]) - Number(b[key]));
  const entropy = (r: Row) => Number(r['entropy normal']) + Number(r['entropy reduce']);
  const byEntropy = [...rows].sort((a, b) => entropy(a) - entropy(b));
  const gap = [...rows].sort((a, b) => Math.abs(Number(a['gap (points)'])) - Math.abs(Number(b['gap (points)'])));
  const child = by('child %');
  const f = (v: unknown) => Number(v).toFixed(1);
  return [
    `Lowest final entropy (normal + reduction): ${byEntropy[0]!.schedule} (${f(entropy(byEntropy[0]!))} nats); highest: ${byEntropy[byEntropy.length - 1]!.schedule} (${f(entropy(byEntropy[byEntropy.length - 1]!))}).`,
    `Search and child accuracy closest: ${gap[0]!.schedule} (gap ${f(gap[0]!['gap (points)'])} points); furthest apart: ${gap[gap.length - 1]!.schedule} (${f(gap[gap.length - 1]!['gap (points)'])}).`,
    `Best child accuracy without finetuning: ${child[child.length - 1]!.schedule} (${f(child[child.length - 1]!['child %'])}%); worst: ${child[0]!.schedule} (${f(child[0]!['child %'])}%).`,
  ];
}
