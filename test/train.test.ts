// Evaluation training: its pieces (drop-path ramp and scaling, the auxiliary loss weight, the
// cosine learning rate) and `snas train` end to end (determinism, resume, records, errors).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { configAtScale, readYaml } from '../src/config/load.js';
import type { Config, TrainConfig } from '../src/config/schema.js';
import { dropPath } from '../src/nn/layers.js';
import { dropPathAt, evalBatchesAfter, evaluationLoss } from '../src/train/evaluation.js';
import { runTraining, type TrainResult } from '../src/train/run.js';
import { cosineLr } from '../src/optim/cosine.js';
import { ROOT, snas } from './helpers/run.js';

const CONFIG = join(ROOT, 'configs', 'train', 'cifar10.yaml');

test('drop-path ramps linearly from 0 to its final value, and keeps the expected value of a map', async () => {
  assert.deepEqual([0, 150, 300, 599].map((e) => dropPathAt(e, 600, 0.2)), [0, 0.05, 0.1, (0.2 * 599) / 600]);
  await selectBackend();
  let k = 0;
  const x = tf.ones([4000, 1, 1, 2]) as tf.Tensor4D;
  const y = dropPath(x, { training: true, dropPath: 0.25, nextSeed: () => 17 + k++ });
  const v = y.dataSync();
  const zeros = Array.from(v).filter((a) => a === 0).length / v.length;
  assert.ok(Math.abs(zeros - 0.25) < 0.03, `dropped share ${zeros}`);
  assert.ok(Array.from(v).every((a) => a === 0 || Math.abs(a - 1 / 0.75) < 1e-6), 'kept paths are scaled by 1/(1-p)');
  assert.equal(dropPath(x, { training: false, dropPath: 0.25 }), x, 'no drop-path in inference');
  tf.dispose([x, y]);
});

test('the evaluation loss adds the auxiliary cross-entropy at its weight', async () => {
  await selectBackend();
  const logits = tf.tensor2d([[2, 0, -1], [0.5, 0.1, 0.3]]);
  const aux = tf.tensor2d([[0, 1, 0], [1, 1, 1]]);
  const y = tf.tensor1d([0, 2], 'int32');
  const ce = (rows: number[][]) => rows.reduce((s, r, i) => s - (r[[0, 2][i]!]! - Math.log(r.reduce((a, b) => a + Math.exp(b), 0))), 0) / rows.length;
  const main = ce(logits.arraySync());
  const side = ce(aux.arraySync());
  assert.ok(Math.abs(evaluationLoss({ logits }, y, 0.4).dataSync()[0]! - main) < 1e-5, 'without auxiliary logits: the main loss');
  assert.ok(Math.abs(evaluationLoss({ logits, aux }, y, 0.4).dataSync()[0]! - (main + 0.4 * side)) < 1e-5);
  assert.ok(Math.abs(evaluationLoss({ logits, aux }, y, 0).dataSync()[0]! - main) < 1e-5);
  tf.dispose([logits, aux, y]);
});

test('the learning rate follows a cosine from lr to lr_min over the epochs', () => {
  assert.equal(cosineLr(0, 600, 0.025, 0), 0.025);
  assert.ok(Math.abs(cosineLr(300, 600, 0.025, 0.001) - 0.013) < 1e-12);
  assert.ok(cosineLr(599, 600, 0.025, 0) < 1e-6);
});

test('snas train is deterministic, resumes mid-epoch to the same result, and records the network', async () => {
  const backend = await selectBackend();
  const dir = mkdtempSync(join(tmpdir(), 'snas-train-'));
  try {
    const config = configAtScale(readYaml(CONFIG) as Record<string, unknown>, CONFIG, 'smoke') as Config & { train: TrainConfig };
    config.train = { ...config.train, checkpoint_every: 1 };
    const run = (out: string, extra: { resume?: boolean; stopAfterSteps?: number } = {}) => runTraining({
      config, configFile: CONFIG, out: join(dir, out), resume: extra.resume ?? false, force: false,
      environment: () => ({ backend: backend.name }), command: 'test', stopAfterSteps: extra.stopAfterSteps,
    });
    const a = await run('a');
    assert.equal(a.records.length, 2);
    const result = JSON.parse(readFileSync(join(dir, 'a', 'result.json'), 'utf8')) as TrainResult;
    assert.ok(result.params > 0 && result.params_with_aux > result.params && result.mult_adds > 0);
    assert.ok(Math.abs(result.test_error - 100 * (1 - a.records[1]!.test_acc)) < 1e-9);
    assert.ok(a.records[1]!.drop_path > 0 && a.records[0]!.drop_path === 0);
    await run('b');
    await run('c', { stopAfterSteps: 4 });
    await run('c', { resume: true });
    for (const f of ['metrics.csv', 'result.json']) {
      const want = readFileSync(join(dir, 'a', f), 'utf8').replace(/"seconds": [\d.e-]+/, '');
      assert.equal(readFileSync(join(dir, 'b', f), 'utf8').replace(/"seconds": [\d.e-]+/, ''), want, `${f} differs between two runs`);
      assert.equal(readFileSync(join(dir, 'c', f), 'utf8').replace(/"seconds": [\d.e-]+/, ''), want, `${f} differs after resume`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the epochs before the last are tested on interim_eval_batches, the last on eval_batches (the whole test set when null)', async () => {
  const cfg = { epochs: 3, eval_batches: null, interim_eval_batches: 2 };
  assert.deepEqual([0, 1, 2].map((e) => evalBatchesAfter(e, cfg)), [2, 2, Infinity]);
  assert.deepEqual([0, 1, 2].map((e) => evalBatchesAfter(e, { ...cfg, eval_batches: 1 })), [1, 1, 1]);
  assert.deepEqual([0, 1, 2].map((e) => evalBatchesAfter(e, { ...cfg, interim_eval_batches: null, eval_batches: 5 })), [5, 5, 5]);
  const backend = await selectBackend();
  const dir = mkdtempSync(join(tmpdir(), 'snas-train-'));
  try {
    const config = configAtScale(readYaml(CONFIG) as Record<string, unknown>, CONFIG, 'smoke') as Config & { train: TrainConfig };
    config.train = { ...config.train, eval_batches: null, interim_eval_batches: 1 };
    const { records } = await runTraining({
      config, configFile: CONFIG, out: join(dir, 'a'), resume: false, force: false, environment: () => ({ backend: backend.name }), command: 'test',
    });
    // The smoke scale's test set: 32 images in batches of 16.
    assert.deepEqual(records.map((r) => r.test_images), [16, 32]);
    const metrics = readFileSync(join(dir, 'a', 'metrics.csv'), 'utf8').split('\n');
    assert.ok(metrics[0]!.endsWith(',test_acc,test_images'), metrics[0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('snas train: a search genotype file trains; an unknown genotype exits 2 naming it; a finished run needs --force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-train-cli-'));
  try {
    const bad = snas(['train', CONFIG, '--scale', 'smoke', '--genotype', 'NO_SUCH_CELL', '--out', join(dir, 'x')]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /unknown genotype 'NO_SUCH_CELL'/);
    const g = join(dir, 'genotype.json');
    const cells = readYaml(join(ROOT, 'src', 'space', 'genotypes.yaml')) as { genotypes: Record<string, unknown> };
    writeFileSync(g, JSON.stringify({ name: 'mine', ...(cells.genotypes.DARTS_V2 as object) }));
    const ok = snas(['train', CONFIG, '--scale', 'smoke', '--genotype', g, '--out', join(dir, 'y')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /test error [\d.]+%/);
    const again = snas(['train', CONFIG, '--scale', 'smoke', '--genotype', g, '--out', join(dir, 'y')]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /finished run; use --force/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every search and training config validates at every scale', () => {
  for (const folder of ['search', 'train']) {
    for (const f of readdirSync(join(ROOT, 'configs', folder)).filter((n) => n.endsWith('.yaml'))) {
      const raw = readYaml(join(ROOT, 'configs', folder, f)) as Record<string, unknown>;
      if (!(folder in raw)) continue; // data-only records (imagenet-snas-mild.yaml)
      for (const scale of ['smoke', 'quick', 'paper'] as const) {
        const c = configAtScale(raw, f, scale);
        assert.ok(folder === 'search' ? c.search : c.train, `${f} at ${scale}`);
      }
    }
  }
});

test('--dry-run prints the plan and an estimate from timed steps, and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-dry-'));
  try {
    for (const args of [['search', join(ROOT, 'configs', 'search', 'darts-2nd.yaml')], ['train', CONFIG]]) {
      const r = snas([...args, '--scale', 'smoke', '--dry-run', '--out', join(dir, args[0]!)]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /plan: .*\n\s+2 epochs x 3 steps = 6 steps, 1 evaluation batches per epoch\n\s+timed here \(backend \w+\): [\d.]+ s per step/);
      assert.match(r.stdout, /estimate: [\d.]+ hours/);
      assert.ok(!existsSync(join(dir, args[0]!)), 'a dry run writes no run directory');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
