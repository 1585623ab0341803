// The run layer (src/runs/): the previous checkpoint kept and used when the latest is damaged,
// one clear message and exit 2 for damaged files and for config keys the method does not
// read, and the runs table against hand-computed statistics.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { selectBackend } from '../src/backends/index.js';
import { configAtScale, readYaml } from '../src/config/load.js';
import { CheckpointError } from '../src/runs/checkpoint.js';
import { runsTable, selectRuns } from '../src/results/table.js';
import { epochBands, finalStats, lastEpochs, meanRunSeconds } from '../src/report/run-stats.js';
import { runSearch } from '../src/search/run.js';
import { mean, std } from '../src/util/stats.js';
import { writeRun } from './helpers/runs.js';
import { ROOT, snas } from './helpers/run.js';
import { RELEASED_SCHEDULE, scheduleText } from '../src/samplers/temperature.js';
import { fromProject, projectPath } from '../src/util/root.js';

const SNAS = join(ROOT, 'configs', 'search', 'snas-mild.yaml');
const FILES = ['metrics.csv', 'alphas.json', 'alpha_history.jsonl', 'genotype.json'];

test('a damaged latest checkpoint falls back to the previous one, says so, and the run ends as an uninterrupted one', async () => {
  const backend = await selectBackend();
  const dir = mkdtempSync(join(tmpdir(), 'snas-fallback-'));
  try {
    const config = configAtScale(readYaml(SNAS), SNAS, 'smoke');
    config.search = { ...config.search!, checkpoint_every: 1 };
    const logs: string[] = [];
    const run = (out: string, extra: { resume?: boolean; stopAfterSteps?: number } = {}) => runSearch({
      config, configFile: SNAS, out: join(dir, out), resume: extra.resume ?? false, force: false,
      environment: () => ({ backend: backend.name }), command: 'test', stopAfterSteps: extra.stopAfterSteps, log: (l) => logs.push(l),
    });
    await run('a');
    const stopped = await run('c', { stopAfterSteps: 5 }); // epoch 2, step 2: checkpoints at epoch 2 steps 1 and 2
    assert.equal(stopped.finished, false);
    const latest = join(dir, 'c', 'checkpoint.bin');
    assert.ok(existsSync(join(dir, 'c', 'checkpoint.prev.bin')), 'the previous checkpoint is kept');
    truncateSync(latest, 200);
    const resumed = await run('c', { resume: true });
    assert.equal(resumed.finished, true);
    assert.deepEqual(resumed.resumedFrom, { epoch: 1, step: 1 }, 'resumed from the previous checkpoint, one step earlier');
    assert.ok(logs.some((l) => /^warning: .*checkpoint\.bin: (damaged checkpoint header|truncated checkpoint).*resuming from the previous checkpoint/.test(l)), logs.join('\n'));
    const status = JSON.parse(readFileSync(join(dir, 'c', 'run.json'), 'utf8'));
    assert.equal(status.status, 'finished');
    assert.match(status.checkpoint_fallback, /checkpoint\.bin: (damaged checkpoint header|truncated checkpoint)/);
    for (const f of FILES) assert.equal(readFileSync(join(dir, 'c', f), 'utf8'), readFileSync(join(dir, 'a', f), 'utf8'), `${f} after the fallback differs from an uninterrupted run`);

    // Three flipped bytes in the latest's tensor data, its header intact: the checksums catch them, the same fallback.
    await run('e', { stopAfterSteps: 5 });
    const ck = readFileSync(join(dir, 'e', 'checkpoint.bin'));
    for (const back of [5, 13, 29]) ck[ck.length - back] = ck[ck.length - back]! ^ 0x10;
    writeFileSync(join(dir, 'e', 'checkpoint.bin'), ck);
    const flipped = await run('e', { resume: true });
    assert.deepEqual(flipped.resumedFrom, { epoch: 1, step: 1 }, 'resumed from the previous checkpoint');
    assert.ok(logs.some((l) => /^warning: .*e[\\/]checkpoint\.bin: damaged checkpoint \(tensor .*: its checksum does not match\); resuming from the previous checkpoint/.test(l)), logs.join('\n'));
    for (const f of FILES) assert.equal(readFileSync(join(dir, 'e', f), 'utf8'), readFileSync(join(dir, 'a', f), 'utf8'), `${f} after flipped bits differs from an uninterrupted run`);

    // Both checkpoints damaged: one message naming both, exit 2, no stack trace, the files left as they were.
    await run('d', { stopAfterSteps: 5 });
    writeFileSync(join(dir, 'd', 'checkpoint.bin'), 'not a checkpoint');
    writeFileSync(join(dir, 'd', 'checkpoint.prev.bin'), '');
    await assert.rejects(run('d', { resume: true }), CheckpointError);
    const file = join(dir, 'smoke.yaml');
    writeFileSync(file, readFileSync(SNAS, 'utf8').replace('search: {epochs: 2, layers: 3, channels: 4, steps_per_epoch: 3, eval_batches: 1}', 'search: {epochs: 2, layers: 3, channels: 4, steps_per_epoch: 3, eval_batches: 1, checkpoint_every: 1}'));
    const cli = snas(['search', file, '--scale', 'smoke', '--out', join(dir, 'd'), '--resume']);
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(cli.stderr, /checkpoint\.bin: damaged checkpoint header.*; and the previous checkpoint: .*checkpoint\.prev\.bin: truncated checkpoint/);
    assert.doesNotMatch(cli.stderr, /\n\s+at /);
    assert.equal(readFileSync(join(dir, 'd', 'checkpoint.bin'), 'utf8'), 'not a checkpoint');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a DARTS config with a temperature key exits 2 naming the file, the key and the method, and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-darts-key-'));
  try {
    const file = join(dir, 'darts.yaml');
    writeFileSync(file, readFileSync(join(ROOT, 'configs', 'search', 'darts-2nd.yaml'), 'utf8').replace('\nsearch:\n', '\nsearch:\n  temperature: { kind: constant, tau0: 1 }\n'));
    const out = join(dir, 'run');
    const r = snas(['search', file, '--scale', 'smoke', '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /darts\.yaml: search: unknown key 'temperature' \(method darts does not read it\); expected one of method, epochs/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.ok(!existsSync(out));
    // The same key is SNAS' own: accepted there.
    writeFileSync(file, readFileSync(join(ROOT, 'configs', 'search', 'snas.yaml'), 'utf8').replace('\nsearch:\n', '\nsearch:\n  darts: { order: 2 }\n'));
    const s = snas(['search', file, '--scale', 'smoke', '--out', out]);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /search: unknown key 'darts' \(method snas does not read it\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the runs table: one row per run and epoch, and its group-by statistics equal hand-computed ones', async () => {
  const root = mkdtempSync(join(tmpdir(), 'snas-table-'));
  try {
    const acc = { a: [[0.1, 0.3, 0.5], [0.2, 0.2, 0.8], [0.3, 0.4, 0.2]], b: [[0.5, 0.7], [0.1, 0.6]] };
    const secs = { a: [[10, 20, 30], [11, 21, 31], [12, 22, 32]], b: [[5, 5], [7, 7]] };
    for (const config of ['a', 'b'] as const) {
      acc[config].forEach((vals, seed) => writeRun(join(root, 'search'), {
        config, seed, method: config === 'a' ? 'snas' : 'darts', seconds: secs[config][seed],
        records: vals.map((v) => ({ tau: config === 'a' ? 1 : 'NaN', search_val_acc: v, child_val_acc: v / 2, genotype_normal: 'sep_conv_3x3@0' })),
      }));
    }
    writeRun(join(root, 'train'), { config: 'cifar10', seed: 0, method: 'train', genotype: 'SNAS_mild', records: [{ test_acc: 0.4 }], result: { test_error: 60, params: 10 } });
    const df = await runsTable(root);
    assert.equal(df.shape[0], 3 * 3 + 2 * 2 + 1);
    assert.deepEqual(df.columns.slice(0, 15), ['run', 'kind', 'config', 'method', 'genotype', 'seed', 'scale', 'backend', 'status', 'eval_bn', 'temperature', 'constraint', 'lambda', 'method_keys', 'epoch']);
    // The config's facts, read from config.yaml with the schema's defaults (the synthetic configs name only the method).
    const facts = (where: Record<string, string>) => Object.fromEntries(['eval_bn', 'temperature', 'constraint', 'lambda', 'method_keys'].map((c) => [c, selectRuns(df, where)[c].values[0]]));
    assert.deepEqual(facts({ config: 'a' }), { eval_bn: 'batch', temperature: scheduleText(RELEASED_SCHEDULE), constraint: 'none', lambda: 0, method_keys: 'drop_path=0.3 straight_through=false' });
    assert.deepEqual(facts({ config: 'b' }), { eval_bn: 'batch', temperature: '', constraint: '', lambda: NaN, method_keys: 'darts.order=1 darts.bilevel=true' });
    assert.deepEqual(facts({ kind: 'train' }), { eval_bn: '', temperature: '', constraint: '', lambda: NaN, method_keys: '' });
    const a = selectRuns(df, { config: 'a' });
    assert.equal(a.shape[0], 9);
    assert.deepEqual([...new Set(a['run'].values as string[])].sort(), ['search/a-seed0', 'search/a-seed1', 'search/a-seed2']);
    assert.ok((selectRuns(df, { config: 'b' })['tau'].values as number[]).every((v) => Number.isNaN(v)), "a method's missing values are NaN");
    assert.equal(selectRuns(df, { kind: 'train' })['test_error'].values[0], 60);
    assert.equal(selectRuns(df, { method: ['snas', 'darts'] }).shape[0], 13);

    const final = finalStats(df, ['config'], ['search_val_acc', 'child_val_acc']);
    const lastA = acc.a.map((v) => v[v.length - 1]!);
    assert.ok(Math.abs(final.get('a')!.search_val_acc!.mean - mean(lastA)) < 1e-12);
    assert.ok(Math.abs(final.get('a')!.search_val_acc!.std - std(lastA)) < 1e-12);
    assert.ok(Math.abs(final.get('a')!.child_val_acc!.mean - mean(lastA) / 2) < 1e-12);
    assert.equal(final.get('a')!.search_val_acc!.n, 3);
    assert.ok(Math.abs(final.get('b')!.search_val_acc!.mean - 0.65) < 1e-12);
    assert.equal(lastEpochs(df).shape[0], 6);

    const bands = epochBands(df, ['config'], 'search_val_acc');
    const band = bands.get('a')!;
    assert.deepEqual(band.x, [1, 2, 3]);
    band.x.forEach((_, e) => {
      const xs = acc.a.map((v) => v[e]!);
      assert.ok(Math.abs(band.mean[e]! - mean(xs)) < 1e-12);
      assert.equal(band.lo[e], Math.min(...xs));
      assert.equal(band.hi[e], Math.max(...xs));
    });
    const seconds = meanRunSeconds(df, ['config']);
    assert.ok(Math.abs(seconds.get('a')! - mean(secs.a.map((s) => s.reduce((x, y) => x + y, 0)))) < 1e-9);
    assert.equal(seconds.get('b'), 12);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('epochBands keeps only the epochs every run of a group reached', async () => {
  const root = mkdtempSync(join(tmpdir(), 'snas-bands-'));
  try {
    writeRun(root, { config: 'x', seed: 0, records: [{ search_val_acc: 0.1 }, { search_val_acc: 0.3 }, { search_val_acc: 0.5 }] });
    writeRun(root, { config: 'x', seed: 1, records: [{ search_val_acc: 0.3 }, { search_val_acc: 0.1 }] });
    const band = epochBands(await runsTable(root), ['config'], 'search_val_acc').get('x')!;
    assert.deepEqual(band.x, [1, 2]);
    assert.deepEqual(band.lo, [0.1, 0.1]);
    assert.deepEqual(band.hi, [0.3, 0.3]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a flipped bit anywhere in a checkpoint is detected: header, checksums, tensor data, length', async () => {
  const { readCheckpoint, writeCheckpoint } = await import('../src/runs/checkpoint.js');
  const dir = mkdtempSync(join(tmpdir(), 'snas-ckpt-'));
  try {
    const file = join(dir, 'checkpoint.bin');
    const tensors = [
      { name: 'w', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5) },
      { name: 'alpha', shape: [2, 8], data: Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)) },
    ];
    writeCheckpoint(file, { format: 2, epoch: 1, step: 3, loss: NaN }, tensors);
    const good = readFileSync(file);
    const back = readCheckpoint<{ epoch: number; loss: number }>(file);
    assert.equal(back.meta.epoch, 1);
    assert.ok(Number.isNaN(back.meta.loss));
    assert.deepEqual([...back.tensors.get('alpha')!.data], [...tensors[1]!.data]);
    let detected = 0;
    for (let at = 0; at < good.length; at++) {
      for (const bit of [0, 5]) {
        const bad = Buffer.from(good);
        bad[at] = bad[at]! ^ (1 << bit);
        writeFileSync(file, bad);
        assert.throws(() => readCheckpoint(file), CheckpointError, `a flip of bit ${bit} at byte ${at} of ${good.length} went unnoticed`);
        detected++;
      }
    }
    assert.equal(detected, 2 * good.length);
    writeFileSync(file, Buffer.concat([good, Buffer.from([0])]));
    assert.throws(() => readCheckpoint(file), /bytes after the last tensor/);
    writeFileSync(file, good.subarray(0, good.length - 4));
    assert.throws(() => readCheckpoint(file), /truncated checkpoint/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('records write paths inside the project relative to its root, and read them back from it', () => {
  assert.equal(projectPath(join(ROOT, 'results', 'runs', 'x', 'genotype.json')), 'results/runs/x/genotype.json');
  assert.equal(projectPath(ROOT), '.');
  assert.equal(projectPath('/elsewhere/data'), '/elsewhere/data', 'a path outside the project stays absolute');
  assert.equal(fromProject('results/runs/x/genotype.json'), join(ROOT, 'results', 'runs', 'x', 'genotype.json'));
  assert.equal(fromProject('/elsewhere/data'), '/elsewhere/data');
});
