// Calibrating the resource constraint's lambda for SNAS' three levels. The paper defines
// "mild" as the level at which 'none' starts to drop edges and publishes no values; snas-lab
// runs the search on a ladder of lambdas and picks, by the number of edges (of 28: 14 normal,
// 14 reduction) whose argmax is 'none' in the derived cells, averaged over seeds:
//   mild:       the smallest lambda above the ladder's first (normally 0) with more 'none'
//               edges than the first;
//   moderate:   the smallest lambda with at least a quarter of the edges (7) 'none';
//   aggressive: the smallest lambda with at least half of the edges (14) 'none'.
import { parseDocument } from 'yaml';
import { argmax, type Alphas } from './architecture.js';
import { EDGES, PRIMITIVES } from '../space/primitives.js';
import { mean } from '../util/stats.js';

export const LEVELS = ['mild', 'moderate', 'aggressive'] as const;
export type Level = (typeof LEVELS)[number];

export const DEFAULT_LADDER = [0, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];
/** Edges of a normal and a reduction cell together. */
export const EDGE_TOTAL = 2 * EDGES;
const NONE = PRIMITIVES.indexOf('none');

export const LEVEL_RULES: Record<Level, string> = {
  mild: "the smallest lambda with more 'none' edges than the ladder's first lambda (the paper's definition)",
  moderate: "the smallest lambda with at least 7 of the 28 edges 'none'",
  aggressive: "the smallest lambda with at least 14 of the 28 edges 'none'",
};

export interface CalibrationRow {
  lambda: number;
  seed: number;
  none_normal: number;
  none_reduce: number;
  search_val_acc: number;
  child_val_acc: number;
}

/** Edges whose argmax is 'none', per cell type. */
export function noneEdges(alphas: Alphas): { normal: number; reduce: number } {
  const count = (rows: number[][]) => rows.filter((r) => argmax(r) === NONE).length;
  return { normal: count(alphas.normal), reduce: count(alphas.reduce) };
}

export interface LadderStep {
  lambda: number;
  seeds: number;
  none_mean: number;
  child_val_acc: number;
  search_val_acc: number;
}

/** Means over seeds per lambda, in ascending lambda. */
export function ladder(rows: CalibrationRow[]): LadderStep[] {
  const lambdas = [...new Set(rows.map((r) => r.lambda))].sort((a, b) => a - b);
  return lambdas.map((lambda) => {
    const at = rows.filter((r) => r.lambda === lambda);
    return {
      lambda, seeds: at.length, none_mean: mean(at.map((r) => r.none_normal + r.none_reduce)),
      child_val_acc: mean(at.map((r) => r.child_val_acc)), search_val_acc: mean(at.map((r) => r.search_val_acc)),
    };
  });
}

/** The lambda of each level under LEVEL_RULES (undefined where the ladder never gets there). */
export function chooseLevels(steps: LadderStep[]): Record<Level, number | undefined> {
  const base = steps[0];
  if (!base) throw new Error('chooseLevels: no runs');
  const first = (ok: (s: LadderStep) => boolean) => steps.find((s) => s !== base && ok(s))?.lambda;
  return {
    mild: first((s) => s.none_mean > base.none_mean),
    moderate: first((s) => s.none_mean >= EDGE_TOTAL / 4),
    aggressive: first((s) => s.none_mean >= EDGE_TOTAL / 2),
  };
}

/**
 * The level's config: the base config's text with search.constraint.lambda set, under a
 * header that says how the value was found (comments and scale sections of the base kept).
 */
export function levelConfig(baseText: string, baseFile: string, level: Level, lambda: number, how: string[]): string {
  const doc = parseDocument(baseText);
  doc.setIn(['search', 'constraint', 'lambda'], lambda);
  doc.commentBefore = null;
  const header = [
    `SNAS with the ${level} resource constraint: ${baseFile} with search.constraint.lambda = ${lambda}.`,
    `Calibrated by \`snas calibrate\` (src/search/calibrate.ts); ${level}: ${LEVEL_RULES[level]}.`,
    ...how,
  ];
  return `${header.map((l) => `# ${l}`).join('\n')}\n${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}
