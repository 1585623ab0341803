// The band figure, Tables 1 and 2's quoted and measured rows and the claims of Sec. 3.1, each
// computed from the runs table of synthetic run directories, and the random-cell baseline's
// sampler.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandFigure } from '../src/report/band-figure.js';
import { claimRows, claimTests, derivationDrops, entropyRatios, verdictOf } from '../src/report/claims.js';
import { paperTables } from '../src/report/paper.js';
import { TABLE1_COLUMNS, table1Rows } from '../src/report/table1.js';
import { TABLE2_COLUMNS, table2Rows } from '../src/report/table2.js';
import { randomCell } from '../src/space/sample.js';
import { rng } from '../src/util/rng.js';
import { syntheticTable, type SyntheticRun } from './helpers/runs.js';

/** A search run of `config` with the given search and child accuracies per epoch (360 s each). */
function run(config: string, seed: number, vals: number[], child: number[], extra: (i: number) => Record<string, number> = () => ({})): SyntheticRun {
  return { config, seed, records: vals.map((v, i) => ({ search_val_acc: v, child_val_acc: child[i]!, ...extra(i) })) };
}

test('bandFigure draws a closed band and a mean line per series, scaled by the factor', () => {
  const fig = bandFigure([{ name: 'a', x: [1, 2], mean: [0.2, 0.4], lo: [0.1, 0.3], hi: [0.3, 0.5] }], { title: 't', xTitle: 'x', yTitle: 'y', factor: 100 });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0]!.x, [1, 2, 2, 1]);
  assert.deepEqual((fig.data[0]!.y as number[]).map((v) => Math.round(v)), [30, 50, 30, 10]);
  assert.deepEqual((fig.data[1]!.y as number[]).map((v) => Math.round(v)), [20, 40]);
});

test('table1Rows puts each measurement under its quoted paper row and marks the source of every row', async () => {
  const paper = paperTables().table1;
  const snas = paper.find((p) => p.method.startsWith('SNAS'))!.method;
  const { table } = await syntheticTable([run('s', 0, [0.5, 0.6], [0.3, 0.4]), run('s', 1, [0.5, 0.8], [0.3, 0.2]), run('other', 0, [0.1], [0.1])]);
  const rows = table1Rows(table, [
    { method: snas, config: 's', scale: 'quick', hardware: 'test', gpu: false },
    { method: 'not in the paper', config: 'other', scale: 'quick', hardware: 'test', gpu: true },
  ]);
  assert.equal(rows.length, paper.length + 2);
  const at = rows.findIndex((r) => r.method === snas && r.source === 'paper');
  const measured = rows[at + 1]!;
  assert.equal(measured.method, snas);
  assert.equal(measured.source, 'measured');
  assert.equal(measured.seeds, 2);
  assert.ok(Math.abs(Number(measured.search_val_acc) - 70) < 1e-9);
  assert.ok(Math.abs(Number(measured.child_val_acc) - 30) < 1e-9);
  assert.ok(Math.abs(Number(measured.search_hours) - 0.2) < 1e-9);
  assert.equal(measured.search_cost_gpu_days, undefined, 'hours on a CPU are not GPU-days');
  assert.equal(rows[at]!.search_val_acc, paper.find((p) => p.method === snas)!.search_val_acc);
  const last = rows[rows.length - 1]!;
  assert.equal(last.method, 'not in the paper');
  assert.ok(Math.abs(Number(last.search_cost_gpu_days) - 0.1 / 24) < 1e-12);
  for (const r of rows) assert.deepEqual(Object.keys(r), [...TABLE1_COLUMNS]);
});

test("Sec. 3.1's claims are tested over seeds: held only when the margin exceeds the spread, and can come out either way", async () => {
  const entropies = (h: number[]) => (i: number) => ({ entropy_normal: h[i]!, entropy_reduce: 1 });
  const snasLike = (seed: number, child: number, h: number) => run('snas-like', seed, [0.1, 0.6], [0.1, child], entropies([29, h]));
  const dartsLike = (seed: number, child: number, h0: number, h: number) => run('darts-like', seed, [0.1, 0.6], [0.1, child], entropies([h0, h]));
  const { table } = await syntheticTable([
    snasLike(0, 0.62, 3), snasLike(1, 0.60, 5), snasLike(2, 0.58, 4),
    dartsLike(0, 0.3, 29, 28), dartsLike(1, 0.35, 20, 10), dartsLike(2, 0.25, 28, 27),
  ]);
  const drops = derivationDrops(table, 'snas-like');
  [-2, 0, 2].forEach((d, i) => assert.ok(Math.abs(drops[i]! - d) < 1e-9, `seed ${i}: drop ${drops[i]}`));
  const ratios = entropyRatios(table, 'darts-like');
  [28 / 29, 10 / 20, 27 / 28].forEach((r, i) => assert.ok(Math.abs(ratios[i]! - r) < 1e-12, 'normal-cell entropy, per run'));
  const tests = claimTests(table, 'snas-like', 'darts-like');
  assert.ok(Math.abs(tests[0]!.margin - 30) < 1e-9);
  assert.ok(Math.abs(tests[0]!.spread - (2 + 5)) < 1e-9, 'sum of the sample stds over seeds');
  assert.deepEqual(tests.map((t) => t.verdict), ['held', 'held']);
  assert.deepEqual(claimTests(table, 'darts-like', 'snas-like').map((t) => t.verdict), ['opposite', 'opposite']);
  assert.deepEqual(claimRows(table, 'snas-like', 'darts-like').map((r) => r.snas_per_seed), ['-2.0, 0.0, 2.0', '0.10, 0.17, 0.14']);
  // A margin inside the spread, and a single seed, are "not shown at this scale".
  assert.equal(verdictOf(3, 4), 'not shown at this scale');
  assert.equal(verdictOf(-3, 4), 'not shown at this scale');
  const one = await syntheticTable([snasLike(0, 0.62, 3), dartsLike(0, 0.3, 29, 28)]);
  assert.deepEqual(claimTests(one.table, 'snas-like', 'darts-like').map((t) => t.verdict), ['not shown at this scale', 'not shown at this scale']);
});

test('table2Rows puts the cells trained here under their paper method, with error mean and std over seeds', async () => {
  const training = (genotype: string, error: number, seed: number): SyntheticRun => ({
    config: `cifar10-${genotype}`, seed, method: 'train', genotype, records: [{ test_acc: 0.5 }, { test_acc: 1 - error / 100 }],
    result: { genotype, epochs: 2, test_acc: 1 - error / 100, test_error: error, params: 32_000, params_with_aux: 40_000, mult_adds: 1, params_paper_size: 2_900_000, seconds: 1 },
  });
  const { table } = await syntheticTable([training('SNAS_mild', 40, 0), training('SNAS_mild', 44, 1), training('found.json', 50, 0)]);
  const rows = table2Rows(table, [
    { method: 'SNAS + mild constraint + cutout', cell: 'published SNAS_mild', genotype: 'SNAS_mild', scale: 'quick', hardware: 'test' },
    { method: 'NASP + cutout', cell: 'found here', genotype: 'found.json', searchHours: 0.5, scale: 'quick', hardware: 'test' },
  ]);
  const at = rows.findIndex((r) => r.method === 'SNAS + mild constraint + cutout' && r.source === 'paper');
  const m = rows[at + 1]!;
  assert.equal(m.source, 'measured');
  assert.equal(m.test_error, 42);
  assert.ok(Math.abs(Number(m.test_error_std) - Math.sqrt(8)) < 1e-12);
  assert.equal(m.params_m, 2.9);
  assert.equal(m.params_m_trained, 0.032);
  const last = rows[rows.length - 1]!;
  assert.deepEqual([last.method, last.test_error_std, last.search_hours], ['NASP + cutout', undefined, 0.5]);
  for (const r of rows) assert.deepEqual(Object.keys(r), [...TABLE2_COLUMNS]);
});

test('random cells are drawn from DARTS space: two distinct inputs per node, no none, repeatable', () => {
  const a = randomCell(rng(3));
  assert.deepEqual(randomCell(rng(3)), a);
  assert.equal(a.edges.length, 8);
  for (let node = 2; node < 6; node++) {
    const ins = a.edges.filter((e) => e.node === node).map((e) => e.input);
    assert.equal(new Set(ins).size, 2);
    assert.ok(ins.every((i) => i >= 0 && i < node));
  }
  assert.ok(a.edges.every((e) => e.op !== 'none'));
  // every input of node 5 turns up over many draws
  const next = rng(9);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) for (const e of randomCell(next).edges) if (e.node === 5) seen.add(e.input);
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
});

test('the ablation reading names the extremes of its table, the gap by its size', async () => {
  const { ablationReading } = await import('../src/report/ablation.js');
  const row = (schedule: string, h: number, gap: number, child: number) => ({ schedule, 'entropy normal': h, 'entropy reduce': h, 'gap (points)': gap, 'child %': child });
  const lines = ablationReading([row('a', 20, -3, 30), row('b', 25, 0.5, 10), row('c', 28, 2, 20)]);
  assert.match(lines[0]!, /Lowest final entropy .*: a \(40\.0 nats\); highest: c/);
  assert.match(lines[1]!, /closest: b \(gap 0\.5 points\); furthest apart: a \(-3\.0\)/);
  assert.match(lines[2]!, /Best child .*: a \(30\.0%\); worst: b/);
});
