// An invocation's settings, one typed record (src/config/invocation.ts): a command resolves it
// once and hands it to child processes as SNAS_INVOCATION; the person's own variables stand in
// for what no record says; bad values are one message naming the variable.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { INVOCATION_ENV, invocation, invocationEnv, scaleFromEnv } from '../src/config/invocation.js';
import { defaultWorkers } from '../src/executors/local.js';
import { defaultExecutor } from '../src/executors/select.js';
import { ROOT } from './helpers/run.js';

test("the record's settings win over the person's variables; the variables fill what it lacks", () => {
  const env = { ...invocationEnv({ scale: 'smoke', workers: 3 }, {}), SNAS_SCALE: 'paper', SNAS_EXECUTOR: 'slurm', SNAS_RESULTS: '/tmp/r' };
  assert.deepEqual(invocation(env), { scale: 'smoke', workers: 3, executor: 'slurm', results: '/tmp/r' });
  assert.equal(scaleFromEnv(env), 'smoke');
  assert.equal(defaultWorkers(env), 3);
  assert.equal(defaultExecutor(env).name, 'slurm');
  assert.deepEqual(invocation({}), {}, 'nothing set: no settings');
  assert.equal(scaleFromEnv({}), 'quick');
});

test('invocationEnv merges new settings over the current ones and drops undefined ones', () => {
  const first = invocationEnv({ executor: 'slurm', slurm: { cpus: 4 } }, {});
  const second = invocationEnv({ scale: 'quick', workers: undefined }, first);
  assert.deepEqual(JSON.parse(second[INVOCATION_ENV]!), { executor: 'slurm', slurm: { cpus: 4 }, scale: 'quick' });
});

test('bad settings are one error naming the variable and what was expected', () => {
  assert.throws(() => invocation({ SNAS_WORKERS: 'two' }), /^Error: environment variable SNAS_WORKERS: unknown workers 'two'; expected a positive integer$/);
  assert.throws(() => invocation({ SNAS_EXECUTOR: 'pbs' }), /environment variable SNAS_EXECUTOR: unknown executor 'pbs'; expected one of local, slurm/);
  assert.throws(() => invocation({ [INVOCATION_ENV]: '{not json' }), /environment variable SNAS_INVOCATION: expected the JSON record/);
  assert.throws(() => invocation({ [INVOCATION_ENV]: JSON.stringify({ scale: 'huge' }) }), /environment variable SNAS_INVOCATION: scale/);
  assert.throws(() => invocation({ [INVOCATION_ENV]: JSON.stringify({ slurm: { mem: 'lots' } }) }), /SNAS_INVOCATION: slurm\.mem/);
});

test('a child process started with the record reads the same settings', () => {
  const env = { ...process.env, ...invocationEnv({ scale: 'smoke', executor: 'local', workers: 2, results: '/tmp/x' }) };
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', "import('./src/config/invocation.ts').then((m) => console.log(JSON.stringify(m.invocation())))"], { cwd: ROOT, env, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out.trim()), { scale: 'smoke', executor: 'local', workers: 2, results: '/tmp/x' });
});
