// The methods after SNAS on the shared supernet (notebook 05's last table): per search config,
// over seeds, the final training accuracy of the supernet's steps (what bounds a search
// accuracy that stays low), the final search and child accuracies, the derivation's drop (search minus
// child, the measure of Sec. 3.1's first claim), the normal cell's final/first entropy where a
// method has a distribution over ops (its second claim), the cost of a step (seconds per step
// and of its architecture part, from timing.csv; native calls from one counted step, where the
// caller counted them), whether the method learned (search accuracy above the target in every
// seed), and which settings the scale changed from the paper's (the config's paper scale, by
// each config's comment, is its paper's).
import type { DataFrame } from 'danfojs-node';
import { configAtScale, readYaml } from '../config/load.js';
import type { Scale } from '../scale.js';
import { selectRuns } from '../results/table.js';
import { mean } from '../util/stats.js';
import { derivationDrops, entropyRatios, spreadOf } from './claims.js';
import { col, finalPerRun } from './run-stats.js';
import type { Row } from './table.js';

export interface MethodSearch {
  /** The runs table's config (gdas, ...). */
  config: string;
  /** Its label (Table 1's method column). */
  method: string;
  /** The config file, for the settings its scale changed. */
  file: string;
  /** Native calls of one training step at the run's shape, where counted. */
  nativeCalls?: number;
}

/** Search accuracy every seed should exceed (issue: every method learns at quick scale). */
export const LEARNS_ABOVE = 0.5;

const flatten = (v: unknown, prefix = ''): Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { [prefix]: Array.isArray(v) ? JSON.stringify(v) : v };
  return Object.assign({}, ...Object.entries(v as object).map(([k, x]) => flatten(x, prefix ? `${prefix}.${k}` : k)));
};

/** The settings a scale changes from the config's paper scale, as "key paper -> scale" (data and search sections). */
export function scaledSettings(file: string, scale: Scale): string {
  if (scale === 'paper') return '';
  const raw = readYaml(file);
  const [paper, here] = [configAtScale(raw, file, 'paper'), configAtScale(raw, file, scale)].map((c) => flatten({ data: c.data, search: c.search }));
  return Object.keys(here!).filter((k) => String(here![k]) !== String(paper![k])).map((k) => `${k.replace(/^(search|data)\./, '')} ${paper![k]} -> ${here![k]}`).join('; ');
}

const meanOver = (df: DataFrame, column: string) => {
  const values = df.columns.includes(column) ? col<number>(df, column).map(Number).filter(Number.isFinite) : [];
  return values.length ? mean(values) : NaN;
};

export function methodRows(runs: DataFrame, searches: MethodSearch[], scale: Scale): Row[] {
  return searches.map((s) => {
    const mine = selectRuns(runs, { config: s.config });
    if (mine.shape[0] === 0) throw new Error(`no runs of config '${s.config}' in the runs table`);
    const finals = finalPerRun(mine, ['search_val_acc', 'child_val_acc', 'train_acc']);
    const drops = derivationDrops(runs, s.config);
    const hasEntropy = finals.length > 0 && Number.isFinite(finalPerRun(mine, ['entropy_normal'])[0]!.entropy_normal);
    const ratios = hasEntropy ? entropyRatios(runs, s.config) : [];
    const search = finals.map((r) => r.search_val_acc);
    return {
      method: s.method, config: s.config, seeds: finals.length,
      train_acc: 100 * mean(finals.map((r) => r.train_acc)), search_val_acc: 100 * mean(search), child_val_acc: 100 * mean(finals.map((r) => r.child_val_acc)),
      search_minus_child: mean(drops), search_minus_child_spread: spreadOf(drops),
      entropy_final_over_first: hasEntropy ? mean(ratios) : undefined,
      step_s: meanOver(mine, 'step_s'), arch_s: meanOver(mine, 'arch_s'), native_calls_per_step: s.nativeCalls,
      learns: search.every((v) => v > LEARNS_ABOVE) ? 'yes' : `no (lowest seed ${(100 * Math.min(...search)).toFixed(1)}%)`,
      scaled_from_paper: scaledSettings(s.file, scale),
    };
  });
}
