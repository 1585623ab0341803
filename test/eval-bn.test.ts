// The two BN rules a search's evaluation uses (search.eval_bn): batch statistics without touching
// the running averages, and the running averages (PyTorch's eval mode); both are recorded.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { configAtScale, readYaml } from '../src/config/load.js';
import { BatchNorm } from '../src/nn/layers.js';
import { evalCtx } from '../src/nn/module.js';
import { SearchNetwork } from '../src/networks/search.js';
import { runSearch } from '../src/search/run.js';
import { ROOT } from './helpers/run.js';
import { countStep } from '../src/bench/count-step.js';
import type { EvalBn } from '../src/nn/module.js';

const backend = await selectBackend({ log: () => {} });

const values = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));

test('BN under batch statistics outside training: the training-mode output, running averages untouched', () => {
  const bn = new BatchNorm(3, false);
  const x = tf.randomNormal([4, 5, 5, 3], 2, 3, 'float32', 1) as tf.Tensor4D;
  const batch = tf.tidy(() => Array.from(bn.forward(x, evalCtx('batch')).dataSync()));
  assert.deepEqual(values([bn.runningMean, bn.runningVar]), [[0, 0, 0], [1, 1, 1]], 'the running averages moved');
  const running = tf.tidy(() => Array.from(bn.forward(x, evalCtx('running')).dataSync()));
  const training = tf.tidy(() => Array.from(bn.forward(x, { training: true }).dataSync()));
  const err = Math.max(...batch.map((v, i) => Math.abs(v - training[i]!)));
  assert.ok(err < 1e-5, `batch-statistics output differs from training mode by ${err}`);
  // With running averages (0, 1) the output is x itself, far from the normalised batch.
  assert.ok(Math.abs(running[0]! - batch[0]!) > 0.1);
  x.dispose();
  bn.dispose();
});

test(`a supernet evaluated on batch statistics (${backend.name}, its fused blocks where it has them) gives the training-mode logits and changes no variable`, () => {
  const net = new SearchNetwork({ channels: 4, layers: 3, classes: 10, seed: 5 });
  const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const w = tf.softmax(tf.randomNormal([14, 8], 0, 1, 'float32', 4)) as tf.Tensor2D;
  try {
    tf.dispose(tf.tidy(() => net.forward(x, w, w, { training: true }))); // running averages away from (0, 1)
    const vars = net.namedVariables().map(([, v]) => v);
    const before = values(vars);
    const batch = tf.tidy(() => Array.from(net.forward(x, w, w, evalCtx('batch')).dataSync()));
    assert.deepEqual(values(vars), before, 'an evaluation on batch statistics changed a variable');
    const running = tf.tidy(() => Array.from(net.forward(x, w, w, evalCtx('running')).dataSync()));
    const training = tf.tidy(() => Array.from(net.forward(x, w, w, { training: true }).dataSync()));
    const scale = Math.max(...training.map(Math.abs));
    const err = Math.max(...batch.map((v, i) => Math.abs(v - training[i]!))) / scale;
    assert.ok(err < 1e-4, `batch-statistics logits differ from training mode by ${err.toExponential(2)} (scaled)`);
    const apart = Math.max(...batch.map((v, i) => Math.abs(v - running[i]!))) / scale;
    assert.ok(apart > 1e-3, 'the two rules gave the same logits: the running averages were not used');
  } finally {
    tf.dispose([x, w]);
    net.dispose();
  }
});

test(`an evaluation on batch statistics (${backend.name}) costs what one on the running averages does: as many kernels and tensors, none of the training blocks' saved ones`, async () => {
  const net = new SearchNetwork({ channels: 4, layers: 3, classes: 10, seed: 5 });
  const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const w = tf.softmax(tf.randomNormal([14, 8], 0, 1, 'float32', 4)) as tf.Tensor2D;
  try {
    const counted = async (bn: EvalBn) => countStep(async () => tf.dispose(tf.tidy(() => net.forward(x, w, w, evalCtx(bn)))));
    const [batch, running] = [await counted('batch'), await counted('running')];
    const training = await countStep(async () => tf.dispose(tf.tidy(() => net.forward(x, w, w, { training: true }))));
    assert.ok(batch.tensors <= running.tensors, `tensors: batch statistics ${batch.tensors}, running averages ${running.tensors}`);
    assert.ok(batch.tfjs_kernels <= running.tfjs_kernels, `kernels: batch statistics ${batch.tfjs_kernels}, running averages ${running.tfjs_kernels}`);
    if (backend.name === 'torch') assert.ok(batch.tensors < training.tensors, `tensors: batch statistics ${batch.tensors}, a training forward ${training.tensors}`);
  } finally {
    tf.dispose([x, w]);
    net.dispose();
  }
});

test('a search records both rules; search.eval_bn picks the pair search_val_acc and child_val_acc repeat, and changes nothing else', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-eval-bn-'));
  try {
    const file = join(ROOT, 'configs', 'search', 'snas.yaml');
    const base = configAtScale(readYaml(file), file, 'smoke');
    const run = (rule: EvalBn) => runSearch({
      config: { ...base, search: { ...base.search!, eval_bn: rule } }, configFile: file, out: join(dir, rule), resume: false, force: false,
      environment: () => ({ backend: backend.name }), command: 'test',
    });
    const [b, r] = [await run('batch'), await run('running')];
    assert.equal(b.records.length, base.search!.epochs);
    const pairs = ['search_val_acc_batch_bn', 'child_val_acc_batch_bn', 'search_val_acc_running_bn', 'child_val_acc_running_bn'] as const;
    b.records.forEach((rb, i) => {
      const rr = r.records[i]!;
      for (const k of pairs) {
        assert.ok(Number(rb[k]) >= 0 && Number(rb[k]) <= 1, `${k} ${rb[k]}`);
        assert.equal(rr[k], rb[k], `epoch ${i + 1}: ${k} depends on eval_bn`);
      }
      assert.equal(rb.search_val_acc, rb.search_val_acc_batch_bn);
      assert.equal(rb.child_val_acc, rb.child_val_acc_batch_bn);
      assert.equal(rr.search_val_acc, rr.search_val_acc_running_bn);
      assert.equal(rr.child_val_acc, rr.child_val_acc_running_bn);
      assert.equal(rr.train_loss, rb.train_loss, 'the evaluation rule changed training');
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
