// Random search with weight sharing (src/search/random-ws.ts): the sampler is uniform over the
// discrete space (chi-square over many draws of one edge's op and one node's pair of inputs),
// and the result is the best of the candidates on the batch (best-of.ts), recorded so that the
// derived cell is exactly the chosen one.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { configAtScale, readYaml } from '../src/config/load.js';
import { evalCtx } from '../src/nn/module.js';
import { bestIndex, genotypeOfCounts, scoreChildren } from '../src/search/best-of.js';
import { cellWeights } from '../src/search/child.js';
import { RandomWsSearch, uniformArchitecture } from '../src/search/random-ws.js';
import { settleStep } from '../src/search/strategy.js';
import { PRIMITIVES } from '../src/space/primitives.js';
import { seedFor } from '../src/util/rng.js';
import { ROOT } from './helpers/run.js';

/** Pearson's chi-square statistic of counts against equal expected counts. */
function chiSquare(counts: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  const e = n / counts.length;
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
}

test('random search samples uniformly: one edge\'s op and one node\'s pair of inputs pass a chi-square test', () => {
  const draws = 7000;
  const ops = PRIMITIVES.filter((p) => p !== 'none');
  const opCounts = new Array(ops.length).fill(0);
  const pairs = new Map<string, number>();
  for (let i = 0; i < draws; i++) {
    const g = uniformArchitecture(seedFor(123, i));
    const node5 = g.normal.edges.filter((e) => e.node === 5);
    assert.equal(node5.length, 2);
    assert.notEqual(node5[0]!.input, node5[1]!.input, 'two distinct inputs');
    opCounts[ops.indexOf(node5[0]!.op)]++;
    const key = node5.map((e) => e.input).sort().join(',');
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  assert.equal(pairs.size, 10, 'node 5 picks 2 of its 5 inputs: 10 pairs');
  // 99.9% quantiles of chi-square with 6 and 9 degrees of freedom.
  assert.ok(chiSquare(opCounts) < 22.46, `ops: chi-square ${chiSquare(opCounts)} over ${opCounts}`);
  assert.ok(chiSquare([...pairs.values()]) < 27.88, `input pairs: chi-square ${chiSquare([...pairs.values()])}`);
  // The test can fail: a sampler that favours the first op twice as often is rejected.
  const skewed = [...opCounts];
  skewed[0] += 1000;
  assert.ok(chiSquare(skewed) > 22.46);
});

test('random search keeps the best of its candidates on the batch, and derives exactly that cell', async () => {
  await selectBackend();
  const cfg = configAtScale(readYaml(join(ROOT, 'configs', 'search', 'random-ws.yaml')) as Record<string, unknown>, 'random-ws', 'smoke').search!;
  if (cfg.method !== 'random-ws') throw new Error('random-ws.yaml is not a random search config');
  const s = new RandomWsSearch({ ...cfg, layers: 3, channels: 2, random_ws: { candidates: 6 } }, 0, { size: 8, channels: 3, classes: 10 });
  const batch = (seed: number) => ({ x: tf.randomNormal([8, 8, 8, 3], 0, 1, 'float32', seed) as tf.Tensor4D, y: tf.tensor1d([0, 1, 2, 3, 4, 5, 6, seed % 10], 'int32'), index: 0 });
  const [b, a] = [batch(1), batch(2)];
  try {
    const seed = 9;
    await settleStep(await s.trainStep({ batch: b, archBatch: a, clock: { epoch: 0, epochs: 1, step: 0, stepsPerEpoch: 1 }, lr: 0.05, seed }));
    const candidates = Array.from({ length: 6 }, (_, i) => uniformArchitecture(seedFor(seed, 2, i)));
    const scores = await scoreChildren(s.net, candidates, a, evalCtx(cfg.eval_bn));
    const best = candidates[bestIndex(scores)]!;
    const values = await s.archValues();
    assert.deepEqual(values.normal, cellWeights(best.normal));
    assert.deepEqual(values.reduce, cellWeights(best.reduce));
    const derived = s.derive(values, 'x');
    assert.deepEqual(derived.normal.edges, best.normal.edges);
    assert.deepEqual(derived.reduce.edges, best.reduce.edges);
    // Two ops on one input (which ENAS' controller may choose) survive the round trip.
    const twice = { name: 'x', normal: { form: 'two-per-node' as const, edges: [...best.normal.edges.slice(0, 6), { input: 0, node: 5, op: 'sep_conv_3x3' as const }, { input: 0, node: 5, op: 'sep_conv_3x3' as const }] }, reduce: best.reduce, source: 'test' };
    assert.deepEqual(genotypeOfCounts({ normal: cellWeights(twice.normal), reduce: cellWeights(twice.reduce) }, 'x').normal.edges, twice.normal.edges);
  } finally {
    tf.dispose([b.x, b.y, a.x, a.y]);
    s.dispose();
  }
});
