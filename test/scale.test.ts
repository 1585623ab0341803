import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byScale, DEFAULT_SCALE, parseScale, SCALES } from '../src/scale.js';
import { scaleFromEnv } from '../src/config/invocation.js';

test('scales are smoke, quick and paper, quick by default', () => {
  assert.deepEqual([...SCALES], ['smoke', 'quick', 'paper']);
  assert.equal(DEFAULT_SCALE, 'quick');
  assert.equal(scaleFromEnv({}), 'quick');
  assert.equal(scaleFromEnv({ SNAS_SCALE: '' }), 'quick');
  assert.equal(scaleFromEnv({ SNAS_SCALE: 'smoke' }), 'smoke');
});

test('a bad scale names where it came from and the valid values', () => {
  assert.throws(() => scaleFromEnv({ SNAS_SCALE: 'huge' }), /environment variable SNAS_SCALE: unknown scale 'huge'; expected one of smoke, quick, paper/);
  assert.throws(() => parseScale('Quick', 'configs/a.yaml: scale'), /configs\/a\.yaml: scale/);
});

test('byScale picks the value for the scale', () => {
  assert.equal(byScale('paper', { smoke: 1, quick: 2, paper: 3 }), 3);
});
