// Every op in src/ops: forward against a float64 reference, gradient against central finite
// differences, on every backend that starts on this machine (at least cpu and wasm).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { usableBackends, useBackend } from '../src/backends/index.js';
import * as ops from '../src/ops/index.js';
import { checkGradients, randomArr } from './helpers/gradcheck.js';
import * as ref from './helpers/reference.js';

const t4 = (x: tf.Tensor) => x as tf.Tensor4D;
const backends = await usableBackends();

test('the sweep covers at least cpu and wasm', () => {
  assert.ok(backends.includes('cpu') && backends.includes('wasm'), `usable backends: ${backends.join(', ')}`);
});

for (const backend of backends) {
  describe(`ops on ${backend}`, () => {
    before(async () => {
      await useBackend(backend);
    });

    for (const k of [3, 5]) {
      for (const stride of [1, 2]) {
        test(`dilated depthwise ${k}x${k}, dilation 2, stride ${stride}`, () => {
          const pad = k - 1; // dilation 2 keeps the size: pad = d * (k - 1) / 2
          checkGradients({
            inputs: [randomArr([2, 8, 8, 3], 1 + k + stride), randomArr([k, k, 3, 1], 2 + k)],
            op: (x, w) => ops.depthwiseConv2d(t4(x), t4(w), { stride, dilation: 2, pad }),
            ref: (x, w) => ref.depthwiseRef(x, w, stride, pad, 2),
          });
        });
        test(`depthwise ${k}x${k}, stride ${stride}`, () => {
          checkGradients({
            inputs: [randomArr([2, 7, 6, 3], 3 + k + stride), randomArr([k, k, 3, 1], 4 + k)],
            op: (x, w) => ops.depthwiseConv2d(t4(x), t4(w), { stride, pad: (k - 1) / 2 }),
            ref: (x, w) => ref.depthwiseRef(x, w, stride, (k - 1) / 2, 1),
          });
        });
      }
    }

    test('depthwise 3x3, dilation 3, stride 2 (dilation not a multiple of the stride)', () => {
      checkGradients({
        inputs: [randomArr([2, 9, 8, 2], 90), randomArr([3, 3, 2, 1], 91)],
        op: (x, w) => ops.depthwiseConv2d(t4(x), t4(w), { stride: 2, dilation: 3, pad: 3 }),
        ref: (x, w) => ref.depthwiseRef(x, w, 2, 3, 3),
      });
    });

    for (const stride of [1, 2]) {
      test(`max pool 3x3, stride ${stride}`, () => {
        checkGradients({
          inputs: [randomArr([2, 6, 7, 3], 10 + stride)],
          op: (x) => ops.maxPool3x3(t4(x), stride),
          ref: (x) => ref.pool3x3Ref(x, stride, 'max'),
        });
      });
      test(`avg pool 3x3 excluding padding, stride ${stride}`, () => {
        checkGradients({
          inputs: [randomArr([2, 6, 7, 3], 20 + stride)],
          op: (x) => ops.avgPool3x3(t4(x), stride),
          ref: (x) => ref.pool3x3Ref(x, stride, 'avg'),
        });
      });
      test(`dense 3x3 convolution, stride ${stride}`, () => {
        checkGradients({
          inputs: [randomArr([2, 7, 6, 3], 30 + stride), randomArr([3, 3, 3, 4], 31)],
          op: (x, w) => ops.conv2d(t4(x), t4(w), { stride, pad: 1 }),
          ref: (x, w) => ref.conv2dRef(x, w, stride, 1),
        });
      });
      test(`1x1 convolution, stride ${stride} (FactorizedReduce's halves)`, () => {
        checkGradients({
          inputs: [randomArr([2, 6, 6, 4], 40 + stride), randomArr([1, 1, 4, 3], 41)],
          op: (x, w) => ops.conv2d(t4(x), t4(w), { stride }),
          ref: (x, w) => ref.conv2dRef(x, w, stride, 0),
        });
      });
    }

    for (const [k, stride, size] of [[5, 3, 8], [5, 2, 7], [7, 1, 7]] as const) {
      test(`avg pool ${k}x${k} without padding, stride ${stride}, on ${size}x${size}`, () => {
        checkGradients({
          inputs: [randomArr([2, size, size, 3], 100 + k + stride)],
          op: (x) => ops.avgPoolValid(t4(x), k, stride),
          ref: (x) => ref.avgPoolValidRef(x, k, stride),
        });
      });
    }

    test('pointwise convolution', () => {
      checkGradients({
        inputs: [randomArr([2, 5, 5, 4], 50), randomArr([1, 1, 4, 6], 51)],
        op: (x, w) => ops.pointwiseConv(t4(x), t4(w)),
        ref: (x, w) => ref.pointwiseRef(x, w),
      });
    });

    test('separable convolution 5x5, stride 2 (depthwise then pointwise)', () => {
      checkGradients({
        inputs: [randomArr([2, 8, 8, 3], 60), randomArr([5, 5, 3, 1], 61), randomArr([1, 1, 3, 4], 62)],
        op: (x, d, p) => ops.separableConv(t4(x), t4(d), t4(p), { stride: 2, pad: 2 }),
        ref: (x, d, p) => ref.pointwiseRef(ref.depthwiseRef(x, d, 2, 2, 1), p),
      });
    });

    test('batch norm, training mode, no affine', () => {
      checkGradients({
        inputs: [randomArr([3, 4, 5, 3], 70)],
        op: (x) => ops.batchNormTrain(t4(x)),
        ref: (x) => ref.batchNormRef(x),
      });
    });

    test('softmax cross-entropy from integer labels', () => {
      const labels = [3, 0, 4, 4, 1];
      checkGradients({
        inputs: [randomArr([5, 6], 80)],
        op: (z) => ops.softmaxCrossEntropy(z as tf.Tensor2D, tf.tensor1d(labels, 'int32')),
        ref: (z) => ref.crossEntropyRef(z, labels),
      });
    });

    test('no tensors leak from a forward and backward pass', () => {
      const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 3, 1]) as tf.Tensor4D;
      const pass = () => tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(ops.batchNormTrain(ops.maxPool3x3(ops.depthwiseConv2d(t4(a), t4(b), { dilation: 2, pad: 2, stride: 2 }), 1))),
      )([x, w]));
      pass(); // fills max pooling's per-shape index cache (one kept tensor per shape)
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) pass();
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, w]);
    });
  });
}

for (const backend of backends) {
  test(`max pool on ${backend}: in tied windows only the first maximum (row-major) takes the gradient`, async () => {
    await useBackend(backend);
    const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    for (const stride of [1, 2]) {
      const g = tf.grad((a: tf.Tensor) => tf.sum(ops.maxPool3x3(a as tf.Tensor4D, stride)))(x);
      // the reference: each window sends its gradient to its first in-bounds cell
      const want = new Float64Array(16);
      const out = stride === 1 ? 4 : 2;
      for (let oy = 0; oy < out; oy++) for (let ox = 0; ox < out; ox++) {
        const y0 = Math.max(0, oy * stride - 1);
        const x0 = Math.max(0, ox * stride - 1);
        want[y0 * 4 + x0]! += 1;
      }
      assert.deepEqual(Array.from(g.dataSync()), Array.from(want), `stride ${stride}`);
    }
  });
}
