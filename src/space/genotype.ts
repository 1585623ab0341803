// Genotypes as data: a cell is a list of [op, input] pairs, either two per intermediate node
// (8 entries, DARTS' form) or one per edge (14 entries, SNAS' "edge_all" form, edges in
// canonical order). Parsing validates and normalises both to a list of edges.
import { EDGE_LIST, EDGES, isOpName, PRIMITIVES, STEPS, type OpName } from './primitives.js';

export interface Edge {
  op: OpName;
  /** 0 and 1: the outputs of cells k-2 and k-1; i >= 2: intermediate node i. */
  input: number;
  /** The intermediate node (2..5) this edge feeds. */
  node: number;
}

export type CellForm = 'two-per-node' | 'edge-all';

export interface CellGenotype {
  form: CellForm;
  edges: Edge[];
}

export interface Genotype {
  name: string;
  normal: CellGenotype;
  reduce: CellGenotype;
  /** Where the genotype comes from (a paper's code, a search run). */
  source?: string;
}

export class GenotypeError extends Error {}

/** Parses one cell from [[op, input], ...]; `where` names it in errors (e.g. 'genotypes.yaml: SNAS_mild.normal'). */
export function parseCell(raw: unknown, where: string): CellGenotype {
  if (!Array.isArray(raw)) throw new GenotypeError(`${where}: expected a list of [op, input] pairs`);
  if (raw.length !== 2 * STEPS && raw.length !== EDGES) {
    throw new GenotypeError(`${where}: expected ${2 * STEPS} entries (two per node) or ${EDGES} (one per edge), got ${raw.length}`);
  }
  const form: CellForm = raw.length === EDGES ? 'edge-all' : 'two-per-node';
  const edges = raw.map((entry, i): Edge => {
    const at = `${where}[${i}]`;
    if (!Array.isArray(entry) || entry.length !== 2) throw new GenotypeError(`${at}: expected [op, input], got ${JSON.stringify(entry)}`);
    const [op, input] = entry as [unknown, unknown];
    if (!isOpName(op)) throw new GenotypeError(`${at}: unknown op ${JSON.stringify(op)}; expected one of ${PRIMITIVES.join(', ')}`);
    const node = form === 'edge-all' ? EDGE_LIST[i]!.node : 2 + Math.floor(i / 2);
    if (typeof input !== 'number' || !Number.isInteger(input) || input < 0 || input >= node) {
      throw new GenotypeError(`${at}: input ${JSON.stringify(input)} out of range for node ${node}; expected an integer from 0 to ${node - 1}`);
    }
    if (form === 'edge-all' && input !== EDGE_LIST[i]!.input) {
      throw new GenotypeError(`${at}: in the 14-entry form entry ${i} is the edge from input ${EDGE_LIST[i]!.input} to node ${node}, got input ${input}`);
    }
    return { op, input, node };
  });
  return { form, edges };
}

export function parseGenotype(name: string, raw: unknown, where = name): Genotype {
  if (typeof raw !== 'object' || raw === null) throw new GenotypeError(`${where}: expected a mapping with normal and reduce`);
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!['normal', 'reduce', 'source'].includes(key)) throw new GenotypeError(`${where}: unknown key '${key}'; expected normal, reduce, source`);
  }
  if (r.normal === undefined || r.reduce === undefined) throw new GenotypeError(`${where}: needs both normal and reduce`);
  return {
    name,
    normal: parseCell(r.normal, `${where}.normal`),
    reduce: parseCell(r.reduce, `${where}.reduce`),
    ...(typeof r.source === 'string' ? { source: r.source } : {}),
  };
}

export function cellToData(cell: CellGenotype): [OpName, number][] {
  return cell.edges.map((e) => [e.op, e.input]);
}

/** The data form of a genotype (what parseGenotype reads back). */
export function genotypeToData(g: Genotype): { normal: [OpName, number][]; reduce: [OpName, number][]; source?: string } {
  return { normal: cellToData(g.normal), reduce: cellToData(g.reduce), ...(g.source ? { source: g.source } : {}) };
}
