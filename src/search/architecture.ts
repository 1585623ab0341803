// The architecture parameters of a search: log-alphas for the normal and the reduction cell
// ([14, 8] each), their entropy, and SNAS' derivation of a child (argmax over all 8 ops per
// edge, 'none' included; edges whose argmax is 'none' vanish).
import * as tf from '@tensorflow/tfjs';
import type { CellGenotype, Edge, Genotype } from '../space/genotype.js';
import { EDGE_LIST, EDGES, PARAMETER_FREE, PRIMITIVES, STEPS } from '../space/primitives.js';
import { softmax } from '../space/sample.js';

export type CellType = 'normal' | 'reduce';
export const CELL_TYPES: readonly CellType[] = ['normal', 'reduce'];

/** Probabilities are clamped at this value before p log p (as the entropy of Fig. 4 is defined). */
export const ENTROPY_FLOOR = 1e-4;

export type Alphas = Record<CellType, number[][]>;

export class Architecture {
  readonly logAlpha: Record<CellType, tf.Variable>;

  constructor(init: { mean: number; std: number }, seed: number) {
    const make = (k: number) => {
      const t = tf.randomNormal([EDGES, PRIMITIVES.length], init.mean, init.std, 'float32', seed + k);
      const v = tf.variable(t, true);
      t.dispose();
      return v;
    };
    this.logAlpha = { normal: make(1), reduce: make(2) };
  }

  variables(): tf.Variable[] {
    return [this.logAlpha.normal, this.logAlpha.reduce];
  }

  /** The values now, read synchronously (construction, where no step is pending). */
  valuesSync(): Alphas {
    return { normal: this.logAlpha.normal.arraySync() as number[][], reduce: this.logAlpha.reduce.arraySync() as number[][] };
  }

  async values(): Promise<Alphas> {
    return { normal: (await this.logAlpha.normal.array()) as number[][], reduce: (await this.logAlpha.reduce.array()) as number[][] };
  }

  dispose(): void {
    tf.dispose(this.variables());
  }
}

/** -sum over edges and ops of p log p, p = softmax(row) clamped at ENTROPY_FLOOR. */
export function entropy(rows: readonly (readonly number[])[]): number {
  let h = 0;
  for (const row of rows) for (const p of softmax([...row])) {
    const q = Math.max(p, ENTROPY_FLOOR);
    h -= q * Math.log(q);
  }
  return h;
}

/** Index of the largest value; ties go to the lower index. */
export function argmax(row: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k]! > row[best]!) best = k;
  return best;
}

/** SNAS' rule: every edge keeps its argmax op (an edge-all genotype; 'none' edges contribute nothing). */
export function deriveSnas(alphas: Alphas, name: string): Genotype {
  const cell = (rows: number[][]) => ({
    form: 'edge-all' as const,
    edges: EDGE_LIST.map((e, i): Edge => ({ op: PRIMITIVES[argmax(rows[i]!)]!, input: e.input, node: e.node })),
  });
  return { name, normal: cell(alphas.normal), reduce: cell(alphas.reduce), source: 'snas-lab search' };
}

const NONE = PRIMITIVES.indexOf('none');

/**
 * The two-per-node rule on op scores [14][8] (DARTS' derivation, NASP's binarisation): each
 * node keeps the 2 incoming edges whose strongest non-'none' score is largest (ties to the
 * lower edge), each with that op (ties to the lower op).
 */
export function twoPerNode(scores: readonly (readonly number[])[]): CellGenotype {
  const best = scores.map((row) => {
    let k = -1;
    row.forEach((v, j) => { if (j !== NONE && (k < 0 || v > row[k]!)) k = j; });
    return { k, v: row[k]! };
  });
  const edges: Edge[] = [];
  for (let node = 2; node < 2 + STEPS; node++) {
    const incoming = EDGE_LIST.flatMap((e, i) => (e.node === node ? [i] : []));
    const kept = [...incoming].sort((a, b) => best[b]!.v - best[a]!.v || a - b).slice(0, 2).sort((a, b) => a - b);
    for (const i of kept) edges.push({ op: PRIMITIVES[best[i]!.k]!, input: EDGE_LIST[i]!.input, node });
  }
  return { form: 'two-per-node', edges };
}

/**
 * The two-per-node rule on softmax(alpha) as a [14, 8] mask of 0 and 1 computed on the backend
 * (what cellWeights(deriveDarts(...)) gives, but without reading alpha back: a step of DARTS
 * counts its flips with it and never waits for the device).
 */
export function twoPerNodeMask(alpha: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => twoPerNodeMaskOf(tf.softmax(alpha) as tf.Tensor2D));
}

/** The two-per-node rule on op scores [14, 8] (twoPerNode's rule) as a 0/1 mask on the backend. */
export function twoPerNodeMaskOf(scores: tf.Tensor2D): tf.Tensor2D {
  if (NONE !== 0) throw new Error("twoPerNodeMaskOf expects 'none' first among the primitives");
  return tf.tidy(() => {
    const ops = tf.slice(scores, [0, 1], [-1, PRIMITIVES.length - 1]);
    const best = tf.max(ops, 1);
    const opHot = tf.oneHot(tf.argMax(ops, 1), PRIMITIVES.length - 1).toFloat();
    const kept: tf.Tensor[] = [];
    let start = 0;
    for (let node = 2; node < 2 + STEPS; node++) {
      const { indices } = tf.topk(tf.slice(best, [start], [node]), 2);
      kept.push(tf.sum(tf.oneHot(indices, node), 0));
      start += node;
    }
    const edges = tf.reshape(tf.concat(kept), [EDGES, 1]).toFloat();
    return tf.concat([tf.zeros([EDGES, 1]), tf.mul(opHot, edges)], 1) as tf.Tensor2D;
  });
}

/** The DARTS-rule masks of both cell types now (the start of a step, for derivedFlips). */
export function derivedMasks(logAlpha: Record<CellType, tf.Variable>): Record<CellType, tf.Tensor2D> {
  return { normal: twoPerNodeMask(logAlpha.normal as tf.Tensor2D), reduce: twoPerNodeMask(logAlpha.reduce as tf.Tensor2D) };
}

/**
 * The choices of the DARTS-rule architecture that changed since `before` (derivedMasks at a
 * step's start), on the backend; frees `before`.
 */
export function derivedFlips(before: Record<CellType, tf.Tensor2D>, logAlpha: Record<CellType, tf.Variable>): tf.Scalar {
  return maskFlips(before, derivedMasks(logAlpha));
}

/** The choices kept in the masks `after` that `before` did not keep, on the backend; frees both. */
export function maskFlips(before: Record<CellType, tf.Tensor2D>, after: Record<CellType, tf.Tensor2D>): tf.Scalar {
  const flips = tf.tidy(() => tf.addN(CELL_TYPES.map((t) => tf.sum(tf.mul(after[t], tf.sub(1, before[t]))))) as tf.Scalar);
  tf.dispose([...Object.values(before), ...Object.values(after)]);
  return flips;
}

/** DARTS' rule on softmax(alpha) per edge. */
export function deriveDarts(alphas: Alphas, name: string): Genotype {
  const cell = (rows: number[][]) => twoPerNode(rows.map((r) => softmax(r)));
  return { name, normal: cell(alphas.normal), reduce: cell(alphas.reduce), source: 'snas-lab search' };
}

/** How many of a derived cell's edges are parameter-free ops (none, pools, skip). */
export function parameterFreeEdges(g: Genotype, type: CellType): number {
  return g[type].edges.filter((e) => PARAMETER_FREE.includes(e.op)).length;
}

/**
 * How many (cell type, edge, op) choices `b` keeps that `a` did not: a discrete architecture's
 * changes from `a` to `b` (an op swapped on a kept edge, or an edge swapped for another, counts 1).
 */
export function choiceChanges(a: Genotype, b: Genotype): number {
  let n = 0;
  for (const type of CELL_TYPES) {
    const before = new Set(a[type].edges.map((e) => `${e.node}/${e.input}/${e.op}`));
    n += b[type].edges.filter((e) => !before.has(`${e.node}/${e.input}/${e.op}`)).length;
  }
  return n;
}

/** Compact text of a derived cell: op@input per edge. */
export function cellText(g: Genotype, type: CellType): string {
  return g[type].edges.map((e) => `${e.op}@${e.input}`).join(' ');
}
