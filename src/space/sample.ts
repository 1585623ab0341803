// Child graphs drawn from a factorised distribution over the cell (paper Sec. 2.1): every
// edge independently picks one op, op k with probability softmax(logits)_k.
import type { Rng } from '../util/rng.js';
import type { CellGenotype } from './genotype.js';
import { EDGE_LIST, EDGES, PRIMITIVES, STEPS } from './primitives.js';

export function softmax(row: readonly number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/** Index drawn from a categorical distribution with probabilities p. */
export function categorical(p: readonly number[], next: Rng): number {
  const u = next();
  let acc = 0;
  for (let k = 0; k < p.length; k++) {
    acc += p[k]!;
    if (u < acc) return k;
  }
  return p.length - 1;
}

/** One-hot child cell: an op per edge (the 14-entry form), from logits [14][8]. */
export function sampleChild(logits: readonly (readonly number[])[], next: Rng): CellGenotype {
  if (logits.length !== EDGES || logits.some((r) => r.length !== PRIMITIVES.length)) {
    throw new Error(`sampleChild: logits must be ${EDGES} x ${PRIMITIVES.length}`);
  }
  return {
    form: 'edge-all',
    edges: EDGE_LIST.map((e, i) => ({ ...e, op: PRIMITIVES[categorical(softmax([...logits[i]!]), next)]! })),
  };
}

/** A cell drawn uniformly from DARTS' discrete space: per node two distinct inputs, each with one of the 7 ops other than 'none'. */
export function randomCell(next: Rng): CellGenotype {
  const ops = PRIMITIVES.filter((p) => p !== 'none');
  const edges = [];
  for (let node = 2; node < 2 + STEPS; node++) {
    const first = Math.floor(next() * node);
    let second = Math.floor(next() * (node - 1));
    if (second >= first) second++;
    for (const input of [first, second].sort((a, b) => a - b)) edges.push({ input, node, op: ops[Math.floor(next() * ops.length)]! });
  }
  return { form: 'two-per-node', edges };
}
