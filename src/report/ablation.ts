// The temperature ablation's summary (notebook 08): per schedule, the final entropy, search
// accuracy, child accuracy and their gap (mean over seeds), and a few sentences read off them.
import type { SearchResult } from '../search/runs.js';
import { finalStats } from '../search/seeds.js';
import type { Row } from './table.js';

export interface ScheduleRuns {
  /** The sweep value's name (linear-1, constant-0.3, ...). */
  name: string;
  /** The schedule in words. */
  schedule: string;
  runs: SearchResult[];
}

export function ablationRows(groups: ScheduleRuns[]): Row[] {
  return groups.map((g) => {
    const val = finalStats(g.runs, 'search_val_acc').mean;
    const child = finalStats(g.runs, 'child_val_acc').mean;
    return {
      schedule: g.name, description: g.schedule, seeds: g.runs.length,
      'final tau': Number(g.runs[0]!.records[g.runs[0]!.records.length - 1]!.tau),
      'entropy normal': finalStats(g.runs, 'entropy_normal').mean, 'entropy reduce': finalStats(g.runs, 'entropy_reduce').mean,
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
