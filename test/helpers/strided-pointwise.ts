// Gradients of strided 1x1 convolutions (FactorizedReduce's) on the torch backend against the
// cpu backend, repeated: run as a child process by test/torch.test.ts, so that a hang in a
// native kernel ends in its time limit instead of the test runner's. Prints one JSON line:
// { shapes, calls, worst } (worst: the largest scaled difference of any output or gradient).
import * as tf from '@tensorflow/tfjs';
import { registerTorch, TORCH } from '../../src/backends/torch/index.js';
import { scaledError } from './backend-compare.js';

registerTorch();
const calls = Number(process.argv[2] ?? 200);
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
let worst = 0;
for (const [k, shape] of shapes.entries()) {
  await tf.setBackend('cpu');
  const want = run(shape, 11 * k + 1);
  await tf.setBackend(TORCH);
  for (let i = 0; i < (k === 0 ? calls : 5); i++) {
    const got = run(shape, 11 * k + 1);
    for (let j = 0; j < 3; j++) { const e = scaledError(got[j]!, want[j]!); if (process.env.DBG && i === 0) console.error(shape, j, e); worst = Math.max(worst, e); }
  }
}
console.log(JSON.stringify({ shapes: shapes.length, calls, worst }));
