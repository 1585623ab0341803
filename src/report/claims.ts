// Sec. 3.1's two claims about SNAS against DARTS, checked on measured runs, whatever the
// outcome: (1) SNAS' derived child keeps the search's validation accuracy while DARTS' child
// falls (Table 1: 88.54 -> 90.67 against 87.67 -> 54.66); (2) the entropy of SNAS'
// architecture distribution falls towards zero while DARTS' stays high (Fig. 4).
import type { EpochRecord } from '../search/engine.js';
import { finalStats } from '../search/seeds.js';
import { mean } from '../util/stats.js';
import type { Row } from './table.js';

interface Runs {
  runs: { records: EpochRecord[] }[];
}

/** Final search validation accuracy minus final child accuracy, in points (mean over seeds). */
export function derivationDrop(m: Runs): number {
  return 100 * (finalStats(m.runs, 'search_val_acc').mean - finalStats(m.runs, 'child_val_acc').mean);
}

/** Final entropy (normal + reduction) as a fraction of the first epoch's, mean over seeds. */
export function entropyRatio(m: Runs): number {
  const total = (r: EpochRecord) => Number(r.entropy_normal) + Number(r.entropy_reduce);
  return mean(m.runs.map((r) => total(r.records[r.records.length - 1]!) / total(r.records[0]!)));
}

export function claimRows(snas: Runs, darts: Runs): Row[] {
  const [ds, dd] = [derivationDrop(snas), derivationDrop(darts)];
  const [es, ed] = [entropyRatio(snas), entropyRatio(darts)];
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
