// Across-seed statistics of runs, the band figure, Tables 1 and 2's quoted and measured rows,
// the claims of Sec. 3.1, and the random-cell baseline's sampler.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandFigure } from '../src/report/band-figure.js';
import { claimRows, derivationDrop, entropyRatio } from '../src/report/claims.js';
import { paperTables } from '../src/report/paper.js';
import { TABLE1_COLUMNS, table1Rows } from '../src/report/table1.js';
import { TABLE2_COLUMNS, table2Rows } from '../src/report/table2.js';
import { randomCell } from '../src/space/sample.js';
import { rng } from '../src/util/rng.js';
import type { EpochRecord } from '../src/search/engine.js';
import { epochBand, finalStats } from '../src/search/seeds.js';

function run(vals: number[], child: number[]): { records: EpochRecord[]; seconds: number } {
  const records = vals.map((v, i) => ({ epoch: i + 1, search_val_acc: v, child_val_acc: child[i]! }) as unknown as EpochRecord);
  return { records, seconds: 360 * vals.length };
}

test('epochBand gives the mean and the min-max range per epoch, over the epochs every seed reached', () => {
  const band = epochBand([run([0.1, 0.3, 0.5], [0, 0, 0]), run([0.3, 0.1], [0, 0])], 'search_val_acc');
  assert.deepEqual(band.x, [1, 2]);
  assert.deepEqual(band.lo, [0.1, 0.1]);
  assert.deepEqual(band.hi, [0.3, 0.3]);
  assert.ok(Math.abs(band.mean[0]! - 0.2) < 1e-12 && Math.abs(band.mean[1]! - 0.2) < 1e-12);
});

test('finalStats reads the last epoch of each seed', () => {
  const s = finalStats([run([0.1, 0.4], [0.2, 0.6]), run([0.9, 0.2], [0.1, 0.2])], 'child_val_acc');
  assert.ok(Math.abs(s.mean - 0.4) < 1e-12);
  assert.ok(Math.abs(s.std - Math.sqrt(0.08)) < 1e-12);
});

test('bandFigure draws a closed band and a mean line per series, scaled by the factor', () => {
  const fig = bandFigure([{ name: 'a', x: [1, 2], mean: [0.2, 0.4], lo: [0.1, 0.3], hi: [0.3, 0.5] }], { title: 't', xTitle: 'x', yTitle: 'y', factor: 100 });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0]!.x, [1, 2, 2, 1]);
  assert.deepEqual((fig.data[0]!.y as number[]).map((v) => Math.round(v)), [30, 50, 30, 10]);
  assert.deepEqual((fig.data[1]!.y as number[]).map((v) => Math.round(v)), [20, 40]);
});

test('table1Rows puts each measurement under its quoted paper row and marks the source of every row', () => {
  const paper = paperTables().table1;
  const snas = paper.find((p) => p.method.startsWith('SNAS'))!.method;
  const rows = table1Rows([
    { method: snas, runs: [run([0.5, 0.6], [0.3, 0.4]), run([0.5, 0.8], [0.3, 0.2])], scale: 'quick', hardware: 'test', gpu: false },
    { method: 'not in the paper', runs: [run([0.1], [0.1])], scale: 'quick', hardware: 'test', gpu: true },
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

test("Sec. 3.1's claims are judged from the runs, and can come out either way", () => {
  const rec = (val: number, child: number, h: number) => ({ search_val_acc: val, child_val_acc: child, entropy_normal: h, entropy_reduce: h }) as unknown as EpochRecord;
  const snasLike = { runs: [{ records: [rec(0.1, 0.1, 29), rec(0.6, 0.62, 3)] }] };
  const dartsLike = { runs: [{ records: [rec(0.1, 0.1, 29), rec(0.6, 0.3, 28)] }] };
  assert.ok(Math.abs(derivationDrop(snasLike) + 2) < 1e-9);
  assert.ok(Math.abs(entropyRatio(dartsLike) - 28 / 29) < 1e-12);
  assert.deepEqual(claimRows(snasLike, dartsLike).map((r) => r.held), ['yes', 'yes']);
  assert.deepEqual(claimRows(dartsLike, snasLike).map((r) => r.held), ['no', 'no']);
});

test('table2Rows puts the cells trained here under their paper method, with error mean and std over seeds', () => {
  const run = (error: number, seed: number) => ({
    seed, dir: 'x', reused: false, records: [],
    result: { genotype: 'g', epochs: 1, test_acc: 1 - error / 100, test_error: error, params: 32_000, params_with_aux: 40_000, mult_adds: 1, params_paper_size: 2_900_000, seconds: 1 },
  });
  const rows = table2Rows([
    { method: 'SNAS + mild constraint + cutout', cell: 'published SNAS_mild', runs: [run(40, 0), run(44, 1)], scale: 'quick', hardware: 'test' },
    { method: 'NASP + cutout', cell: 'found here', runs: [run(50, 0)], searchHours: 0.5, scale: 'quick', hardware: 'test' },
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
