// Sec. 3.1's two claims about SNAS against DARTS, tested on measured runs (the runs table) over
// seeds, whatever the outcome: (1) SNAS' derived child keeps the search's validation accuracy
// while DARTS' child falls (Table 1: 88.54 -> 90.67 against 87.67 -> 54.66); (2) the entropy of
// SNAS' normal-cell distribution falls towards zero while DARTS' stays high (Fig. 4).
//
// Each claim is a difference between the methods of a per-run quantity. Its margin is the
// difference of the means over seeds; its spread is the sum of the two sample standard
// deviations over seeds. The verdict is "held" only when the margin exceeds the spread, "opposite"
// when the reverse difference does, and otherwise "not shown at this scale" (so too with fewer
// than two seeds on either side: one run has no spread to compare with).
import type { DataFrame } from 'danfojs-node';
import { selectRuns } from '../results/table.js';
import { mean, std } from '../util/stats.js';
import { finalPerRun, perRunAt } from './run-stats.js';
import type { Row } from './table.js';

export type Verdict = 'held' | 'not shown at this scale' | 'opposite';

export interface ClaimTest {
  claim: string;
  paper: string;
  /** The per-run quantity and its unit, e.g. "search minus child accuracy (points)". */
  quantity: string;
  snas: number[];
  darts: number[];
  /** mean(darts) - mean(snas): positive when the data go the claim's way. */
  margin: number;
  /** std(snas) + std(darts), sample standard deviations over seeds (NaN with one seed). */
  spread: number;
  verdict: Verdict;
}

/** The sample standard deviation over seeds; NaN for one seed (no spread to compare with). */
export const spreadOf = (xs: number[]) => (xs.length < 2 ? NaN : std(xs));

/** The verdict for a margin against a spread (see the header). */
export function verdictOf(margin: number, spread: number): Verdict {
  if (!Number.isFinite(spread)) return 'not shown at this scale';
  if (margin > spread) return 'held';
  if (-margin > spread) return 'opposite';
  return 'not shown at this scale';
}

function runsOf(runs: DataFrame, config: string): DataFrame {
  const mine = selectRuns(runs, { config });
  if (mine.shape[0] === 0) throw new Error(`no runs of config '${config}' in the runs table`);
  return mine;
}

/** Per run (by seed): final search validation accuracy minus final child accuracy, in points. */
export function derivationDrops(runs: DataFrame, config: string): number[] {
  return finalPerRun(runsOf(runs, config), ['search_val_acc', 'child_val_acc']).map((r) => 100 * (r.search_val_acc! - r.child_val_acc!));
}

/** Per run (by seed): final normal-cell entropy as a fraction of the first epoch's. */
export function entropyRatios(runs: DataFrame, config: string): number[] {
  const mine = runsOf(runs, config);
  const first = new Map(perRunAt(mine, 1, ['entropy_normal']).map((r) => [r.run, r.entropy_normal!]));
  return finalPerRun(mine, ['entropy_normal']).map((r) => r.entropy_normal! / first.get(r.run)!);
}

function testOf(claim: string, paper: string, quantity: string, snas: number[], darts: number[]): ClaimTest {
  const margin = mean(darts) - mean(snas);
  const spread = spreadOf(snas) + spreadOf(darts);
  return { claim, paper, quantity, snas, darts, margin, spread, verdict: verdictOf(margin, spread) };
}

export function claimTests(runs: DataFrame, snas: string, darts: string): ClaimTest[] {
  return [
    testOf("derivation keeps SNAS' accuracy while DARTS' child falls", 'SNAS 88.54 -> 90.67 (-2.1 points); DARTS 87.67 -> 54.66 (33.0 points)',
      'search minus child accuracy (points)', derivationDrops(runs, snas), derivationDrops(runs, darts)),
    testOf("SNAS' entropy falls while DARTS' stays high", 'Fig. 4: SNAS towards 0, DARTS near its maximum',
      'final / first-epoch normal-cell entropy', entropyRatios(runs, snas), entropyRatios(runs, darts)),
  ];
}

/** The tests as table rows: per-seed values, means, margin, spread, verdict. */
export function claimRows(runs: DataFrame, snas: string, darts: string): Row[] {
  const list = (xs: number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(', ');
  return claimTests(runs, snas, darts).map((t) => {
    const digits = t.quantity.includes('points') ? 1 : 2;
    return {
      claim: t.claim, paper: t.paper, quantity: t.quantity,
      snas_per_seed: list(t.snas, digits), darts_per_seed: list(t.darts, digits),
      snas_mean: mean(t.snas), darts_mean: mean(t.darts), margin: t.margin, spread: t.spread,
      seeds: `${t.snas.length} + ${t.darts.length}`, verdict: Number.isFinite(t.spread) ? t.verdict : `${t.verdict} (one seed on a side: no spread)`,
    };
  });
}
