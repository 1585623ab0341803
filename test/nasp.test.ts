// NASP as its paper describes it: the op sets per cell type (in the search and in the derived
// cell), Sec. 3.3's regulariser against finite differences, the flip counter on a scripted
// alpha sequence, the update rules (NASP, PA standard, PA lazy) on a problem whose proximal
// steps are known in closed form, a search's flips and step timers as recorded, and the
// report of notebook 09 on synthetic runs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { configAtScale, readYaml } from '../src/config/load.js';
import type { NaspConfig, NaspUpdate } from '../src/config/schema.js';
import type { Batch } from '../src/data/batches.js';
import { CELL_TYPES, choiceChanges, deriveDarts, twoPerNodeMask, type Alphas } from '../src/search/architecture.js';
import { cellWeights } from '../src/search/child.js';
import { NaspSearch, sizeRegulariser } from '../src/search/nasp.js';
import { NASP_OPS, allowed } from '../src/search/nasp-space.js';
import { binarise, binaryAlphas, project } from '../src/search/nasp-update.js';
import { settleStep } from '../src/search/strategy.js';
import { EDGES, PRIMITIVES, type OpName } from '../src/space/primitives.js';
import { rng } from '../src/util/rng.js';
import { readSearchConfig } from '../src/config/read.js';
import { accuracyAt, commonSeconds, naspClaim, runSeries, table6Rows } from '../src/report/nasp-paper.js';
import { runSearch } from '../src/search/run.js';
import { parseCsv } from '../src/util/csv.js';
import { ROOT } from './helpers/run.js';
import { syntheticTable } from './helpers/runs.js';

function naspConfig(nasp: Partial<NaspConfig['nasp']>, over: Record<string, unknown> = {}): NaspConfig {
  const cfg = configAtScale(readYaml(join(ROOT, 'configs', 'search', 'nasp.yaml')), 'nasp', 'smoke').search as NaspConfig;
  return { ...cfg, layers: 3, channels: 2, ...over, nasp: { ...cfg.nasp, ...nasp } };
}

const batch = (seed: number): Batch => ({
  x: tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', seed) as tf.Tensor4D,
  y: tf.tensor1d([seed % 10, (seed + 3) % 10, (seed + 5) % 10, (seed + 7) % 10], 'int32'),
  index: 0,
});

const randomAlphas = (seed: number): Alphas => {
  const r = rng(seed);
  const m = () => Array.from({ length: EDGES }, () => PRIMITIVES.map(() => r()));
  return { normal: m(), reduce: m() };
};

test("the paper's space: normal cells choose only identity and convolutions, reduction cells only identity and pools, in the search and in the derived cell", async () => {
  await selectBackend();
  assert.deepEqual([...NASP_OPS.paper.normal].sort(), ['dil_conv_3x3', 'dil_conv_5x5', 'sep_conv_3x3', 'sep_conv_5x5', 'skip_connect']);
  assert.deepEqual([...NASP_OPS.paper.reduce].sort(), ['avg_pool_3x3', 'max_pool_3x3', 'skip_connect']);
  // Any alpha at all: the binarisation stays inside the space.
  for (let s = 0; s < 20; s++) {
    const g = binarise(randomAlphas(s), 'paper');
    for (const type of CELL_TYPES) for (const e of g[type].edges) assert.ok(NASP_OPS.paper[type].includes(e.op), `${type} cell chose ${e.op}`);
    const d = binarise(randomAlphas(s), 'darts');
    assert.ok(d.normal.edges.every((e) => e.op !== 'none'));
  }
  // A search: alpha outside the space is 0 and stays 0; the derived cell is inside the space.
  const n = new NaspSearch(naspConfig({ space: 'paper', update: 'pa-lazy' }, { alpha_lr: 0.3 }), 1, { size: 8, channels: 3, classes: 10 });
  const [train, val] = [batch(1), batch(2)];
  try {
    for (let step = 0; step < 3; step++) await settleStep(await n.trainStep({ batch: train, archBatch: val, clock: { epoch: 0, epochs: 1, step, stepsPerEpoch: 3 }, lr: 0.1, seed: step }));
    const a = await n.archValues();
    for (const type of CELL_TYPES) {
      const ok = allowed('paper', type);
      for (const row of a[type]) row.forEach((v, k) => { if (!ok[k]) assert.equal(v, 0, `${type} alpha of ${PRIMITIVES[k]} is ${v}`); });
      // Inside the space the architecture step moved alpha (lazy: no box, so no clipping hides it).
      assert.ok(a[type].some((row) => row.some((v, k) => ok[k] && Math.abs(v - 0.5) > 0.01)), `${type}: alpha did not move`);
    }
    const g = n.derive(a, 'found');
    for (const type of CELL_TYPES) for (const e of g[type].edges) assert.ok(NASP_OPS.paper[type].includes(e.op as OpName), `derived ${type} cell has ${e.op}`);
  } finally {
    n.dispose();
    tf.dispose([train.x, train.y, val.x, val.y]);
  }
});

test("Sec. 3.3's model-size regulariser: its gradient matches finite differences", async () => {
  await selectBackend();
  const r = rng(7);
  const alpha = Array.from({ length: EDGES }, () => PRIMITIVES.map(() => r()));
  const share = PRIMITIVES.map((_, k) => (k === 0 ? 0 : r()));
  const f = (a: number[][]) => tf.tidy(() => sizeRegulariser(tf.tensor2d(a), tf.tensor1d(share)).dataSync()[0]!);
  const grad = tf.tidy(() => tf.grad((a: tf.Tensor) => sizeRegulariser(a as tf.Tensor2D, tf.tensor1d(share)))(tf.tensor2d(alpha)).arraySync() as number[][]);
  const h = 1e-2;
  for (const [e, k] of [[0, 1], [3, 4], [13, 7], [5, 0]] as const) {
    const up = alpha.map((row) => [...row]);
    const down = alpha.map((row) => [...row]);
    up[e]![k]! += h;
    down[e]![k]! -= h;
    const fd = (f(up) - f(down)) / (2 * h);
    assert.ok(Math.abs(fd - grad[e]![k]!) < 1e-3 * Math.max(1, Math.abs(fd)), `(${e}, ${k}): finite differences ${fd}, gradient ${grad[e]![k]}`);
    // Closed form: 2 share_k alpha_ek.
    assert.ok(Math.abs(grad[e]![k]! - 2 * share[k]! * alpha[e]![k]!) < 1e-5);
  }
});

test('the flip counter counts the changed choices of a scripted alpha sequence', () => {
  // Node 2's edges are 0 (input 0) and 1 (input 1); node 3's are 2, 3, 4.
  const base = (): Alphas => ({ normal: Array.from({ length: EDGES }, () => PRIMITIVES.map(() => 0)), reduce: Array.from({ length: EDGES }, () => PRIMITIVES.map(() => 0)) });
  const set = (a: Alphas, e: number, op: OpName, v: number) => { a.normal[e]![PRIMITIVES.indexOf(op)] = v; return a; };
  const a0 = set(set(set(set(base(), 0, 'sep_conv_3x3', 0.9), 1, 'sep_conv_5x5', 0.8), 2, 'dil_conv_3x3', 0.7), 3, 'skip_connect', 0.6);
  const g0 = binarise(a0, 'paper');
  assert.equal(choiceChanges(g0, g0), 0);
  // The op on edge 0 changes: one flip.
  const a1 = set(structuredClone(a0), 0, 'dil_conv_5x5', 0.95);
  assert.equal(choiceChanges(g0, binarise(a1, 'paper')), 1);
  // Node 3 swaps edge 3 for edge 4, and edge 0's op changes: two flips.
  const a2 = set(set(structuredClone(a1), 4, 'skip_connect', 0.65), 3, 'skip_connect', 0.1);
  assert.equal(choiceChanges(binarise(a1, 'paper'), binarise(a2, 'paper')), 1);
  assert.equal(choiceChanges(g0, binarise(a2, 'paper')), 2);
});

test("DARTS' flips are counted on the device: its mask is the two-per-node rule on softmax(alpha)", async () => {
  await selectBackend();
  for (let s = 0; s < 10; s++) {
    const a = randomAlphas(100 + s).normal.map((row) => row.map((v) => 3 * v));
    const mask = tf.tidy(() => twoPerNodeMask(tf.tensor2d(a)).arraySync());
    assert.deepEqual(mask, cellWeights(deriveDarts({ normal: a, reduce: a }, 'x').normal), `alpha ${s}`);
  }
});

test('NASP, PA standard and PA lazy on a problem whose proximal steps are known in closed form', () => {
  // The loss 1/2 ||A - T||^2 at a binary target T: its gradient at the binary architecture B is B - T.
  // From a binary start B0 with step size lr, the gradient step is (1 - lr) B0 + lr T: kept
  // choices not in T fall to 1 - lr, T's choices not kept rise to lr. For lr < 1/2 the
  // projection onto the discrete set (PA standard, Eq. 9) returns B0 itself at every step, so it
  // never moves; the lazy step (Eq. 10) keeps the continuous A, whose T entries rise by lr per
  // step, so it reaches T after ceil((1 - lr) / (2 lr)) steps or so, and NASP's does the same
  // inside [0, 1].
  const space = 'paper' as const;
  const start = randomAlphas(3);
  const b0 = binaryAlphas(binarise(start, space));
  const target = binarise(randomAlphas(11), space);
  const t = binaryAlphas(target);
  assert.ok(choiceChanges(binarise(b0, space), target) > 0, 'start and target differ');
  const lr = 0.2;
  const run = (update: NaspUpdate, steps: number) => {
    let a = project(update, structuredClone(b0), space);
    const trace: number[] = [];
    for (let s = 0; s < steps; s++) {
      const bin = binaryAlphas(binarise(a, space));
      const stepped: Alphas = { normal: [], reduce: [] };
      for (const type of CELL_TYPES) stepped[type] = a[type].map((row, e) => row.map((v, k) => v - lr * (bin[type][e]![k]! - t[type][e]![k]!)));
      a = project(update, stepped, space);
      trace.push(choiceChanges(binarise(a, space), target));
    }
    return { a, trace };
  };
  // One step from B0, in closed form: PA standard is back at B0; lazy and NASP hold (1 - lr) B0 + lr T.
  const one = (u: NaspUpdate) => run(u, 1).a;
  assert.deepEqual(one('pa-standard'), b0);
  for (const u of ['pa-lazy', 'nasp'] as const) {
    for (const type of CELL_TYPES) one(u)[type].forEach((row, e) => row.forEach((v, k) => {
      const want = allowed(space, type)[k] ? (1 - lr) * b0[type][e]![k]! + lr * t[type][e]![k]! : 0;
      assert.ok(Math.abs(v - want) < 1e-12, `${u} ${type} (${e}, ${k}): ${v}, expected ${want}`);
    }));
  }
  // Over many steps: PA standard never leaves B0; lazy and NASP reach the target and stay.
  const standard = run('pa-standard', 20);
  assert.deepEqual(standard.a, b0);
  for (const u of ['pa-lazy', 'nasp'] as const) {
    const { trace, a } = run(u, 20);
    assert.equal(trace[trace.length - 1], 0, `${u} did not reach the target: ${trace.join(' ')}`);
    if (u === 'nasp') for (const type of CELL_TYPES) for (const row of a[type]) for (const v of row) assert.ok(v >= 0 && v <= 1);
  }
  // Lazy differs from NASP by the box only.
  const outside = structuredClone(b0);
  outside.normal[0]![PRIMITIVES.indexOf('sep_conv_3x3')] = 1.3;
  outside.normal[1]![PRIMITIVES.indexOf('skip_connect')] = -0.4;
  const [lazy, nasp] = [project('pa-lazy', outside, space), project('nasp', outside, space)];
  assert.deepEqual([lazy.normal[0]![4], lazy.normal[1]![3]], [1.3, -0.4]);
  assert.deepEqual([nasp.normal[0]![4], nasp.normal[1]![3]], [1, 0]);
});

for (const name of ['nasp', 'darts-1st']) test(`a ${name} search records each epoch's flips in metrics.csv and its step times in timing.csv`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-nasp-'));
  try {
    const { config } = readSearchConfig(join(ROOT, 'configs', 'search', `${name}.yaml`), 'smoke');
    const r = await runSearch({ config, configFile: `${name}.yaml`, out: dir, force: true, resume: false, command: 'test', environment: () => ({}) });
    const metrics = parseCsv(readFileSync(join(dir, 'metrics.csv'), 'utf8'));
    for (const m of metrics) assert.ok(Number.isInteger(Number(m.flips)) && Number(m.flips) >= 0 && Number(m.flips) <= 16 * Number(m.steps), `flips ${m.flips}`);
    const timing = parseCsv(readFileSync(join(dir, 'timing.csv'), 'utf8'));
    assert.deepEqual(Object.keys(timing[0]!), ['epoch', 'seconds', 'images_per_s', 'step_s', 'arch_s', 'forward_s', 'backward_s']);
    for (const t of timing) {
      const [step, arch, fwd, bwd] = ['step_s', 'arch_s', 'forward_s', 'backward_s'].map((k) => Number(t[k]));
      assert.ok(arch! > 0 && fwd! > 0 && bwd! > 0, 'every part takes time');
      assert.ok(arch! + fwd! + bwd! <= step! * 1.0001, `the parts (${arch} + ${fwd} + ${bwd}) fit in the step (${step})`);
      assert.ok(step! * Number(metrics[0]!.steps) <= Number(t.seconds), 'the steps fit in the epoch');
    }
    assert.equal(r.records.length, config.search!.epochs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the NASP paper's report: cumulative search seconds, accuracy at equal seconds, Table 6 and a claim's verdict", async () => {
  const run = (config: string, seed: number, stepS: number, acc: number[], flips: number[]) => ({
    config, seed, method: config === 'nasp' ? 'nasp' : 'darts',
    records: acc.map((a, i) => ({ steps: 10, search_val_acc: a, child_val_acc: a, flips: flips[i]! })),
    timing: acc.map(() => ({ step_s: stepS, arch_s: stepS / 2, forward_s: stepS / 4, backward_s: stepS / 4 })),
  });
  const { root, table } = await syntheticTable([
    run('nasp', 0, 1, [0.5, 0.7], [4, 2]), run('nasp', 1, 1.2, [0.6, 0.72], [3, 1]),
    run('darts-2nd', 0, 5, [0.4, 0.6], [9, 8]), run('darts-2nd', 1, 5.5, [0.45, 0.62], [10, 9]),
  ]);
  try {
    const nasp = runSeries(table, 'nasp');
    const darts = runSeries(table, 'darts-2nd');
    assert.deepEqual(nasp.map((s) => s.seconds), [[10, 20], [12, 24]]);
    assert.deepEqual(nasp[0]!.perStep, { step: 1, arch: 0.5, forward: 0.25, backward: 0.25 });
    // Linear from chance at 0 s to the first epoch's end, then between epochs; NaN past the end.
    assert.ok(Math.abs(accuracyAt(darts[0]!, 'search', 25, 0.1) - (0.1 + 0.3 * 0.5)) < 1e-12);
    assert.ok(Math.abs(accuracyAt(nasp[0]!, 'child', 15, 0.1) - 0.6) < 1e-12);
    assert.ok(Number.isNaN(accuracyAt(nasp[0]!, 'child', 21, 0.1)));
    assert.equal(commonSeconds([...nasp, ...darts]), 20);
    const rows = table6Rows([{ label: 'NASP', series: nasp }, { label: 'DARTS 2nd', series: darts }], 'DARTS 2nd');
    assert.ok(Math.abs(Number(rows[0]!['darts_2nd_step_over_this']) - 5.25 / 1.1) < 1e-12);
    // Step cost: 5.25 - 3 x 1.1 = 1.95 against 0.354 + 3 x 0.141: held. Flips: margin 1 against a spread of 2.1: not shown.
    const cost = naspClaim('a', '', '', { label: 'D', values: darts.map((s) => s.perStep.step) }, { label: 'N', values: nasp.map((s) => s.perStep.step) }, 3);
    assert.ok(Math.abs(cost.margin - 1.95) < 1e-12);
    assert.equal(cost.verdict, 'held');
    const few = naspClaim('c', '', '', { label: 'N', values: [3, 5] }, { label: 'D', values: [2, 4] });
    assert.equal(few.verdict, 'not shown at this scale');
    assert.equal(naspClaim('d', '', '', { label: 'N', values: [1] }, { label: 'D', values: [0, 0.1] }).verdict, 'not shown at this scale');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
