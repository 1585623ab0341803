// `snas reproduce` at smoke scale (what `npm run reproduce` runs at the default scale): every
// committed notebook executes, and the published folder (results/smoke) holds every file the
// supplementary material promises, linked from index.html.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { chromiumBinary } from '../src/runs/environment.js';
import { listNotebooks } from '../src/notebooks/run.js';
import { ROOT, snas } from './helpers/run.js';
import { slurmCluster } from './helpers/slurm.js';

const OUT = join(ROOT, 'results', 'smoke');
const TABLES = ['table1', 'claims', 'methods', 'op_budget', 'bn_rules', 'table2', 'table3', 'temperature_ablation', 'nasp_eta'];
/** Notebook 09's tables made of step times (Table 6, the claims on them, search seconds): published, but no two executions share them. */
const TIMED_TABLES = ['nasp_table6', 'nasp_claims', 'nasp_table2'];
/** Fig. 4, the parameter-free ops and the training accuracy per epoch (notebook 05), the temperature ablation's curves (notebook 08), NASP's Figs. 2-4 (notebook 09). */
const FIGURES = [
  'figure4_search_accuracy', 'figure4_entropy_normal', 'param_free_normal', 'search_train_accuracy', 'ablation_temperature', 'ablation_entropy', 'ablation_search_accuracy', 'ablation_gap',
  'nasp_fig3_search_accuracy', 'nasp_fig3_variants', 'nasp_fig4_flips', 'nasp_fig2_eta',
];

function nonEmpty(rel: string): void {
  const path = join(OUT, rel);
  assert.ok(existsSync(path), `missing ${path}`);
  assert.ok(statSync(path).size > 0, `empty ${path}`);
}

test('snas reproduce --scale smoke runs every notebook and publishes notebooks, tables, figures and index.html', () => {
  const started = Date.now();
  const r = snas(['reproduce', '--scale', 'smoke', '--out', OUT], {}, 1_200_000);
  assert.equal(r.code, 0, `snas reproduce failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-6000)}`);

  const run = JSON.parse(readFileSync(join(OUT, 'run.json'), 'utf8')) as { scale: string; notebooks: { name: string; ok: boolean }[] };
  assert.equal(run.scale, 'smoke');
  assert.deepEqual(run.notebooks.map((n) => n.name), listNotebooks().map((p) => basename(p, '.ipynb')));
  for (const n of run.notebooks) {
    assert.ok(n.ok, `notebook ${n.name} failed`);
    nonEmpty(`notebooks/${n.name}.ipynb`);
    nonEmpty(`notebooks/${n.name}.html`);
  }
  for (const t of [...TABLES, ...TIMED_TABLES]) for (const ext of ['csv', 'md']) nonEmpty(`tables/${t}.${ext}`);
  for (const f of FIGURES) {
    for (const ext of ['json', 'html', 'svg']) nonEmpty(`figures/${f}.${ext}`);
    const svg = readFileSync(join(OUT, 'figures', `${f}.svg`), 'utf8');
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `${f}.svg is not an SVG document`);
    assert.match(svg, /class="scatterlayer/, `${f}.svg has no plotted traces`);
  }
  nonEmpty('figures/plotly.min.js');
  const env = JSON.parse(readFileSync(join(OUT, 'environment.json'), 'utf8')) as { backend: { name: string }; versions: Record<string, string> };
  assert.ok(env.backend.name, 'environment.json names the backend');

  const index = readFileSync(join(OUT, 'index.html'), 'utf8');
  const linked = (rel: string) => assert.ok(index.includes(`href="${rel}"`), `index.html does not link ${rel}`);
  for (const n of run.notebooks) linked(`notebooks/${n.name}.html`);
  for (const f of readdirSync(join(OUT, 'tables')).filter((x) => x.endsWith('.csv') || x.endsWith('.md'))) linked(`tables/${f}`);
  for (const f of readdirSync(join(OUT, 'figures')).filter((x) => x.endsWith('.svg') || x.endsWith('.html'))) linked(`figures/${f}`);
  assert.ok(!/src="https?:/.test(index), 'index.html loads nothing from the network');

  // Records without machine paths: no config, request, run.json or environment.json of a run this
  // reproduction wrote (all of them in a fresh clone) names this clone's folder.
  const records = readdirSync(join(OUT, 'runs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /(\.yaml|run\.json|environment\.json)$/.test(f) && statSync(join(OUT, 'runs', f)).mtimeMs >= started);
  const naming = records.filter((f) => readFileSync(join(OUT, 'runs', f), 'utf8').includes(ROOT));
  assert.deepEqual(naming, [], `run records naming the clone's absolute folder ${ROOT}`);
});

const SUPPLEMENTARY = join(OUT, 'supplementary');

test('the reproduction publishes supplementary.zip, which passes snas publish --check', () => {
  nonEmpty('supplementary.zip');
  const r = snas(['publish', '--check', join(OUT, 'supplementary.zip')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /check passed/);
  console.log(r.stdout.trim());
  for (const t of TABLES) assert.ok(existsSync(join(SUPPLEMENTARY, 'tables', `${t}.tex`)), `tables/${t}.tex`);
  for (const f of FIGURES) assert.ok(existsSync(join(SUPPLEMENTARY, 'figures', `${f}.pdf`)), `figures/${f}.pdf`);
  const names = readdirSync(SUPPLEMENTARY, { recursive: true, encoding: 'utf8' });
  assert.ok(!names.some((n) => /checkpoint/.test(n)), 'no checkpoints in the archive');
  assert.equal(names.filter((n) => n.endsWith('plotly.min.js')).length, 1, 'one copy of plotly.js');
});

test('index.html and two notebooks of the archive open offline in headless Chromium with their figures and maths drawn', async () => {
  const browser = await chromium.launch({ executablePath: chromiumBinary(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const context = await browser.newContext();
    const blocked: string[] = [];
    await context.route('**/*', (route) => {
      if (route.request().url().startsWith('file:')) return route.continue();
      blocked.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(SUPPLEMENTARY, 'index.html')).href);
    const images = await page.evaluate(() => Array.from(document.images).map((i) => ({ src: i.getAttribute('src'), drawn: i.complete && i.naturalWidth > 0 })));
    assert.ok(images.length >= FIGURES.length, 'index.html shows the figures');
    for (const i of images) assert.ok(i.drawn, `index.html: ${i.src} is drawn`);
    for (const name of ['02-concrete-relaxation', '05-search']) {
      await page.goto(pathToFileURL(join(SUPPLEMENTARY, 'notebooks', `${name}.html`)).href);
      await page.waitForFunction(() => document.querySelectorAll('.js-plotly-plot').length > 0, undefined, { timeout: 30_000 });
      const plots = await page.evaluate(() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((gd) => ({
        data: ((gd as unknown as { data?: unknown[] }).data ?? []).length,
        drawn: gd.querySelectorAll('.scatterlayer .trace, .barlayer .trace, .heatmaplayer .hm, .boxlayer .trace').length,
      })));
      assert.ok(plots.length > 0, `${name}: plotly graphs`);
      plots.forEach((p, k) => {
        assert.ok(p.data > 0, `${name}: graph ${k} has traces`);
        assert.ok(p.drawn > 0, `${name}: graph ${k} draws its traces`);
      });
      if (name === '02-concrete-relaxation') {
        await page.waitForFunction(() => document.querySelectorAll('mjx-container').length > 0, undefined, { timeout: 30_000 });
      }
    }
    assert.deepEqual(blocked, [], 'nothing was requested from the network');
    assert.deepEqual(errors, [], 'no script errors');
  } finally {
    await browser.close();
  }
});

test('a LaTeX document inputting the archive\'s tables.tex and figures.tex compiles with pdflatex', { skip: spawnSync('pdflatex', ['--version']).status === 0 ? false : 'pdflatex is not installed (npm test installs texlive-latex-recommended as root)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-latex-'));
  try {
    writeFileSync(join(dir, 'paper.tex'), `\\documentclass{article}\n\\usepackage{booktabs,graphicx}\n\\newcommand{\\snasdir}{${SUPPLEMENTARY}}\n\\begin{document}\n\\input{\\snasdir/tables.tex}\n\\clearpage\n\\input{\\snasdir/figures.tex}\n\\end{document}\n`);
    const r = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'paper.tex'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stdout.slice(-3000));
    assert.match(r.stdout, /Output written on paper\.pdf \(\d+ pages/);
    assert.ok(!/Missing character/.test(readFileSync(join(dir, 'paper.log'), 'utf8')), 'every character is typeset');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('snas reproduce --scale smoke --runs-only --executor slurm computes every run of the reproduction as Slurm jobs, each with the same records as through the local executor', { skip: slurmCluster() }, () => {
  const out = join(ROOT, 'results', 'smoke-slurm');
  rmSync(out, { recursive: true, force: true }); // every run through Slurm, none reused
  const r = snas(['reproduce', '--scale', 'smoke', '--runs-only', '--out', out, '--executor', 'slurm', '--cpus', '1'], {}, 1_200_000);
  const said = r.stdout + r.stderr;
  assert.equal(r.code, 0, `snas reproduce --runs-only --executor slurm failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-6000)}`);
  // Runs only: no notebook executed, nothing published.
  for (const f of ['notebooks', 'tables', 'figures', 'index.html', 'run.json']) assert.ok(!existsSync(join(out, f)), `--runs-only wrote ${f}`);
  const counted = /(\d+) searches and sweep runs, (\d+) trainings finished/.exec(said);
  assert.ok(counted, `the closing line counts the runs:\n${said.slice(-2000)}`);
  const runDirs = readdirSync(join(out, 'runs'), { recursive: true, encoding: 'utf8' }).filter((f) => /(^|[\\/])run\.json$/.test(f));
  assert.equal(runDirs.length, Number(counted[1]) + Number(counted[2]), 'one run directory per run');
  assert.equal(said.match(/submitted as job \d+/g)?.length, runDirs.length, 'every run went to Slurm as a job of its own');
  const of = (kind: string) => runDirs.filter((f) => f.startsWith(kind)).length;
  assert.ok(of('search') >= 13 && of('train') >= 1 && of('sweeps') >= 8, `searches ${of('search')}, trainings ${of('train')}, sweep runs ${of('sweeps')}`);
  // Run by run, the records equal those of the local executor's reproduction above (whose
  // notebooks turned them into the tables): every search, sweep run and training.
  const records = readdirSync(join(out, 'runs'), { recursive: true, encoding: 'utf8' }).filter((f) => /(^|[\\/])(metrics\.csv|alphas\.json|genotype\.json)$/.test(f)).sort();
  assert.ok(records.length >= runDirs.length, 'records to compare');
  for (const f of records) {
    assert.ok(existsSync(join(OUT, 'runs', f)), `runs/${f}: the local reproduction has no such run`);
    assert.equal(readFileSync(join(out, 'runs', f), 'utf8'), readFileSync(join(OUT, 'runs', f), 'utf8'), `runs/${f} differs between the Slurm and the local executor`);
  }
});
