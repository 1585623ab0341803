// The snas command: help, exit codes and messages for bad arguments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join as joinPath } from 'node:path';
import { ROOT, snas } from './helpers/run.js';

const ROOT_CONFIGS = joinPath(ROOT, 'configs');

test('snas --help lists every subcommand and exits 0', () => {
  const r = snas(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['count', 'search', 'train', 'bench', 'sweep', 'reproduce', 'notebooks', 'env']) {
    assert.match(r.stdout, new RegExp(`^  ${c}\\s`, 'm'), `help lists ${c}`);
  }
});

test('each subcommand has its own --help', () => {
  for (const c of ['notebooks', 'reproduce', 'env', 'search']) {
    const r = snas([c, '--help']);
    assert.equal(r.code, 0, `${c} --help exits 0`);
    assert.match(r.stdout, new RegExp(`snas ${c}`));
  }
});

test('an unknown command exits 2 and names it', () => {
  const r = snas(['serach']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'serach'/);
});

test('an unknown option exits 2 with the command in the message', () => {
  const r = snas(['notebooks', '--frob']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /snas notebooks: Unknown option '--frob'/);
});

test('a bad scale or backend exits 2 naming where the value came from', () => {
  let r = snas(['notebooks', '--scale', 'huge']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--scale: unknown scale 'huge'/);
  r = snas(['env'], { SNAS_BACKEND: 'gpu' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /environment variable SNAS_BACKEND: unknown backend 'gpu'/);
});

test('a notebook name that matches nothing exits 2 with the list of notebooks and no stack trace', () => {
  for (const name of ['no-such-notebook', '99']) {
    const r = snas(['notebooks', name, '--scale', 'smoke']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`no single notebook matches '${name}'; notebooks: 00-environment`));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const r = snas(['notebooks', '99', '--scale', 'smoke', '--debug']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\n\s+at /, '--debug prints the stack trace');
});

test('snas env prints the environment record as JSON with the backend that runs', () => {
  const r = snas(['env'], { SNAS_BACKEND: 'cpu' });
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  assert.equal(json.backend.name, 'cpu');
  assert.equal(json.backend.chosen_by, 'SNAS_BACKEND=cpu');
  assert.ok(json.machine.cores >= 1);
  assert.equal(typeof json.versions['@tensorflow/tfjs'], 'string');
});

test('snas count --json prints params, params_with_aux and mult_adds for the defaults', () => {
  const r = snas(['count', '--genotype', 'DARTS_V2', '--json', '--bare-pools']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.params, 3_349_342);
  assert.ok(j.params_with_aux > j.params && j.mult_adds > 0);
  assert.deepEqual([j.network, j.channels, j.layers, j.input_size], ['cifar10', 36, 20, 32]);
});

test('snas count reads a genotype file and rejects bad input with exit 2', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'snas-count-'));
  const ok = join(dir, 'found.json');
  const cell = [['sep_conv_3x3', 0], ['skip_connect', 1], ['sep_conv_3x3', 0], ['sep_conv_3x3', 2], ['skip_connect', 0], ['max_pool_3x3', 1], ['dil_conv_3x3', 3], ['skip_connect', 4]];
  writeFileSync(ok, JSON.stringify({ normal: cell, reduce: cell }));
  let r = snas(['count', '--genotype', ok, '--network', 'imagenet', '--channels', '16', '--layers', '8', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).genotype, 'found');
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ normal: cell.slice(1), reduce: cell }));
  r = snas(['count', '--genotype', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.json\.normal: expected 8 entries/);
  r = snas(['count', '--genotype', 'SNAS_mild', '--network', 'mnist']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--network: expected cifar10 or imagenet, got 'mnist'/);
  r = snas(['count']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--genotype is required/);
});

test('snas dataset loads what a config describes, and reports a missing CIFAR-10 folder with exit 2', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'snas-ds-'));
  const cfg = join(dir, 'small.yaml');
  writeFileSync(cfg, 'data: { train_size: 200, test_size: 50, image_size: 16, split: darts }\n');
  let r = snas(['dataset', '--config', cfg], { SNAS_CACHE: join(dir, 'cache') });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /procedural dataset \(seed 0, 16x16\): 100 train \/ 100 valid \/ 50 test, split darts/);
  r = snas(['dataset', '--config', join(ROOT_CONFIGS, 'data', 'cifar10.yaml')], { SNAS_CIFAR10: '' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cifar10\.yaml: data\.path: CIFAR-10 needs data\.path \(or SNAS_CIFAR10\)/);
});
