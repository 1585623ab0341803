// Calibrating lambda for SNAS' constraint levels: the counting and choosing rules on hand-made
// data, the level configs, and the command end to end at smoke scale (runs reused on rerun).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { configAtScale } from '../src/config/load.js';
import { chooseLevels, ladder, levelConfig, noneEdges, type CalibrationRow } from '../src/search/calibrate.js';
import { csvText, parseCsv } from '../src/util/csv.js';
import { ROOT, snas } from './helpers/run.js';

const SNAS_CONFIG = join(ROOT, 'configs', 'search', 'snas.yaml');

test("noneEdges counts edges whose argmax is 'none'", () => {
  const row = (k: number) => Array.from({ length: 8 }, (_, j) => (j === k ? 2 : 0));
  const alphas = { normal: [row(0), row(0), ...Array.from({ length: 12 }, () => row(4))], reduce: [row(1), row(0), ...Array.from({ length: 12 }, () => row(3))] };
  assert.deepEqual(noneEdges(alphas), { normal: 2, reduce: 1 });
});

test('the levels follow their rules on a ladder, and stay undefined where the ladder never gets there', () => {
  const r = (lambda: number, seed: number, none: number): CalibrationRow => ({ lambda, seed, none_normal: none, none_reduce: 0, search_val_acc: 0.5, child_val_acc: 0.4 });
  const rows = [r(0, 0, 2), r(0, 1, 2), r(0.01, 0, 2), r(0.01, 1, 2), r(0.03, 0, 3), r(0.03, 1, 2), r(0.1, 0, 8), r(0.1, 1, 7), r(1, 0, 13), r(1, 1, 14)];
  const steps = ladder(rows);
  assert.deepEqual(steps.map((s) => s.none_mean), [2, 2, 2.5, 7.5, 13.5]);
  assert.deepEqual(chooseLevels(steps), { mild: 0.03, moderate: 0.1, aggressive: undefined });
  assert.deepEqual(chooseLevels(ladder([...rows, r(3, 0, 20)])).aggressive, 3);
});

test('a level config is the base config with its lambda, valid at every scale, with a header saying how it was found', () => {
  const text = levelConfig(readFileSync(SNAS_CONFIG, 'utf8'), 'configs/search/snas.yaml', 'moderate', 0.02, ['Ladder: 0: 1.0, 0.02: 7.5']);
  assert.match(text, /^# SNAS with the moderate resource constraint/);
  assert.match(text, /# Ladder: 0: 1\.0, 0\.02: 7\.5/);
  for (const scale of ['smoke', 'quick', 'paper'] as const) {
    const search = configAtScale(parse(text), 'level.yaml', scale).search;
    assert.equal(search?.method === 'snas' ? search.constraint.lambda : undefined, 0.02, scale);
  }
});

test('parseCsv reads back what csvText writes, quoted fields included', () => {
  const rows = [{ a: 1, b: 'x, "y"', c: 0.125 }, { a: 2, b: 'plain', c: 3 }];
  assert.deepEqual(parseCsv(csvText(['a', 'b', 'c'], rows)), rows);
  assert.equal(csvText(['a', 'b'], [{ a: 0.1, b: 'line\nbreak' }]), 'a,b\n0.10000000,"line\nbreak"\n');
});

test('snas calibrate runs the ladder, writes its table, and reuses finished runs', () => {
  const out = mkdtempSync(join(tmpdir(), 'snas-calibrate-'));
  try {
    const first = snas(['calibrate', SNAS_CONFIG, '--scale', 'smoke', '--lambdas', '0,5', '--out', out]);
    assert.equal(first.code, 0, first.stderr);
    const firstCsv = readFileSync(join(out, 'calibration.csv'), 'utf8');
    const table = parseCsv(firstCsv);
    assert.deepEqual(table.map((t) => t.lambda), [0, 5]);
    const chosen = JSON.parse(readFileSync(join(out, 'calibration.json'), 'utf8'));
    assert.equal(chosen.ladder.length, 2);
    const again = snas(['calibrate', SNAS_CONFIG, '--scale', 'smoke', '--lambdas', '0,5', '--out', out]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((again.stderr.match(/reused/g) ?? []).length, 2, again.stderr);
    assert.equal(readFileSync(join(out, 'calibration.csv'), 'utf8'), firstCsv, 'the reused runs give the same table');
    const bad = snas(['calibrate', SNAS_CONFIG, '--scale', 'smoke', '--lambdas', '0,-1', '--out', out]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--lambdas: expected comma-separated non-negative numbers/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
