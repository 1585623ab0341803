// How many architectures the search space holds.
import { EDGES, PRIMITIVES, STEPS } from './primitives.js';

const binom2 = (n: bigint) => (n * (n - 1n)) / 2n;

export interface SpaceSize {
  /** SNAS' space: every edge picks one of the 8 ops, 'none' included: 8^14 per cell. */
  edgeAllPerCell: bigint;
  /** DARTS' discrete space: each node keeps 2 distinct incoming edges with one of the 7 other ops each. */
  twoPerNodePerCell: bigint;
  /** The same for a (normal, reduction) pair of cells, which a network is built from. */
  edgeAllPerNetwork: bigint;
  twoPerNodePerNetwork: bigint;
}

export function spaceSize(): SpaceSize {
  const ops = BigInt(PRIMITIVES.length);
  const edgeAll = ops ** BigInt(EDGES);
  let twoPerNode = 1n;
  for (let node = 2; node < 2 + STEPS; node++) twoPerNode *= binom2(BigInt(node)) * (ops - 1n) ** 2n;
  return { edgeAllPerCell: edgeAll, twoPerNodePerCell: twoPerNode, edgeAllPerNetwork: edgeAll ** 2n, twoPerNodePerNetwork: twoPerNode ** 2n };
}
