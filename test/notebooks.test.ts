// The notebook runner (a failing cell gives a non-zero exit with the real message) and the
// committed notebooks (clean, on the project's kernel).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { listNotebooks } from '../src/notebooks/run.js';
import { ROOT, snas } from './helpers/run.js';

interface Cell { cell_type: string; source: string | string[]; metadata: object; outputs?: unknown[]; execution_count?: number | null }
interface Nb { cells: Cell[]; metadata: { kernelspec?: { name?: string; display_name?: string } } }

const notebook = (cells: [string, string][]): Nb => ({
  cells: cells.map(([cell_type, source]): Cell => (cell_type === 'code'
    ? { cell_type, source, outputs: [], execution_count: null, metadata: {} }
    : { cell_type, source, metadata: {} })),
  metadata: { kernelspec: { name: 'snas-tslab', display_name: 'TypeScript (snas-lab, tslab)' } },
  nbformat: 4, nbformat_minor: 5,
} as Nb);

test('a failing cell makes the runner exit non-zero with the notebook, the cell and the real message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-nb-'));
  const path = join(dir, '99-failing.ipynb');
  writeFileSync(path, JSON.stringify(notebook([
    ['markdown', '# a notebook that fails'],
    ['code', 'const fine = 1 + 1;'],
    ['code', "throw new Error('the real message 4711');"],
    ['code', "console.log('never reached');"],
  ])));
  const r = snas(['notebooks', path, '--scale', 'smoke', '--out', join(dir, 'out')]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /notebook failed: .*99-failing\.ipynb/);
  assert.match(r.stderr, /cell index 2 \(code cell 2 of 3\)/);
  assert.match(r.stderr, /--- cell source ---\nthrow new Error\('the real message 4711'\);/);
  assert.match(r.stderr, /Error: the real message 4711/);
  assert.ok(existsSync(join(dir, 'out', '99-failing.failed.ipynb')), 'the partial notebook is kept');
  assert.ok(!existsSync(join(dir, 'out', '99-failing.ipynb')), 'no result is written for a failed notebook');
});

test('a type error is reported with the compiler message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-nb-'));
  const path = join(dir, '98-type-error.ipynb');
  writeFileSync(path, JSON.stringify(notebook([['code', "const n: number = 'not a number';"]])));
  const r = snas(['notebooks', path, '--scale', 'smoke', '--out', join(dir, 'out')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Type 'string' is not assignable to type 'number'/);
});

test('a passing notebook is numbered, rendered, reads its scale and inlines plotly once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-nb-'));
  const path = join(dir, '97-ok.ipynb');
  writeFileSync(path, JSON.stringify(notebook([
    ['markdown', 'Maths: $\\tau \\to 0$'],
    ['code', "import { scaleFromEnv } from './src/config/invocation.js';\nconsole.log(`scale=${scaleFromEnv()}`);"],
    ['code', "import { showFigure } from './src/report/show.js';\nshowFigure({ data: [{ type: 'bar', x: ['a'], y: [1] }] });\nshowFigure({ data: [{ type: 'bar', x: ['b'], y: [2] }] });"],
  ])));
  const r = snas(['notebooks', path, '--scale', 'smoke', '--out', join(dir, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  const saved = readFileSync(join(dir, 'out', '97-ok.ipynb'), 'utf8');
  assert.ok(!saved.includes('data-snas-plotly-library'), "the kernel's copy of plotly.js is dropped from the executed notebook");
  assert.ok(saved.length < 1e6, `the executed notebook stays small (${saved.length} bytes)`);
  const done = JSON.parse(saved) as Nb;
  const code = done.cells.filter((c) => c.cell_type === 'code');
  assert.deepEqual(code.map((c) => c.execution_count), [1, 2]);
  assert.match(JSON.stringify(code[0]!.outputs), /scale=smoke/);
  const html = readFileSync(join(dir, 'out', '97-ok.html'), 'utf8');
  assert.equal(html.split('plotly.js, inlined once').length, 2, 'plotly.js inlined exactly once');
  assert.equal(html.split('MathJax 3, inlined once').length, 2, 'MathJax inlined once for a notebook with maths');
  assert.ok(!html.includes('file:///'), 'no links to files on this machine');
});

test('committed notebooks are clean and run on the project kernel', () => {
  const notebooks = listNotebooks();
  assert.ok(notebooks.length >= 1);
  for (const p of notebooks) {
    const nb = JSON.parse(readFileSync(p, 'utf8')) as Nb;
    assert.equal(nb.metadata.kernelspec?.name, 'snas-tslab', `${p}: kernelspec`);
    for (const c of nb.cells.filter((x) => x.cell_type === 'code')) {
      assert.deepEqual(c.outputs, [], `${p}: committed without outputs`);
      assert.equal(c.execution_count ?? null, null, `${p}: committed without execution counts`);
    }
  }
  const spec = JSON.parse(readFileSync(join(ROOT, 'notebooks', 'jupyter', 'kernels', 'snas-tslab', 'kernel.json'), 'utf8'));
  assert.equal(spec.argv[0], 'node');
});
