// Ops, cells and networks of the search space: shapes, forward passes of every published
// genotype on both evaluation networks, and the search network.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { Init } from '../src/nn/module.js';
import { DerivedNetwork } from '../src/networks/derived.js';
import { SearchNetwork } from '../src/networks/search.js';
import { makeOp } from '../src/space/ops.js';
import { PARAMETER_FREE, PRIMITIVES } from '../src/space/primitives.js';
import { genotypeByName, publishedGenotypes } from '../src/space/registry.js';
import { parameterFreeEdges } from '../src/search/architecture.js';

await selectBackend({ log: () => {} });

test('every op keeps the shape at stride 1 and halves it at stride 2', () => {
  const x = tf.randomNormal([2, 8, 8, 6]) as tf.Tensor4D;
  for (const op of PRIMITIVES) {
    for (const stride of [1, 2]) {
      for (const poolBN of [true, false]) {
        const m = makeOp(op, 6, stride, { affine: true, poolBN }, new Init(1));
        // (the shape only: skip_connect at stride 1 returns x itself)
        const shape = tf.tidy(() => m.forward(x, { training: true }).shape);
        assert.deepEqual(shape, [2, 8 / stride, 8 / stride, 6], `${op} stride ${stride}`);
        m.dispose();
      }
    }
  }
  x.dispose();
});

test('every published genotype builds both evaluation networks and runs forward (training, with auxiliary head)', () => {
  for (const [name, genotype] of publishedGenotypes()) {
    for (const [kind, inputSize] of [['cifar10', 32], ['imagenet', 224]] as const) {
      const net = new DerivedNetwork({ kind, genotype, channels: 8, layers: 5, classes: 10, inputSize, auxiliary: true });
      const shapes = tf.tidy(() => {
        const out = net.forward(tf.randomNormal([2, inputSize, inputSize, 3]) as tf.Tensor4D, { training: true, dropPath: 0.2, nextSeed: (() => { let s = 0; return () => ++s; })() });
        return [out.logits.shape, out.aux?.shape];
      });
      assert.deepEqual(shapes, [[2, 10], [2, 10]], `${name} on ${kind}`);
      const hasAux = tf.tidy(() => net.forward(tf.zeros([1, inputSize, inputSize, 3]), { training: false }).aux !== undefined);
      assert.equal(hasAux, false, 'no auxiliary output at inference');
      net.dispose();
    }
  }
});

test('the search network runs forward and backward under any [14, 8] weights', () => {
  const net = new SearchNetwork({ channels: 4, layers: 5, classes: 10, seed: 3 });
  const x = tf.randomNormal([2, 16, 16, 3]) as tf.Tensor4D;
  const w = tf.softmax(tf.randomNormal([14, 8])) as tf.Tensor2D;
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(net.forward(x, w, w, { training: true }))) as tf.Scalar);
  assert.ok(Number.isFinite(value.dataSync()[0]!));
  const trainable = net.trainableVariables();
  const missing = trainable.filter((v) => grads[v.name] === undefined).map((v) => v.name);
  // Only weights that cannot reach the output lack a gradient: none of them here.
  assert.deepEqual(missing, []);
  tf.dispose([x, w, value, ...Object.values(grads)]);
  net.dispose();
});

test('identical seeds build identical networks', () => {
  const g = publishedGenotypes().get('SNAS_mild')!;
  const make = (seed: number) => new DerivedNetwork({ kind: 'cifar10', genotype: g, channels: 8, layers: 5, classes: 10, inputSize: 32, auxiliary: false, seed });
  const [a, b, c] = [make(1), make(1), make(2)];
  const first = (n: DerivedNetwork) => Array.from(n.trainableVariables()[0]!.dataSync());
  assert.deepEqual(first(a), first(b));
  assert.notDeepEqual(first(a), first(c));
  [a, b, c].forEach((n) => n.dispose());
});

test('bad network shapes are rejected clearly', () => {
  const g = publishedGenotypes().get('DARTS_V2')!;
  assert.throws(() => new DerivedNetwork({ kind: 'cifar10', genotype: g, channels: 7, layers: 8, classes: 10, inputSize: 32, auxiliary: false }), /channels must be even/);
  assert.throws(() => new DerivedNetwork({ kind: 'cifar10', genotype: g, channels: 8, layers: 2, classes: 10, inputSize: 32, auxiliary: false }), /at least 3 cells/);
  assert.throws(() => new DerivedNetwork({ kind: 'cifar10', genotype: g, channels: 8, layers: 8, classes: 10, inputSize: 12, auxiliary: true }), /auxiliary head: a 3x3 input is too small/);
});

test("BN's running statistics follow PyTorch's rule (momentum 0.1, unbiased variance)", async () => {
  const { BatchNorm } = await import('../src/nn/layers.js');
  const bn = new BatchNorm(3, false);
  const x = tf.randomNormal([4, 5, 5, 3], 2, 3, 'float32', 1) as tf.Tensor4D;
  tf.tidy(() => bn.forward(x, { training: true }));
  tf.tidy(() => bn.forward(x, { training: true }));
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const m = Array.from(mean.dataSync());
  const v = Array.from(variance.dataSync()).map((u) => (u * 100) / 99);
  // two updates from (0, 1): r = 0.81 r0 + 0.19 batch
  Array.from(bn.runningMean.dataSync()).forEach((r, i) => assert.ok(Math.abs(r - 0.19 * m[i]!) < 1e-5));
  Array.from(bn.runningVar.dataSync()).forEach((r, i) => assert.ok(Math.abs(r - (0.81 + 0.19 * v[i]!)) < 1e-4));
  bn.dispose();
});

test('search cell weights must be [14, 8]', async () => {
  const { edgeWeights } = await import('../src/space/search-cell.js');
  assert.throws(() => edgeWeights(tf.zeros([13, 8]) as tf.Tensor2D), /search cell weights must be \[14, 8\], got \[13,8\]/);
  assert.equal(edgeWeights(tf.zeros([14, 8]) as tf.Tensor2D).length, 14);
});

test('parameter-free edges of a derived cell: none, both pools and skip count, convolutions do not', () => {
  const g = genotypeByName('DARTS_V2');
  const ops = (type: 'normal' | 'reduce') => g[type].edges.map((e) => e.op);
  const expected = (type: 'normal' | 'reduce') => ops(type).filter((o) => ['none', 'max_pool_3x3', 'avg_pool_3x3', 'skip_connect'].includes(o)).length;
  assert.equal(parameterFreeEdges(g, 'normal'), expected('normal'));
  assert.equal(parameterFreeEdges(g, 'reduce'), expected('reduce'));
  assert.ok(expected('reduce') > 0 && expected('normal') < ops('normal').length, 'the published cell mixes both kinds, so the count has teeth');
  const allSkip = { ...g, normal: { ...g.normal, edges: g.normal.edges.map((e) => ({ ...e, op: 'skip_connect' as const })) } };
  assert.equal(parameterFreeEdges(allSkip, 'normal'), g.normal.edges.length);
  assert.deepEqual([...PARAMETER_FREE].sort(), ['avg_pool_3x3', 'max_pool_3x3', 'none', 'skip_connect']);
});
