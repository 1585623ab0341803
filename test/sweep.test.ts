// Sweeps: the grid a sweep file describes, and which runs it skips, resumes or starts.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { selectBackend } from '../src/backends/index.js';
import { runSearch } from '../src/search/run.js';
import { defaultWorkers, LocalExecutor } from '../src/executors/local.js';
import { runAction } from '../src/runs/reuse.js';
import { readSweep, sweepJobs, type SweepJob } from '../src/search/sweep.js';
import { ROOT } from './helpers/run.js';
import { readSearchConfig } from '../src/config/read.js';

const jobAction = (j: SweepJob) => runAction(j.dir, j.config);
const TEMPERATURE = join(ROOT, 'configs', 'sweeps', 'temperature.yaml');

test('the temperature sweep is a grid of valid configs with the schedule replaced whole', () => {
  const s = readSweep(TEMPERATURE);
  const jobs = sweepJobs(s, TEMPERATURE, 'quick');
  assert.equal(jobs.length, Object.keys(s.values).length * s.seeds.quick!.length);
  const c = jobs.find((j) => j.value === 'constant-0.3')!;
  const search = c.config.search!;
  assert.deepEqual(search.method === 'snas' ? search.temperature : undefined, { kind: 'constant', tau0: 0.3 });
  const sweepEpochs = (s.scales?.quick as { search?: { epochs?: number } } | undefined)?.search?.epochs;
  assert.ok(sweepEpochs !== undefined, "the sweep shortens the base's quick scale");
  assert.equal(c.config.search!.epochs, sweepEpochs, "the sweep's own quick keys apply over the base's quick scale");
  assert.equal(c.config.search!.layers, readSearchConfig(join(ROOT, s.base), 'quick').config.search!.layers, "the base's quick scale applies under the sweep's keys");
  assert.match(c.dir, /temperature-quick[\\/]constant-0\.3-seed0$/);
});

test('a sweep file with a bad value or key is an error naming the file and the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-sweep-bad-'));
  try {
    const f = join(dir, 's.yaml');
    writeFileSync(f, 'base: configs/search/snas.yaml\nvary: search.temperature\nvalues: { odd: { kind: sigmoid, tau0: 1 } }\nseeds: { smoke: [0] }\n');
    assert.throws(() => sweepJobs(readSweep(f), f, 'smoke'), /s\.yaml: values\.odd: search\.temperature/);
    writeFileSync(f, 'base: configs/search/snas.yaml\nvary: search.temperature\nvalues: { c: { kind: constant, tau0: 1 } }\nseeds: { smoke: [0] }\nscales: { smoke: { search: { epochz: 2 } } }\n');
    assert.throws(() => sweepJobs(readSweep(f), f, 'smoke'), /s\.yaml: scales\.smoke: search: unknown key 'epochz'/);
    writeFileSync(f, 'base: configs/search/snas.yaml\nvary: search.temperature\nvalues: {}\nseeds: { smoke: [0] }\nworkers: 2\n');
    assert.throws(() => readSweep(f), (e: Error) => /s\.yaml/.test(e.message) && /workers/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a sweep skips finished runs, resumes unfinished ones and starts changed ones', async () => {
  const backend = await selectBackend();
  const dir = mkdtempSync(join(tmpdir(), 'snas-sweep-'));
  const saved = process.env.SNAS_RESULTS;
  process.env.SNAS_RESULTS = dir;
  try {
    const f = join(dir, 'small.yaml');
    writeFileSync(f, 'base: configs/search/snas.yaml\nvary: search.temperature\nvalues:\n  a: { kind: constant, tau0: 1 }\n  b: { kind: constant, tau0: 0.5 }\nseeds: { smoke: [0] }\n');
    const jobs = sweepJobs(readSweep(f), f, 'smoke');
    assert.deepEqual(jobs.map(jobAction), ['start', 'start']);
    const run = (i: number, stopAfterSteps?: number) => runSearch({
      config: jobs[i]!.config, configFile: f, out: jobs[i]!.dir, resume: false, force: true, environment: () => ({ backend: backend.name }), command: 'test', stopAfterSteps,
    });
    await run(0);
    await run(1, 4); // killed in epoch 2, after epoch 1's checkpoint
    assert.deepEqual(jobs.map(jobAction), ['skip', 'resume']);
    const changed = sweepJobs(readSweep(f), f, 'smoke').map((j) => ({ ...j, config: { ...j.config, seed: 7 } }));
    assert.deepEqual(changed.map(jobAction), ['start', 'start'], 'a run made with another config is started over');
    const counts = await new LocalExecutor(2).run(jobs, () => {});
    assert.deepEqual(counts, { skip: 1, resume: 1, start: 0 });
    for (const j of jobs) assert.equal(JSON.parse(readFileSync(join(j.dir, 'run.json'), 'utf8')).status, 'finished');
    assert.deepEqual(jobs.map(jobAction), ['skip', 'skip']);
  } finally {
    if (saved === undefined) delete process.env.SNAS_RESULTS;
    else process.env.SNAS_RESULTS = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the local executor runs requests as child processes and names a failing run, its exit code and its error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-pool-'));
  try {
    const bad = { ...sweepJobs(readSweep(TEMPERATURE), TEMPERATURE, 'smoke')[0]!.config };
    bad.data = { ...bad.data, dataset: 'cifar10', path: join(dir, 'no-cifar') };
    const lines: string[] = [];
    await assert.rejects(
      new LocalExecutor(1).run([{ kind: 'search', name: 'bad', label: 'missing data', dir: join(dir, 'run'), config: bad, seed: 0, scale: 'smoke' }], (l) => lines.push(l)),
      (e: Error) => /1 run\(s\) failed: missing data \(exit [12]\): .*no-cifar/.test(e.message),
    );
    assert.ok(lines.some((l) => /missing data: FAILED/.test(l)), lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('defaultWorkers: SNAS_WORKERS (a positive integer, else an error naming it), one on a GPU, else one per core up to 4', () => {
  assert.equal(defaultWorkers({ SNAS_WORKERS: '3' }), 3);
  assert.equal(defaultWorkers({ SNAS_TORCH_DEVICE: 'cuda' }), 1);
  assert.equal(defaultWorkers({ SNAS_TORCH_DEVICE: 'cuda', SNAS_WORKERS: '2' }), 2);
  const auto = defaultWorkers({});
  assert.ok(auto >= 1 && auto <= 4);
  assert.throws(() => defaultWorkers({ SNAS_WORKERS: 'two' }), /environment variable SNAS_WORKERS: unknown workers 'two'; expected a positive integer/);
  assert.throws(() => defaultWorkers({ SNAS_WORKERS: '0' }), /environment variable SNAS_WORKERS/);
});

test("a run computes with its config's threads: alone and beside another run it ends byte-identical; the count is in its identity", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-threads-'));
  try {
    // The smoke temperature sweep's first run: its alphas differ in the last bits between 1 and 2 threads.
    const base = sweepJobs(readSweep(TEMPERATURE), TEMPERATURE, 'smoke')[0]!.config;
    const request = (name: string, seed = 0, threads = base.threads) =>
      ({ kind: 'search' as const, name, label: name, dir: join(dir, name), config: { ...base, seed, threads }, seed, scale: 'smoke' as const });
    await new LocalExecutor(1).run([request('alone')], () => {}); // the machine's cores to itself
    await new LocalExecutor(2).run([request('beside'), request('other', 1)], () => {}); // two at once
    for (const f of ['metrics.csv', 'alphas.json', 'genotype.json']) {
      assert.equal(readFileSync(join(dir, 'beside', f), 'utf8'), readFileSync(join(dir, 'alone', f), 'utf8'), `${f} differs between the run alone and beside another`);
    }
    const recorded = (name: string) => (JSON.parse(readFileSync(join(dir, name, 'environment.json'), 'utf8')) as { versions: Record<string, string> }).versions['libtorch threads'];
    if (recorded('alone') !== undefined) assert.equal(recorded('alone'), '1', 'the run had its config\'s one thread');
    assert.equal(runAction(join(dir, 'alone'), request('alone').config), 'skip', 'the same run is reused');
    assert.equal(runAction(join(dir, 'alone'), request('alone', 0, 2).config), 'start', 'another thread count is another run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
