// Config files: the shared keys, and errors that name the file, the key and what was expected.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadBaseConfig } from '../src/config/load.js';
import { ROOT, snas } from './helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'snas-cfg-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('the committed environment config loads with defaults', () => {
  assert.deepEqual(loadBaseConfig(join(ROOT, 'configs', 'environment.yaml')), { backend: 'auto', seed: 0 });
});

test('values are validated', () => {
  assert.deepEqual(loadBaseConfig(file('ok.yaml', 'backend: cpu\nscale: smoke\nseed: 3\n')), { backend: 'cpu', scale: 'smoke', seed: 3 });
  const cases: [string, RegExp][] = [
    ['backend: gpu\n', /bad1\.yaml: backend: unknown backend 'gpu'; expected one of auto, torch/],
    ['seed: -1\n', /bad2\.yaml: seed: expected a non-negative integer, got -1/],
    ['sead: 1\n', /bad3\.yaml: unknown key 'sead'; expected one of backend, scale, seed/],
    ['scale: 3\n', /bad4\.yaml: scale: expected smoke \| quick \| paper, got 3/],
    ['backend: [cpu\n', /bad5\.yaml:\d+:\d+: invalid YAML/],
    ['- a\n- b\n', /bad6\.yaml: expected a mapping of keys at the top level/],
    ['seed: 1\nseed: 2\n', /bad7\.yaml:\d+:\d+: invalid YAML: Map keys must be unique/],
  ];
  cases.forEach(([text, want], i) => {
    assert.throws(() => loadBaseConfig(file(`bad${i + 1}.yaml`, text)), want);
  });
  assert.throws(() => loadBaseConfig(join(dir, 'missing.yaml')), /missing\.yaml: cannot read the config: ENOENT/);
});

test('snas env --config uses the config backend and exits 2 on a bad config', () => {
  const ok = snas(['env', '--config', file('cpu.yaml', 'backend: cpu\nseed: 7\n')], { SNAS_BACKEND: '' });
  assert.equal(ok.code, 0, ok.stderr);
  const env = JSON.parse(ok.stdout.slice(ok.stdout.indexOf('{')));
  assert.equal(env.backend.name, 'cpu');
  assert.match(env.backend.chosen_by, /cpu\.yaml: backend/);
  assert.equal(env.seed, 7);
  const bad = snas(['env', '--config', file('typo.yaml', 'backnd: cpu\n')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /typo\.yaml: unknown key 'backnd'/);
});
