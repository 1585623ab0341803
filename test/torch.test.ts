// The torch backend against tfjs' cpu backend: every kernel (forward and gradient), a whole
// SNAS step, and that nothing leaks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { LIBTORCH_HEADER, loadAddon } from '../src/backends/torch/addon.js';
import { nativeTensorCount, registerTorch, TORCH } from '../src/backends/torch/index.js';
import { runCase, scaledError, type RunResult } from './helpers/backend-compare.js';
import { torchCases } from './helpers/torch-cases.js';
import { ROOT } from './helpers/run.js';
import { stridedPointwiseCheck } from './helpers/strided-pointwise.js';
import { buildSnasStep, type StepShape } from '../src/bench/snas-step.js';
import { Sgd } from '../src/optim/sgd.js';
import { BatchNorm } from '../src/nn/layers.js';
import { Init } from '../src/nn/module.js';
import { Pool, SepConv } from '../src/space/ops.js';
import { SearchNetwork } from '../src/networks/search.js';
import * as ops from '../src/ops/index.js';
import { FUSED, FUSED_KERNELS } from '../src/ops/fused-kernels.js';

let reason = '';
const available = (() => {
  try {
    registerTorch();
    return true;
  } catch (err) {
    reason = (err as Error).message;
    return false;
  }
})();
const skip = available ? false : `torch backend unavailable: ${reason}`;

test('where libtorch is installed, the torch backend is built and starts', { skip: existsSync(LIBTORCH_HEADER) ? false : 'libtorch not installed' }, () => {
  assert.ok(available, reason);
});

function compare(name: string, got: RunResult, want: RunResult, tol: number): void {
  assert.equal(got.outputs.length, want.outputs.length, `${name}: number of outputs`);
  const pairs = [...got.outputs.map((o, i) => [o, want.outputs[i]!, `output ${i}`] as const),
    ...got.grads.map((g, i) => [g, want.grads[i]!, `gradient ${i}`] as const)];
  assert.equal(got.grads.length, want.grads.length, `${name}: number of gradients`);
  for (const [g, w, what] of pairs) {
    assert.equal(g.dtype, w.dtype, `${name}: ${what} dtype`);
    assert.deepEqual(g.shape, w.shape, `${name}: ${what} shape`);
    if (w.dtype === 'float32') {
      const err = scaledError(g.data, w.data);
      assert.ok(err <= tol, `${name}: ${what} differs from cpu by ${err.toExponential(2)} (tolerance ${tol})`);
    } else {
      assert.deepEqual(g.data, w.data, `${name}: ${what} values`);
    }
  }
}

/** Runs `body` with `backend` active (if given), then restores the backend that was active before. */
async function keepingBackend<T>(backend: string | undefined, body: () => Promise<T> | T): Promise<T> {
  const before = tf.getBackend() ?? 'cpu';
  if (backend) await tf.setBackend(backend);
  try {
    return await body();
  } finally {
    await tf.setBackend(before);
  }
}

test('every kernel of the torch backend matches the cpu backend (forward and gradient)', { skip }, async (t) => {
  const cases = torchCases();
  // SnasSgdStep writes into its inputs, which the case runner cannot express: its own test is below.
  const covered = new Set([...cases.flatMap((c) => c.kernels), FUSED.sgdStep]);
  const registered = tf.getKernelsForBackend(TORCH).map((k) => k.kernelName);
  assert.deepEqual(registered.filter((k) => !covered.has(k)), [], 'kernels without a test case');
  assert.deepEqual(FUSED_KERNELS.filter((k) => !registered.includes(k)), [], 'fused kernels the ops call that torch does not register');
  await keepingBackend(undefined, async () => {
    for (const c of cases) {
      await t.test(c.name, async () => {
        await tf.setBackend('cpu');
        const want = await runCase(c);
        await tf.setBackend(TORCH);
        const got = await runCase(c);
        const missing = c.kernels.filter((k) => !got.kernels.includes(k));
        assert.deepEqual(missing, [], `${c.name}: kernels that did not run on torch (ran: ${got.kernels.join(', ')})`);
        compare(c.name, got, want, c.tol ?? 1e-4);
      });
    }
  });
});

test('a kernel the torch backend lacks fails with an error that names it', { skip }, () => keepingBackend(TORCH, () => {
  assert.throws(() => tf.tidy(() => tf.image.resizeBilinear(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, [8, 8])), /Kernel 'ResizeBilinear' not registered for backend 'torch'/);
  assert.throws(() => tf.tidy(() => tf.einsum('ij,jk->ik', tf.ones([2, 3]), tf.ones([3, 2]))), /Kernel 'Einsum' not registered for backend 'torch'/);
}));

test('disposing tensors frees their native tensors', { skip }, () => keepingBackend(TORCH, () => {
  const n0 = nativeTensorCount();
  const a = tf.ones([4, 4]);
  const b = tf.reshape(a, [16]);
  assert.equal(nativeTensorCount(), n0 + 2);
  tf.dispose([a, b]);
  assert.equal(nativeTensorCount(), n0);
}));

async function stepGradients(backend: string): Promise<{ loss: number; grads: Float32Array[] }> {
  await tf.setBackend(backend);
  const s = buildSnasStep({ what: 'network', batch: 4, channels: 4, layers: 3, size: 8 }, 5);
  try {
    const { value, grads } = s.gradients(11);
    const all = [...s.weights, ...s.alphas].map((v) => grads[v.name]!);
    const out = { loss: (await value.data())[0]!, grads: await Promise.all(all.map(async (g) => (await g.data()) as Float32Array)) };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  } finally {
    s.dispose();
  }
}

test('a whole SNAS step of a small supernet on torch matches cpu: loss and every gradient within 1e-4 relative', { skip }, () => keepingBackend(undefined, async () => {
  const want = await stepGradients('cpu');
  const got = await stepGradients(TORCH);
  assert.ok(Math.abs(got.loss - want.loss) <= 1e-4 * Math.abs(want.loss), `loss ${got.loss} vs ${want.loss}`);
  assert.equal(got.grads.length, want.grads.length);
  assert.ok(want.grads.length > 100, 'the supernet has its hundreds of weight tensors');
  want.grads.forEach((w, i) => {
    const g = got.grads[i]!;
    let scale = 0;
    let err = 0;
    for (let k = 0; k < w.length; k++) {
      scale = Math.max(scale, Math.abs(w[k]!));
      err = Math.max(err, Math.abs(g[k]! - w[k]!));
    }
    assert.ok(err <= 1e-4 * Math.max(scale, 1e-6), `gradient ${i} [${w.length}]: max error ${err.toExponential(2)} against max ${scale.toExponential(2)}`);
  });
}));

/** A small supernet's logits in inference mode (after one training-mode pass moved its running statistics), and the kernels that pass ran. */
async function inferenceLogits(backend: string): Promise<{ logits: Float32Array; kernels: string[] }> {
  await tf.setBackend(backend);
  const net = new SearchNetwork({ channels: 4, layers: 3, classes: 10, seed: 5 });
  const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const w = tf.softmax(tf.randomNormal([14, 8], 0, 1, 'float32', 4)) as tf.Tensor2D;
  try {
    tf.dispose(tf.tidy(() => net.forward(x, w, w, { training: true })));
    const profile = await tf.profile(() => net.forward(x, w, w, { training: false }));
    const logits = profile.result as tf.Tensor;
    const out = { logits: (await logits.data()) as Float32Array, kernels: profile.kernels.map((k) => k.name) };
    logits.dispose();
    return out;
  } finally {
    tf.dispose([x, w]);
    net.dispose();
  }
}

test('a small supernet in inference mode on torch (the fused inference blocks) matches cpu (the layer-by-layer ops): logits within 1e-4', { skip }, () => keepingBackend(undefined, async () => {
  const want = await inferenceLogits('cpu');
  const got = await inferenceLogits(TORCH);
  for (const k of [FUSED.sepBlockInfer, FUSED.poolBlockInfer]) assert.ok(got.kernels.includes(k), `${k} ran on torch (ran: ${[...new Set(got.kernels)].join(', ')})`);
  const err = scaledError(Array.from(got.logits), Array.from(want.logits));
  assert.ok(err < 1e-4, `logits differ by ${err.toExponential(2)}`);
}));

async function assertFlat(shape: StepShape, steps: number): Promise<void> {
  const s = buildSnasStep(shape, 1);
  try {
    tf.dispose(s.step(0)); // optimiser state is created on the first step
    const tensors = tf.memory().numTensors;
    const natives = nativeTensorCount();
    for (let i = 1; i <= steps; i++) tf.dispose(s.step(i));
    assert.equal(tf.memory().numTensors, tensors, `tfjs tensors after ${steps} ${shape.what} steps`);
    assert.equal(nativeTensorCount(), natives, `native tensors after ${steps} ${shape.what} steps`);
  } finally {
    s.dispose();
  }
}

test('no leak: tfjs and native tensor counts stay flat over 1,000 SNAS steps of a mixed edge and 30 of a supernet', { skip }, () => keepingBackend(TORCH, async () => {
  const n0 = nativeTensorCount();
  await assertFlat({ what: 'edge', batch: 2, channels: 4, layers: 1, size: 8 }, 1000);
  await assertFlat({ what: 'network', batch: 2, channels: 4, layers: 3, size: 8 }, 30);
  assert.equal(nativeTensorCount(), n0, 'native tensors after disposing both steps');
}));

/** Three SGD steps on two variables with fixed gradients; returns weights, buffers and a clone taken before. */
async function sgdRun(clipNorm: number): Promise<{ weights: number[][]; buffers: number[][]; clone: number[] }> {
  const vars = [tf.variable(tf.tensor2d([[1, -2], [3, 0.5]]), true, 'sgd/a'), tf.variable(tf.tensor1d([0.25, -4, 2]), true, 'sgd/b')];
  const clone = tf.clone(vars[0]!); // shares storage with the variable on torch until the step copies it
  const sgd = new Sgd({ momentum: 0.9, weightDecay: 0.01, clipNorm });
  try {
    for (let i = 1; i <= 3; i++) {
      const grads = { 'sgd/a': tf.tensor2d([[i, -1], [0.5, 2 * i]]), 'sgd/b': tf.tensor1d([-3, i, 0.1]) };
      sgd.step(vars, grads, 0.1 / i);
      tf.dispose(Object.values(grads));
    }
    return {
      weights: vars.map((v) => Array.from(v.dataSync())),
      buffers: vars.map((v) => Array.from(sgd.velocityOf(v).dataSync())),
      clone: Array.from(clone.dataSync()),
    };
  } finally {
    sgd.dispose();
    tf.dispose([...vars, clone]);
  }
}

test('SGD as one native in-place step on torch equals the step built from tfjs ops on cpu (momentum start, decay, clipping); clones keep their values', { skip }, () => keepingBackend(undefined, async () => {
  for (const clip of [0, 1]) {
    await tf.setBackend('cpu');
    const want = await sgdRun(clip);
    await tf.setBackend(TORCH);
    const got = await sgdRun(clip);
    for (const key of ['weights', 'buffers'] as const) {
      want[key].forEach((w, i) => assert.ok(scaledError(got[key][i]!, w) < 1e-6, `clip ${clip}: ${key} ${i}: ${got[key][i]} vs ${w}`));
    }
    assert.deepEqual(got.clone, [1, -2, 3, 0.5], 'a clone taken before the step is not updated in place');
    assert.notDeepEqual(want.weights[0], [1, -2, 3, 0.5], 'the step moved the weights');
  }
}));

async function runningStatsAfterTwoBatches(): Promise<number[][]> {
  const bn = new BatchNorm(3, false);
  try {
    for (const seed of [1, 2]) tf.tidy(() => bn.forward(tf.randomNormal([2, 4, 4, 3], 1, 2, 'float32', seed), { training: true }));
    return [Array.from(bn.runningMean.dataSync()), Array.from(bn.runningVar.dataSync())];
  } finally {
    bn.dispose();
  }
}

/** Each running statistic of search-cell ops (sep_conv_3x3: two fused blocks on torch; the pools: one each) after two training batches, by name. */
async function sepConvRunningStats(): Promise<[string, number[]][]> {
  const cellOps = [new SepConv(3, 3, 2, false, new Init(4)), new Pool('max', 3, 2, true, false), new Pool('avg', 3, 1, true, false)];
  try {
    for (const seed of [1, 2]) tf.tidy(() => cellOps.forEach((op) => op.forward(tf.randomNormal([2, 6, 6, 3], 1, 2, 'float32', seed), { training: true })));
    return cellOps.flatMap((op, i) => op.namedVariables().filter(([name]) => name.includes('running')).map(([name, v]) => [`${i}.${name}`, Array.from(v.dataSync())] as [string, number[]]));
  } finally {
    cellOps.forEach((op) => op.dispose());
  }
}

test('batch norm running statistics updated in place by the fused torch kernels (batch norm, separable block, pool block) equal the tfjs-op update on cpu', { skip }, () => keepingBackend(undefined, async () => {
  await tf.setBackend('cpu');
  const want = await runningStatsAfterTwoBatches();
  const wantSep = await sepConvRunningStats();
  await tf.setBackend(TORCH);
  const got = await runningStatsAfterTwoBatches();
  const gotSep = await sepConvRunningStats();
  want.forEach((w, i) => assert.ok(scaledError(got[i]!, w) < 1e-5, `${i ? 'variance' : 'mean'}: ${got[i]} vs ${w}`));
  assert.notDeepEqual(want[1], [1, 1, 1], 'the running variance moved');
  assert.equal(wantSep.length, 8, 'four batch norms (two blocks, two pools), a mean and a variance each');
  wantSep.forEach(([name, w], i) => {
    assert.equal(gotSep[i]![0], name);
    assert.ok(scaledError(gotSep[i]![1], w) < 1e-5, `${name}: ${gotSep[i]![1]} vs ${w}`);
    assert.ok(w.some((v) => v !== (name.includes('var') ? 1 : 0)), `${name} moved`);
  });
}));

test('the direct depthwise kernels equal ATen\'s: forward, input and filter gradients, every geometry of the search space', { skip }, () => keepingBackend(TORCH, async () => {
  const native = loadAddon();
  const before = native.direct();
  // [k, stride, dilation, pad] of sep_conv and dil_conv (strides 1 and 2), on odd and even sizes, and one uneven 'same' padding.
  const geometries: [number, number, number, number | 'same'][] = [[3, 1, 1, 1], [5, 1, 1, 2], [3, 2, 1, 1], [5, 2, 1, 2], [3, 1, 2, 2], [5, 1, 2, 4], [3, 2, 2, 2], [5, 2, 2, 4], [3, 2, 1, 'same']];
  // [size, channels]: rows of partial chunks (64 floats), of a whole chunk (16 x 4), of more
  // than a chunk (17 x 5); filter rows repeating every 1, 2 and 4 vectors (C 8, 16, 32) or not (C 5).
  const sizes: [number, number][] = [[7, 5], [8, 5], [17, 5], [16, 4], [7, 8], [9, 16], [6, 32]];
  const run = (on: boolean, k: number, s: number, d: number, p: number | 'same', size: number, c: number) => {
    native.direct(on);
    return tf.tidy(() => {
      const x = tf.randomNormal([3, size, size, c], 0, 1, 'float32', size * 31 + k) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, c, 1], 0, 1, 'float32', k * 7 + s) as tf.Tensor4D;
      const f = (a: tf.Tensor4D, b: tf.Tensor4D) => (p === 'same'
        ? tf.depthwiseConv2d(a, b, s, 'same', 'NHWC', d)
        : ops.depthwiseConv2d(a, b, { stride: s, pad: p, dilation: d }));
      const y = f(x, w);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 5);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), dy)))([x, w]);
      return [y, dx!, dw!].map((t) => Array.from(t.dataSync()));
    });
  };
  try {
    for (const [k, s, d, p] of geometries) {
      if (s === 2 && d === 2 && p === 'same') continue;
      for (const [size, c] of sizes) {
        const want = run(false, k, s, d, p, size, c);
        const got = run(true, k, s, d, p, size, c);
        ['output', 'input gradient', 'filter gradient'].forEach((what, i) => {
          const err = scaledError(got[i]!, want[i]!);
          assert.ok(err < 1e-5, `k ${k} stride ${s} dilation ${d} pad ${p} size ${size} C ${c}: ${what} differs by ${err.toExponential(2)}`);
        });
      }
    }
  } finally {
    native.direct(before);
  }
}));

test('the sep block\'s ReLU inside the direct depthwise kernels equals ReLU then ATen: output and every gradient, strides 1 and 2, dilations 1 and 2', { skip }, () => keepingBackend(TORCH, async () => {
  const native = loadAddon();
  const before = native.direct();
  const geometries: [number, number, number, number][] = [[3, 1, 1, 1], [5, 1, 1, 2], [3, 2, 1, 1], [5, 2, 1, 2], [3, 1, 2, 2], [5, 2, 2, 4]];
  const run = (on: boolean, k: number, s: number, d: number, p: number, size: number) => {
    native.direct(on);
    // C 6 on 7 x 7 (no repeating filter vectors), C 4 on 8 x 8 (one vector repeated along a row).
    const c = size === 7 ? 6 : 4;
    return tf.tidy(() => {
      // Exact zeros as well as negatives: ReLU's gradient at 0 is 0 on both paths.
      const x = tf.relu(tf.randomNormal([3, size, size, c], 0, 1, 'float32', size * 17 + k)).sub(tf.scalar(0.3)).round() as tf.Tensor4D;
      const wd = tf.randomNormal([k, k, c, 1], 0, 1, 'float32', k * 3 + s) as tf.Tensor4D;
      const wp = tf.randomNormal([1, 1, c, 4], 0, 1, 'float32', d * 11 + s) as tf.Tensor4D;
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        ops.sepBlock(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, { stride: s, pad: p, dilation: d, eps: ops.BN_EPSILON });
      const y = f(x, wd, wp);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 9);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c), dy)))([x, wd, wp]);
      return [y, ...grads].map((t) => Array.from(t.dataSync()));
    });
  };
  try {
    for (const [k, s, d, p] of geometries) {
      for (const size of [7, 8]) {
        const want = run(false, k, s, d, p, size);
        const got = run(true, k, s, d, p, size);
        assert.ok(want[1]!.some((v) => v === 0) && want[1]!.some((v) => v !== 0), 'the input gradient is zero where x <= 0 and not elsewhere');
        ['output', 'input gradient', 'depthwise filter gradient', 'pointwise filter gradient'].forEach((what, i) => {
          const err = scaledError(got[i]!, want[i]!);
          assert.ok(err < 1e-5, `k ${k} stride ${s} dilation ${d} pad ${p} size ${size}: ${what} differs by ${err.toExponential(2)}`);
        });
      }
    }
  } finally {
    native.direct(before);
  }
}));

test('the direct weighted-sum kernels equal ATen\'s: the sum, each term\'s gradient and the weights\' gradient over several blocks', { skip }, () => keepingBackend(TORCH, async () => {
  const native = loadAddon();
  const before = native.direct();
  // One partial block, several whole 16,384-element blocks, several blocks and a partial one.
  const shapes: [number, number, number, number][] = [[2, 5, 5, 3], [64, 16, 16, 4], [3, 17, 17, 21]];
  const run = (on: boolean, shape: [number, number, number, number]) => {
    native.direct(on);
    return tf.tidy(() => {
      const xs = [0, 1, 2, 3, 4, 5, 6].map((k) => tf.randomNormal(shape, 0, 1, 'float32', k + shape[3]) as tf.Tensor4D);
      const w = tf.randomNormal([7], 0, 1, 'float32', 99) as tf.Tensor1D;
      const y = ops.weightedSum(xs, w);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 4);
      const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(ops.weightedSum(a.slice(1) as tf.Tensor4D[], a[0] as tf.Tensor1D), dy)))([w, ...xs]);
      return [y, ...grads].map((t) => Array.from(t.dataSync()));
    });
  };
  try {
    for (const shape of shapes) {
      const want = run(false, shape);
      const got = run(true, shape);
      want.forEach((_, i) => {
        const what = i === 0 ? 'sum' : i === 1 ? 'weights\' gradient' : `term ${i - 2}'s gradient`;
        const err = scaledError(got[i]!, want[i]!);
        assert.ok(err < 1e-5, `[${shape}]: ${what} differs by ${err.toExponential(2)}`);
      });
    }
  } finally {
    native.direct(before);
  }
}));

test('the direct pool kernels equal ATen\'s inside the pool block: max with ties and average without the padding, output and input gradient', { skip }, () => keepingBackend(TORCH, async () => {
  const native = loadAddon();
  const before = native.direct();
  // [N, H, W, C]: odd and even sizes, a channel count that is not a multiple of 4, a 2x2 map
  // (every window touches the padding); stride 2 as well (ATen either way).
  const shapes: [number, number, number, number][] = [[3, 7, 7, 5], [2, 8, 8, 4], [4, 2, 2, 3], [64, 16, 16, 4]];
  const run = (on: boolean, shape: [number, number, number, number], kind: 'max' | 'avg', stride: number) => {
    native.direct(on);
    return tf.tidy(() => {
      // Values rounded to a few levels, so that windows hold tied maxima (the first one takes the gradient).
      const x = tf.randomNormal(shape, 0, 1, 'float32', shape[1] * 7 + shape[3]).mul(tf.scalar(1.5)).round() as tf.Tensor4D;
      const f = (a: tf.Tensor) => ops.poolBlock(a as tf.Tensor4D, kind, stride, ops.BN_EPSILON);
      const y = f(x);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 8);
      const [dx] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(f(a), dy)))([x]);
      return [y, dx!].map((t) => Array.from(t.dataSync()));
    });
  };
  try {
    for (const shape of shapes) {
      for (const kind of ['max', 'avg'] as const) {
        for (const stride of [1, 2]) {
          const want = run(false, shape, kind, stride);
          const got = run(true, shape, kind, stride);
          ['output', 'input gradient'].forEach((what, i) => {
            const err = scaledError(got[i]!, want[i]!);
            assert.ok(err < 1e-5, `${kind} pool stride ${stride} [${shape}]: ${what} differs by ${err.toExponential(2)}`);
          });
        }
      }
    }
  } finally {
    native.direct(before);
  }
}));

test('the direct pointwise kernels equal ATen\'s: output, input and filter gradients, fixed and general channel counts, partial row groups and blocks', { skip }, () => keepingBackend(TORCH, async () => {
  const native = loadAddon();
  const before = native.direct();
  // [N, H, W, Cin, Cout]: the four fixed output widths (4, 8, 16, 32 rows of a register block;
  // the filter gradient's sums in registers where Cin divides into its groups, and where not),
  // other widths, a row count not a multiple of four, several 1,024-row blocks of the filter
  // gradient, the largest filter taken directly (16 x 16) and one above it (ATen either way).
  const shapes: [number, number, number, number, number][] = [
    [2, 3, 3, 4, 4], [64, 16, 16, 4, 4], [3, 5, 7, 16, 8], [4, 9, 9, 4, 16], [2, 7, 7, 8, 32], [5, 6, 6, 3, 5], [2, 11, 13, 12, 6],
    [8, 16, 16, 16, 16], [2, 4, 4, 32, 32], [2, 5, 5, 6, 8], [3, 4, 4, 3, 16],
  ];
  const run = (on: boolean, [n, h, w, cin, cout]: [number, number, number, number, number]) => {
    native.direct(on);
    return tf.tidy(() => {
      const x = tf.randomNormal([n, h, w, cin], 0, 1, 'float32', cin * 13 + h) as tf.Tensor4D;
      const f = tf.randomNormal([1, 1, cin, cout], 0, 1, 'float32', cout * 5 + w) as tf.Tensor4D;
      const y = ops.pointwiseConv(x, f);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
      const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(ops.pointwiseConv(a as tf.Tensor4D, b as tf.Tensor4D), dy)))([x, f]);
      return [y, dx!, df!].map((t) => Array.from(t.dataSync()));
    });
  };
  try {
    for (const shape of shapes) {
      const want = run(false, shape);
      const got = run(true, shape);
      ['output', 'input gradient', 'filter gradient'].forEach((what, i) => {
        const err = scaledError(got[i]!, want[i]!);
        assert.ok(err < 1e-5, `[${shape}]: ${what} differs by ${err.toExponential(2)}`);
      });
    }
  } finally {
    native.direct(before);
  }
}));

test('strided 1x1 convolutions (FactorizedReduce) on torch: output and both gradients equal cpu\'s, and 300 calls of the shape that hung oneDNN 2.6 return', { skip }, async () => {
  // In a child process with a time limit where the test files are on disk: a hang inside a native
  // kernel would block this runner. (The GPU bundle ships this file alone: in-process there.)
  const main = join(ROOT, 'test', 'helpers', 'strided-pointwise-main.ts');
  let out: { calls: number; worst: number };
  if (existsSync(main)) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', main, '300'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `the child ${r.signal ? `was killed (${r.signal}) after 120 s: a native kernel hung` : `exited ${r.status}`}\n${r.stderr}`);
    out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  } else {
    out = await stridedPointwiseCheck(300);
  }
  assert.equal(out.calls, 300);
  assert.ok(out.worst < 1e-5, `largest scaled difference from cpu: ${out.worst}`);
});

test('the direct batch norm kernels equal ATen\'s: output, mean, variance and input gradient, with and without a partial period; with given statistics (inference), bit for bit', { skip }, () => keepingBackend(TORCH, async () => {
  const native = loadAddon();
  const before = native.direct();
  // Channel counts whose period (lcm(C, 64) floats) divides the data or leaves a tail; one and several blocks.
  const shapes: [number, number, number, number][] = [[3, 5, 5, 12], [2, 7, 7, 48], [4, 3, 3, 3], [64, 16, 16, 4], [8, 9, 9, 16]];
  const run = (on: boolean, shape: [number, number, number, number]) => {
    native.direct(on);
    return tf.tidy(() => {
      const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', shape[3]), 3), 1) as tf.Tensor4D;
      const dy = tf.randomNormal(shape, 0, 1, 'float32', 11);
      const running = { mean: tf.variable(tf.zeros([shape[3]])), variance: tf.variable(tf.ones([shape[3]])), momentum: 0.5 };
      const y = ops.batchNormTrain(x, ops.BN_EPSILON, running);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(ops.batchNormTrain(a as tf.Tensor4D), dy)))(x);
      // Inference: a max pool (exact on either path) then BN with given statistics.
      const moments = { mean: tf.randomNormal([shape[3]], 0, 1, 'float32', 5), variance: tf.add(tf.abs(tf.randomNormal([shape[3]], 0, 2, 'float32', 6)), 0.01) };
      const inferred = ops.poolBlockInfer(x, 'max', 1, ops.BN_EPSILON, moments);
      const out = [y, dx, running.mean, running.variance, inferred].map((t) => Array.from(t.dataSync()));
      tf.dispose([running.mean, running.variance]);
      return out;
    });
  };
  try {
    for (const shape of shapes) {
      const want = run(false, shape);
      const got = run(true, shape);
      ['output', 'input gradient', 'running mean', 'running variance'].forEach((what, i) => {
        const err = scaledError(got[i]!, want[i]!);
        assert.ok(err < 1e-5, `[${shape}]: ${what} differs by ${err.toExponential(2)}`);
      });
      assert.deepEqual(got[4], want[4], `[${shape}]: BN with given statistics differs from ATen's`);
    }
  } finally {
    native.direct(before);
  }
}));
