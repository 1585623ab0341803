// DARTS-PRIME (src/search/darts-prime.ts): the ADMM projection and dual update on a scripted
// sequence of alphas, checked against the two-per-node rule computed on the host; the penalty
// in closed form; and z and u in the checkpoint (the end-to-end resume between two projections
// is in test/baselines.test.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { configAtScale, readYaml } from '../src/config/load.js';
import { twoPerNode } from '../src/search/architecture.js';
import { cellWeights } from '../src/search/child.js';
import { admmPenalty, admmUpdate, DartsPrimeSearch } from '../src/search/darts-prime.js';
import { softmax } from '../src/space/sample.js';
import { EDGES, PRIMITIVES } from '../src/space/primitives.js';
import { ROOT } from './helpers/run.js';

test('the ADMM step projects softmax(alpha) + u onto the two-per-node architectures and moves u by the residual', async () => {
  await selectBackend();
  let u = Array.from({ length: EDGES }, () => new Array<number>(PRIMITIVES.length).fill(0));
  // A scripted alpha sequence: each step shifts one op's logit on a few edges.
  for (let step = 0; step < 4; step++) {
    const alpha = Array.from({ length: EDGES }, (_, e) => PRIMITIVES.map((_, k) => Math.sin(1.3 * e + 0.7 * k + step) + (k === (e + step) % 8 ? 2 : 0)));
    const f = alpha.map((row) => softmax(row));
    const zWant = cellWeights(twoPerNode(f.map((row, e) => row.map((v, k) => v + u[e]![k]!))));
    const uWant = u.map((row, e) => row.map((v, k) => v + f[e]![k]! - zWant[e]![k]!));
    const got = tf.tidy(() => {
      const r = admmUpdate(tf.tensor2d(f), tf.tensor2d(u));
      return { z: r.z.arraySync() as number[][], u: r.u.arraySync() as number[][] };
    });
    assert.deepEqual(got.z, zWant, `step ${step}: z is the two-per-node projection`);
    got.u.forEach((row, e) => row.forEach((v, k) => assert.ok(Math.abs(v - uWant[e]![k]!) < 1e-6, `step ${step}, u[${e}][${k}]: ${v} against ${uWant[e]![k]}`)));
    assert.equal(got.z.flat().reduce((a, b) => a + b, 0), 8, 'two edges per node, one op each');
    u = got.u;
  }
  // After steps, u holds the residuals summed: some entry is far from zero.
  assert.ok(u.flat().some((v) => Math.abs(v) > 0.3));
  // The penalty: rho/2 ||softmax(alpha) - z + u||^2.
  const alpha = [[0.1, 0.2, 0.3], [0, 0, 1]];
  const z = [[0, 1, 0], [0, 0, 1]];
  const uu = [[0.1, -0.1, 0], [0, 0.2, 0]];
  const want = 0.5 * 0.3 * alpha.reduce((s, row, i) => s + softmax(row).reduce((t, p, k) => t + (p - z[i]![k]! + uu[i]![k]!) ** 2, 0), 0);
  const got = tf.tidy(() => admmPenalty(tf.tensor2d(alpha), tf.tensor2d(z), tf.tensor2d(uu), 0.3).dataSync()[0]!);
  assert.ok(Math.abs(got - want) < 1e-6, `penalty ${got} against ${want}`);
});

test("DARTS-PRIME's z and u are in the checkpoint, and a projection changes them", async () => {
  await selectBackend();
  const cfg = configAtScale(readYaml(join(ROOT, 'configs', 'search', 'darts-prime.yaml')) as Record<string, unknown>, 'darts-prime', 'smoke').search!;
  if (cfg.method !== 'darts-prime') throw new Error('darts-prime.yaml is not a DARTS-PRIME config');
  const s = new DartsPrimeSearch({ ...cfg, layers: 3, channels: 2 }, 0, { size: 8, channels: 3, classes: 10 });
  try {
    const names = [...s.state().keys()];
    for (const n of ['admm_z/normal', 'admm_z/reduce', 'admm_u/normal', 'admm_u/reduce']) assert.ok(names.includes(n), `${n} checkpointed`);
    tf.tidy(() => s.arch.logAlpha.normal.assign(tf.randomNormal([EDGES, PRIMITIVES.length], 0, 2, 'float32', 5)));
    const before = s.u.normal.arraySync() as number[][];
    s.project();
    const after = s.u.normal.arraySync() as number[][];
    assert.ok(after.flat().some((v, i) => v !== before.flat()[i]), 'u moved');
  } finally {
    s.dispose();
  }
});
