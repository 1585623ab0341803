// NASP's op sets (SNAS-FACTS, "NASP"; the paper's Sec. 4.1): normal cells choose among identity
// and the convolutions, reduction cells among identity and the pools, and neither among 'none'.
// 'darts' keeps DARTS' seven ops in both cells, the space Table 1 compares every method on.
// Alpha keeps its [14, 8] shape in both: an op outside a cell type's set has alpha 0, is never
// binarised into the architecture and is never computed.
import type { NaspSpace } from '../config/schema.js';
import { EDGES, PRIMITIVES, type OpName } from '../space/primitives.js';
import type { ActiveOps } from '../space/search-cell.js';
import { CELL_TYPES, type Alphas, type CellType } from './architecture.js';

const ALL_BUT_NONE = PRIMITIVES.filter((op) => op !== 'none');

export const NASP_OPS: Record<NaspSpace, Record<CellType, readonly OpName[]>> = {
  paper: {
    normal: ['skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5'],
    reduce: ['max_pool_3x3', 'avg_pool_3x3', 'skip_connect'],
  },
  darts: { normal: ALL_BUT_NONE, reduce: ALL_BUT_NONE },
};

/** Per op (PRIMITIVES' order) whether the space lets a cell type choose it. */
export function allowed(space: NaspSpace, type: CellType): boolean[] {
  return PRIMITIVES.map((op) => NASP_OPS[space][type].includes(op));
}

/** Alpha with every op outside the space replaced by `fill`. */
function fillOutside(alphas: Alphas, space: NaspSpace, fill: number): Alphas {
  const out = {} as Alphas;
  for (const type of CELL_TYPES) {
    const ok = allowed(space, type);
    out[type] = alphas[type].map((row) => row.map((v, k) => (ok[k] ? v : fill)));
  }
  return out;
}

/** The op scores with every op outside the space at -Infinity, so that no rule can choose it. */
export const withinSpace = (alphas: Alphas, space: NaspSpace): Alphas => fillOutside(alphas, space, -Infinity);

/** Alpha with every op outside the space set to 0 (where it stays: it gets no gradient). */
export const zeroOutside = (alphas: Alphas, space: NaspSpace): Alphas => fillOutside(alphas, space, 0);

/** The ops every edge computes in the architecture step: the space's. */
export function spaceOps(space: NaspSpace): Record<CellType, ActiveOps> {
  const ops = (type: CellType) => {
    const ks = allowed(space, type).flatMap((ok, k) => (ok ? [k] : []));
    return Array.from({ length: EDGES }, () => ks);
  };
  return { normal: ops('normal'), reduce: ops('reduce') };
}
