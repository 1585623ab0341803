// A derived child on the supernet's shared weights, as Table 1's "child accuracy without
// finetuning" evaluates it: weight 1 on each op the genotype keeps, 0 elsewhere, and only the
// kept ops computed. Works for every form: SNAS' edge-all cells ('none' edges add nothing),
// DARTS' two edges per node, and ENAS' children (two ops on one edge add up).
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batches.js';
import type { SearchNetwork } from '../networks/search.js';
import type { CellGenotype, Genotype } from '../space/genotype.js';
import { EDGES, PRIMITIVES, edgeIndex } from '../space/primitives.js';
import type { ActiveOps } from '../space/search-cell.js';
import type { CellType } from './architecture.js';
import { correctCount, softmaxCrossEntropy } from '../ops/index.js';
import type { Sgd } from '../optim/sgd.js';
import { countCorrect, since, stepResult, type StepResult } from './strategy.js';
import type { Ctx } from '../nn/module.js';

/** [14][8] op weights of a cell: 1 where the genotype keeps an op on an edge (2 where it lists the same op twice). */
export function cellWeights(cell: CellGenotype): number[][] {
  const rows = Array.from({ length: EDGES }, () => new Array<number>(PRIMITIVES.length).fill(0));
  for (const e of cell.edges) rows[edgeIndex(e.input, e.node)]![PRIMITIVES.indexOf(e.op)]! += 1;
  return rows;
}

/** The ops each edge computes under given op weights: those with a non-zero weight. */
export function activeOps(rows: readonly (readonly number[])[]): ActiveOps {
  return rows.map((r) => r.flatMap((w, k) => (w !== 0 ? [k] : [])));
}

export interface ChildNetwork {
  weights: Record<CellType, tf.Tensor2D>;
  active: Record<CellType, ActiveOps>;
  dispose(): void;
}

export function childNetwork(g: Genotype): ChildNetwork {
  const rows = { normal: cellWeights(g.normal), reduce: cellWeights(g.reduce) };
  const weights = { normal: tf.tensor2d(rows.normal), reduce: tf.tensor2d(rows.reduce) };
  return { weights, active: { normal: activeOps(rows.normal), reduce: activeOps(rows.reduce) }, dispose: () => tf.dispose([weights.normal, weights.reduce]) };
}

/** Runs `f` on the genotype's child network and frees the network afterwards. */
export async function withChild<T>(g: Genotype, f: (child: ChildNetwork) => Promise<T>): Promise<T> {
  const child = childNetwork(g);
  try {
    return await f(child);
  } finally {
    child.dispose();
  }
}

/** Correct predictions of the child on a batch in the evaluation context `ctx` (its BN rule). */
export function evalChild(net: SearchNetwork, child: ChildNetwork, batch: Batch, ctx: Ctx): Promise<number> {
  return countCorrect(() => net.forward(batch.x, child.weights.normal, child.weights.reduce, ctx, child.active), batch);
}

const opSizes = new WeakMap<SearchNetwork, Record<CellType, number[][]>>();

/** Parameters of each op of each edge, [edge][op], summed over the cells of each type. */
export function opSizesOf(net: SearchNetwork): Record<CellType, number[][]> {
  let sizes = opSizes.get(net);
  if (!sizes) {
    const zero = () => Array.from({ length: EDGES }, () => new Array<number>(PRIMITIVES.length).fill(0));
    sizes = { normal: zero(), reduce: zero() };
    for (const cell of net.cells) {
      const rows = sizes[cell.reduction ? 'reduce' : 'normal'];
      cell.edges.forEach((edge, e) => edge.ops.forEach((op, k) => { rows[e]![k]! += op.trainableVariables().reduce((n, v) => n + v.size, 0); }));
    }
    opSizes.set(net, sizes);
  }
  return sizes;
}

/** The share of the network's cell-op parameters (every edge's ops, every cell) that the child's ops hold. */
export function opWeightShare(net: SearchNetwork, child: Pick<ChildNetwork, 'active'>): number {
  const sizes = opSizesOf(net);
  let mine = 0;
  let all = 0;
  for (const type of ['normal', 'reduce'] as const) {
    sizes[type].forEach((row, e) => row.forEach((size, k) => {
      all += size;
      if (child.active[type][e]!.includes(k)) mine += size;
    }));
  }
  return all > 0 ? mine / all : 0;
}

/** One SGD step of the shared weights through the child's ops only (NASP's and ENAS' weight step). */
export async function trainChild(net: SearchNetwork, sgd: Sgd, child: ChildNetwork, batch: Batch, lr: number): Promise<StepResult> {
  const weights = net.trainableVariables();
  const t0 = performance.now();
  let forward = 0;
  const [loss, correct] = tf.tidy(() => {
    let hits: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = net.forward(batch.x, child.weights.normal, child.weights.reduce, { training: true }, child.active);
      hits = tf.keep(correctCount(logits, batch.y));
      const l = softmaxCrossEntropy(logits, batch.y);
      forward = since(t0);
      return l;
    }, weights);
    sgd.step(weights, grads, lr);
    return [value, hits!];
  });
  const seconds = { forward, backward: since(t0) - forward };
  return { ...stepResult(loss!, correct!, undefined, batch), opsTrained: opWeightShare(net, child), seconds };
}
