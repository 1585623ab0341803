// Gradients of strided 1x1 convolutions (FactorizedReduce's) on the torch backend against the
// cpu backend, repeated. test/torch.test.ts runs it in a child process (strided-pointwise-main.ts)
// where it can, so that a hang in a native kernel ends in a time limit instead of blocking the
// test runner; in the GPU bundle, where no test file is on disk, in-process.
import * as tf from '@tensorflow/tfjs';
import { TORCH } from '../../src/backends/torch/index.js';
import { scaledError } from './backend-compare.js';

/** The largest scaled difference of any output or gradient from cpu's over `calls` calls of the shape that hung. */
export async function stridedPointwiseCheck(calls: number): Promise<{ shapes: number; calls: number; worst: number }> {
  // [N, H, W, Cin, Cout, stride]: the smoke search's shapes that hung (an even and an odd side), others.
  const shapes: number[][] = [[8, 16, 16, 4, 2, 2], [8, 15, 15, 4, 2, 2], [8, 16, 16, 8, 4, 2], [2, 9, 7, 3, 5, 2], [4, 12, 12, 16, 8, 3]];
  const run = ([n, h, w, cin, cout, s]: number[], seed: number) => tf.tidy(() => {
    const x = tf.randomNormal([n!, h!, w!, cin!], 0, 1, 'float32', seed) as tf.Tensor4D;
    const f = tf.randomNormal([1, 1, cin!, cout!], 0, 1, 'float32', seed + 1) as tf.Tensor4D;
    const y = tf.conv2d(x, f, s!, 'valid');
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', seed + 2);
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s!, 'valid'), dy)))([x, f]);
    return [y, dx!, df!].map((t) => Array.from(t.dataSync()));
  });
  const before = tf.getBackend();
  let worst = 0;
  try {
    for (const [k, shape] of shapes.entries()) {
      // (tfjs takes seed 0 as no seed: every seed here is positive)
      await tf.setBackend('cpu');
      const want = run(shape, 11 * k + 1);
      await tf.setBackend(TORCH);
      for (let i = 0; i < (k === 0 ? calls : 5); i++) {
        const got = run(shape, 11 * k + 1);
        for (let j = 0; j < 3; j++) worst = Math.max(worst, scaledError(got[j]!, want[j]!));
      }
    }
  } finally {
    if (before) await tf.setBackend(before);
  }
  return { shapes: shapes.length, calls, worst };
}
