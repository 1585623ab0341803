// The 8 candidate operations of the DARTS/SNAS cell, in the order the paper's code uses
// (argmax ties go to the lower index).
export const PRIMITIVES = [
  'none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect',
  'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5',
] as const;
export type OpName = (typeof PRIMITIVES)[number];

/** Intermediate nodes per cell, and the edges they receive (2 + 3 + 4 + 5 = 14). */
export const STEPS = 4;
export const EDGES = 14;

/** The ops without weights: DARTS' best-known failure is a cell that collapses onto these (skip-connections above all). */
export const PARAMETER_FREE: readonly OpName[] = ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect'];

export function isOpName(s: unknown): s is OpName {
  return typeof s === 'string' && (PRIMITIVES as readonly string[]).includes(s);
}

/** The (node, input) of each of the 14 edges in canonical order: node 2 takes inputs 0,1; node 3 takes 0,1,2; ... */
export const EDGE_LIST: readonly { node: number; input: number }[] = (() => {
  const out: { node: number; input: number }[] = [];
  for (let node = 2; node < 2 + STEPS; node++) for (let input = 0; input < node; input++) out.push({ node, input });
  return out;
})();

/** The canonical index of the edge from `input` to `node`. */
export function edgeIndex(input: number, node: number): number {
  const i = EDGE_LIST.findIndex((e) => e.input === input && e.node === node);
  if (i < 0) throw new Error(`no edge from input ${input} to node ${node}`);
  return i;
}
