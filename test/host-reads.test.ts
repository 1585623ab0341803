// A search step never waits for the device: on the torch backend (CUDA's path too) the steps of
// SNAS and DARTS read nothing back to the host, and the run layer reads a batch of steps back in
// one read. Counted on the CPU build of libtorch, where the counter is the same.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { hostReads } from '../src/backends/torch/index.js';
import { configAtScale, readYaml } from '../src/config/load.js';
import type { SearchConfig } from '../src/config/schema.js';
import type { Batch } from '../src/data/batches.js';
import { PendingSteps } from '../src/runs/pending-steps.js';
import { createStrategy } from '../src/search/methods.js';
import { settleStep, type StepResult } from '../src/search/strategy.js';
import { ROOT } from './helpers/run.js';

const torch = await selectBackend({ requested: 'torch', requestedBy: 'test' }).catch(() => undefined);
const skip = torch ? false : 'the torch backend is not built here';

function config(name: string): SearchConfig {
  const raw = readYaml(join(ROOT, 'configs', 'search', `${name}.yaml`)) as Record<string, unknown>;
  return { ...configAtScale(raw, name, 'smoke').search!, layers: 3, channels: 2 } as SearchConfig;
}

function batch(seed: number): Batch {
  return { x: tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', seed) as tf.Tensor4D, y: tf.tensor1d([0, 3, 6, 9], 'int32'), index: 0 };
}

for (const name of ['snas-mild', 'darts-1st', 'darts-2nd', 'darts-single']) {
  test(`a ${name} step reads nothing back to the host on torch`, { skip }, async () => {
    const search = createStrategy(config(name), 0, { size: 8, channels: 3, classes: 10 });
    const [b, a] = [batch(1), batch(2)];
    const results: StepResult[] = [];
    try {
      const step = (i: number) => search.trainStep({ batch: b, archBatch: a, clock: { epoch: 0, epochs: 1, step: i, stepsPerEpoch: 3 }, lr: 0.05, seed: i });
      await settleStep(await step(0));
      const before = hostReads();
      for (let i = 1; i <= 3; i++) results.push(await step(i));
      assert.equal(hostReads() - before, 0, 'host reads during three steps');
      const pending = new PendingSteps();
      results.forEach((r, i) => pending.push(i, { loss: r.loss, correct: r.correct, count: r.count, ...(r.cost ? { sums: { cost: r.cost } } : {}) }));
      const read = await pending.read();
      assert.equal(hostReads() - before, 1, 'one read for the three steps');
      assert.equal(read.length, 3);
      for (const r of read) {
        assert.ok(Number.isFinite(r.loss) && r.loss > 0, `loss ${r.loss}`);
        assert.ok(r.correct >= 0 && r.correct <= 4);
        if (name.startsWith('snas')) assert.ok(Number.isFinite(r.sums.cost));
      }
    } finally {
      search.dispose();
      tf.dispose([b.x, b.y, a.x, a.y]);
    }
  });
}

test('pending steps read back the same numbers as a read per step, in order', { skip }, async () => {
  const pending = new PendingSteps();
  const values = [[1.25, 3, 0.5], [Number.NaN, 2, 0.25], [0.1, 4, 1e-3]] as const;
  values.forEach(([l, c, k], i) => pending.push(10 + i, { loss: tf.scalar(l), correct: tf.scalar(c, 'int32'), count: 4, sums: { cost: tf.scalar(k) } }));
  const tensorsBefore = tf.memory().numTensors;
  const read = await pending.read();
  assert.deepEqual(read.map((r) => r.step), [10, 11, 12]);
  assert.deepEqual(read.map((r) => r.correct), [3, 2, 4]);
  assert.ok(Number.isNaN(read[1]!.loss), 'a NaN loss stays NaN (the divergence check sees it)');
  assert.equal(read[0]!.loss, 1.25);
  assert.equal(read[2]!.sums.cost, Math.fround(1e-3));
  assert.equal(tf.memory().numTensors, tensorsBefore - 9, 'the steps\' tensors are freed');
  assert.deepEqual(await pending.read(), []);
});
