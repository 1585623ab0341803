// Every committed notebook, executed at smoke scale (rendered to results/smoke/notebooks).
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { listNotebooks } from '../src/notebooks/run.js';
import { ROOT, snas } from './helpers/run.js';

for (const path of listNotebooks()) {
  const name = basename(path, '.ipynb');
  test(`notebook ${name} runs at smoke scale`, () => {
    const r = snas(['notebooks', name, '--scale', 'smoke', '--out', join(ROOT, 'results', 'smoke', 'notebooks')], {}, 600_000);
    assert.equal(r.code, 0, `${name} failed:\n${r.stderr}`);
  });
}
