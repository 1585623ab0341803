// Faults, one row each: SIGKILL at random points of a search, a training and `snas publish`; a
// full filesystem (a small tmpfs, mounted by the test as root) during a checkpoint and during a
// table write; two `snas search` of one run at once; a results folder that cannot be written.
// In every row nothing finished is lost: the run resumes to the bytes of an uninterrupted one,
// the previous checkpoint and every finished file stay readable, an archive is whole or absent.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCheckpoint } from '../src/runs/checkpoint.js';
import { writeTable } from '../src/report/write-table.js';
import { ROOT, snas } from './helpers/run.js';

const SNAS_JS = join(ROOT, 'src', 'cli', 'snas.js');
const SEARCH = join(ROOT, 'configs', 'search', 'snas.yaml');
const TRAIN = join(ROOT, 'configs', 'train', 'cifar10.yaml');
const SEARCH_FILES = ['metrics.csv', 'alphas.json', 'alpha_history.jsonl', 'genotype.json'];
const TRAIN_FILES = ['metrics.csv', 'result.json'];

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const canMount = root && (() => {
  const d = mkdtempSync(join(tmpdir(), 'snas-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', d]).status === 0;
  if (ok) spawnSync('umount', [d]);
  rmSync(d, { recursive: true, force: true });
  return ok;
})();
const mountSkip = canMount ? false : 'mounting a tmpfs needs root (CI runs as root)';

/** A seeded stream of numbers in [0, 1): the kill points are random, and the same on every run of the test. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function run(args: string[]): { code: number | null; stderr: string; stdout: string } {
  return snas(args, {}, 300_000);
}

/** Starts `snas ARGS` and kills it with SIGKILL after `ms`; resolves when it is gone (or finished first). */
async function killAfter(args: string[], ms: number): Promise<'killed' | 'finished'> {
  const child = spawn(process.execPath, [SNAS_JS, ...args], { cwd: ROOT, stdio: 'ignore' });
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const code = await closed;
  clearTimeout(timer);
  return code === 0 ? 'finished' : 'killed';
}

/** A record's text without its timings (result.json's seconds). */
const untimed = (text: string) => text.replace(/\n\s*"seconds": [^\n]*\n/, '\n');

function sameFiles(a: string, b: string, files: string[], what: string): void {
  for (const f of files) assert.equal(untimed(readFileSync(join(b, f), 'utf8')), untimed(readFileSync(join(a, f), 'utf8')), `${f}: ${what} differs from the uninterrupted run`);
}

function mount(dir: string, options: string): void {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `mount ${options} ${dir}: ${r.stderr}`);
}

function umount(dir: string): void {
  spawnSync('umount', [dir]);
}

/** A SIGKILL at `points` random moments of a run (then --auto: resume or start), until it finishes; ends as the uninterrupted run. */
async function killedAtRandom(kind: 'search' | 'train', config: string, reference: string, out: string, files: string[], seed: number): Promise<void> {
  const random = seeded(seed);
  const t0 = Date.now();
  const whole = run([kind, config, '--scale', 'smoke', '--out', reference]);
  assert.equal(whole.code, 0, whole.stderr);
  const took = Date.now() - t0;
  let kills = 0;
  for (let i = 0; i < 3; i++) {
    // Between 1 s (the command has started) and the uninterrupted run's own time.
    const outcome = await killAfter([kind, config, '--scale', 'smoke', '--out', out, '--auto'], 1000 + random() * took);
    if (outcome === 'finished') break;
    kills++;
    if (existsSync(join(out, 'run.json'))) assert.notEqual(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status, 'finished', 'a killed run is not marked finished');
  }
  const last = run([kind, config, '--scale', 'smoke', '--out', out, '--auto']);
  assert.equal(last.code, 0, last.stderr);
  assert.ok(kills >= 1, 'at least one kill landed before the run finished');
  sameFiles(reference, out, files, `after ${kills} SIGKILLs and --auto`);
}

/** Runs `body` with a fresh temporary folder, removed after. */
async function inTemp(prefix: string, body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('SIGKILL at random points of a search: --auto resumes it to the bytes of an uninterrupted run', () => inTemp('snas-fault-search-', (dir) =>
  killedAtRandom('search', SEARCH, join(dir, 'whole'), join(dir, 'killed'), SEARCH_FILES, 1)));

test('SIGKILL at random points of a training: --auto resumes it to the bytes of an uninterrupted run', () => inTemp('snas-fault-train-', (dir) => {
  const config = join(dir, 'train.yaml');
  writeFileSync(config, readFileSync(TRAIN, 'utf8').replace('train: { epochs: 2, layers: 3, channels: 4, steps_per_epoch: 3, eval_batches: 1 }', 'train: { epochs: 2, layers: 3, channels: 4, steps_per_epoch: 6, eval_batches: 1, checkpoint_every: 1 }'));
  return killedAtRandom('train', config, join(dir, 'whole'), join(dir, 'killed'), TRAIN_FILES, 2);
}));

test('SIGKILL at random points of snas publish: the archive is whole (passes --check) or absent, and a rerun publishes it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-fault-publish-'));
  try {
    // A small results folder: two pages, a table and a figure (exported through Chromium, the slow part).
    mkdirSync(join(dir, 'notebooks'), { recursive: true });
    writeFileSync(join(dir, 'notebooks', '01-x.ipynb'), JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    writeFileSync(join(dir, 'notebooks', '01-x.html'), '<!DOCTYPE html><html><body><p>page</p></body></html>');
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ scale: 'smoke', started: '2026-12-07T00:00:00Z', seconds: 1, notebooks: [{ name: '01-x', ok: true, seconds: 1, ipynb: 'notebooks/01-x.ipynb', html: 'notebooks/01-x.html' }] }));
    writeFileSync(join(dir, 'environment.json'), JSON.stringify({ backend: { name: 'cpu' }, machine: { cores: 2, cpu: 'test' }, git: { commit: 'abc', dirty: false }, versions: {} }));
    mkdirSync(join(dir, 'tables'));
    writeFileSync(join(dir, 'tables', 't.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'tables', 't.md'), '| a | b |\n| --- | --- |\n| 1 | 2 |\n');
    mkdirSync(join(dir, 'figures'));
    writeFileSync(join(dir, 'figures', 'f.html'), '<!DOCTYPE html><html><body><div id="f"></div></body></html>');
    writeFileSync(join(dir, 'figures', 'f.json'), JSON.stringify({ data: [{ type: 'scatter', x: [1, 2], y: [2, 1] }], layout: {}, caption: 'a figure' }));
    const t0 = Date.now();
    const first = run(['publish', dir]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const took = Date.now() - t0;
    rmSync(join(dir, 'supplementary'), { recursive: true, force: true });
    rmSync(join(dir, 'supplementary.zip'), { force: true });
    const random = seeded(3);
    for (let i = 0; i < 3; i++) {
      await killAfter(['publish', dir], 500 + random() * took);
      for (const archive of ['supplementary.zip', 'supplementary']) {
        if (!existsSync(join(dir, archive))) continue;
        const check = run(['publish', '--check', join(dir, archive)]);
        assert.equal(check.code, 0, `${archive} after a SIGKILL of snas publish (kill ${i + 1}) fails its check:\n${check.stdout}`);
      }
    }
    const again = run(['publish', dir]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a full filesystem during a checkpoint: one message naming the file, exit 1, the previous checkpoint intact; the run resumes once space is back', { skip: mountSkip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-fault-full-'));
  const disk = join(dir, 'disk');
  try {
    const config = join(dir, 'search.yaml');
    writeFileSync(config, readFileSync(SEARCH, 'utf8').replace('search: { epochs: 2, layers: 3, channels: 4, steps_per_epoch: 3, eval_batches: 1 }', 'search: { epochs: 2, layers: 3, channels: 4, steps_per_epoch: 6, eval_batches: 1, checkpoint_every: 1 }'));
    assert.match(readFileSync(config, 'utf8'), /checkpoint_every: 1/, 'the smoke keys of snas.yaml were found and changed');
    const whole = run(['search', config, '--scale', 'smoke', '--out', join(dir, 'whole')]);
    assert.equal(whole.code, 0, whole.stderr);
    const size = statSync(join(dir, 'whole', 'checkpoint.bin')).size;
    // Room for the records and two checkpoints (latest and previous), not for the third written beside them.
    const kib = Math.ceil((2.5 * size + 48 * 1024) / 4096) * 4;
    mount(disk, `size=${kib}k`);
    const out = join(disk, 'run');
    const full = run(['search', config, '--scale', 'smoke', '--out', out]);
    assert.equal(full.code, 1, `exit 1 on a full disk:\n${full.stderr}`);
    const message = full.stderr.trim().split('\n').filter((l) => !/^(TensorFlow|=+|backend|warning)/.test(l));
    assert.ok(message.some((l) => /checkpoint\.bin\.new[^:]*: cannot write it: no space left on device \(ENOSPC\)/.test(l)), `the message names the checkpoint and the reason:\n${full.stderr}`);
    assert.ok(!/\n\s+at /.test(full.stderr), 'no stack trace');
    const latest = readCheckpoint<{ step: number; epochs_done: number }>(join(out, 'checkpoint.bin'));
    assert.ok(latest.meta.step > 0 || latest.meta.epochs_done > 0, 'the latest whole checkpoint is intact and readable');
    assert.ok(existsSync(join(out, 'checkpoint.prev.bin')), 'the previous checkpoint is kept');
    readCheckpoint(join(out, 'checkpoint.prev.bin'));
    spawnSync('mount', ['-o', `remount,size=${kib * 8}k`, disk]);
    const resumed = run(['search', config, '--scale', 'smoke', '--out', out, '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    sameFiles(join(dir, 'whole'), out, SEARCH_FILES, 'after a full disk and --resume');
  } finally {
    umount(disk);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a full filesystem during a table write: one error naming the file; the table written before stays whole', { skip: mountSkip }, () => {
  const disk = mkdtempSync(join(tmpdir(), 'snas-fault-table-'));
  const saved = process.env.SNAS_RESULTS;
  try {
    mount(disk, 'size=64k');
    process.env.SNAS_RESULTS = disk;
    writeTable('t', [{ a: 1, b: 'first' }], 'a table');
    const before = readFileSync(join(disk, 'tables', 't.csv'), 'utf8');
    // Fill the disk: 4 KiB pages until none is left.
    for (let i = 0; ; i++) {
      try {
        writeFileSync(join(disk, `filler-${i}`), Buffer.alloc(4096));
      } catch {
        break;
      }
    }
    const big = Array.from({ length: 2000 }, (_, i) => ({ a: i, b: 'x'.repeat(40) }));
    assert.throws(() => writeTable('t', big, 'a bigger table'), /tables[\\/]t\.(csv|md|tex)[^:]*: cannot write it: no space left on device \(ENOSPC\)/);
    assert.equal(readFileSync(join(disk, 'tables', 't.csv'), 'utf8'), before, 'the table written before is whole');
    assert.deepEqual(spawnSync('ls', [join(disk, 'tables')], { encoding: 'utf8' }).stdout.split('\n').filter((f) => f.includes('.tmp-')), [], 'no partial file is left');
  } finally {
    if (saved === undefined) delete process.env.SNAS_RESULTS;
    else process.env.SNAS_RESULTS = saved;
    umount(disk);
    rmSync(disk, { recursive: true, force: true });
  }
});

test('two snas search of the same run at once: one computes it, the other says who does and exits 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-fault-twice-'));
  try {
    const out = join(dir, 'run');
    const first = spawn(process.execPath, [SNAS_JS, 'search', SEARCH, '--scale', 'smoke', '--out', out], { cwd: ROOT, stdio: 'ignore' });
    const firstDone = new Promise<number | null>((r) => first.on('close', r));
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(out, 'run.json')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const second = run(['search', SEARCH, '--scale', 'smoke', '--out', out, '--resume']);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, /this run is being computed by process \d+ on .* not computing it twice/);
    assert.equal(await firstDone, 0, 'the first finished its run');
    assert.equal(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status, 'finished');
    assert.ok(!existsSync(`${out}.running`), 'the lock is released');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a results folder that cannot be written: one message naming it, exit 1, nothing written', { skip: mountSkip }, () => {
  const disk = mkdtempSync(join(tmpdir(), 'snas-fault-ro-'));
  try {
    mount(disk, 'ro,size=64k');
    const r = run(['search', SEARCH, '--scale', 'smoke', '--out', join(disk, 'run')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`${disk}[^:]*: cannot write it: read-only file system \\(EROFS\\)`));
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  } finally {
    umount(disk);
    rmSync(disk, { recursive: true, force: true });
  }
});
