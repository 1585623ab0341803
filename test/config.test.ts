// Config files: the shared keys, and errors that name the file, the key and what was expected.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/config/load.js';
import { ROOT, snas } from './helpers/run.js';

const dir = mkdtempSync(join(tmpdir(), 'snas-cfg-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('the committed environment config loads with defaults', () => {
  const c = loadConfig(join(ROOT, 'configs', 'environment.yaml'));
  assert.equal(c.backend, 'auto');
  assert.equal(c.seed, 0);
  assert.equal(c.data.dataset, 'procedural');
  assert.deepEqual(c.data.augment, { crop_padding: 4, flip: true, cutout: 16 });
});

test('values are validated', () => {
  const ok = loadConfig(file('ok.yaml', 'backend: cpu\nscale: smoke\nseed: 3\ndata: { dataset: cifar10, path: /data/cifar, split: darts }\n'));
  assert.deepEqual([ok.backend, ok.scale, ok.seed, ok.data.dataset, ok.data.path, ok.data.split], ['cpu', 'smoke', 3, 'cifar10', '/data/cifar', 'darts']);
  const cases: [string, RegExp][] = [
    ['backend: gpu\n', /bad1\.yaml: backend: expected one of auto, torch, tfjs-node-gpu, tfjs-node, wasm, cpu, got "gpu"/],
    ['seed: -1\n', /bad2\.yaml: seed: expected a number .*0, got -1/],
    ['sead: 1\n', /bad3\.yaml: unknown key 'sead'; expected one of backend, scale, seed, threads, data/],
    ['scale: 3\n', /bad4\.yaml: scale: expected 'smoke' \| 'quick' \| 'paper', got 3/],
    ['backend: [cpu\n', /bad5\.yaml:\d+:\d+: invalid YAML/],
    ['- a\n- b\n', /bad6\.yaml: expected a mapping of keys at the top level/],
    ['seed: 1\nseed: 2\n', /bad7\.yaml:\d+:\d+: invalid YAML: Map keys must be unique/],
  ];
  cases.push(
    ['data: { dataset: mnist }\n', /bad8\.yaml: data\.dataset: expected one of procedural, cifar10, fashion-mnist, got "mnist"/],
    ['data: { augment: { flip: 1 } }\n', /bad9\.yaml: data\.augment\.flip: expected boolean, got 1/],
    ['data: { augment: { cutuot: 8 } }\n', /bad10\.yaml: data\.augment: unknown key 'cutuot'; expected one of crop_padding, flip, cutout/],
    ['data: { holdout_fraction: 1.5 }\n', /bad11\.yaml: data\.holdout_fraction: expected a number less than 1, got 1\.5/],
  );
  cases.forEach(([text, want], i) => {
    assert.throws(() => loadConfig(file(`bad${i + 1}.yaml`, text)), want);
  });
  assert.throws(() => loadConfig(join(dir, 'missing.yaml')), /missing\.yaml: cannot read the config: ENOENT/);
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
