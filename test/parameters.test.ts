// Notebooks a reader can set: every committed notebook opens with one import and a parameters
// cell; `snas notebooks -p/-f` checks values against it before anything runs, injects them after
// it and records them; the sliders' figures and the plan's selections behave.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkParameters, declaredParameters, injectedSource, notebookParameters, parsePairs, PARAMETERS_TAG } from '../src/notebooks/parameters.js';
import { listNotebooks, NotebookError } from '../src/notebooks/run.js';
import { sliderFigure } from '../src/report/slider.js';
import { cellId, evaluationCells, reproduction, selectCells, selectSearches } from '../src/reproduction/plan.js';
import { plannedSummary, type RunRequest } from '../src/executors/executor.js';
import { snas } from './helpers/run.js';

interface Cell { cell_type: string; source: string | string[]; metadata: { tags?: string[] }; outputs?: { data?: Record<string, unknown>; text?: string | string[] }[] }
const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join('') : c.source);

test('every committed notebook opens with one import from src/notebook.js and a parameters cell', () => {
  for (const path of listNotebooks()) {
    const nb = JSON.parse(readFileSync(path, 'utf8')) as { cells: Cell[] };
    const first = nb.cells.find((c) => c.cell_type === 'code')!;
    assert.ok(first.metadata.tags?.includes(PARAMETERS_TAG), `${path}: first code cell tagged '${PARAMETERS_TAG}'`);
    const imports = text(first).split('\n').filter((l) => /^\s*import\b/.test(l));
    assert.equal(imports.length, 1, `${path}: one import line`);
    assert.match(imports[0]!, /from '\.\/src\/notebook\.js';$/, `${path}: the import is from ./src/notebook.js`);
    const all = nb.cells.filter((c) => c.cell_type === 'code').map(text).join('\n');
    assert.ok(!/from '\.\/src\/(?!notebook\.js)/.test(all), `${path}: no other import from src`);
    const declared = notebookParameters(path);
    assert.ok(declared.length >= 1, `${path}: declares parameters`);
    for (const p of declared) assert.ok(p.doc.length > 5, `${path}: parameter ${p.name} says what it is`);
  }
});

test('declarations are read with their types; a line that is not one is an error naming it', () => {
  const declared = declaredParameters([
    "import { scaleFromEnv, type Scale } from './src/notebook.js';",
    '// a comment',
    'const scale: Scale = scaleFromEnv(); // the scale',
    'const logAlpha = [0.5, -0.3]; // log alpha',
    "const name = 'a'; // a name",
    'let n = 3; // a count',
    'const ok = true; // a flag',
    'const names: string[] = []; // names',
  ].join('\n'), 'x.ipynb');
  assert.deepEqual(declared.map((p) => [p.name, p.type, p.keyword, p.annotated]), [
    ['scale', 'Scale', 'const', true], ['logAlpha', 'number[]', 'const', false], ['name', 'string', 'const', false],
    ['n', 'number', 'let', false], ['ok', 'boolean', 'const', false], ['names', 'string[]', 'const', true],
  ]);
  assert.throws(() => declaredParameters('const a = 1;\nconsole.log(a);', 'x.ipynb'), /x\.ipynb: parameters cell, line 2: expected/);
  assert.throws(() => declaredParameters('const a = f(); // no type', 'x.ipynb'), /'a' needs a type/);
});

test('given values are checked against the declarations: unknown names and wrong types are errors', () => {
  const declared = declaredParameters("const scale: Scale = scaleFromEnv(); // s\nconst logAlpha = [0.5]; // l\nconst sweep: string = ''; // f\nconst seeds: number[] = []; // s\nconst seed = 1; // s", 'n.ipynb');
  const pairs = parsePairs(['logAlpha=[1, 2]', 'sweep=123', 'seeds=[]', 'scale=quick', 'seed=4']);
  assert.deepEqual(checkParameters(declared, pairs.values, pairs.raw, 'n.ipynb', '-p'), { logAlpha: [1, 2], sweep: '123', seeds: [], scale: 'quick', seed: 4 });
  const bad = (pair: string, re: RegExp) => {
    const p = parsePairs([pair]);
    assert.throws(() => checkParameters(declared, p.values, p.raw, 'n.ipynb', '-p'), (e: Error) => e instanceof NotebookError && re.test(e.message));
  };
  bad('nope=1', /n\.ipynb has no parameter 'nope'; its parameters: scale \(Scale\), logAlpha/);
  bad('logAlpha=quick', /parameter 'logAlpha' \(number\[\]\) expected a list of numbers.*got quick/);
  bad('logAlpha=[1, a]', /expected a list of numbers/);
  bad('scale=huge', /expected smoke \| quick \| paper, got huge/);
  bad('seed=[1]', /parameter 'seed' \(number\) expected a number/);
  assert.throws(() => parsePairs(['novalue']), /-p novalue: expected name=value/);
  assert.equal(injectedSource(declared, { scale: 'quick', logAlpha: [1, 2] }),
    '// Parameters given to snas notebooks (-p / -f), injected after the parameters cell\nconst scale: Scale = "quick";\nconst logAlpha = [1,2];');
});

function tinyNotebook(dir: string): string {
  const path = join(dir, '95-params.ipynb');
  const cell = (source: string, tags?: string[]) => ({ cell_type: 'code', source, outputs: [], execution_count: null, metadata: tags ? { tags } : {} });
  writeFileSync(path, JSON.stringify({
    cells: [
      cell("import { scaleFromEnv, type Scale } from './src/notebook.js';\nconst scale: Scale = scaleFromEnv(); // the scale\nconst n = 1; // a number\nconst label = 'default'; // a label", [PARAMETERS_TAG]),
      cell('console.log(`n=${n * 10} label=${label} scale=${scale}`);'),
    ],
    metadata: { kernelspec: { name: 'snas-tslab', display_name: 'TypeScript (snas-lab, tslab)' } }, nbformat: 4, nbformat_minor: 5,
  }));
  return path;
}

test('snas notebooks -p/-f: injected after the parameters cell, recorded in the notebook, run.json and index.html', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-params-'));
  const path = tinyNotebook(dir);
  const file = join(dir, 'params.yaml');
  writeFileSync(file, 'n: 5\nlabel: from-file\n');
  const r = snas(['notebooks', path, '--scale', 'smoke', '--out', join(dir, 'out', 'notebooks'), '-f', file, '-p', 'label=given']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const done = JSON.parse(readFileSync(join(dir, 'out', 'notebooks', '95-params.ipynb'), 'utf8')) as { cells: Cell[]; metadata: { snas: { parameters: object } } };
  assert.equal(done.cells.length, 3);
  assert.deepEqual(done.cells[1]!.metadata.tags, ['injected-parameters']);
  assert.match(JSON.stringify(done.cells[2]!.outputs), /n=50 label=given scale=smoke/);
  assert.deepEqual(done.metadata.snas.parameters, { n: 5, label: 'given' });
  const record = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as { notebooks: { name: string; parameters?: object; scale?: string }[] };
  assert.deepEqual(record.notebooks.map((n) => [n.name, n.parameters, n.scale]), [['95-params', { n: 5, label: 'given' }, 'smoke']]);
  assert.match(readFileSync(join(dir, 'out', 'index.html'), 'utf8'), /<code>n=5<\/code> <code>label=&quot;given&quot;<\/code>/);
});

test('a bad parameter exits 2 with one message before anything runs or is written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-params-'));
  const path = tinyNotebook(dir);
  const out = join(dir, 'out', 'notebooks');
  const cases: [string[], RegExp][] = [
    [['-p', 'm=1'], /95-params\.ipynb has no parameter 'm'; its parameters: scale \(Scale\), n \(number\), label \(string\)/],
    [['-p', 'n=[1]'], /parameter 'n' \(number\) expected a number/],
    [['-p', 'scale=big'], /parameter 'scale' \(Scale\) expected smoke \| quick \| paper/],
    [['-f', join(dir, 'missing.yaml')], /-f .*missing\.yaml: no such file/],
  ];
  writeFileSync(join(dir, 'list.yaml'), '- 1\n- 2\n');
  cases.push([['-f', join(dir, 'list.yaml')], /list\.yaml: expected a mapping of parameter names to values/]);
  for (const [args, re] of cases) {
    const r = snas(['notebooks', path, '--scale', 'smoke', '--out', out, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
    assert.ok(!existsSync(join(dir, 'out')), `${args.join(' ')}: nothing written`);
  }
  const none = snas(['notebooks', '--scale', 'smoke', '-p', 'n=1']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /-p and -f need the notebooks they are for/);
});

test('sliderFigure: one frame and one step per state, the active one drawn first; mismatched states refused', () => {
  const states = [0.1, 1, 10].map((tau) => ({ label: String(tau), data: [{ type: 'bar', y: [tau, 2 * tau] }], layout: { title: { text: `tau ${tau}` } } }));
  const fig = sliderFigure(states, { prefix: 'tau = ', active: 1, layout: { height: 300 } });
  assert.deepEqual(fig.data, states[1]!.data);
  assert.equal(fig.frames!.length, 3);
  assert.deepEqual(fig.frames!.map((f) => f.name), ['0.1', '1', '10']);
  const slider = (fig.layout!.sliders as { active: number; steps: { label: string; method: string; args: unknown[] }[] }[])[0]!;
  assert.equal(slider.active, 1);
  assert.deepEqual(slider.steps.map((s) => [s.label, s.method, (s.args[0] as string[])[0]]), [['0.1', 'animate', '0.1'], ['1', 'animate', '1'], ['10', 'animate', '10']]);
  assert.equal(fig.layout!.height, 300);
  assert.deepEqual(fig.layout!.title, { text: 'tau 1' });
  assert.throws(() => sliderFigure([states[0]!, { label: 'x', data: [] }], { prefix: '' }), /has 0 traces, the first has 1/);
  assert.throws(() => sliderFigure([states[0]!, states[0]!], { prefix: '' }), /share a label/);
});

test("the plan narrowed to a reader's searches, cells and seeds; unknown names are errors listing the known", () => {
  const plan = reproduction('smoke');
  const two = selectSearches(plan, ['snas-mild', 'darts-2nd'], [3, 4]);
  assert.deepEqual(two.searches.map((s) => [s.name, s.seeds]), [['snas-mild', [3, 4]], ['darts-2nd', [3, 4]]]);
  assert.equal(selectSearches(plan).searches.length, plan.searches.length);
  assert.throws(() => selectSearches(plan, ['snas-hot']), /no search named 'snas-hot'.*expected some of snas-mild/);
  const cells = evaluationCells(plan);
  assert.ok(cells.map(cellId).includes('found-snas-mild') && cells.map(cellId).includes('SNAS_mild') && cells.map(cellId).includes('random-0'));
  const chosen = selectCells(plan, cells, ['SNAS_mild', 'random-0'], [5]);
  assert.deepEqual(chosen.cells.map(cellId), ['SNAS_mild', 'random-0']);
  assert.deepEqual(chosen.plan.evaluation.seeds, [5]);
  assert.throws(() => selectCells(plan, cells, ['nothing']), /no cell 'nothing'/);
});

test('a notebook says which runs it reuses and which it computes, before computing', () => {
  const req = (label: string) => ({ label } as RunRequest);
  const lines = plannedSummary([{ request: req('a seed 0'), action: 'skip' }, { request: req('b seed 0'), action: 'start' }, { request: req('c seed 1'), action: 'resume' }]);
  assert.deepEqual(lines, [
    'runs: 3 requested; 1 reused (finished before with the same config), 1 to resume, 1 to compute',
    '  reused: a seed 0', '  resumed from their checkpoints: c seed 1', '  computed now: b seed 0',
  ]);
});
