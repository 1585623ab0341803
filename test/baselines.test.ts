// The baselines on the shared supernet: DARTS' second-order gradient against finite
// differences of the unrolled objective, the two-per-node derivation rule, NASP's
// binarisation, clipping and selective weight step, ENAS' controller (its log-probabilities
// against its own sampling, and REINFORCE on a fixed reward), and every method end to end
// (determinism, resume from a mid-epoch checkpoint).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { configAtScale, readYaml } from '../src/config/load.js';
import type { SearchConfig } from '../src/config/schema.js';
import type { Batch } from '../src/data/batches.js';
import { softmaxCrossEntropy } from '../src/ops/index.js';
import { deriveDarts, twoPerNode } from '../src/search/architecture.js';
import { DartsSearch } from '../src/search/darts.js';
import { cellWeights, childNetwork, opWeightShare, type ChildNetwork } from '../src/search/child.js';
import { SearchNetwork } from '../src/networks/search.js';
import { DECISIONS, EnasController, decisionsToGenotype } from '../src/search/enas-controller.js';
import { EnasSearch } from '../src/search/enas.js';
import { runSearch } from '../src/search/run.js';
import { settleStep } from '../src/search/strategy.js';
import { NaspSearch } from '../src/search/nasp.js';
import { binarise } from '../src/search/nasp-update.js';
import { unrolledAlphaGrads } from '../src/search/unrolled.js';
import { EDGES, PRIMITIVES, edgeIndex } from '../src/space/primitives.js';
import { rng, seedFor } from '../src/util/rng.js';
import { evalCtx } from '../src/nn/module.js';
import { bestIndex, scoreChildren } from '../src/search/best-of.js';
import { ROOT } from './helpers/run.js';

function searchConfig<M extends SearchConfig['method']>(name: string, method: M, over: Record<string, unknown> = {}): Extract<SearchConfig, { method: M }> {
  const raw = readYaml(join(ROOT, 'configs', 'search', `${name}.yaml`)) as Record<string, unknown>;
  const cfg = configAtScale(raw, name, 'smoke').search!;
  assert.equal(cfg.method, method, `${name}.yaml is a ${method} config`);
  return { ...cfg, ...over } as Extract<SearchConfig, { method: M }>;
}

const CLOCK = { epoch: 0, epochs: 1, step: 0, stepsPerEpoch: 1 };
/** The shape of the tests' batches: 8x8 RGB images, 10 classes. */
const RGB = { size: 8, channels: 3, classes: 10 };

function batch(seed: number, n = 4, size = 8): Batch {
  return {
    x: tf.randomNormal([n, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D,
    y: tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 3 + seed) % 10), 'int32'),
    index: 0,
  };
}

const op = (name: string) => PRIMITIVES.indexOf(name as (typeof PRIMITIVES)[number]);

test('the two-per-node rule keeps, per node, the two edges with the strongest non-none op', () => {
  // 14 edges x 8 ops, all 0 except: 'none' strongest everywhere (ignored), and chosen entries.
  const rows = Array.from({ length: 14 }, () => [5, 0, 0, 0, 0, 0, 0, 0]);
  rows[0]![op('sep_conv_3x3')] = 0.9; rows[1]![op('skip_connect')] = 0.2; // node 2: edges 0, 1
  rows[2]![op('max_pool_3x3')] = 0.1; rows[3]![op('dil_conv_5x5')] = 0.8; rows[4]![op('avg_pool_3x3')] = 0.7; // node 3: edges 3, 4
  const cell = twoPerNode(rows);
  assert.equal(cell.form, 'two-per-node');
  assert.equal(cell.edges.length, 8);
  assert.deepEqual(cell.edges.slice(0, 4).map((e) => [e.input, e.node, e.op]), [[0, 2, 'sep_conv_3x3'], [1, 2, 'skip_connect'], [1, 3, 'dil_conv_5x5'], [2, 3, 'avg_pool_3x3']]);
  assert.ok(cell.edges.every((e) => e.op !== 'none'));
  // DARTS compares softmax weights: a row whose non-none entries are all equal loses to a peaked one.
  const alphas = { normal: Array.from({ length: 14 }, () => new Array(8).fill(0)), reduce: Array.from({ length: 14 }, () => new Array(8).fill(0)) };
  alphas.normal[1]![op('sep_conv_5x5')] = 2;
  const g = deriveDarts(alphas, 't');
  assert.deepEqual(g.normal.edges[1], { input: 1, node: 2, op: 'sep_conv_5x5' });
});

test('a child computed through its own ops only gives the logits of the full mixture under its 0/1 weights', async () => {
  await selectBackend();
  const net = new SearchNetwork({ channels: 2, layers: 3, classes: 10, seed: 4 });
  const scores = Array.from({ length: 14 }, (_, e) => Array.from({ length: 8 }, (_, k) => Math.sin(3 * e + k)));
  const g = { name: 'x', normal: twoPerNode(scores), reduce: twoPerNode(scores.map((r) => [...r].reverse())) };
  const child = childNetwork(g);
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
  try {
    assert.deepEqual(child.active.normal.map((ops) => ops.length).reduce((a, b) => a + b, 0), 8);
    const fast = net.forward(x, child.weights.normal, child.weights.reduce, { training: false }, child.active).dataSync();
    const full = net.forward(x, child.weights.normal, child.weights.reduce, { training: false }).dataSync();
    fast.forEach((v, i) => assert.ok(Math.abs(v - full[i]!) < 1e-5, `logit ${i}: ${v} vs ${full[i]}`));
    assert.deepEqual(cellWeights(g.normal).map((r) => r.reduce((a, b) => a + b, 0)).reduce((a, b) => a + b, 0), 8);
  } finally {
    child.dispose();
    net.dispose();
    x.dispose();
  }
});

test('the share of op weights a child trains: 1 for every op, 0 for none, and single-op children that add up to 1', async () => {
  await selectBackend();
  const net = new SearchNetwork({ channels: 2, layers: 3, classes: 10, seed: 1 });
  try {
    const rows = (f: (e: number, k: number) => boolean) => Array.from({ length: EDGES }, (_, e) => PRIMITIVES.flatMap((_, k) => (f(e, k) ? [k] : [])));
    const child = (normal: (e: number, k: number) => boolean, reduce: (e: number, k: number) => boolean) => ({ active: { normal: rows(normal), reduce: rows(reduce) } }) as unknown as ChildNetwork;
    assert.equal(opWeightShare(net, child(() => true, () => true)), 1);
    assert.equal(opWeightShare(net, child(() => false, () => false)), 0);
    let sum = 0;
    for (const type of ['normal', 'reduce'] as const) {
      for (let e = 0; e < EDGES; e++) {
        for (let k = 0; k < PRIMITIVES.length; k++) {
          const only = (t: string) => (e2: number, k2: number) => t === type && e2 === e && k2 === k;
          const share = opWeightShare(net, child(only('normal'), only('reduce')));
          if (type === 'normal' && ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect'].includes(PRIMITIVES[k]!)) assert.equal(share, 0, `${PRIMITIVES[k]} has no weights in a normal cell`);
          sum += share;
        }
      }
    }
    assert.ok(Math.abs(sum - 1) < 1e-12, `single-op shares sum to ${sum}`);
    // A reduction cell's skip-connection on an input edge is a factorized reduce, with weights.
    assert.ok(opWeightShare(net, child(() => false, (e, k) => e === 0 && PRIMITIVES[k] === 'skip_connect')) > 0);
  } finally {
    net.dispose();
  }
});

test("DARTS' second-order alpha gradient matches finite differences of the unrolled objective", async () => {
  await selectBackend();
  // A tiny smooth model (the search network's ReLUs, max-pools and batch statistics of four
  // images make finite differences too rough to check against): x W1, three smooth "ops"
  // mixed by softmax(alpha), then W2 and cross-entropy.
  const data = (seed: number) => ({ x: tf.randomNormal([8, 5], 0, 1, 'float32', seed) as tf.Tensor2D, y: tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32') });
  const [tr, va] = [data(1), data(2)];
  const w1 = tf.variable(tf.randomNormal([5, 6], 0, 0.5, 'float32', 3), true, 'w1');
  const w2 = tf.variable(tf.randomNormal([6, 4], 0, 0.5, 'float32', 4), true, 'w2');
  const alpha = tf.variable(tf.tensor2d([[0.3, -0.2, 0.1]]), true, 'alpha');
  const buffers = new Map([[w1, tf.randomNormal([5, 6], 0, 0.1, 'float32', 5)], [w2, tf.randomNormal([6, 4], 0, 0.1, 'float32', 6)]]);
  const loss = (d: { x: tf.Tensor2D; y: tf.Tensor1D }) => {
    const h = tf.matMul(d.x, w1);
    const p = tf.softmax(alpha).reshape([3]);
    const ops = [tf.tanh(h), tf.sin(h), tf.mul(h, 0.5)];
    const mix = tf.addN(ops.map((o, k) => tf.mul(o, tf.slice(p, k, 1))));
    return softmaxCrossEntropy(tf.matMul(mix, w2), d.y);
  };
  const momentum = 0.9;
  const decay = 3e-4;
  const xi = 0.5;
  const problem = { weights: [w1, w2], alphas: [alpha], trainLoss: () => loss(tr), valLoss: () => loss(va), moment: (w: tf.Variable) => tf.mul(buffers.get(w)!, momentum), decay };
  try {
    const before = [w1.dataSync().slice(), w2.dataSync().slice()];
    const second = unrolledAlphaGrads(problem, xi)[alpha.name]!.dataSync();
    assert.deepEqual([Array.from(w1.dataSync()), Array.from(w2.dataSync())], before.map((b) => Array.from(b)), 'the weights are put back');
    // F(alpha) = L_val(w - xi (m buf + dL_train/dw + decay w), alpha), by its own hand.
    const objective = () => tf.tidy(() => {
      const g = tf.variableGrads(() => loss(tr), [w1, w2]).grads;
      const unrolled = [w1, w2].map((w) => tf.sub(w, tf.mul(tf.add(tf.add(tf.mul(buffers.get(w)!, momentum), g[w.name]!), tf.mul(w, decay)), xi)));
      const saved = [w1.clone(), w2.clone()];
      w1.assign(unrolled[0]!); w2.assign(unrolled[1]!);
      const f = loss(va).dataSync()[0]!;
      w1.assign(saved[0]!); w2.assign(saved[1]!);
      return f;
    });
    const h = 1e-2;
    const numeric = [0, 1, 2].map((k) => {
      const at = (delta: number) => { const b = alpha.bufferSync(); b.set(b.get(0, k) + delta, 0, k); alpha.assign(b.toTensor()); };
      at(h); const fp = objective(); at(-2 * h); const fm = objective(); at(h);
      return (fp - fm) / (2 * h);
    });
    const first = tf.variableGrads(() => loss(va), [alpha]).grads[alpha.name]!.dataSync();
    const scale = Math.max(...numeric.map(Math.abs));
    numeric.forEach((n, k) => assert.ok(Math.abs(n - second[k]!) < 0.02 * scale, `alpha ${k}: finite differences ${n}, second-order gradient ${second[k]}`));
    assert.ok(numeric.some((n, k) => Math.abs(n - first[k]!) > 0.1 * scale), 'the unrolled objective differs from the first-order one here, so the check has teeth');
  } finally {
    tf.dispose([w1, w2, alpha, ...buffers.values(), tr.x, tr.y, va.x, va.y]);
  }
});

test('the DARTS architecture step leaves every network variable as it found it', async () => {
  await selectBackend();
  const d = new DartsSearch(searchConfig('darts-2nd', 'darts', { layers: 3, channels: 2 }), 1, RGB);
  const [train, val] = [batch(1), batch(2)];
  try {
    await settleStep(await d.trainStep({ batch: train, archBatch: val, clock: CLOCK, lr: 0.05, seed: 0 }));
    const before = d.net.namedVariables().map(([, v]) => Array.from(v.dataSync()));
    const alphasBefore = Array.from(d.arch.logAlpha.normal.dataSync());
    tf.dispose(Object.values(d.secondOrderGrads(train, val, 0.05)));
    d.net.namedVariables().forEach(([name, v], i) => assert.deepEqual(Array.from(v.dataSync()), before[i], `${name} changed`));
    assert.deepEqual(Array.from(d.arch.logAlpha.normal.dataSync()), alphasBefore);
  } finally {
    d.dispose();
    tf.dispose([train.x, train.y, val.x, val.y]);
  }
});

test('NASP binarises alpha two edges per node, clips it to [0, 1], and its weight step touches only the selected ops', async () => {
  await selectBackend();
  const cfg = searchConfig('nasp', 'nasp', { layers: 3, channels: 2, alpha_lr: 0.5 });
  const n = new NaspSearch(cfg, 3, RGB);
  const train = batch(3);
  const val = batch(4);
  try {
    const alphas = await n.archValues();
    for (const rows of [alphas.normal, alphas.reduce]) for (const r of rows) for (const v of r) assert.ok(v >= 0 && v <= 1);
    const bin = binarise(alphas, cfg.nasp.space);
    assert.equal(bin.normal.edges.length, 8);
    const named = new Map(n.net.namedVariables());
    const before = new Map([...named].map(([k, v]) => [k, v.dataSync().slice()]));
    const result = await n.trainStep({ batch: train, archBatch: val, clock: CLOCK, lr: 0.1, seed: 0 });
    const opsTrained = result.opsTrained;
    await settleStep(result);
    const after = await n.archValues();
    for (const rows of [after.normal, after.reduce]) for (const r of rows) for (const v of r) assert.ok(v >= 0 && v <= 1, `alpha ${v} left [0, 1]`);
    assert.ok(after.normal.some((r) => r.some((v) => v === 0 || v === 1)), 'a large step clips some alpha to a bound');
    // The weight step used the binarisation of the alpha after the architecture step.
    const used = binarise(after, cfg.nasp.space);
    const selected = new Set<string>();
    for (const [cellIdx, cell] of n.net.cells.entries()) {
      const g = cell.reduction ? used.reduce : used.normal;
      for (const e of g.edges) {
        selected.add(`cells.${cellIdx}.edges.${edgeIndex(e.input, e.node)}.${PRIMITIVES.indexOf(e.op)}.`);
      }
    }
    let changedOps = 0;
    let [selectedSize, opSize] = [0, 0];
    for (const [k, v] of named) {
      const m = /^(cells\.\d+\.edges\.\d+\.\d+\.)/.exec(k);
      if (!m || !v.trainable) continue;
      opSize += v.size;
      if (selected.has(m[1]!)) selectedSize += v.size;
      const moved = Array.from(v.dataSync()).some((x, i) => x !== before.get(k)![i]);
      if (selected.has(m[1]!)) changedOps += moved ? 1 : 0;
      else assert.ok(!moved, `${k} belongs to an op NASP did not select, yet it changed`);
    }
    assert.ok(changedOps > 0, 'the selected ops were trained');
    // The step reports the share of the cells' op weights it trained: the selected ops' parameters over all ops'.
    assert.ok(opsTrained !== undefined && Math.abs(opsTrained - selectedSize / opSize) < 1e-12, `ops trained ${opsTrained} vs ${selectedSize} / ${opSize}`);
    assert.ok(opsTrained! > 0 && opsTrained! < 0.5);
  } finally {
    n.dispose();
    tf.dispose([train.x, train.y, val.x, val.y]);
  }
});

test("ENAS' controller samples as its log-probabilities say, and REINFORCE moves a rewarded child's probability", async () => {
  await selectBackend();
  const c = new EnasController(8, 1.1, 5);
  try {
    const first = Math.exp(c.decisionLogProbs(c.sample(rng(0)))[0]!); // P(first input = token drawn)
    const draws = 300;
    const next = rng(1);
    let same = 0;
    const ref = c.sample(rng(0))[0]!;
    for (let i = 0; i < draws; i++) if (c.sample(next)[0] === ref) same++;
    const sd = Math.sqrt((first * (1 - first)) / draws);
    assert.ok(Math.abs(same / draws - first) < 4 * sd + 0.01, `first decision drawn ${same / draws}, log-probability says ${first}`);
    const tokens = c.sample(rng(2));
    assert.equal(tokens.length, DECISIONS.length);
    DECISIONS.forEach((d, i) => assert.ok(tokens[i]! >= 0 && tokens[i]! < d.choices));
    const g = decisionsToGenotype(tokens, 'x');
    assert.equal(g.normal.edges.length, 8);
    assert.ok(g.normal.edges.every((e) => e.input < e.node && e.op !== 'none'));
  } finally {
    c.dispose();
  }
  const cfg = searchConfig('enas', 'enas', { layers: 3, channels: 2 });
  for (const sign of [1, -1]) {
    const e = new EnasSearch({ ...cfg, enas: { ...cfg.enas, controller_lr: 0.05, entropy_weight: 0 } }, 0, RGB);
    try {
      const tokens = e.controller.sample(rng(9));
      const logp = () => e.controller.decisionLogProbs(tokens).reduce((a, b) => a + b, 0);
      const before = logp();
      const vars = e.controller.trainableVariables();
      // REINFORCE with a fixed advantage: loss = -advantage * log p(child).
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.mul(e.controller.score(tokens).logProb, -sign) as tf.Scalar, vars);
        e.controllerOpt.step(vars, vars.map((v) => grads[v.name]!));
      });
      const after = logp();
      assert.ok(sign > 0 ? after > before : after < before, `advantage ${sign}: log p went from ${before} to ${after}`);
    } finally {
      e.dispose();
    }
  }
});

test("ENAS' controller: its temperature flattens the decisions, a step scores children_per_step children, and the result is the best of final_samples", async () => {
  await selectBackend();
  const entropyAt = (temperature: number) => {
    const c = new EnasController(8, 2.5, 5, temperature);
    try {
      return c.sampleMany([rng(1), rng(2), rng(3)]).reduce((s, x) => s + x.entropy, 0);
    } finally {
      c.dispose();
    }
  };
  assert.ok(entropyAt(5) > entropyAt(1), `sample entropy at temperature 5 (${entropyAt(5)}) above temperature 1 (${entropyAt(1)})`);
  const cfg = searchConfig('enas', 'enas', { layers: 3, channels: 2 });
  const e = new EnasSearch({ ...cfg, enas: { ...cfg.enas, children_per_step: 4, final_samples: 5 } }, 0, RGB);
  const [b, a] = [batch(1, 8), batch(2, 8)];
  const scored: number[] = [];
  e.net.cells[0]!.edges.forEach((edge) => edge.ops.forEach((o) => {
    const forward = o.forward.bind(o);
    o.forward = (x, ctx) => { if (!ctx.training) scored.push(1); return forward(x, ctx); };
  }));
  try {
    await e.controllerStep(a, 3);
    // Each scored child computes two ops per node of the first cell (a normal cell): 8 op calls.
    assert.equal(scored.length, 4 * 8, 'four children scored, eight ops each in the first cell');
    assert.equal(e.updates, 1);
    await e.choose(a, 7);
    const candidates = Array.from({ length: 5 }, (_, i) => decisionsToGenotype(e.controller.sample(rng(seedFor(7, i))), 'c'));
    const scores = await scoreChildren(e.net, candidates, a, evalCtx('running'));
    const best = candidates[bestIndex(scores)]!;
    const values = await e.archValues();
    assert.deepEqual(values.normal, cellWeights(best.normal), 'the result is the best-scoring candidate');
    assert.deepEqual(e.derive(values, 'x').normal.edges.length, 8);
  } finally {
    tf.dispose([b.x, b.y, a.x, a.y]);
    e.dispose();
  }
});

test('every baseline runs end to end, repeats itself, and resumes from a mid-epoch checkpoint to the same result (DARTS-PRIME between two projections)', async () => {
  const backend = await selectBackend();
  const dir = mkdtempSync(join(tmpdir(), 'snas-baselines-'));
  try {
    // Every method after DARTS computes every op each step, or one child's.
    const everyOp = new Set(['darts-2nd', 'darts-single', 'darts-prime', 'idarts']);
    for (const name of ['darts-2nd', 'darts-single', 'nasp', 'enas', 'gdas', 'idarts', 'unas', 'darts-prime', 'random-ws']) {
      const raw = readYaml(join(ROOT, 'configs', 'search', `${name}.yaml`)) as Record<string, unknown>;
      const config = configAtScale(raw, name, 'smoke');
      config.search = { ...config.search!, checkpoint_every: 1 };
      const run = (out: string, extra: { resume?: boolean; stopAfterSteps?: number } = {}) => runSearch({
        config, configFile: name, out: join(dir, name, out), resume: extra.resume ?? false, force: false,
        environment: () => ({ backend: backend.name }), command: 'test', stopAfterSteps: extra.stopAfterSteps,
      });
      const a = await run('a');
      assert.equal(a.records.length, 2, name);
      for (const r of a.records) assert.ok(Number(r.child_val_acc) >= 0 && Number(r.search_val_acc) >= 0);
      for (const r of a.records) assert.ok(everyOp.has(name) ? r.ops_trained === 1 : Number(r.ops_trained) > 0 && Number(r.ops_trained) < 1, `${name}: ops_trained ${r.ops_trained}`);
      await run('b');
      await run('c', { stopAfterSteps: 4 });
      await run('c', { resume: true });
      for (const f of ['metrics.csv', 'alphas.json', 'genotype.json']) {
        const want = readFileSync(join(dir, name, 'a', f), 'utf8');
        assert.equal(readFileSync(join(dir, name, 'b', f), 'utf8'), want, `${name}: ${f} differs between two runs`);
        assert.equal(readFileSync(join(dir, name, 'c', f), 'utf8'), want, `${name}: ${f} differs after resume`);
      }
      const genotype = JSON.parse(readFileSync(join(dir, name, 'a', 'genotype.json'), 'utf8'));
      assert.equal(genotype.normal.length, 8, `${name} derives two edges per node`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
