// How much training each op's weights received in a search. SNAS and DARTS compute every op of
// every edge on each step and train them all; NASP and ENAS train one child per step (NASP's
// binarised architecture, ENAS' sampled child), so each op's weights train only on the steps
// whose child holds it. metrics.csv's `ops_trained` is the share of the cells' op weights
// (parameters, every cell) a step trained, averaged over the epoch; times the steps it gives
// the steps of training the average op weight received ("op-steps"), summed over the epochs
// with each epoch's `steps`.
import type { DataFrame } from 'danfojs-node';
import { rowsWhere } from '../results/table.js';
import { col, epochBands, finalStats } from './run-stats.js';
import type { Row } from './table.js';

export interface OpBudgetSearch {
  config: string;
  method: string;
}

export interface OpBudgetRow extends Row {
  method: string;
  config: string;
  seeds: number;
  steps: number;
  /** Mean share of the cells' op weights one step trained. */
  share_per_step: number;
  /** Steps of training the average op weight received (steps x share), mean over seeds. */
  op_steps: number;
  train_acc: number;
  search_val_acc: number;
  /** The reference search's training accuracy (mean over seeds) at its first epoch with at least as many op-steps. */
  reference_train_acc_at_op_steps: number;
  reference_epoch: number;
}

/**
 * One row per search config: its steps, op-steps, final training and search accuracy (means
 * over seeds), and where `reference` (a config that trains every op) stood after as many op-steps.
 */
export function opBudgetRows(runs: DataFrame, searches: OpBudgetSearch[], reference: string): OpBudgetRow[] {
  const final = finalStats(runs, ['config'], ['train_acc', 'search_val_acc']);
  // Per run: its steps and op-steps over all epochs; then the means over the config's runs.
  const budget = (config: string) => {
    const rows = rowsWhere(runs, col<string>(runs, 'config').map((c) => c === config));
    const perRun = new Map<string, { steps: number; opSteps: number }>();
    const [names, steps, shares] = [col<string>(rows, 'run'), col<number>(rows, 'steps'), col<number>(rows, 'ops_trained')];
    names.forEach((run, i) => {
      const r = perRun.get(run) ?? { steps: 0, opSteps: 0 };
      perRun.set(run, { steps: r.steps + Number(steps[i]), opSteps: r.opSteps + Number(steps[i]) * Number(shares[i]) });
    });
    const all = [...perRun.values()];
    const mean = (f: (r: { steps: number; opSteps: number }) => number) => all.reduce((a, r) => a + f(r), 0) / all.length;
    return { seeds: all.length, steps: mean((r) => r.steps), opSteps: mean((r) => r.opSteps), share: mean((r) => r.opSteps / r.steps) };
  };
  const refCurve = epochBands(runs, ['config'], 'train_acc').get(reference);
  if (!refCurve?.x.length) throw new Error(`op budget: no epochs of the reference search '${reference}' in the runs table`);
  const r = budget(reference);
  const refPerEpoch = r.opSteps / refCurve.x.length;
  return searches.map((s) => {
    const b = budget(s.config);
    // The reference's first epoch whose op-steps (accumulated evenly over its epochs) reach this search's.
    const epoch = Math.min(refCurve.x.length, Math.max(1, Math.ceil(b.opSteps / refPerEpoch - 1e-9)));
    const f = final.get(s.config);
    return {
      method: s.method, config: s.config, seeds: b.seeds, steps: b.steps, share_per_step: b.share, op_steps: b.opSteps,
      train_acc: f?.train_acc?.mean ?? NaN, search_val_acc: f?.search_val_acc?.mean ?? NaN,
      reference_train_acc_at_op_steps: refCurve.mean[refCurve.x.indexOf(epoch)] ?? NaN,
      reference_epoch: epoch,
    };
  });
}
