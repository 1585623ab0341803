// The SNAS search: the cost term's three forms against finite differences, configs at a
// scale, and `snas search` end to end: determinism, resume after SIGKILL, divergence, bad input.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { configAtScale, ConfigError, readYaml } from '../src/config/load.js';
import { readCheckpoint } from '../src/runs/checkpoint.js';
import { costTables, costTerm, type ConstraintForm } from '../src/search/cost-term.js';
import { deriveSnas, entropy } from '../src/search/architecture.js';
import { concreteSample } from '../src/samplers/concrete.js';
import { ROOT, snas } from './helpers/run.js';

const SMOKE = join(ROOT, 'configs', 'search', 'snas.yaml');

// float64 reference of one cell type's term: sum_e mean_c log(max(1, sum_k cost[c][e][k] w[e][k]))
function refEdgeTerms(w: number[][], cost: number[][][]): number[] {
  return w.map((row, e) => cost.reduce((s, crit) => s + Math.log(Math.max(1, row.reduce((a, wk, k) => a + crit[e]![k]! * wk, 0))), 0) / cost.length);
}
function softmaxRow(r: number[]): number[] {
  const m = Math.max(...r);
  const e = r.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
function refLogDensity(z: number[], la: number[], tau: number): number {
  const n = z.length;
  let lf = 0;
  for (let k = 2; k < n; k++) lf += Math.log(k);
  const mix = Math.log(la.reduce((s, a, k) => s + Math.exp(a - tau * Math.log(z[k]!)), 0));
  return lf + (n - 1) * Math.log(tau) + la.reduce((a, b) => a + b, 0) - (tau + 1) * z.reduce((a, v) => a + Math.log(v), 0) - n * mix;
}
function refTerm(form: ConstraintForm, z: number[][], la: number[][], tau: number, cost: number[][][]): number {
  if (form === 'reparam_log') return refEdgeTerms(z, cost).reduce((a, b) => a + b, 0);
  if (form === 'expected') return refEdgeTerms(la.map(softmaxRow), cost).reduce((a, b) => a + b, 0);
  const reward = refEdgeTerms(z, cost); // held constant
  return z.reduce((s, row, e) => s + refLogDensity(row, la[e]!, tau) * reward[e]!, 0);
}

test('each form of the cost term has the gradient in log alpha that finite differences give', async () => {
  await tf.setBackend('cpu');
  const tables = costTables(4, 5, 16);
  const cost = tables.normal;
  const tau = 0.7;
  const la0 = tf.randomNormal([14, 8], 1, 0.5, 'float32', 3) as tf.Tensor2D;
  const laArr = (await la0.array()) as number[][];
  for (const form of ['reparam_log', 'policy_gradient', 'expected'] as const) {
    // Z as a function of log alpha with fixed Gumbel noise (seed), as in a search step.
    const g = tf.grad((la: tf.Tensor) => costTerm(form, concreteSample(la as tf.Tensor2D, tau, 9), la as tf.Tensor2D, tau, tf.tensor3d(cost)))(la0);
    const grad = (await g.array()) as number[][];
    const noise = (await tf.tidy(() => tf.sub(tf.mul(concreteSample(la0, tau, 9).log(), tau), la0)).array()) as number[][]; // G - logsumexp, per row
    const zOf = (la: number[][]) => la.map((row, e) => softmaxRow(row.map((v, k) => (v + noise[e]![k]!) / tau)));
    const f = (la: number[][]) => refTerm(form, form === 'policy_gradient' ? zOf(laArr) : zOf(la), la, tau, cost);
    const h = 1e-4;
    for (const [e, k] of [[0, 0], [3, 4], [13, 7], [6, 2]] as const) {
      const up = laArr.map((r) => r.slice());
      const down = laArr.map((r) => r.slice());
      up[e]![k]! += h;
      down[e]![k]! -= h;
      const fd = (f(up) - f(down)) / (2 * h);
      assert.ok(Math.abs(grad[e]![k]! - fd) <= 2e-3 * Math.max(1, Math.abs(fd)), `${form} d/dlogalpha[${e}][${k}]: autodiff ${grad[e]![k]} vs finite differences ${fd}`);
    }
  }
});

test('SNAS derivation keeps every edge with its argmax op (none included); entropy is maximal at uniform alpha', () => {
  const rows = Array.from({ length: 14 }, (_, e) => Array.from({ length: 8 }, (_, k) => (k === e % 8 ? 2 : 0)));
  const g = deriveSnas({ normal: rows, reduce: rows }, 't');
  assert.equal(g.normal.edges.length, 14);
  assert.equal(g.normal.edges[0]!.op, 'none');
  assert.equal(g.normal.edges[4]!.op, 'sep_conv_3x3');
  const uniform = Array.from({ length: 14 }, () => new Array(8).fill(0));
  assert.ok(Math.abs(entropy(uniform) - 14 * Math.log(8)) < 1e-9);
  assert.ok(entropy(rows) < entropy(uniform));
});

test("a config's scales section applies at its scale, and errors name the file and key", () => {
  const raw = readYaml(SMOKE);
  const smoke = configAtScale(raw, SMOKE, 'smoke');
  assert.equal(smoke.search?.layers, 3);
  assert.equal(smoke.data.dataset, 'procedural');
  assert.equal(smoke.search?.lr, 0.025, 'keys the override does not name keep their value');
  const paper = configAtScale(raw, SMOKE, 'paper');
  assert.equal(paper.search?.epochs, 150);
  assert.equal(paper.data.dataset, 'cifar10');
  const bad = { ...(raw as object), search: { ...(raw as { search: object }).search, epochs: 0, tempreature: 1 } };
  assert.throws(() => configAtScale(bad, 'x.yaml', 'smoke'), (err: Error) => err instanceof ConfigError && /x\.yaml: search\.epochs/.test(err.message) && /unknown key 'tempreature'/.test(err.message));
});

function tempConfig(extra: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'snas-search-'));
  const file = join(dir, 'cfg.yaml');
  writeFileSync(file, readFileSync(SMOKE, 'utf8') + extra);
  return { dir, file };
}

test('snas search is deterministic, and a run killed mid-epoch resumes to the same result', async () => {
  const { dir, file } = tempConfig('');
  // more steps per epoch and a checkpoint every step, so that the kill lands mid-epoch
  writeFileSync(file, readFileSync(file, 'utf8').replace('search: { epochs: 2, layers: 3, channels: 4, steps_per_epoch: 3, eval_batches: 1 }', 'search: { epochs: 2, layers: 3, channels: 4, steps_per_epoch: 6, eval_batches: 1, checkpoint_every: 1 }'));
  try {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const c = join(dir, 'c');
    for (const out of [a, b]) {
      const r = snas(['search', file, '--scale', 'smoke', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
    }
    for (const f of ['metrics.csv', 'alphas.json', 'alpha_history.jsonl', 'genotype.json']) {
      assert.equal(readFileSync(join(b, f), 'utf8'), readFileSync(join(a, f), 'utf8'), `${f} differs between two runs of the same config and seed`);
    }
    // Kill a real child with SIGKILL once it has checkpointed inside epoch 2.
    const child = spawn(process.execPath, [join(ROOT, 'src', 'cli', 'snas.js'), 'search', file, '--scale', 'smoke', '--out', c], { cwd: ROOT, stdio: 'ignore' });
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const meta = existsSync(join(c, 'checkpoint.bin')) ? readCheckpoint<{ epochs_done: number; step: number }>(join(c, 'checkpoint.bin')).meta : { epochs_done: 0, step: 0 };
      if (meta.epochs_done >= 1 && meta.step >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    assert.equal(JSON.parse(readFileSync(join(c, 'run.json'), 'utf8')).status, 'running', 'the killed run was unfinished');
    const again = snas(['search', file, '--scale', 'smoke', '--out', c]);
    assert.equal(again.code, 2, 'an unfinished run is not restarted without --resume');
    const resumed = snas(['search', file, '--scale', 'smoke', '--out', c, '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming .* at epoch 2, step [2-5]/);
    for (const f of ['metrics.csv', 'alphas.json', 'alpha_history.jsonl', 'genotype.json']) {
      assert.equal(readFileSync(join(c, f), 'utf8'), readFileSync(join(a, f), 'utf8'), `${f} after SIGKILL and --resume differs from an uninterrupted run`);
    }
    const finished = snas(['search', file, '--scale', 'smoke', '--out', c]);
    assert.equal(finished.code, 2);
    assert.match(finished.stderr, /finished run; use --force/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a diverging search stops with exit 1 and a clear message; bad configs exit 2 and write nothing', () => {
  const { dir, file } = tempConfig('');
  try {
    writeFileSync(file, readFileSync(file, 'utf8').replace('  lr: 0.025 ', '  lr: 1.0e+30 ').replace('  grad_clip: 5', '  grad_clip: 0'));
    const out = join(dir, 'nan');
    const r = snas(['search', file, '--scale', 'smoke', '--out', out]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the loss is (NaN|Infinity|-Infinity); stopping/);
    assert.equal(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status, 'failed');
    const badFile = join(dir, 'bad.yaml');
    writeFileSync(badFile, 'search:\n  epochs: many\n');
    const badOut = join(dir, 'bad');
    const bad = snas(['search', badFile, '--out', badOut]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.yaml: search\.epochs: expected number/);
    assert.ok(!existsSync(badOut), 'nothing written for a bad config');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
