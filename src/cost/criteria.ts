// Which ops a cost criterion cannot tell apart (App. F: all three criteria are needed).
import { PRIMITIVES, type OpName } from '../space/primitives.js';
import { CRITERIA, opCost, type Criterion } from './op-cost.js';

/** Groups of ops whose costs are equal under the given criteria (all three when none are given). */
export function tiedOps(c: number, stride: number, y: number, criteria: readonly Criterion[] = CRITERIA): OpName[][] {
  const groups = new Map<string, OpName[]>();
  for (const op of PRIMITIVES) {
    const cost = opCost(op, c, stride, y);
    const key = criteria.map((k) => cost[k]).join('/');
    groups.set(key, [...(groups.get(key) ?? []), op]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/** The four kinds of op App. F distinguishes. */
export function opKind(op: OpName): 'none' | 'skip' | 'pooling' | 'convolution' {
  if (op === 'none') return 'none';
  if (op === 'skip_connect') return 'skip';
  if (op.includes('pool')) return 'pooling';
  return 'convolution';
}

/** Every non-empty subset of the criteria, and whether it tells the four kinds apart (no tie across kinds). */
export function separatingSubsets(c: number, stride: number, y: number): { criteria: Criterion[]; separates: boolean; ties: OpName[][] }[] {
  const subsets: Criterion[][] = [];
  for (let mask = 1; mask < 1 << CRITERIA.length; mask++) subsets.push(CRITERIA.filter((_, i) => mask & (1 << i)));
  return subsets.map((criteria) => {
    const ties = tiedOps(c, stride, y, criteria).filter((g) => new Set(g.map(opKind)).size > 1);
    return { criteria, separates: ties.length === 0, ties };
  });
}
