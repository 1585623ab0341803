// The cell a sampling method returns (random search with weight sharing, ENAS): at the end of
// each epoch, candidates sampled from the method's distribution are scored with the shared
// weights on a batch, and the best is kept (ties to the first drawn). It is kept as [14, 8] op
// counts per cell type, in the checkpoint and in alphas.json, so that the derived child is
// exactly the chosen one (two ops on one input, which ENAS' controller can pick, included).
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batches.js';
import type { SearchNetwork } from '../networks/search.js';
import type { Ctx } from '../nn/module.js';
import type { Edge, Genotype } from '../space/genotype.js';
import { EDGE_LIST, PRIMITIVES } from '../space/primitives.js';
import { CELL_TYPES, type Alphas, type CellType } from './architecture.js';
import { cellWeights, evalChild, withChild } from './child.js';

/** Each candidate's correct predictions on the batch, in the evaluation context `ctx`. */
export async function scoreChildren(net: SearchNetwork, candidates: Genotype[], batch: Batch, ctx: Ctx): Promise<number[]> {
  const out: number[] = [];
  for (const g of candidates) out.push(await withChild(g, (child) => evalChild(net, child, batch, ctx)));
  return out;
}

/** The index of the largest score (the first among equals). */
export function bestIndex(scores: readonly number[]): number {
  let best = 0;
  scores.forEach((s, i) => { if (s > scores[best]!) best = i; });
  return best;
}

/** The genotype whose op counts per edge are `a` (cellWeights' inverse; an edge counted twice is listed twice). */
export function genotypeOfCounts(a: Alphas, name: string): Genotype {
  const cell = (rows: number[][]) => {
    const edges: Edge[] = [];
    rows.forEach((row, e) => row.forEach((n, k) => {
      for (let i = 0; i < Math.round(n); i++) edges.push({ input: EDGE_LIST[e]!.input, node: EDGE_LIST[e]!.node, op: PRIMITIVES[k]! });
    }));
    edges.sort((x, y) => x.node - y.node);
    return { form: 'two-per-node' as const, edges };
  };
  return { name, normal: cell(a.normal), reduce: cell(a.reduce), source: 'snas-lab search' };
}

/** The chosen cell as checkpointed state (chosen/normal, chosen/reduce). */
export class ChosenCell {
  readonly counts: Record<CellType, tf.Variable>;

  constructor(initial: Genotype) {
    const v = (t: CellType) => tf.variable(tf.tensor2d(cellWeights(initial[t])), false);
    this.counts = { normal: v('normal'), reduce: v('reduce') };
  }

  set(g: Genotype): void {
    tf.tidy(() => { for (const t of CELL_TYPES) this.counts[t].assign(tf.tensor2d(cellWeights(g[t]))); });
  }

  state(): [string, tf.Variable][] {
    return CELL_TYPES.map((t) => [`chosen/${t}`, this.counts[t]]);
  }

  async values(): Promise<Alphas> {
    return { normal: (await this.counts.normal.array()) as number[][], reduce: (await this.counts.reduce.array()) as number[][] };
  }

  dispose(): void {
    tf.dispose(Object.values(this.counts));
  }
}

/** True at the last step of an epoch (where a method ranks its candidates). */
export function lastStepOfEpoch(clock: { step: number; stepsPerEpoch: number }): boolean {
  return (clock.step + 1) % clock.stepsPerEpoch === 0;
}
