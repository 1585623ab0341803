// The concrete sampler (Eq. 5), its log-density (App. C), the straight-through variant and the
// temperature schedules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { RELEASED_SCHEDULE, TemperatureSchema, concreteLogDensity, concreteSample, scheduleText, straightThrough, temperature } from '../src/samplers/index.js';
import { softmax } from '../src/space/sample.js';
import { argmaxFrequencies, densityMass } from '../src/probes/concrete-stats.js';

await selectBackend({ log: () => {} });

test('argmax of concrete samples follows softmax(log alpha) at any temperature', () => {
  const logAlpha = [0.5, -0.3, 1.2, 0, -1, 0.8, 0.1, -0.6];
  const p = softmax(logAlpha);
  const n = 20000;
  for (const tau of [0.05, 1, 5]) {
    const freq = argmaxFrequencies(logAlpha, tau, n, 7 + Math.round(tau * 100));
    freq.forEach((f, k) => assert.ok(Math.abs(f - p[k]!) < 0.015, `tau ${tau}, op ${k}: frequency ${f} vs ${p[k]}`));
  }
});

test('samples lie on the simplex, approach one-hot as tau falls, and repeat with the seed', () => {
  const logAlpha = tf.tensor2d(Array.from({ length: 14 }, () => [1, 1, 1, 1, 1, 1, 1, 1]));
  const a = concreteSample(logAlpha, 1, 3);
  const b = concreteSample(logAlpha, 1, 3);
  assert.deepEqual(a.dataSync(), b.dataSync());
  const sums = tf.sum(a, 1).dataSync();
  sums.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-5));
  const maxAt = (tau: number) => tf.mean(tf.max(concreteSample(logAlpha, tau, 9), 1)).dataSync()[0]!;
  assert.ok(maxAt(0.05) > 0.95 && maxAt(5) < 0.5, `mean max ${maxAt(0.05)} at tau 0.05, ${maxAt(5)} at tau 5`);
  assert.throws(() => concreteSample(logAlpha, 0, 1), /temperature must be positive/);
});

test('the log-density integrates to one over the simplex', () => {
  assert.ok(Math.abs(densityMass([0.3, -0.2], 1, 20000) - 1) < 2e-3);
  assert.ok(Math.abs(densityMass([1.5, -0.5], 2, 20000) - 1) < 2e-3);
  const three = densityMass([0.2, -0.4, 0.6], 1.5, 600);
  assert.ok(Math.abs(three - 1) < 1e-2, `n = 3: ${three}`);
});

test('straight-through: one-hot forward, identity gradient', () => {
  const z = tf.tensor2d([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]);
  assert.deepEqual(Array.from(straightThrough(z).dataSync()), [0, 1, 0, 1, 0, 0]);
  const w = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(straightThrough(x as tf.Tensor2D), w)))(z);
  assert.deepEqual(Array.from(g.dataSync()), [1, 2, 3, 4, 5, 6]);
});

test("temperature schedules, with the released code's linear one", () => {
  const at = (epoch: number) => temperature(RELEASED_SCHEDULE, { epoch, epochs: 150 });
  assert.ok(Math.abs(at(0) - ((1 - 1 / 150) * 0.97 + 0.03)) < 1e-12);
  assert.ok(Math.abs(at(149) - 0.03) < 1e-12);
  assert.ok(at(10) > at(11));
  const cos = TemperatureSchema.parse({ kind: 'cosine', tau0: 2.5, tau_min: 0.1 });
  assert.equal(temperature(cos, { epoch: 0, epochs: 10 }), 2.5);
  assert.ok(Math.abs(temperature(cos, { epoch: 10, epochs: 10 }) - 0.1) < 1e-12);
  const exp = TemperatureSchema.parse({ kind: 'exponential', tau0: 1, rate: 0.9, per: 'step' });
  assert.ok(Math.abs(temperature(exp, { epoch: 0, epochs: 2, step: 3, stepsPerEpoch: 10 }) - 0.729) < 1e-12);
  assert.throws(() => temperature(exp, { epoch: 0, epochs: 2 }), /per-step schedule needs step/);
  const step = TemperatureSchema.parse({ kind: 'step', tau0: 1, factor: 0.5, every: 3 });
  assert.deepEqual([0, 2, 3, 7].map((e) => temperature(step, { epoch: e, epochs: 9 })), [1, 1, 0.5, 0.25]);
  assert.equal(temperature(TemperatureSchema.parse({ kind: 'constant', tau0: 0.3 }), { epoch: 5, epochs: 9 }), 0.3);
  assert.equal(TemperatureSchema.safeParse({ kind: 'sigmoid', tau0: 1 }).success, false);
  assert.equal(TemperatureSchema.safeParse({ kind: 'linear', tau0: -1, tau_min: 0.03 }).success, false);
  assert.equal(scheduleText(RELEASED_SCHEDULE), 'linear 1 -> 0.03 per epoch');
  assert.equal(scheduleText(step), 'step 1 x 0.5 every 3 epochs');
});

test('the log-density stays finite at low temperature, where sample entries underflow to zero', () => {
  tf.tidy(() => {
    const logAlpha = tf.tensor2d([[3, -3, 0, 1, 2, -1, 0.5, -2]]);
    const z = concreteSample(logAlpha, 0.03, 4);
    assert.ok(z.dataSync().some((v) => v === 0), 'the sample has entries that underflowed');
    assert.ok(Number.isFinite(concreteLogDensity(z, logAlpha, 0.03).dataSync()[0]));
  });
});
