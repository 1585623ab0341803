// The resource constraint of the search loss (paper Sec. 2.4, App. F; the released code's
// forms). Per cell type, each edge's cost under op weights w is, for each criterion c
// (params, FLOPs, MAC), sum_k cost_c[edge, k] * w_k, averaged over the cells of that type;
// an edge's term is the mean over criteria of log(max(1, that cost)), and a cell type's
// term is the sum over its 14 edges.
//   reparam_log:     w = Z (the concrete sample): gradients flow through Z to log alpha.
//   policy_gradient: sum over edges of log p(Z_edge) * (the edge's term at Z, held constant),
//                    Z held constant too (Eq. 11).
//   expected:        w = softmax(log alpha).
import * as tf from '@tensorflow/tfjs';
import { searchCellSites } from '../cost/cell-cost.js';
import { CRITERIA, opCostVector } from '../cost/op-cost.js';
import { withGradient } from '../ops/custom.js';
import { concreteLogDensity } from '../samplers/concrete.js';
import { EDGES, PRIMITIVES } from '../space/primitives.js';
import type { CellType } from './architecture.js';

export type ConstraintForm = 'reparam_log' | 'policy_gradient' | 'expected';

/** cost[criterion][edge][op] for each cell type, averaged over the cells of that type. */
export type CostTables = Record<CellType, number[][][]>;

export function costTables(channels: number, layers: number, inputSize: number): CostTables {
  const sites = searchCellSites(channels, layers, inputSize);
  const table = (reduction: boolean) => {
    const cells = sites.filter((s) => s.reduction === reduction);
    return CRITERIA.map((crit) => Array.from({ length: EDGES }, (_, e) => Array.from({ length: PRIMITIVES.length }, (_, k) =>
      cells.reduce((sum, cell) => {
        const site = cell.edges[e]!;
        return sum + opCostVector(site.c, site.stride, site.y)[k]![crit];
      }, 0) / cells.length)));
  };
  return { normal: table(false), reduce: table(true) };
}

/** x with a zero gradient. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return withGradient<T>([x], ([xi]) => ({ value: tf.clone(xi!) as T, gradFunc: (dy) => tf.zerosLike(dy) }));
}

/** Each edge's term [14]: mean over criteria of log(max(1, sum_k cost[c, e, k] w[e, k])). */
export function edgeTerms(w: tf.Tensor2D, cost: tf.Tensor3D): tf.Tensor1D {
  return tf.tidy(() => {
    const perCriterion = tf.sum(tf.mul(cost, tf.expandDims(w, 0)), 2); // [3, 14]
    return tf.mean(tf.log(tf.maximum(perCriterion, 1)), 0) as tf.Tensor1D;
  });
}

/** The constraint term of one cell type. */
export function costTerm(form: ConstraintForm, z: tf.Tensor2D, logAlpha: tf.Tensor2D, tau: number, cost: tf.Tensor3D): tf.Scalar {
  switch (form) {
    case 'reparam_log':
      return tf.sum(edgeTerms(z, cost));
    case 'expected':
      return tf.sum(edgeTerms(tf.softmax(logAlpha) as tf.Tensor2D, cost));
    case 'policy_gradient': {
      const zc = stopGradient(z);
      const reward = stopGradient(edgeTerms(zc, cost));
      return tf.sum(tf.mul(concreteLogDensity(zc, logAlpha, tau), reward));
    }
  }
}
