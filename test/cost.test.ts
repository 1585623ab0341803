// Cost models: App. F's per-op table against the op modules themselves, expected cost, and the
// exact network counters against the variables and against an independent PyTorch build.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { countNetwork, expectedCost, opCost, opCostVector } from '../src/cost/index.js';
import { Init } from '../src/nn/module.js';
import { CostTrace } from '../src/nn/trace.js';
import { DerivedNetwork, NETWORK_DEFAULTS } from '../src/networks/derived.js';
import { makeOp } from '../src/space/ops.js';
import { PRIMITIVES } from '../src/space/primitives.js';
import { publishedGenotypes } from '../src/space/registry.js';
import { ROOT } from './helpers/run.js';

await selectBackend({ log: () => {} });

test("App. F's formulas for C = 16 at 32x32", () => {
  assert.deepEqual(opCost('sep_conv_3x3', 16, 1, 32), { params: 800, flops: 800 * 1024, mac: 1024 * 128 + 800 });
  assert.deepEqual(opCost('dil_conv_5x5', 16, 2, 16), { params: 656, flops: 656 * 256, mac: 256 * 7 * 16 + 656 });
  assert.deepEqual(opCost('skip_connect', 16, 2, 16), { params: 256, flops: 256 * 256, mac: 2 * 256 * (64 + 8) + 256 });
  assert.deepEqual(opCost('avg_pool_3x3', 16, 2, 16), { params: 0, flops: 9 * 256 * 16, mac: 5 * 256 * 16 });
  assert.deepEqual(opCost('none', 16, 1, 32), { params: 0, flops: 0, mac: 0 });
});

test("App. F's size and FLOPs equal each op module's parameters and traced work (search ops: BN not affine)", () => {
  const c = 8;
  for (const stride of [1, 2]) {
    const x = tf.randomNormal([1, 16, 16, c]) as tf.Tensor4D;
    const y = 16 / stride;
    for (const op of PRIMITIVES) {
      const m = makeOp(op, c, stride, { affine: false, poolBN: true }, new Init(0));
      const trace = new CostTrace();
      tf.tidy(() => m.forward(x, { training: false, trace }));
      const want = opCost(op, c, stride, y);
      assert.equal(m.parameterCount(), want.params, `${op} stride ${stride}: params`);
      const macs = trace.events.reduce((s, e) => s + e.macs, 0);
      const poolOps = trace.events.filter((e) => e.kind === 'pool').reduce((s, e) => s + e.ops, 0);
      assert.equal(op.includes('pool') ? poolOps : macs, want.flops, `${op} stride ${stride}: FLOPs`);
      m.dispose();
    }
    x.dispose();
  }
});

test('all three criteria are needed to tell the four kinds of op apart', () => {
  const cost = Object.fromEntries(PRIMITIVES.map((op, k) => [op, opCostVector(16, 1, 32)[k]!]));
  // Parameters alone cannot tell pooling from skip or none; FLOPs alone cannot tell skip from none; MAC can,
  // but ranks skip (2Cy^2) together with pooling (2y^2C) at stride 1, which FLOPs separates.
  assert.equal(cost.max_pool_3x3!.params, cost.skip_connect!.params);
  assert.equal(cost.skip_connect!.flops, cost.none!.flops);
  assert.equal(cost.skip_connect!.mac, cost.max_pool_3x3!.mac);
  assert.notEqual(cost.skip_connect!.flops, cost.max_pool_3x3!.flops);
});

test('expected cost is linear in the distribution', () => {
  const one = PRIMITIVES.map((_, k) => (k === 4 ? 1 : 0));
  assert.deepEqual(expectedCost(one, 16, 1, 32), opCost('sep_conv_3x3', 16, 1, 32));
  const uniform = PRIMITIVES.map(() => 1 / 8);
  const all = opCostVector(16, 1, 32);
  const e = expectedCost(uniform, 16, 1, 32);
  assert.ok(Math.abs(e.params - all.reduce((s, c) => s + c.params, 0) / 8) < 1e-9);
  assert.throws(() => expectedCost([1], 16, 1, 32), /need 8 probabilities/);
});

test('the counted parameters are exactly the network variables registered with tfjs', () => {
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  const net = new DerivedNetwork({ kind: 'cifar10', genotype: publishedGenotypes().get('SNAS_moderate')!, channels: 12, layers: 8, classes: 10, inputSize: 32, auxiliary: true });
  const created = Object.entries(tf.engine().registeredVariables).filter(([k]) => !before.has(k)).map(([, v]) => v);
  const trainable = created.filter((v) => v.trainable).reduce((s, v) => s + v.size, 0);
  const counts = countNetwork(net);
  assert.equal(counts.params_with_aux, trainable);
  assert.ok(counts.params < counts.params_with_aux);
  assert.ok(counts.ops_all > counts.mult_adds);
  net.dispose();
});

test("DARTS V2 with DARTS' bare pools has the 3,349,342 parameters that DARTS' own training logs print", () => {
  const net = new DerivedNetwork({ kind: 'cifar10', genotype: publishedGenotypes().get('DARTS_V2')!, ...NETWORK_DEFAULTS.cifar10, auxiliary: true, poolBN: false });
  assert.equal(net.parameterCounts().params, 3_349_342);
  net.dispose();
});

const torchPython = spawnSync('/usr/bin/python3', ['-c', 'import torch, yaml'], { encoding: 'utf8' });
test('counts equal an independent PyTorch build of every published genotype on both networks', {
  skip: torchPython.status === 0 ? false : 'Debian python3-torch is not installed (apt-get install python3-torch)',
}, () => {
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'test', 'peers', 'count_networks.py')], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const peers = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(peers.length, 2 * publishedGenotypes().size);
  for (const p of peers) {
    const net = new DerivedNetwork({ kind: p.network, genotype: publishedGenotypes().get(p.genotype)!, ...NETWORK_DEFAULTS[p.network as 'cifar10'], auxiliary: true });
    const ours = countNetwork(net);
    net.dispose();
    assert.deepEqual({ params: ours.params, params_with_aux: ours.params_with_aux, mult_adds: ours.mult_adds },
      { params: p.params, params_with_aux: p.params_with_aux, mult_adds: p.mult_adds }, `${p.genotype} on ${p.network}`);
  }
});

test('search cell sites follow the network: channels double and sizes halve at the reductions', async () => {
  const { searchCellSites } = await import('../src/cost/index.js');
  const sites = searchCellSites(16, 8, 32);
  assert.deepEqual(sites.map((s) => [s.reduction, s.c, s.inputSize]), [
    [false, 16, 32], [false, 16, 32], [true, 32, 32], [false, 32, 16], [false, 32, 16], [true, 64, 16], [false, 64, 8], [false, 64, 8],
  ]);
  assert.deepEqual(sites[2]!.edges.map((e) => e.stride), [2, 2, 2, 2, 1, 2, 2, 1, 1, 2, 2, 1, 1, 1]);
  assert.ok(sites[2]!.edges.every((e) => e.y === 16));
});

test('expected cell cost under a near one-hot distribution is the chosen ops cost', async () => {
  const { expectedCellCost, searchCellSites } = await import('../src/cost/index.js');
  const site = searchCellSites(16, 8, 32)[0]!;
  const logits = site.edges.map(() => PRIMITIVES.map((_, k) => (k === 5 ? 60 : 0)));
  const e = expectedCellCost(logits, site.edges);
  const one = opCost('sep_conv_5x5', 16, 1, 32);
  assert.ok(Math.abs(e.params - 14 * one.params) / (14 * one.params) < 1e-12);
  assert.throws(() => expectedCellCost(logits.slice(1), site.edges), /13 rows of logits for 14 edges/);
});

test('each criterion alone leaves ops of different kinds tied; the tie sets are computed, not assumed', async () => {
  const { separatingSubsets } = await import('../src/cost/index.js');
  const s1 = separatingSubsets(16, 1, 32);
  const single = s1.filter((s) => s.criteria.length === 1);
  assert.ok(single.every((s) => !s.separates), 'no single criterion separates the kinds at stride 1');
  assert.ok(s1.find((s) => s.criteria.length === 3)!.separates, 'all three together do');
});

test('Table 3 holds a quoted row per paper method and a measured row for each published genotype', async () => {
  await selectBackend();
  const { table3Rows, countPublished } = await import('../src/report/complexity.js');
  const rows = table3Rows(48);
  const mild = rows.filter((r) => r.method === 'SNAS (mild constraint)');
  assert.deepEqual(mild.map((r) => r.source), ['paper', 'measured']);
  assert.equal(mild[0]!.mult_adds_m, 522);
  assert.equal(mild[1]!.top1_error, undefined, 'ImageNet accuracy is not measured here');
  assert.equal(mild[1]!.params_m, Number((countPublished('imagenet', 'SNAS_mild', 48).params / 1e6).toFixed(2)));
  assert.ok(rows.filter((r) => r.source === 'measured').length === 2 && rows.some((r) => r.method === 'MobileNet' && r.source === 'paper'));
});
