// The NASP paper's results on this project's runs (notebook 09): Table 6's time split, Fig. 3's
// accuracy against search seconds, Fig. 4's changes of the discrete architecture, Fig. 2's
// regulariser, and the paper's claims with this project's rule (claims.ts: held only when the
// margin exceeds the spread over seeds). Everything is read from the runs table (metrics.csv,
// timing.csv) and the runs' alpha_history.jsonl; the paper's figures are quoted from
// paper-tables.yaml.
import type { DataFrame } from 'danfojs-node';
import { DerivedNetwork, NETWORK_DEFAULTS } from '../networks/derived.js';
import { selectRuns } from '../results/table.js';
import { choiceChanges, deriveDarts, type Alphas } from '../search/architecture.js';
import { binarise } from '../search/nasp-update.js';
import { readAlphaHistory, readSearchRun } from '../search/read.js';
import type { NaspSpace } from '../config/schema.js';
import { EDGE_LIST, PRIMITIVES } from '../space/primitives.js';
import type { Genotype } from '../space/genotype.js';
import { mean } from '../util/stats.js';
import type { BandSeries } from './band-figure.js';
import { spreadOf, verdictOf, type Verdict } from './claims.js';
import type { Figure } from './figure.js';
import { paperTables } from './paper.js';
import { col } from './run-stats.js';
import type { Row } from './table.js';

/** One run's epochs, with its cumulative search seconds (training steps only, no evaluation). */
export interface RunSeries {
  run: string;
  seed: number;
  epoch: number[];
  /** Seconds of training steps up to the end of each epoch. */
  seconds: number[];
  search: number[];
  child: number[];
  flips: number[];
  /** Mean seconds per step over the run: the whole step and its parts (timing.csv). */
  perStep: { step: number; arch: number; forward: number; backward: number };
  steps: number;
}

const num = (v: unknown) => Number(v);

/** The runs of one config (the runs table's config column), as series ordered by seed. */
export function runSeries(runs: DataFrame, config: string): RunSeries[] {
  const mine = selectRuns(runs, { config });
  if (mine.shape[0] === 0) throw new Error(`no runs of config '${config}' in the runs table`);
  const c = (name: string) => col(mine, name).map(num);
  const [ids, seeds, epochs, steps] = [col<string>(mine, 'run'), c('seed'), c('epoch'), c('steps')];
  const [search, child, flips] = [c('search_val_acc'), c('child_val_acc'), c('flips')];
  const [step, arch, forward, backward] = ['step_s', 'arch_s', 'forward_s', 'backward_s'].map((k) => (mine.columns.includes(k) ? c(k) : epochs.map(() => NaN)));
  const out: RunSeries[] = [];
  for (const run of [...new Set(ids)]) {
    const rows = ids.flatMap((r, i) => (r === run ? [i] : [])).sort((a, b) => epochs[a]! - epochs[b]!);
    const total = rows.reduce((n, i) => n + steps[i]!, 0);
    const perStep = (xs: number[]) => rows.reduce((n, i) => n + xs[i]! * steps[i]!, 0) / total;
    let t = 0;
    out.push({
      run, seed: seeds[rows[0]!]!, epoch: rows.map((i) => epochs[i]!), seconds: rows.map((i) => (t += step[i]! * steps[i]!)),
      search: rows.map((i) => search[i]!), child: rows.map((i) => child[i]!), flips: rows.map((i) => flips[i]!),
      perStep: { step: perStep(step), arch: perStep(arch), forward: perStep(forward), backward: perStep(backward) }, steps: total,
    });
  }
  return out.sort((a, b) => a.seed - b.seed);
}

/**
 * A run's accuracy at `t` search seconds, linear between its epochs' ends, from `chance` at 0
 * seconds; NaN past its last epoch.
 */
export function accuracyAt(s: RunSeries, which: 'search' | 'child', t: number, chance: number): number {
  const xs = [0, ...s.seconds];
  const ys = [chance, ...s[which]];
  if (t > xs[xs.length - 1]! + 1e-9) return NaN;
  for (let i = 1; i < xs.length; i++) if (t <= xs[i]!) return ys[i - 1]! + ((ys[i]! - ys[i - 1]!) * (t - xs[i - 1]!)) / (xs[i]! - xs[i - 1]!);
  return ys[ys.length - 1]!;
}

/** Per epoch, the mean over runs of the x and the mean, lowest and highest y (a band figure's series). */
export function bandOver(name: string, series: RunSeries[], y: (s: RunSeries) => number[], x: (s: RunSeries) => number[] = (s) => s.seconds): BandSeries {
  const n = Math.min(...series.map((s) => s.epoch.length));
  const at = (f: (s: RunSeries) => number[], i: number) => series.map((s) => f(s)[i]!);
  const idx = Array.from({ length: n }, (_, i) => i);
  return {
    name: `${name} (${series.length} seed${series.length === 1 ? '' : 's'})`,
    x: idx.map((i) => mean(at(x, i))), mean: idx.map((i) => mean(at(y, i))),
    lo: idx.map((i) => Math.min(...at(y, i))), hi: idx.map((i) => Math.max(...at(y, i))),
  };
}

export interface Labelled { label: string; series: RunSeries[] }

/** A label as a column name: 'DARTS 2nd order' -> 'darts_2nd_order'. */
const slug = (label: string) => label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/** Table 6 measured: seconds per step and over the search, per method, mean over its runs. */
export function table6Rows(methods: Labelled[], reference: string): Row[] {
  const ref = methods.find((m) => m.label === reference);
  const refStep = ref ? mean(ref.series.map((s) => s.perStep.step)) : NaN;
  return methods.map(({ label, series }) => {
    const m = (f: (s: RunSeries) => number) => mean(series.map(f));
    const step = m((s) => s.perStep.step);
    return {
      method: label, source: 'measured', runs: series.length, steps: m((s) => s.steps),
      arch_s_per_step: m((s) => s.perStep.arch), forward_s_per_step: m((s) => s.perStep.forward), backward_s_per_step: m((s) => s.perStep.backward),
      total_s_per_step: step, total_s_over_search: m((s) => s.seconds[s.seconds.length - 1]!), [`${slug(reference)}_step_over_this`]: refStep / step,
    };
  });
}

/** The paper's Table 6 (seconds over the whole search), quoted, with DARTS' total over each row's (same op count). */
export function paperTable6Rows(): Row[] {
  const rows = paperTables().nasp_table6 ?? [];
  return rows.map((r) => {
    const darts = rows.find((d) => d.method === 'DARTS' && d.ops === r.ops);
    return {
      method: `${r.method} (${r.ops} ops)`, source: 'paper', arch_s_first_order: r.arch_first ?? '', arch_s_second_order: r.arch_second ?? '',
      forward_s: r.forward ?? '', backward_s: r.backward ?? '', total_s: r.total ?? '', test_error: r.test_error ?? '', params_m: r.params_m ?? '',
      darts_total_over_this: darts ? Number(darts.total) / Number(r.total) : '',
    };
  });
}

/** A claim of the paper tested on per-run values: `better` should exceed `worse` (after `scale`). */
export interface NaspClaim {
  claim: string;
  paper: string;
  quantity: string;
  better: { label: string; values: number[] };
  worse: { label: string; values: number[] };
  /** mean(better) - scale * mean(worse) (scale 1 unless the claim is a factor). */
  margin: number;
  /** std(better) + scale * std(worse) over seeds (NaN with one seed on a side). */
  spread: number;
  verdict: Verdict;
}

export function naspClaim(claim: string, paper: string, quantity: string, better: NaspClaim['better'], worse: NaspClaim['worse'], scale = 1): NaspClaim {
  const margin = mean(better.values) - scale * mean(worse.values);
  const spread = spreadOf(better.values) + scale * spreadOf(worse.values);
  return { claim, paper, quantity, better, worse, margin, spread, verdict: verdictOf(margin, spread) };
}

export function claimRow(c: NaspClaim): Row {
  const list = (xs: number[]) => xs.map((x) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2))).join(', ');
  const oneSeed = !Number.isFinite(c.spread);
  return {
    claim: c.claim, paper: c.paper, quantity: c.quantity,
    for: `${c.better.label}: ${list(c.better.values)}`, against: `${c.worse.label}: ${list(c.worse.values)}`,
    margin: c.margin, spread: c.spread, seeds: `${c.better.values.length} + ${c.worse.values.length}`,
    verdict: oneSeed ? `${c.verdict} (one seed on a side: no spread)` : c.verdict,
  };
}

/** The latest time every listed run reached: where their curves can all be read. */
export function commonSeconds(series: RunSeries[]): number {
  return Math.min(...series.map((s) => s.seconds[s.seconds.length - 1]!));
}

/** Per epoch of a run, the discrete architecture its method derives from alpha_history.jsonl. */
export function discreteHistory(dir: string, rule: { method: 'nasp'; space: NaspSpace } | { method: 'darts' }): Genotype[] {
  const derive = (a: Alphas, name: string) => (rule.method === 'nasp' ? binarise(a, rule.space, name) : deriveDarts(a, name));
  return readAlphaHistory(dir).map((a) => derive({ normal: a.normal, reduce: a.reduce }, `epoch ${a.epoch}`));
}

/** Changes between consecutive epochs' discrete architectures (choiceChanges), epochs 2.. */
export function epochChanges(history: Genotype[]): number[] {
  return history.slice(1).map((g, i) => choiceChanges(history[i]!, g));
}

/**
 * Fig. 4's picture: per edge of the normal cell (rows) and epoch (columns), the op the discrete
 * architecture keeps there, blank where the edge is not kept.
 */
export function edgeChoiceFigure(histories: { label: string; history: Genotype[] }[], title: string): Figure {
  const ops = PRIMITIVES.filter((p) => p !== 'none');
  const edges = EDGE_LIST.map((e) => `${e.input}->${e.node}`);
  const data = histories.map(({ label, history }, k) => {
    const z = EDGE_LIST.map((e) => history.map((g) => {
      const kept = g.normal.edges.find((x) => x.input === e.input && x.node === e.node);
      return kept ? ops.indexOf(kept.op as (typeof ops)[number]) : null;
    }));
    return {
      type: 'heatmap', name: label, x: history.map((_, i) => i + 1), y: edges, z, zmin: 0, zmax: ops.length - 1,
      colorscale: 'Viridis', showscale: k === 0, xaxis: k === 0 ? 'x' : 'x2', yaxis: 'y',
      colorbar: { tickvals: ops.map((_, i) => i), ticktext: ops, title: { text: 'op' } },
      hovertemplate: `${label}<br>epoch %{x}, edge %{y}: op %{z}<extra></extra>`,
    };
  });
  const half = (k: number) => [k / histories.length + (k ? 0.04 : 0), (k + 1) / histories.length - (k + 1 < histories.length ? 0.04 : 0)];
  const layout: Record<string, unknown> = {
    title: { text: title }, height: 420, yaxis: { title: { text: 'normal-cell edge (input->node)' }, autorange: 'reversed' },
    annotations: histories.map((h, k) => ({ text: h.label, xref: 'paper', yref: 'paper', x: (half(k)[0]! + half(k)[1]!) / 2, y: 1.02, showarrow: false, xanchor: 'center', yanchor: 'bottom' })),
  };
  histories.forEach((_, k) => { layout[k === 0 ? 'xaxis' : `xaxis${k + 1}`] = { domain: half(k), title: { text: 'epoch' }, dtick: 1 }; });
  return { data, layout };
}

/**
 * Fig. 2's measure of a search's found cell (genotype.json): the parameters, in millions, of the
 * network it makes at the CIFAR-10 evaluation size (20 cells, C 36, no auxiliary head), counted
 * from the network's variables (no forward pass).
 */
export function derivedParamsM(dir: string): number {
  const { genotype } = readSearchRun(dir);
  const net = new DerivedNetwork({ kind: 'cifar10', genotype, ...NETWORK_DEFAULTS.cifar10, auxiliary: false, poolBN: false });
  try {
    return net.parameterCounts().params / 1e6;
  } finally {
    net.dispose();
  }
}

/** NASP's Table 2 as its paper prints it, quoted. */
export function paperNaspTable2Rows(): Row[] {
  return (paperTables().nasp_table2 ?? []).map((r) => ({
    method: r.method, source: 'paper', test_error: r.test_error ?? '', test_error_std: r.test_error_std ?? '', params_m: r.params_m ?? '', ops: r.ops ?? '', search_cost: `${r.search_cost_gpu_days} GPU-days`,
  }));
}
