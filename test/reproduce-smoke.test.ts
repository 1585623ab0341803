// `snas reproduce` at smoke scale (what `npm run reproduce` runs at the default scale): every
// committed notebook executes, and the published folder (results/smoke) holds every file the
// supplementary material promises, linked from index.html.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { listNotebooks } from '../src/notebooks/run.js';
import { parseCsv } from '../src/util/csv.js';
import { ROOT, snas } from './helpers/run.js';
import { slurmCluster } from './helpers/slurm.js';

const OUT = join(ROOT, 'results', 'smoke');
const TABLES = ['table1', 'claims', 'table2', 'table3', 'temperature_ablation'];
/** Fig. 4 and the parameter-free ops per epoch (notebook 05), and the temperature ablation's curves (notebook 08). */
const FIGURES = ['figure4_search_accuracy', 'figure4_entropy_normal', 'param_free_normal', 'ablation_temperature', 'ablation_entropy', 'ablation_search_accuracy', 'ablation_gap'];

function nonEmpty(rel: string): void {
  const path = join(OUT, rel);
  assert.ok(existsSync(path), `missing ${path}`);
  assert.ok(statSync(path).size > 0, `empty ${path}`);
}

test('snas reproduce --scale smoke runs every notebook and publishes notebooks, tables, figures and index.html', () => {
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
  for (const t of TABLES) for (const ext of ['csv', 'md']) nonEmpty(`tables/${t}.${ext}`);
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
});

/** Columns that hold this execution's wall time, which no two executions share. */
const TIME_COLUMNS = ['search_hours', 'search_cost_gpu_days'];

test('snas reproduce --scale smoke --executor slurm completes and publishes the same tables as through the local executor', { skip: slurmCluster() }, () => {
  const out = join(ROOT, 'results', 'smoke-slurm');
  rmSync(out, { recursive: true, force: true }); // every run through Slurm, none reused
  const r = snas(['reproduce', '--scale', 'smoke', '--out', out, '--executor', 'slurm', '--cpus', '1'], {}, 1_500_000);
  assert.equal(r.code, 0, `snas reproduce --executor slurm failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-6000)}`);
  assert.match(r.stdout + r.stderr, /submitted as job \d+/, 'the runs went to Slurm');
  for (const t of TABLES) {
    const rows = (dir: string) => parseCsv(readFileSync(join(dir, 'tables', `${t}.csv`), 'utf8')).map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !TIME_COLUMNS.includes(k))));
    assert.deepEqual(rows(out), rows(OUT), `tables/${t}.csv differs between the Slurm and the local executor`);
  }
  // Run by run: every search and training (notebook 08's sweep included) has the same records.
  const runs = (dir: string) => readdirSync(join(dir, 'runs'), { recursive: true, encoding: 'utf8' }).filter((f) => /(^|[\\/])(metrics\.csv|alphas\.json)$/.test(f)).sort();
  const files = runs(out); // what this reproduction needs (OUT may also hold runs of earlier executions)
  assert.ok(files.filter((f) => f.includes('sweeps')).length >= 16, 'the sweep runs are compared');
  for (const f of files) assert.equal(readFileSync(join(out, 'runs', f), 'utf8'), readFileSync(join(OUT, 'runs', f), 'utf8'), `runs/${f} differs between the Slurm and the local executor`);
});
