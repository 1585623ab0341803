// Malformed inputs across the commands, one row each: configs, genotypes, IDX and CIFAR files,
// checkpoints, run.json, publication records, notebook parameters, sweep files, Slurm settings,
// environment variables and CLI flags. Every row exits 2 with one message naming the file, key,
// flag or variable and what was expected, prints no stack trace and writes nothing (the row's
// folder holds the same files, byte for byte, before and after).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { readSearchConfig } from '../src/config/read.js';
import { encodeIdx } from '../src/data/idx.js';
import { ROOT } from './helpers/run.js';

const SEARCH = join(ROOT, 'configs', 'search', 'snas.yaml');
const TRAIN = join(ROOT, 'configs', 'train', 'cifar10.yaml');

interface Row {
  what: string;
  /** Writes the row's inputs into `dir` and returns the command line (after `snas`). */
  setup: (dir: string) => string[];
  env?: (dir: string) => NodeJS.ProcessEnv;
  /** The one message (a line of stderr). */
  message: (dir: string) => RegExp;
}

const write = (dir: string, name: string, text: string | Uint8Array) => {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
};
/** A smoke search config with `search` keys replaced. */
const search = (dir: string, keys: string, extra = '') => write(dir, 'bad.yaml', `backend: auto\nseed: 0\nsearch: { method: snas, epochs: 1, ${keys} }\n${extra}`);
const trainWith = (dir: string, genotype: string) => write(dir, 'train.yaml', readFileSync(TRAIN, 'utf8').replace(/^  genotype: SNAS_mild$/m, `  genotype: ${genotype}`));
/** A small CIFAR-10 training config reading `folder`. */
const cifar = (dir: string, folder: string) => write(dir, 'c.yaml', `data: { dataset: cifar10, path: ${folder}, batch_size: 8 }\ntrain: { genotype: SNAS_mild, epochs: 1, layers: 3, channels: 4, steps_per_epoch: 1, eval_batches: 1 }\n`);
const out = (dir: string) => ['--out', join(dir, 'out')];
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Fashion-MNIST's four files, small, with `damage` applied to one. */
function fashion(dir: string, damage: (name: string, bytes: Uint8Array) => Uint8Array): string {
  const folder = join(dir, 'fmnist');
  for (const [prefix, n] of [['train', 20], ['t10k', 10]] as const) {
    const files: [string, Uint8Array][] = [[`${prefix}-images-idx3-ubyte.gz`, encodeIdx([n, 28, 28], new Uint8Array(n * 784))], [`${prefix}-labels-idx1-ubyte.gz`, encodeIdx([n], new Uint8Array(n))]];
    for (const [name, raw] of files) write(folder, name, damage(name, gzipSync(raw)));
  }
  return write(dir, 'fm.yaml', `search: { method: snas, epochs: 1, layers: 3, channels: 4, steps_per_epoch: 1, eval_batches: 1 }\ndata: { dataset: fashion-mnist, path: ${folder}, image_size: 28, batch_size: 8, train_size: 16, test_size: 8 }\n`);
}
/** A run directory holding a damaged record or checkpoint (an unfinished run), for --resume. */
function unfinished(dir: string, files: Record<string, string>): string {
  const run = join(dir, 'out');
  // config.yaml as the run records it (the smoke config, resolved), so that --resume gets past the config check.
  write(run, 'config.yaml', stringify(readSearchConfig(SEARCH, 'smoke').config));
  for (const [name, text] of Object.entries(files)) write(run, name, text);
  return SEARCH;
}
const publication = (dir: string, run: unknown, env: unknown) => {
  write(dir, 'res/run.json', JSON.stringify(run));
  write(dir, 'res/environment.json', JSON.stringify(env));
  return join(dir, 'res');
};
const GOOD_ENV = { backend: { name: 'cpu' }, machine: { cores: 2, cpu: 'x' }, git: { commit: 'abc', dirty: false } };

const ROWS: Row[] = [
  { what: 'config: no such file', setup: (d) => ['search', join(d, 'nope.yaml'), ...out(d)], message: (d) => new RegExp(`${escape(join(d, 'nope.yaml'))}: (cannot read|not found|no such)`) },
  { what: 'config: YAML syntax', setup: (d) => ['search', write(d, 'bad.yaml', 'search: [1, 2\n'), ...out(d)], message: (d) => new RegExp(`${escape(join(d, 'bad.yaml'))}:2:1: invalid YAML: `) },
  { what: 'config: unknown key', setup: (d) => ['search', search(d, 'colour: red'), ...out(d)], message: () => /bad\.yaml: search: unknown key 'colour'.*expected one of/ },
  { what: 'config: wrong type', setup: (d) => ['search', search(d, 'layers: three'), ...out(d)], message: () => /bad\.yaml: search\.layers: expected number, got "three"/ },
  { what: 'config: unknown method', setup: (d) => ['search', write(d, 'bad.yaml', 'search: { method: magic }\n'), ...out(d)], message: () => /bad\.yaml: search\.method: expected one of snas, darts, nasp, enas, gdas, unas, darts-prime, random-ws/ },
  { what: 'config: out of range', setup: (d) => ['search', search(d, 'lr: -1'), ...out(d)], message: () => /bad\.yaml: search\.lr: /},
  { what: 'config: unknown scale key', setup: (d) => ['search', search(d, 'layers: 3', 'scale: huge\n'), ...out(d)], message: () => /bad\.yaml: scale: unknown scale 'huge'; expected one of smoke, quick, paper/ },
  { what: 'config: a key the method does not read', setup: (d) => ['search', write(d, 'bad.yaml', 'search: { method: darts, temperature: { kind: constant, tau0: 1 } }\n'), ...out(d)], message: () => /bad\.yaml: search: unknown key 'temperature' \(method darts does not read it\)/ },
  { what: 'genotype: unknown name', setup: (d) => ['train', TRAIN, '--genotype', 'NOPE', '--scale', 'smoke', ...out(d)], message: () => /unknown genotype 'NOPE'; known: .*SNAS_mild/ },
  { what: 'genotype file: no such file', setup: (d) => ['train', trainWith(d, join(d, 'missing.json')), '--scale', 'smoke', ...out(d)], message: (d) => new RegExp(`${escape(join(d, 'missing.json'))}: cannot read the genotype`) },
  { what: 'genotype file: not JSON', setup: (d) => { write(d, 'g.json', '{ normal: ['); return ['train', trainWith(d, join(d, 'g.json')), '--scale', 'smoke', ...out(d)]; }, message: (d) => new RegExp(`${escape(join(d, 'g.json'))}: cannot read the genotype: not JSON or YAML`) },
  { what: 'genotype file: an unknown op', setup: (d) => { write(d, 'g.json', JSON.stringify({ normal: [['conv_9x9', 0], ['skip_connect', 1], ['skip_connect', 0], ['skip_connect', 1], ['skip_connect', 0], ['skip_connect', 1], ['skip_connect', 0], ['skip_connect', 1]], reduce: [['max_pool_3x3', 0], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['max_pool_3x3', 1]] })); return ['train', trainWith(d, join(d, 'g.json')), '--scale', 'smoke', ...out(d)]; }, message: () => /g\.json.*conv_9x9/ },
  { what: 'IDX: wrong magic number', setup: (d) => ['search', fashion(d, (n, b) => (n === 'train-images-idx3-ubyte.gz' ? gzipSync(encodeIdx([20, 784], new Uint8Array(20 * 784))) : b)), ...out(d)], message: () => /train-images-idx3-ubyte\.gz: magic number 0x00000802, expected 0x00000803/ },
  { what: 'IDX: truncated', setup: (d) => ['search', fashion(d, (n, b) => (n === 't10k-labels-idx1-ubyte.gz' ? gzipSync(encodeIdx([10], new Uint8Array(10)).subarray(0, 12)) : b)), ...out(d)], message: () => /t10k-labels-idx1-ubyte\.gz: truncated: 4 data bytes after the header, expected 10/ },
  { what: 'IDX: damaged gzip', setup: (d) => ['search', fashion(d, (n, b) => (n === 'train-labels-idx1-ubyte.gz' ? b.subarray(0, b.length - 12) : b)), ...out(d)], message: () => /train-labels-idx1-ubyte\.gz: damaged gzip stream/ },
  { what: 'CIFAR-10: a batch file of the wrong size', setup: (d) => { for (const f of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) write(d, `cifar/${f}.bin`, new Uint8Array(3073 * 2 + 5)); return ['train', cifar(d, join(d, 'cifar')), '--scale', 'smoke', ...out(d)]; }, message: () => /data_batch_1\.bin: .*3,?073/ },
  { what: 'CIFAR-10: no such folder', setup: (d) => ['train', cifar(d, join(d, 'none')), '--scale', 'smoke', ...out(d)], message: (d) => new RegExp(`CIFAR-10 folder ${escape(join(d, 'none'))} does not exist`) },
  { what: 'checkpoints: both damaged, --resume', setup: (d) => ['search', unfinished(d, { 'run.json': '{"status":"running","command":"x","started_at":"","updated_at":"","epochs_done":1}', 'checkpoint.bin': 'garbage', 'checkpoint.prev.bin': 'more garbage' }), '--scale', 'smoke', '--resume', ...out(d)], message: () => /checkpoint\.bin: .*; and the previous checkpoint: .*checkpoint\.prev\.bin: / },
  { what: 'run.json of a run: not JSON, --resume', setup: (d) => ['search', unfinished(d, { 'run.json': '{"status": ', 'metrics.csv': 'epoch\n' }), '--scale', 'smoke', '--resume', ...out(d)], message: () => /run\.json: damaged run status \(expected JSON\)/ },
  { what: 'publish: run.json without its notebooks', setup: (d) => ['publish', publication(d, { scale: 'smoke', started: 'x', seconds: 1 }, GOOD_ENV)], message: () => /res[\\/]run\.json: notebooks: expected array, got nothing/ },
  { what: 'publish: environment.json without git', setup: (d) => ['publish', publication(d, { scale: 'smoke', started: 'x', seconds: 1, notebooks: [] }, { backend: { name: 'cpu' }, machine: { cores: 2, cpu: 'x' } })], message: () => /res[\\/]environment\.json: git: expected object, got nothing/ },
  { what: 'publish --check: not an archive', setup: (d) => ['publish', '--check', write(d, 'x.txt', 'hello')], message: () => /x\.txt: / },
  { what: 'notebook parameter: unknown name', setup: (d) => ['notebooks', '02', '-p', 'nosuch=1', '--out', join(d, 'nb')], message: () => /nosuch/ },
  { what: 'notebook parameter: wrong type', setup: (d) => ['notebooks', '02', '-p', 'seed=abc', '--out', join(d, 'nb')], message: () => /seed.*number/ },
  { what: 'notebook parameters file: no such file', setup: (d) => ['notebooks', '02', '-f', join(d, 'p.yaml'), '--out', join(d, 'nb')], message: (d) => new RegExp(escape(join(d, 'p.yaml'))) },
  { what: 'sweep file: unknown key', setup: (d) => ['sweep', write(d, 'sw.yaml', 'base: configs/search/snas.yaml\nvary: search.temperature\nvalues: { a: { kind: constant, tau0: 1 } }\nseeds: { smoke: [0] }\ncolour: red\n'), '--scale', 'smoke'], message: () => /sw\.yaml: unknown key 'colour'/ },
  { what: 'sweep file: a value the schema refuses', setup: (d) => ['sweep', write(d, 'sw.yaml', 'base: configs/search/snas.yaml\nvary: search.temperature\nvalues: { a: { kind: sometimes, tau0: 1 } }\nseeds: { smoke: [0] }\n'), '--scale', 'smoke'], message: () => /sw\.yaml: .*a.*search\.temperature/ },
  { what: 'Slurm settings: a size it cannot read', setup: (d) => ['sweep', write(d, 'sw.yaml', 'base: configs/search/snas.yaml\nvary: search.temperature\nvalues: { a: { kind: constant, tau0: 1 } }\nseeds: { smoke: [0] }\n'), '--scale', 'smoke', '--executor', 'slurm', '--mem', 'lots'], message: () => /mem: expected a size such as 4G/ },
  { what: 'flag: unknown', setup: (d) => ['search', SEARCH, '--colour', 'red', ...out(d)], message: () => /--colour/ },
  { what: 'flag: --seed not a number', setup: (d) => ['search', SEARCH, '--seed', 'x', ...out(d)], message: () => /--seed: expected/ },
  { what: 'flag: --scale unknown', setup: (d) => ['search', SEARCH, '--scale', 'huge', ...out(d)], message: () => /--scale: unknown scale 'huge'; expected one of smoke, quick, paper/ },
  { what: 'flag: --workers 0', setup: () => ['sweep', join(ROOT, 'configs', 'sweeps', 'temperature.yaml'), '--scale', 'smoke', '--workers', '0'], message: () => /--workers: expected a positive integer/ },
  { what: 'command: unknown', setup: () => ['frobnicate'], message: () => /snas: unknown command 'frobnicate'/ },
  { what: 'variable: SNAS_WORKERS not a number', setup: () => ['sweep', join(ROOT, 'configs', 'sweeps', 'temperature.yaml'), '--scale', 'smoke'], env: () => ({ SNAS_WORKERS: 'two' }), message: () => /environment variable SNAS_WORKERS: unknown workers 'two'; expected a positive integer/ },
  { what: 'variable: SNAS_SCALE unknown', setup: (d) => ['search', SEARCH, ...out(d)], env: () => ({ SNAS_SCALE: 'huge' }), message: () => /environment variable SNAS_SCALE: unknown scale 'huge'/ },
];

/** Every file under `dir` with its SHA-256. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const p = join(dir, f);
    out[f] = statSync(p).isDirectory() ? 'dir' : createHash('sha256').update(readFileSync(p)).digest('hex');
  }
  return out;
}

function snasAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'src', 'cli', 'snas.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => { clearTimeout(timer); done({ code, stderr, stdout }); });
  });
}

test(`${ROWS.length} malformed inputs: each exits 2 with one message naming what is wrong, no stack trace, nothing written`, async (t) => {
  assert.ok(ROWS.length >= 25);
  const base = mkdtempSync(join(tmpdir(), 'snas-bad-input-'));
  try {
    const prepared = ROWS.map((row, i) => {
      const dir = join(base, String(i));
      mkdirSync(dir);
      const args = row.setup(dir);
      const results = join(dir, 'results');
      return { row, dir, args, env: { SNAS_RESULTS: results, SNAS_INVOCATION: '', ...row.env?.(dir) }, before: snapshot(dir) };
    });
    // Two at a time (the machine's cores); each command mostly starts node and reads its input.
    const outcomes = new Array<Awaited<ReturnType<typeof snasAsync>>>(prepared.length);
    let next = 0;
    await Promise.all([0, 1].map(async () => {
      for (let i = next++; i < prepared.length; i = next++) outcomes[i] = await snasAsync(prepared[i]!.args, prepared[i]!.env);
    }));
    for (const [i, p] of prepared.entries()) {
      await t.test(p.row.what, () => {
        const r = outcomes[i]!;
        const lines = r.stderr.split('\n').filter((l) => l.trim() && !/^\(snas .* --help for usage\)$/.test(l) && !/^(TensorFlow\.js|=+$|backend: |\s*Hi there|.*Node\.js)/.test(l));
        assert.equal(r.code, 2, `exit code of snas ${p.args.join(' ')}:\n${r.stderr}`);
        assert.ok(!/\n\s+at \S+ \(/.test(r.stderr), `no stack trace:\n${r.stderr}`);
        assert.ok(lines.some((l) => p.row.message(p.dir).test(l)), `a line of stderr matches ${p.row.message(p.dir)}:\n${r.stderr}`);
        assert.deepEqual(snapshot(p.dir), p.before, 'the command wrote nothing');
      });
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
