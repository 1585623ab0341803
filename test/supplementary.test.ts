// The supplementary material (`snas publish`): tables as LaTeX, the archive's layout and
// manifest, and `--check` failing on a damaged archive with the file named. Built from a small
// results folder the test writes; the real one (after `snas reproduce`) is checked in
// reproduce-smoke.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { writeFigure } from '../src/report/write-figure.js';
import { writeTable } from '../src/report/write-table.js';
import { latexNumber, latexTable, latexText, paperCaption } from '../src/report/latex-table.js';
import { buildSupplementary, relativePaths, type BuildResult } from '../src/publish/build.js';
import { checkSupplementary } from '../src/publish/check.js';
import { linkTarget, pageLinks } from '../src/publish/links.js';
import { MANIFEST, manifestText } from '../src/publish/manifest.js';
import { readFolder } from '../src/publish/archive.js';
import { MATHJAX, PLOTLY } from '../src/publish/assets.js';
import { snas } from './helpers/run.js';

test('latexText escapes what LaTeX reserves and writes known symbols as maths', () => {
  assert.equal(latexText('a_b 50% & $1 #2 {x} ~ ^'), 'a\\_b 50\\% \\& \\$1 \\#2 \\{x\\} \\textasciitilde{} \\textasciicircum{}');
  assert.equal(latexText('tau: τ 5 → 0.1, ±'), 'tau: $\\tau$ 5 $\\to$ 0.1, $\\pm$');
  assert.equal(latexText('naïve – “q”'), 'naïve – “q”', 'Latin-1 and typographic punctuation pass as they are');
  assert.equal(latexText('a\u4e00b'), 'a[U+4E00]b', 'an unknown character is named, not dropped');
});

test('latexNumber rounds as the paper prints each column', () => {
  assert.equal(latexNumber('search_val_acc', 88.5412), '88.54');
  assert.equal(latexNumber('test_error', 2.8), '2.80');
  assert.equal(latexNumber('top1_error', 27.34), '27.3');
  assert.equal(latexNumber('params_m', 2.8449), '2.8');
  assert.equal(latexNumber('mult_adds_m', 521.7), '522');
  assert.equal(latexNumber('search_cost_gpu_days', 1), '1');
  assert.equal(latexNumber('search_cost_gpu_days', 1.5), '1.5');
  assert.equal(latexNumber('search_cost_gpu_days', 0.0123), '0.012');
  assert.equal(latexNumber('margin', -0.123456), '$-$0.123');
  assert.equal(latexNumber('seeds', 3), '3');
  assert.equal(latexNumber('spread', Number.NaN), '--');
});

test('latexTable: booktabs, mean ± std joined, rows marked by source, caption escaped', () => {
  const rows = [
    { method: 'SNAS mild', source: 'paper', search_val_acc: 88.54, search_val_acc_std: undefined, seeds: undefined },
    { method: 'SNAS mild', source: 'measured', search_val_acc: 64.2345, search_val_acc_std: 3.5612, seeds: 3 },
  ];
  const tex = latexTable(rows, { caption: 'Table 1: accuracy (%)', label: 'snas-table1' });
  assert.match(tex, /\\begin\{tabular\}\{llrr\}/, 'numbers right-aligned, text left; the std column folded in');
  assert.match(tex, /\\toprule\nmethod & source & search val acc \(\$\\pm\$ std\) & seeds \\\\\n\\midrule/);
  assert.match(tex, /SNAS mild & paper & 88\.54 &  \\\\/, 'a quoted row without a std shows the mean alone');
  assert.match(tex, /SNAS mild & measured & 64\.23 \$\\pm\$ 3\.56 & 3 \\\\/);
  assert.match(tex, /\\caption\{Accuracy \(\\%\) \(Table 1 of the SNAS paper\)\}\n\\label\{tab:snas-table1\}/, "the paper's table number leaves the front of the caption for the document's own");
  assert.match(tex, /\\bottomrule\n\\end\{tabular\}\}\n\\end\{table\}\n$/);
  const folded = latexTable([
    { method: 'a', source: 'paper', acc: 1, hardware: 'GPU', scale: 'paper', note: 'x' },
    { method: 'b', source: 'measured', acc: 2, hardware: '2 cores', scale: 'quick', note: 'y' },
    { method: 'c', source: 'measured', acc: 3, hardware: '2 cores', scale: 'quick', note: 'x' },
  ]);
  assert.match(folded, /\\begin\{tabular\}\{llrl\}\n\\toprule\nmethod & source & acc & note/, 'context columns with one value per source leave the body; a measured text column stays');
  assert.match(folded, /\\caption\{Where the rows were computed: hardware GPU \(paper\), 2 cores \(measured\); scale paper \(paper\), quick \(measured\)\.\}/);
  assert.match(latexTable([{ claim: 'a', verdict: 'held', scale: 'quick' }, { claim: 'b', verdict: 'held', scale: 'quick' }]), /claim & verdict \\\\/, 'a constant verdict is a result: it stays a column');
  assert.equal(paperCaption('Table 2 (CIFAR-10): test error (%), params. Rows quoted.'), 'Test error (%), params (Table 2 of the SNAS paper, CIFAR-10). Rows quoted.');
  assert.equal(paperCaption('Claims over seeds'), 'Claims over seeds');
  const unmarked = latexTable([{ x: 1.5 }], { caption: 'Claims' });
  assert.match(unmarked, /\\caption\{Claims All rows were measured by snas-lab\.\}/, 'a table without a source column says it is measured throughout');
});

test('pageLinks finds what a page loads and where it links; linkTarget resolves them', () => {
  const html = `<html><head><link rel="stylesheet" href="../assets/a.css"><script src="../assets/plotly.min.js"></script>
<script>var s = "<img src='https://inside.a.script/x.png'>";</script><style>.x{background:url("img/b.png")}</style></head>
<body><a href="https://arxiv.org/abs/1812.09926">paper</a><img src="data:image/png;base64,AA"><a href="#top">top</a>
<img src="https://cdn.example/x.png"><a href="/home/alice/results/index.html">abs</a></body></html>`;
  assert.deepEqual(pageLinks(html), [
    { url: '../assets/a.css', kind: 'load' }, { url: '../assets/plotly.min.js', kind: 'load' },
    { url: 'https://arxiv.org/abs/1812.09926', kind: 'anchor' }, { url: 'data:image/png;base64,AA', kind: 'load' },
    { url: '#top', kind: 'anchor' }, { url: 'https://cdn.example/x.png', kind: 'load' },
    { url: '/home/alice/results/index.html', kind: 'anchor' }, { url: 'img/b.png', kind: 'load' },
  ]);
  assert.deepEqual(linkTarget('notebooks/a.html', '../assets/plotly.min.js?v=1#x'), { type: 'internal', path: 'assets/plotly.min.js' });
  assert.deepEqual(linkTarget('index.html', 'figures/a%20b.svg'), { type: 'internal', path: 'figures/a b.svg' });
  assert.equal(linkTarget('index.html', '../outside.html').type, 'absolute', 'a link climbing out of the archive');
  assert.equal(linkTarget('index.html', 'file:///tmp/x').type, 'absolute');
  assert.equal(linkTarget('index.html', '//cdn.example/x.js').type, 'network');
  assert.equal(linkTarget('index.html', 'data:,x').type, 'inline');
});

test('relativePaths writes paths under the given roots relative to them, the longest root first, and nothing else', () => {
  const t = (s: string) => Buffer.from(relativePaths(Buffer.from(s), ['/w/p', '/w/p/results'])).toString();
  assert.equal(t('a /w/p/results/runs/x b /w/p/configs/c.yaml'), 'a runs/x b configs/c.yaml');
  assert.equal(t('"/w/p/results" and /w/p'), '"." and .');
  assert.equal(t('/w/p-other/x /w/pq /w/p.old'), '/w/p-other/x /w/pq /w/p.old', 'a folder whose name only starts the same is left alone');
});

// A small results folder as `snas reproduce` leaves one: two notebooks, two tables, two figures, a run.
let results = '';
let built: BuildResult;
const saved = process.env.SNAS_RESULTS;

function inlined(asset: { marker: string }, body: string): string {
  return `<script type="text/javascript">/* ${asset.marker} */\n${body}\n</script>\n`;
}

before(async () => {
  results = mkdtempSync(join(tmpdir(), 'snas-publish-'));
  process.env.SNAS_RESULTS = results;
  const nb = join(results, 'notebooks');
  mkdirSync(nb, { recursive: true });
  const notebooks = ['05-search', '06-evaluation'].map((name) => {
    writeFileSync(join(nb, `${name}.ipynb`), JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
    writeFileSync(join(nb, `${name}.html`), `<!DOCTYPE html><html><head>\n${inlined(PLOTLY, 'window.Plotly = {};')}<script>window.MathJax = {};</script>\n${inlined(MATHJAX, 'var mj = "<\\/script>";')}</head><body><p>$x$</p><a href="https://arxiv.org/abs/1812.09926">the paper</a></body></html>`);
    return { name, ok: true, seconds: 1, ipynb: `notebooks/${name}.ipynb`, html: `notebooks/${name}.html` };
  });
  writeFileSync(join(results, 'run.json'), JSON.stringify({ scale: 'smoke', started: '2026-12-04T00:00:00Z', seconds: 2, notebooks }));
  writeFileSync(join(results, 'environment.json'), JSON.stringify({ backend: { name: 'cpu' }, machine: { cores: 2, cpu: 'test' }, git: { commit: 'abc', dirty: false }, versions: {} }));
  writeTable('table1', [
    { method: 'SNAS', source: 'paper', search_val_acc: 88.54, search_val_acc_std: undefined },
    { method: 'SNAS', source: 'measured', search_val_acc: 64.2, search_val_acc_std: 3.1 },
  ], 'Table 1: search accuracy (%), quoted and measured');
  writeTable('claims', [{ claim: 'child keeps search accuracy', margin: 12.5, spread: 4.1, verdict: 'held' }], 'Claims over seeds');
  const fig = { data: [{ type: 'scatter', mode: 'lines', name: 'SNAS', x: [1, 2, 3], y: [1, 3, 2] }], layout: { height: 300 } };
  writeFigure('figure4_entropy_normal', fig, 'Entropy per epoch (measured), τ falling');
  writeFigure('param_free_normal', fig, 'Parameter-free ops per epoch');
  const run = join(results, 'runs', 'search', 'snas-mild-smoke-seed0');
  mkdirSync(run, { recursive: true });
  for (const [f, text] of [['run.json', `{"status":"finished","command":"snas search ${results}/runs/search/x.yaml --out ${results}/runs/search/snas-mild-smoke-seed0"}`], ['config.yaml', `seed: 0\ngenotype: ${results}/runs/search/y/genotype.json\nroot: ${results}\n`], ['metrics.csv', 'epoch,acc\n0,0.5\n'], ['genotype.json', '{}'], ['checkpoint.bin', 'x'.repeat(1000)], ['alpha_history.jsonl', '{}\n']] as const) {
    writeFileSync(join(run, f), text);
  }
  const training = join(results, 'runs', 'train', 'cifar10-SNAS_mild-smoke-seed0');
  mkdirSync(training, { recursive: true });
  for (const [f, text] of [['run.json', '{"status":"finished"}'], ['result.json', '{"test_acc":0.5}'], ['metrics.csv', 'epoch,test_acc\n0,0.5\n'], ['checkpoint.bin', 'x']] as const) {
    writeFileSync(join(training, f), text);
  }
  built = await buildSupplementary(results);
});

after(() => {
  if (saved === undefined) delete process.env.SNAS_RESULTS;
  else process.env.SNAS_RESULTS = saved;
  rmSync(results, { recursive: true, force: true });
});

test('buildSupplementary writes the folder and zip: shared assets, tables in three forms, figures as PDF, runs without checkpoints, a manifest', () => {
  const files = readFolder(built.folder);
  const names = [...files.keys()];
  for (const f of ['index.html', 'README.md', MANIFEST, 'environment.json', 'run.json', 'tables.tex', 'figures.tex',
    'assets/plotly.min.js', 'assets/mathjax-tex-svg-full.js', 'notebooks/05-search.html', 'notebooks/05-search.ipynb',
    'tables/table1.csv', 'tables/table1.md', 'tables/table1.tex', 'figures/param_free_normal.pdf', 'figures/param_free_normal.svg',
    'figures/param_free_normal.json', 'figures/param_free_normal.html', 'runs/search/snas-mild-smoke-seed0/metrics.csv',
    'runs/search/snas-mild-smoke-seed0/config.yaml', 'runs/search/snas-mild-smoke-seed0/genotype.json',
    'runs/train/cifar10-SNAS_mild-smoke-seed0/result.json', 'runs/train/cifar10-SNAS_mild-smoke-seed0/metrics.csv']) {
    assert.ok(files.has(f), `${f} is in the archive`);
  }
  assert.ok(!names.some((n) => /checkpoint|alpha_history/.test(n)), 'no checkpoints or per-step histories');
  assert.ok(!names.includes('figures/plotly.min.js'), 'one plotly.js, under assets/');
  const page = Buffer.from(files.get('notebooks/05-search.html')!).toString('utf8');
  assert.match(page, /<script src="\.\.\/assets\/plotly\.min\.js"><\/script>/);
  assert.match(page, /<script src="\.\.\/assets\/mathjax-tex-svg-full\.js"><\/script>/);
  assert.ok(!page.includes('window.Plotly = {}') && !page.includes('var mj'), 'the inlined copies are gone');
  assert.match(Buffer.from(files.get('figures/param_free_normal.html')!).toString('utf8'), /src="\.\.\/assets\/plotly\.min\.js"/);
  assert.match(Buffer.from(files.get('tables.tex')!).toString('utf8'), /\\input\{\\snasdir\/tables\/claims\.tex\}\n\\input\{\\snasdir\/tables\/table1\.tex\}/);
  assert.match(Buffer.from(files.get('figures.tex')!).toString('utf8'), /\\includegraphics\[width=\\linewidth\]\{\\snasdir\/figures\/figure4_entropy_normal\.pdf\}\n\\caption\{Entropy per epoch \(measured\), \$\\tau\$ falling\}/);
  const index = Buffer.from(files.get('index.html')!).toString('utf8');
  for (const link of ['notebooks/05-search.html', 'tables/table1.tex', 'figures/param_free_normal.pdf', 'tables.tex', 'figures.tex', 'runs/search/snas-mild-smoke-seed0/metrics.csv']) {
    assert.ok(index.includes(`href="${link}"`), `index.html links ${link}`);
  }
  assert.equal(Buffer.from(files.get(MANIFEST)!).toString('utf8'), manifestText(files), 'the manifest lists every other file');
  const run = 'runs/search/snas-mild-smoke-seed0';
  assert.equal(Buffer.from(files.get(`${run}/run.json`)!).toString('utf8'), '{"status":"finished","command":"snas search runs/search/x.yaml --out runs/search/snas-mild-smoke-seed0"}', 'the results folder\'s path is written relative to it');
  assert.equal(Buffer.from(files.get(`${run}/config.yaml`)!).toString('utf8'), `seed: 0\ngenotype: runs/search/y/genotype.json\nroot: .\n`);
  assert.match(readFileSync(join(results, run, 'run.json'), 'utf8'), new RegExp(`--out ${results}/runs`), 'the results folder keeps its records as they were');
  const zipped = unzipSync(readFileSync(built.zip));
  assert.ok(Object.keys(zipped).every((k) => k.startsWith('snas-lab-supplementary/')), 'the zip unpacks into one folder');
  assert.equal(Object.keys(zipped).length, files.size);
  assert.deepEqual(built.folderReport.problems, []);
  assert.deepEqual(built.zipReport.problems, []);
  assert.deepEqual([...new Set(built.zipReport.externalAnchors.map((a) => a.url))], ['https://arxiv.org/abs/1812.09926'], 'a citation link is reported, not loaded');
});

test('--self-contained keeps one-file notebook pages; the figure pages still share assets/plotly.min.js', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'snas-publish-self-'));
  try {
    cpSync(results, copy, { recursive: true });
    rmSync(join(copy, 'supplementary'), { recursive: true, force: true });
    for (const f of ['run.json', 'config.yaml']) { // records of a moved folder name where it was: the check would say so
      const p = join(copy, 'runs', 'search', 'snas-mild-smoke-seed0', f);
      writeFileSync(p, readFileSync(p, 'utf8').split(results).join(copy));
    }
    const self = await buildSupplementary(copy, { selfContained: true });
    const files = readFolder(self.folder);
    const page = Buffer.from(files.get('notebooks/05-search.html')!).toString('utf8');
    assert.equal(page, readFileSync(join(results, 'notebooks', '05-search.html'), 'utf8'), 'the page as execute.py wrote it');
    assert.ok(files.has('assets/plotly.min.js') && !files.has('assets/mathjax-tex-svg-full.js'), 'only what the figure pages link');
    assert.deepEqual(self.zipReport.problems, []);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('the sha256sum tool accepts the manifest', { skip: spawnSync('sha256sum', ['--version']).status === 0 ? false : 'no sha256sum' }, () => {
  const r = spawnSync('sha256sum', ['--quiet', '-c', MANIFEST], { cwd: built.folder, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

/** A copy of the built folder, changed by `damage`, checked as a folder and as a zip. */
function damaged(damage: (dir: string) => void): { folder: string[]; zip: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'snas-damaged-'));
  try {
    cpSync(built.folder, dir, { recursive: true });
    damage(dir);
    const lines = (r: ReturnType<typeof checkSupplementary>) => r.problems.map((p) => `${p.path}: ${p.problem}`);
    const zip = `${dir}.zip`;
    writeFileSync(zip, zipSync(Object.fromEntries([...readFolder(dir)].map(([k, v]) => [`top/${k}`, v]))));
    try {
      return { folder: lines(checkSupplementary(dir)), zip: lines(checkSupplementary(zip)) };
    } finally {
      rmSync(zip, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rewrites the manifest after a change, as someone hiding it would. */
function remanifest(dir: string): void {
  const files = readFolder(dir);
  writeFileSync(join(dir, MANIFEST), manifestText(files));
}

test('--check fails a damaged archive and names the file: a changed byte, a missing file', () => {
  const changed = damaged((dir) => {
    const p = join(dir, 'tables', 'table1.csv');
    const b = readFileSync(p);
    b[5] = b[5]! ^ 1;
    writeFileSync(p, b);
  });
  for (const lines of [changed.folder, changed.zip]) assert.match(lines.join('\n'), /^tables\/table1\.csv: changed: its SHA-256 is [0-9a-f]{64}, the manifest says/m);
  const missing = damaged((dir) => rmSync(join(dir, 'figures', 'param_free_normal.pdf')));
  for (const lines of [missing.folder, missing.zip]) {
    assert.match(lines.join('\n'), /^figures\/param_free_normal\.pdf: listed in the manifest but missing from the archive/m);
    assert.match(lines.join('\n'), /^index\.html: links to figures\/param_free_normal\.pdf, which is not in the archive/m);
  }
  const extra = damaged((dir) => writeFileSync(join(dir, 'notes.txt'), 'x'));
  assert.deepEqual(extra.folder, ['notes.txt: in the archive but not in the manifest']);
});

test('--check fails a link to a missing asset, a load from the network and an absolute path, even with the manifest rewritten', () => {
  const asset = damaged((dir) => {
    rmSync(join(dir, 'assets', 'mathjax-tex-svg-full.js'));
    remanifest(dir);
  });
  assert.deepEqual(asset.folder, [
    'notebooks/05-search.html: links to ../assets/mathjax-tex-svg-full.js, which is not in the archive',
    'notebooks/06-evaluation.html: links to ../assets/mathjax-tex-svg-full.js, which is not in the archive',
  ]);
  const network = damaged((dir) => {
    const p = join(dir, 'notebooks', '06-evaluation.html');
    writeFileSync(p, readFileSync(p, 'utf8').replace('<head>', '<head><script src="https://cdn.plot.ly/plotly-2.0.0.min.js"></script>'));
    remanifest(dir);
  });
  assert.deepEqual(network.zip, ['notebooks/06-evaluation.html: loads https://cdn.plot.ly/plotly-2.0.0.min.js from the network']);
  const absolute = damaged((dir) => {
    writeFileSync(join(dir, 'runs', 'search', 'snas-mild-smoke-seed0', 'run.json'), '{"out": "/home/alice/snas-lab/results/runs"}');
    remanifest(dir);
  });
  assert.match(absolute.folder.join('\n'), /^runs\/search\/snas-mild-smoke-seed0\/run\.json: line 1 holds an absolute path: "\/home\/alice/m);
});

test('snas publish --check: exit 0 on the built archive, 1 on a damaged one, 2 with one line on a path that is not an archive', () => {
  const ok = snas(['publish', '--check', built.zip]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /supplementary\.zip: \d+ files, [\d.]+ MB uncompressed, [\d.]+ MB as a zip/);
  assert.match(ok.stdout, /check passed/);
  const dir = mkdtempSync(join(tmpdir(), 'snas-damaged-'));
  try {
    cpSync(built.folder, dir, { recursive: true });
    writeFileSync(join(dir, 'README.md'), 'changed');
    const bad = snas(['publish', '--check', dir]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /check FAILED: 1 problem\(s\)\n {2}README\.md: changed/);
    writeFileSync(join(dir, 'not-a.zip'), 'not a zip');
    const notZip = snas(['publish', '--check', join(dir, 'not-a.zip')]);
    assert.equal(notZip.code, 2);
    assert.match(notZip.stderr, /not-a\.zip: not a readable zip archive/);
    assert.ok(!/\n\s+at /.test(notZip.stderr), 'no stack trace');
    const none = snas(['publish', '--check', join(dir, 'nothing-here')]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /nothing-here: no such folder or zip archive/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a LaTeX document that inputs tables.tex and figures.tex compiles', { skip: spawnSync('pdflatex', ['--version']).status === 0 ? false : 'pdflatex is not installed (npm test installs texlive-latex-recommended as root)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-latex-'));
  try {
    writeFileSync(join(dir, 'main.tex'), `\\documentclass{article}\n\\usepackage{booktabs,graphicx}\n\\newcommand{\\snasdir}{${built.folder}}\n\\begin{document}\n\\input{\\snasdir/tables.tex}\n\\input{\\snasdir/figures.tex}\n\\end{document}\n`);
    const r = spawnSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'main.tex'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout.slice(-3000));
    assert.ok(existsSync(join(dir, 'main.pdf')));
    assert.match(r.stdout, /Output written on main\.pdf \(\d+ pages?/);
    assert.ok(!/LaTeX Warning: (Reference|Citation)|Missing character/.test(readFileSync(join(dir, 'main.log'), 'utf8')), 'no missing characters');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
