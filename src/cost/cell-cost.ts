// Costs at the scale of a cell: where each edge sits in the search network (channels, stride,
// output size) and the expected cost of a cell under a distribution over its edges' ops.
import { isReduction } from '../networks/reductions.js';
import { softmax } from '../space/sample.js';
import { EDGE_LIST } from '../space/primitives.js';
import { CRITERIA, expectedCost, type OpCost } from './op-cost.js';

export interface EdgeSite {
  c: number;
  stride: number;
  /** Output height and width of the edge. */
  y: number;
}

export interface CellSite {
  index: number;
  reduction: boolean;
  c: number;
  /** Spatial size of the cell's inputs (after preprocessing). */
  inputSize: number;
  edges: EdgeSite[];
}

/** Where the cells of a search network sit: channels and sizes per cell, and per edge. */
export function searchCellSites(channels: number, layers: number, inputSize: number): CellSite[] {
  const cells: CellSite[] = [];
  let c = channels;
  let size = inputSize;
  for (let i = 0; i < layers; i++) {
    const reduction = isReduction(i, layers);
    if (reduction) c *= 2;
    const inSize = size;
    const out = reduction ? Math.ceil(size / 2) : size;
    cells.push({
      index: i, reduction, c, inputSize: inSize,
      edges: EDGE_LIST.map((e) => (reduction && e.input < 2 ? { c, stride: 2, y: out } : { c, stride: 1, y: out })),
    });
    size = out;
  }
  return cells;
}

/** Expected cost of a cell: sum over its 14 edges of sum_k softmax(logits_edge)_k * cost_k. */
export function expectedCellCost(logits: readonly (readonly number[])[], edges: readonly EdgeSite[]): OpCost {
  if (logits.length !== edges.length) throw new Error(`expectedCellCost: ${logits.length} rows of logits for ${edges.length} edges`);
  const total: OpCost = { params: 0, flops: 0, mac: 0 };
  edges.forEach((site, i) => {
    const e = expectedCost(softmax([...logits[i]!]), site.c, site.stride, site.y);
    for (const key of CRITERIA) total[key] += e[key];
  });
  return total;
}
