// What NASP and the two proximal baselines of its Sec. 4.5 do to alpha after the optimiser's
// step on the gradient taken at the binary architecture (SNAS-FACTS, "NASP"):
//   nasp        (Algorithm 2): keep the continuous alpha, projected onto the box [0, 1];
//   pa-lazy     (Eq. 10): keep the continuous alpha unconstrained (the lazy proximal step);
//   pa-standard (Eq. 9): project onto the discrete set itself, so alpha is always binary.
// In all three the architecture a step computes is binarise(alpha), and ops outside the space
// keep alpha 0. Pure functions on numbers: the strategy reads alpha once per step anyway.
import type { NaspSpace, NaspUpdate } from '../config/schema.js';
import type { Genotype } from '../space/genotype.js';
import { twoPerNode, type Alphas } from './architecture.js';
import { cellWeights } from './child.js';
import { withinSpace, zeroOutside } from './nasp-space.js';

/** NASP's binary architecture: per node the 2 strongest edges, on each its strongest op, within the space. */
export function binarise(alphas: Alphas, space: NaspSpace, name = 'nasp'): Genotype {
  const a = withinSpace(alphas, space);
  return { name, normal: twoPerNode(a.normal), reduce: twoPerNode(a.reduce), source: 'snas-lab search' };
}

/** A binary architecture as alpha: 1 on each kept (edge, op), 0 elsewhere (the discrete set's points). */
export function binaryAlphas(g: Genotype): Alphas {
  return { normal: cellWeights(g.normal), reduce: cellWeights(g.reduce) };
}

const clip01 = (a: Alphas): Alphas => ({
  normal: a.normal.map((r) => r.map((v) => Math.min(1, Math.max(0, v)))),
  reduce: a.reduce.map((r) => r.map((v) => Math.min(1, Math.max(0, v)))),
});

/** Alpha after the update rule's projection of the optimiser's result `stepped`. */
export function project(update: NaspUpdate, stepped: Alphas, space: NaspSpace): Alphas {
  switch (update) {
    case 'nasp': return zeroOutside(clip01(stepped), space);
    case 'pa-lazy': return zeroOutside(stepped, space);
    case 'pa-standard': return binaryAlphas(binarise(stepped, space));
  }
}
