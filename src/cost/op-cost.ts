// Per-op resource costs of one edge (paper Sec. 2.4, App. F): parameters ("size"), FLOPs and
// memory access cost (MAC), for C channels in and out and output spatial size y x y.
import { PRIMITIVES, type OpName } from '../space/primitives.js';

export interface OpCost {
  params: number;
  flops: number;
  mac: number;
}

export const CRITERIA = ['params', 'flops', 'mac'] as const;
export type Criterion = (typeof CRITERIA)[number];

/** App. F's table for one op on one edge. */
export function opCost(op: OpName, c: number, stride: number, y: number): OpCost {
  if (stride !== 1 && stride !== 2) throw new Error(`opCost: stride must be 1 or 2, got ${stride}`);
  const s2 = stride === 2;
  const area = y * y;
  switch (op) {
    case 'none':
      return { params: 0, flops: 0, mac: 0 };
    case 'max_pool_3x3':
    case 'avg_pool_3x3':
      return { params: 0, flops: 9 * area * c, mac: (s2 ? 5 : 2) * area * c };
    case 'skip_connect': {
      if (!s2) return { params: 0, flops: 0, mac: 2 * c * area };
      const size = c * c; // FactorizedReduce: two 1x1 convs C -> C/2
      return { params: size, flops: size * area, mac: 2 * area * (4 * c + c / 2) + size };
    }
    case 'sep_conv_3x3':
    case 'sep_conv_5x5': {
      const k = op === 'sep_conv_3x3' ? 3 : 5;
      const size = 2 * c * k * k + 2 * c * c;
      return { params: size, flops: size * area, mac: area * (s2 ? 11 : 8) * c + size };
    }
    case 'dil_conv_3x3':
    case 'dil_conv_5x5': {
      const k = op === 'dil_conv_3x3' ? 3 : 5;
      const size = c * k * k + c * c;
      return { params: size, flops: size * area, mac: area * (s2 ? 7 : 4) * c + size };
    }
  }
}

/** The cost of every op, in PRIMITIVES order. */
export function opCostVector(c: number, stride: number, y: number): OpCost[] {
  return PRIMITIVES.map((op) => opCost(op, c, stride, y));
}

/** Expected cost of an edge under a distribution p over the 8 ops: sum_k p_k c_k. */
export function expectedCost(p: ArrayLike<number>, c: number, stride: number, y: number): OpCost {
  if (p.length !== PRIMITIVES.length) throw new Error(`expectedCost: need ${PRIMITIVES.length} probabilities, got ${p.length}`);
  const out: OpCost = { params: 0, flops: 0, mac: 0 };
  opCostVector(c, stride, y).forEach((cost, k) => {
    for (const key of CRITERIA) out[key] += p[k]! * cost[key];
  });
  return out;
}
