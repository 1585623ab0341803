// The reproduction's runs, declared once (configs/reproduction.yaml) and turned into run
// requests at a scale: the searches of notebook 05 (Table 1, Fig. 4), the trainings of notebook
// 06 (Table 2), the sweep of notebook 08 and notebook 09's NASP runs. A notebook hands the requests to an executor
// (obtainRuns) and reads the finished runs back through the runs table.
import { basename, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, describeIssues, readYaml } from '../config/load.js';
import type { RunRequest } from '../executors/executor.js';
import { SCALES, type Scale } from '../scale.js';
import { searchRequests, searchRunDir } from '../search/requests.js';
import { readSweep, sweepJobs, type SweepJob } from '../search/sweep.js';
import { randomCells } from '../train/random-cells.js';
import { trainRequests } from '../train/requests.js';
import { projectPath, projectRoot } from '../util/root.js';

const perScale = <T extends z.ZodTypeAny>(t: T) => z.object(Object.fromEntries(SCALES.map((s) => [s, t])) as Record<Scale, T>).strict();
const Seeds = perScale(z.array(z.number().int().min(0)).min(1));

export const ReproductionSchema = z.object({
  searches: z.array(z.object({
    /** A search config, from the project root. */
    config: z.string().min(1),
    /** Its method's label in the paper's Table 1 and Table 2 (rows are paired by it). */
    table1: z.string().min(1),
    /** Absent: notebook 06 does not train its cell (the methods after SNAS, whose cells Table 2 does not list). */
    table2: z.string().min(1).optional(),
    /** The paper's published cell of this method, trained beside the cell found here. */
    published: z.string().min(1).optional(),
    seeds: Seeds,
    /** Queued before the others (the longest search). */
    first: z.boolean().default(false),
  }).strict()).min(1),
  claims: z.object({ snas: z.string().min(1), darts: z.string().min(1) }).strict(),
  evaluation: z.object({
    config: z.string().min(1),
    seeds: Seeds,
    random_cells: perScale(z.number().int().min(0)),
    random_seed: z.number().int().min(0).default(0),
  }).strict(),
  ablation: z.object({ sweep: z.string().min(1) }).strict(),
  nasp: z.object({
    /** NASP as its paper describes it (a search config, from the project root). */
    search: z.string().min(1),
    seeds: Seeds,
    /** The searches NASP is set against: config names among `searches`, run with their seeds there. */
    darts_1st: z.string().min(1),
    darts_2nd: z.string().min(1),
    snas: z.string().min(1),
    /** Sweeps over NASP's config: the proximal baselines, and the regulariser's eta. */
    updates: z.string().min(1),
    eta: z.string().min(1),
  }).strict(),
}).strict();

export const REPRODUCTION_FILE = 'configs/reproduction.yaml';

export interface PlannedSearch {
  /** The config's name (snas-mild): the runs table's config. */
  name: string;
  file: string;
  table1: string;
  /** Absent where notebook 06 does not train the search's cell. */
  table2?: string;
  published?: string;
  seeds: number[];
  first: boolean;
}

export interface PlannedCell {
  /** The paper's Table 2 method the cell stands under. */
  method: string;
  /** Which cell, in words. */
  cell: string;
  /** A published genotype's name or a genotype file: the runs table's genotype of its trainings. */
  genotype: string;
  /** The search (config name) that found it, for cells found here. */
  foundBy?: string;
}

export interface Reproduction {
  scale: Scale;
  searches: PlannedSearch[];
  claims: { snas: string; darts: string };
  evaluation: { file: string; seeds: number[]; randomCells: number; randomSeed: number };
  ablation: { sweep: string };
  nasp: NaspPlan;
}

/** Notebook 09's runs: NASP in the paper's space, the searches it is compared with, two sweeps. */
export interface NaspPlan {
  search: { name: string; file: string; seeds: number[] };
  /** Config names of the compared searches (among Reproduction.searches). */
  compared: { darts_1st: string; darts_2nd: string; snas: string };
  updates: string;
  eta: string;
}

export function reproduction(scale: Scale, file = REPRODUCTION_FILE): Reproduction {
  const path = join(projectRoot(), file);
  const raw = readYaml(path);
  const r = ReproductionSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(describeIssues(file, r.error, raw, ReproductionSchema));
  const p = r.data;
  const fromRoot = (f: string) => join(projectRoot(), f);
  const searches = p.searches.map((s) => ({
    name: basename(s.config, extname(s.config)), file: fromRoot(s.config), table1: s.table1, table2: s.table2, published: s.published, seeds: s.seeds[scale], first: s.first,
  }));
  for (const [key, name] of Object.entries(p.claims)) {
    if (!searches.some((s) => s.name === name)) throw new ConfigError(`${file}: claims.${key}: expected one of the searches (${searches.map((s) => s.name).join(', ')}), got '${name}'`);
  }
  for (const key of ['darts_1st', 'darts_2nd', 'snas'] as const) {
    const name = p.nasp[key];
    if (!searches.some((s) => s.name === name)) throw new ConfigError(`${file}: nasp.${key}: expected one of the searches (${searches.map((s) => s.name).join(', ')}), got '${name}'`);
  }
  const e = p.evaluation;
  return {
    scale, searches, claims: { snas: p.claims.snas, darts: p.claims.darts },
    evaluation: { file: fromRoot(e.config), seeds: e.seeds[scale], randomCells: e.random_cells[scale], randomSeed: e.random_seed },
    ablation: { sweep: fromRoot(p.ablation.sweep) },
    nasp: {
      search: { name: basename(p.nasp.search, extname(p.nasp.search)), file: fromRoot(p.nasp.search), seeds: p.nasp.seeds[scale] },
      compared: { darts_1st: p.nasp.darts_1st, darts_2nd: p.nasp.darts_2nd, snas: p.nasp.snas },
      updates: fromRoot(p.nasp.updates), eta: fromRoot(p.nasp.eta),
    },
  };
}

/** Every search over its seeds, those marked first queued first. */
export function searchRunRequests(r: Reproduction): RunRequest[] {
  const ordered = [...r.searches.filter((s) => s.first), ...r.searches.filter((s) => !s.first)];
  return ordered.flatMap((s) => searchRequests(s.file, r.scale, s.seeds));
}

/** The searches whose cells notebook 06 trains: each search with a Table 2 row, its first seed. */
export function foundCellSearches(r: Reproduction): RunRequest[] {
  return r.searches.filter((s) => s.table2).flatMap((s) => searchRequests(s.file, r.scale, [s.seeds[0]!]));
}

/**
 * The cells notebook 06 trains, in Table 2's order: per search the cell it found (its first
 * seed's genotype.json) and the published cell of its method, then the random cells (written
 * now as genotype files).
 */
export function evaluationCells(r: Reproduction): PlannedCell[] {
  const cells: PlannedCell[] = [];
  for (const s of r.searches) {
    if (!s.table2) continue;
    const seed = s.seeds[0]!;
    cells.push({ method: s.table2, cell: `found here: ${s.name} (${r.scale}, seed ${seed})`, genotype: projectPath(join(searchRunDir(s.name, r.scale, seed), 'genotype.json')), foundBy: s.name });
    if (s.published) cells.push({ method: s.table2, cell: `published ${s.published}`, genotype: s.published });
  }
  randomCells(r.evaluation.randomCells, r.evaluation.randomSeed).forEach((file, k) => {
    cells.push({ method: 'Random search baseline + cutout', cell: `random cell ${k}`, genotype: projectPath(file) });
  });
  return cells;
}

/** The trainings of the cells, over the evaluation seeds. */
export function trainingRunRequests(r: Reproduction, cells: PlannedCell[]): RunRequest[] {
  return cells.flatMap((c) => trainRequests(r.evaluation.file, r.scale, c.genotype, r.evaluation.seeds));
}

/** The ablation's sweep: every (value, seed) at the scale. */
export function ablationRunRequests(r: Reproduction, opts: { sweep?: string; seeds?: number[] } = {}): { sweep: ReturnType<typeof readSweep>; jobs: SweepJob[] } {
  // Another sweep file (notebook 08's parameter), from the project root unless absolute.
  const file = opts.sweep ? resolve(projectRoot(), opts.sweep) : r.ablation.sweep;
  const read = readSweep(file);
  const sweep = opts.seeds?.length ? { ...read, seeds: { ...read.seeds, [r.scale]: [...opts.seeds] } } : read;
  return { sweep, jobs: sweepJobs(sweep, file, r.scale) };
}

/**
 * The plan narrowed to the searches a reader chose (config names; none: all) and, when given,
 * other seeds for each: notebook 05's parameters.
 */
export function selectSearches(r: Reproduction, methods: string[] = [], seeds: number[] = []): Reproduction {
  const names = r.searches.map((s) => s.name);
  const unknown = methods.filter((m) => !names.includes(m));
  if (unknown.length) throw new ConfigError(`methods: no search named ${unknown.map((u) => `'${u}'`).join(', ')} in ${REPRODUCTION_FILE}; expected some of ${names.join(', ')}`);
  const kept = methods.length ? r.searches.filter((s) => methods.includes(s.name)) : r.searches;
  return { ...r, searches: kept.map((s) => ({ ...s, seeds: seeds.length ? [...seeds] : s.seeds })) };
}

/** A short name for a planned cell, as a reader would pick it: found-snas-mild, SNAS_mild, random-0. */
export function cellId(c: PlannedCell): string {
  if (c.foundBy) return `found-${c.foundBy}`;
  const random = /^random cell (\d+)$/.exec(c.cell);
  return random ? `random-${random[1]}` : c.genotype;
}

/** The cells a reader chose by id (none: all), and the evaluation's seeds replaced when given: notebook 06's parameters. */
export function selectCells(r: Reproduction, cells: PlannedCell[], ids: string[] = [], seeds: number[] = []): { plan: Reproduction; cells: PlannedCell[] } {
  const all = cells.map(cellId);
  const unknown = ids.filter((id) => !all.includes(id));
  if (unknown.length) throw new ConfigError(`cells: no cell ${unknown.map((u) => `'${u}'`).join(', ')}; expected some of ${all.join(', ')}`);
  const kept = ids.length ? cells.filter((c) => ids.includes(cellId(c))) : cells;
  const plan = seeds.length ? { ...r, evaluation: { ...r.evaluation, seeds: [...seeds] } } : r;
  return { plan, cells: kept };
}

/** The searches whose found cells are among `cells`. */
export function searchesOfCells(r: Reproduction, cells: PlannedCell[]): RunRequest[] {
  const wanted = new Set(cells.map((c) => c.foundBy).filter(Boolean));
  return r.searches.filter((s) => wanted.has(s.name)).flatMap((s) => searchRequests(s.file, r.scale, [s.seeds[0]!]));
}

/**
 * Notebook 09's runs: NASP over its seeds, the compared searches over theirs (notebook 05's runs,
 * reused when it ran first), and the two sweeps. Each sweep run's config column in the runs
 * table is its value's name (pa-standard, eta-0.1).
 */
export function naspRunRequests(r: Reproduction): { nasp: RunRequest[]; compared: RunRequest[]; updates: SweepJob[]; eta: SweepJob[] } {
  const n = r.nasp;
  const names = Object.values(n.compared);
  const compared = r.searches.filter((s) => names.includes(s.name)).flatMap((s) => searchRequests(s.file, r.scale, s.seeds));
  const sweep = (file: string) => sweepJobs(readSweep(file), file, r.scale);
  return { nasp: searchRequests(n.search.file, r.scale, n.search.seeds), compared, updates: sweep(n.updates), eta: sweep(n.eta) };
}
