// GDAS (src/search/gdas.ts): one op per edge is computed, the sampled one (counted by wrapping
// every op's forward), never 'none'; and the straight-through gradient to alpha is the soft
// weights' chain rule at the sample: the full mixture's gradient with respect to its op weights,
// taken at the one-hot weights of the sample, on each edge's sampled op, times d p_sampled /
// d alpha (p over the 7 computed ops).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { configAtScale, readYaml } from '../src/config/load.js';
import type { GdasConfig } from '../src/config/schema.js';
import { softmaxCrossEntropy } from '../src/ops/index.js';
import { CELL_TYPES } from '../src/search/architecture.js';
import { GdasSearch, gdasTemperature } from '../src/search/gdas.js';
import { disposeDraw, gumbelOf, oneHotOf } from '../src/search/hard-gumbel.js';
import { settleStep } from '../src/search/strategy.js';
import { EDGES, PRIMITIVES } from '../src/space/primitives.js';
import { ROOT } from './helpers/run.js';

function gdas(over: Partial<GdasConfig> = {}): GdasSearch {
  const cfg = configAtScale(readYaml(join(ROOT, 'configs', 'search', 'gdas.yaml')) as Record<string, unknown>, 'gdas', 'smoke').search!;
  if (cfg.method !== 'gdas') throw new Error('gdas.yaml is not a GDAS config');
  return new GdasSearch({ ...cfg, layers: 3, channels: 2, ...over }, 3, { size: 8, channels: 3, classes: 10 });
}

const batch = (seed: number) => ({ x: tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', seed) as tf.Tensor4D, y: tf.tensor1d([0, 1, 2, seed % 10], 'int32'), index: 0 });

test('GDAS computes one op per edge, the sampled one, in the forward pass and a step', async () => {
  await selectBackend();
  const g = gdas();
  const calls: string[] = [];
  g.net.cells.forEach((cell, c) => cell.edges.forEach((edge, e) => edge.ops.forEach((op, k) => {
    const forward = op.forward.bind(op);
    op.forward = (x, ctx) => { calls.push(`${c}/${e}/${k}`); return forward(x, ctx); };
  })));
  const b = batch(1);
  try {
    const s = await g.sample(7);
    assert.ok(s.index.flat().every((k) => PRIMITIVES[k] !== 'none'), "'none' is never sampled");
    tf.tidy(() => { g.logits(b.x, s, { training: true }); });
    const want = g.net.cells.flatMap((cell, c) => s.index[cell.reduction ? 1 : 0]!.map((k, e) => `${c}/${e}/${k}`));
    assert.deepEqual([...calls].sort(), [...want].sort(), 'the ops called are the sampled ones, once each');
    assert.equal(want.length, g.net.cells.length * EDGES);
    disposeDraw(s);
    // A whole step (weights, then alpha, two samples): at most two op calls per edge, one per pass.
    calls.length = 0;
    const a = batch(2);
    await settleStep(await g.trainStep({ batch: b, archBatch: a, clock: { epoch: 0, epochs: 2, step: 0, stepsPerEpoch: 1 }, lr: 0.05, seed: 4 }));
    const perEdge = new Map<string, number>();
    for (const key of calls) { const edge = key.split('/').slice(0, 2).join('/'); perEdge.set(edge, (perEdge.get(edge) ?? 0) + 1); }
    assert.ok([...perEdge.values()].every((n) => n <= 2), 'no edge computes more than one op per pass');
    assert.equal(calls.length, 2 * g.net.cells.length * EDGES, 'one op per edge in each of the two passes');
    tf.dispose([a.x, a.y]);
  } finally {
    tf.dispose([b.x, b.y]);
    g.dispose();
  }
});

test("GDAS' straight-through gradient is the soft weights' chain rule at the sample", async () => {
  await selectBackend();
  const g = gdas();
  const b = batch(3);
  const s = await g.sample(11);
  try {
    g.tau = 2;
    const alphas = g.arch.variables();
    const computedOf = (t: tf.Tensor) => tf.slice(t, [0, 1], [-1, 7]);
    const computed = (t: (typeof CELL_TYPES)[number]) => computedOf(g.arch.logAlpha[t]);
    const ctx = { training: true };
    // Single path, straight-through weights.
    const st = tf.tidy(() => tf.variableGrads(() => softmaxCrossEntropy(g.logits(b.x, s, ctx), b.y), alphas).grads);
    // The full mixture at the one-hot weights of the sample: dL/dW there.
    const hot = s.index.map((ix) => tf.variable(oneHotOf(ix, PRIMITIVES.length), true));
    const dW = tf.tidy(() => tf.variableGrads(() => softmaxCrossEntropy(g.net.forward(b.x, hot[0] as tf.Tensor2D, hot[1] as tf.Tensor2D, ctx), b.y), hot).grads);
    // sum over edges of dL/dW[e, sampled] * p[e, sampled], differentiated with respect to alpha.
    const want = tf.tidy(() => tf.variableGrads(() => tf.addN(CELL_TYPES.map((t, i) => {
      const p = tf.softmax(tf.div(tf.add(tf.logSoftmax(computed(t)), gumbelOf(s.u[i]!)), g.tau));
      return tf.sum(tf.mul(tf.mul(p, oneHotOf(s.index[i]!.map((k) => k - 1), 7)), computedOf(dW[hot[i]!.name]!)));
    })) as tf.Scalar, alphas).grads);
    for (const a of alphas) {
      const got = st[a.name]!.dataSync();
      const ref = want[a.name]!.dataSync();
      const scale = Math.max(...Array.from(ref).map(Math.abs));
      assert.ok(scale > 1e-6, 'the reference gradient is not zero');
      got.forEach((v, j) => assert.ok(Math.abs(v - ref[j]!) < 1e-3 * scale + 1e-7, `${a.name}[${j}]: straight-through ${v}, chain rule ${ref[j]}`));
    }
    // The soft gradient over every op differs (the sampled op's term alone is GDAS'): the check has teeth.
    const soft = tf.tidy(() => tf.variableGrads(() => tf.addN(CELL_TYPES.map((t, i) => {
      const p = tf.softmax(tf.div(tf.add(tf.logSoftmax(computed(t)), gumbelOf(s.u[i]!)), g.tau));
      return tf.sum(tf.mul(p, computedOf(dW[hot[i]!.name]!)));
    })) as tf.Scalar, alphas).grads);
    assert.ok(alphas.some((a) => Array.from(soft[a.name]!.dataSync()).some((v, j) => Math.abs(v - want[a.name]!.dataSync()[j]!) > 1e-4)), 'every op\'s term gives the same gradient');
    tf.dispose([...Object.values(st), ...Object.values(dW), ...Object.values(want), ...Object.values(soft), ...hot]);
  } finally {
    disposeDraw(s);
    tf.dispose([b.x, b.y]);
    g.dispose();
  }
});

test("GDAS' temperature falls linearly from tau_max at the first epoch to tau_min at the last", () => {
  const cfg = { tau_max: 10, tau_min: 0.1 };
  assert.equal(gdasTemperature(cfg, { epoch: 0, epochs: 5 }), 10);
  assert.ok(Math.abs(gdasTemperature(cfg, { epoch: 4, epochs: 5 }) - 0.1) < 1e-12);
  assert.ok(Math.abs(gdasTemperature(cfg, { epoch: 2, epochs: 5 }) - 5.05) < 1e-12);
});
