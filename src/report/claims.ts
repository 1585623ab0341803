// Sec. 3.1's two claims about SNAS against DARTS, checked on measured runs (the runs table),
// whatever the outcome: (1) SNAS' derived child keeps the search's validation accuracy while
// DARTS' child falls (Table 1: 88.54 -> 90.67 against 87.67 -> 54.66); (2) the entropy of
// SNAS' architecture distribution falls towards zero while DARTS' stays high (Fig. 4).
import type { DataFrame } from 'danfojs-node';
import { selectRuns } from '../runs/table.js';
import { finalStats, lastEpochs } from './run-stats.js';
import type { Row } from './table.js';

/** Final search validation accuracy minus final child accuracy, in points (mean over the config's seeds). */
export function derivationDrop(runs: DataFrame, config: string): number {
  const stats = (finalStats(selectRuns(runs, { config }), ['config'], ['search_val_acc', 'child_val_acc'])).get(config);
  if (!stats) throw new Error(`no runs of config '${config}' in the runs table`);
  return 100 * (stats.search_val_acc!.mean - stats.child_val_acc!.mean);
}

/** Final entropy (normal + reduction) as a fraction of the first epoch's, mean over the config's seeds. */
export function entropyRatio(runs: DataFrame, config: string): number {
  const mine = selectRuns(runs, { config });
  const total = (df: DataFrame) => {
    const runIds = df.run.values as string[];
    const sums = df.entropy_normal.add(df.entropy_reduce).values as number[];
    return new Map(runIds.map((r, i) => [r, sums[i]!]));
  };
  const first = total(selectRuns(mine, { epoch: 1 }));
  const last = total(lastEpochs(mine));
  const ratios = [...last].map(([run, v]) => v / first.get(run)!);
  return ratios.reduce((a, b) => a + b, 0) / ratios.length;
}

export function claimRows(runs: DataFrame, snas: string, darts: string): Row[] {
  const [ds, dd] = [derivationDrop(runs, snas), derivationDrop(runs, darts)];
  const [es, ed] = [entropyRatio(runs, snas), entropyRatio(runs, darts)];
  return [
    {
      claim: "derivation keeps SNAS' accuracy while DARTS' child falls",
      paper: 'SNAS 88.54 -> 90.67 (-2.1 points); DARTS 87.67 -> 54.66 (33.0 points)',
      measured: `SNAS drop ${ds.toFixed(1)} points; DARTS drop ${dd.toFixed(1)} points`,
      held: dd > ds ? 'yes' : 'no',
    },
    {
      claim: "SNAS' entropy falls while DARTS' stays high",
      paper: 'Fig. 4: SNAS towards 0, DARTS near its maximum',
      measured: `final / first-epoch entropy: SNAS ${es.toFixed(2)}, DARTS ${ed.toFixed(2)}`,
      held: es < ed ? 'yes' : 'no',
    },
  ];
}
