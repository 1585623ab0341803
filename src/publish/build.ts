// `snas publish`: the supplementary material of a results folder, as RESULTS/supplementary/ and
// RESULTS/supplementary.zip. It holds index.html; the executed notebooks (.ipynb, and HTML
// linking one shared copy of plotly.js and of MathJax under assets/, or one-file pages with
// selfContained); the tables (CSV, Markdown, LaTeX) and tables.tex; the figures (plotly spec,
// interactive page, SVG, PDF) and figures.tex; each run's config, metrics and derived genotype
// (no checkpoints); the environment record; a README; and MANIFEST.sha256 of every file.
// Records name the folders they ran in (a run's command, its genotype file): in the archive the
// results folder's and the project's absolute paths are written relative to them, so that it
// names no folder of the machine that built it; the results folder itself is left as it is.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ASSETS, linkAssets, linkFigurePage, PLOTLY } from './assets.js';
import { indexPage, readPublication, type Publication } from './index-page.js';
import { exportFigures } from './export-static.js';
import { figuresTex, tablesTex } from './latex-inputs.js';
import { latexTable } from '../report/latex-table.js';
import { parseCsv } from '../util/csv.js';
import { projectRoot } from '../util/root.js';
import { escapeHtml } from '../report/table.js';
import type { StoredFigure } from '../report/write-figure.js';
import { writeAtomicBytes } from '../util/files.js';
import { ArchiveError, readFolder, zipBytes, type Files } from './archive.js';
import { checkSupplementary, type CheckReport } from './check.js';
import { MANIFEST, manifestText } from './manifest.js';

export const FOLDER = 'supplementary';
export const ZIP = 'supplementary.zip';
/** The zip's one top folder. */
const ZIP_ROOT = 'snas-lab-supplementary';

/** What of a run folder the archive keeps: what it was asked, what it measured (a training's final result.json too), what it found. Checkpoints and per-step histories stay home. */
const RUN_FILES = ['config.yaml', 'run.json', 'metrics.csv', 'timing.csv', 'result.json', 'genotype.json', 'alphas.json', 'environment.json'];

export interface BuildOptions {
  /** One-file notebook pages (today's), instead of pages sharing assets/. */
  selfContained?: boolean;
  log?: (line: string) => void;
}

export interface BuildResult {
  folder: string;
  zip: string;
  folderReport: CheckReport;
  zipReport: CheckReport;
}

const text = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** Files whose text may name folders (records, pages, notebooks); the assets are third-party code. */
const RECORD = /\.(html?|json|jsonl|csv|md|ipynb|ya?ml|txt)$/i;

/** `bytes` with every absolute path under `roots` (longest first) written relative to that root. */
export function relativePaths(bytes: Uint8Array, roots: string[]): Uint8Array {
  let s = Buffer.from(bytes).toString('utf8');
  let changed = false;
  for (const root of [...roots].filter((r) => r.length > 1).sort((a, b) => b.length - a.length)) {
    if (!s.includes(root)) continue;
    const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    s = s.replace(new RegExp(`${escaped}(?![\\w.-])/?`, 'g'), (m) => (m.endsWith('/') ? '' : '.'));
    changed = true;
  }
  return changed ? text(s) : bytes;
}

/** A table's LaTeX, read from the results folder, or made from its CSV and caption when an older run wrote none. */
function tableTex(tablesDir: string, name: string): Uint8Array {
  const tex = join(tablesDir, `${name}.tex`);
  if (existsSync(tex)) return readFileSync(tex);
  const md = join(tablesDir, `${name}.md`);
  const first = existsSync(md) ? readFileSync(md, 'utf8').split('\n\n')[0]!.trim() : '';
  const caption = first && !first.startsWith('|') ? first : undefined;
  return text(latexTable(parseCsv(readFileSync(join(tablesDir, `${name}.csv`), 'utf8')), { caption, label: `snas-${name}`, origin: `tables/${name}.csv` }));
}

/** Every run folder (one that holds run.json) under RESULTS/runs, as paths relative to RESULTS. */
function runFolders(resultsDir: string): string[] {
  const root = join(resultsDir, 'runs');
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (d: string) => {
    const names = readdirSync(d).sort();
    if (names.includes('run.json')) found.push(relative(resultsDir, d).split('\\').join('/'));
    else for (const n of names) if (statSync(join(d, n)).isDirectory()) walk(join(d, n));
  };
  walk(root);
  return found;
}

function sorted(dir: string, ext: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => f.slice(0, -ext.length)).sort() : [];
}

/** The files of the archive except index.html and the manifest. */
function collect(resultsDir: string, pub: Publication, opts: BuildOptions): { files: Files; runs: string[]; tables: string[]; figures: string[] } {
  const files: Files = new Map();
  const add = (path: string, bytes: Uint8Array) => files.set(path, bytes);
  const used = new Set<string>();
  for (const n of pub.notebooks.filter((x) => x.ok && x.html && x.ipynb)) {
    add(`notebooks/${n.name}.ipynb`, readFileSync(n.ipynb!));
    const page = readFileSync(n.html!, 'utf8');
    if (opts.selfContained) add(`notebooks/${n.name}.html`, text(page));
    else {
      const linked = linkAssets(page, '../assets');
      for (const a of linked.used) used.add(a.file);
      add(`notebooks/${n.name}.html`, text(linked.html));
    }
  }
  const tablesDir = join(resultsDir, 'tables');
  const tables = sorted(tablesDir, '.csv');
  for (const t of tables) {
    for (const ext of ['csv', 'md']) {
      const p = join(tablesDir, `${t}.${ext}`);
      if (existsSync(p)) add(`tables/${t}.${ext}`, readFileSync(p));
    }
    add(`tables/${t}.tex`, tableTex(tablesDir, t));
  }
  const figuresDir = join(resultsDir, 'figures');
  const figures = sorted(figuresDir, '.json');
  const captions: { name: string; caption: string }[] = [];
  for (const f of figures) {
    for (const ext of ['json', 'svg', 'pdf']) {
      const p = join(figuresDir, `${f}.${ext}`);
      if (!existsSync(p)) throw new ArchiveError(`${p}: missing; the figures' static forms are exported first (is Chromium installed?)`);
      add(`figures/${f}.${ext}`, readFileSync(p));
    }
    const page = join(figuresDir, `${f}.html`);
    if (existsSync(page)) {
      add(`figures/${f}.html`, text(linkFigurePage(readFileSync(page, 'utf8'), '../assets')));
      used.add(PLOTLY.file);
    }
    captions.push({ name: f, caption: (JSON.parse(readFileSync(join(figuresDir, `${f}.json`), 'utf8')) as StoredFigure).caption ?? '' });
  }
  for (const a of ASSETS.filter((x) => used.has(x.file))) add(`assets/${a.file}`, readFileSync(a.source()));
  if (tables.length) add('tables.tex', text(tablesTex(tables)));
  if (figures.length) add('figures.tex', text(figuresTex(captions)));
  const runs = runFolders(resultsDir);
  for (const r of runs) for (const f of RUN_FILES) {
    const p = join(resultsDir, r, f);
    if (existsSync(p)) add(`${r}/${f}`, readFileSync(p));
  }
  for (const f of ['environment.json', 'run.json']) add(f, readFileSync(join(resultsDir, f)));
  const roots = [resultsDir, projectRoot()];
  for (const [path, bytes] of files) if (RECORD.test(path) && !path.startsWith('assets/')) files.set(path, relativePaths(bytes, roots));
  return { files, runs, tables, figures };
}

function readme(pub: Publication, counts: { notebooks: number; tables: number; figures: number; runs: number }): string {
  const env = pub.environment;
  const commit = env.git.commit ?? 'unknown';
  return `# snas-lab: supplementary material

A reproduction of SNAS: Stochastic Neural Architecture Search (Xie et al., ICLR 2019), executed at
the **${pub.scale}** scale on ${pub.started} by snas-lab at git commit \`${commit}\`${env.git.dirty ? ' (with uncommitted changes)' : ''},
backend ${env.backend.name}, ${env.machine.cores} cores. Every figure in it was computed by that code
except those marked as quoted from the paper.

Open \`index.html\` (it and everything it links work offline).

- \`notebooks/\`: the ${counts.notebooks} executed notebooks, as .ipynb and as HTML.
- \`tables/\`: ${counts.tables} tables as CSV, Markdown and LaTeX (booktabs); \`tables.tex\` inputs them all.
- \`figures/\`: ${counts.figures} figures as plotly specs (.json), interactive pages, SVG and PDF; \`figures.tex\` includes them all.
- \`runs/\`: the ${counts.runs} search and training runs: config, metrics per epoch, timing, a training's final result, derived genotype (checkpoints left out).
- \`environment.json\`: packages, machine, backend and commit; \`run.json\`: the notebooks and their times.
- \`assets/\`: plotly.js and MathJax, shared by the pages.
- \`MANIFEST.sha256\`: the SHA-256 of every other file; \`sha256sum -c MANIFEST.sha256\` verifies them.

In LaTeX (\`\\usepackage{booktabs,graphicx}\`): \`\\input{tables.tex}\` and \`\\input{figures.tex}\`, after
\`\\newcommand{\\snasdir}{path/to/this/folder}\` when the folder is not beside the main file.

To reproduce: check out commit \`${commit}\` of snas-lab and run \`npm run reproduce -- --scale ${pub.scale}\`.
`;
}

function paperSection(tables: string[], figures: string[]): string {
  const links = (names: string[], dir: string, ext: string) => names.map((n) => `<a href="${dir}/${escapeHtml(n)}.${ext}">${escapeHtml(n)}.${ext}</a>`).join(', ');
  return `<h2>For a paper</h2>
<p><a href="tables.tex">tables.tex</a> inputs every table; <a href="figures.tex">figures.tex</a> includes every figure
(<code>\\usepackage{booktabs,graphicx}</code>). Tables as LaTeX: ${links(tables, 'tables', 'tex')}.
Figures as PDF: ${links(figures, 'figures', 'pdf')}.
<a href="README.md">README.md</a> says what is where; <a href="${MANIFEST}">${MANIFEST}</a> holds every file's SHA-256.</p>`;
}

function runsSection(runs: string[], files: Files): string {
  const rows = runs.map((r) => {
    const links = RUN_FILES.filter((f) => files.has(`${r}/${f}`)).map((f) => `<a href="${escapeHtml(r)}/${f}">${f}</a>`).join(' ');
    return `<tr><td>${escapeHtml(r.replace(/^runs\//, ''))}</td><td>${links}</td></tr>`;
  });
  return rows.length ? `<h2>Runs</h2>\n<table>${rows.join('\n')}</table>` : '';
}

/** Writes `files` under `dir`. */
function writeFiles(dir: string, files: Files): void {
  for (const [p, b] of files) writeAtomicBytes(join(dir, ...p.split('/')), b);
}

/**
 * Builds RESULTS/supplementary/ and RESULTS/supplementary.zip from a published results folder,
 * then checks both. The folder is built beside the old one and swapped in; the zip is written
 * atomically: a crash leaves the previous archive as it was.
 */
export async function buildSupplementary(resultsDir: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const log = opts.log ?? (() => {});
  for (const f of ['run.json', 'environment.json']) {
    if (!existsSync(join(resultsDir, f))) throw new ArchiveError(`${join(resultsDir, f)}: missing; publish a results folder that \`snas reproduce\` wrote`);
  }
  const pub = readPublication(resultsDir);
  const exported = await exportFigures(join(resultsDir, 'figures'));
  if (exported.length) log(`publish: ${exported.length / 2} figure(s) exported as SVG and PDF`);
  const { files, runs, tables, figures } = collect(resultsDir, pub, opts);
  const ok = pub.notebooks.filter((n) => n.ok);
  files.set('README.md', text(readme(pub, { notebooks: ok.length, tables: tables.length, figures: figures.length, runs: runs.length })));

  const folder = join(resultsDir, FOLDER);
  const building = `${folder}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  writeFiles(building, files);
  const here: Publication = { ...pub, notebooks: pub.notebooks.map((n) => ({ ...n, html: join(building, 'notebooks', `${n.name}.html`), ipynb: join(building, 'notebooks', `${n.name}.ipynb`) })) };
  files.set('index.html', text(indexPage(building, here, `${paperSection(tables, figures)}\n${runsSection(runs, files)}`)));
  files.set(MANIFEST, text(manifestText(files)));
  writeFiles(building, new Map([['index.html', files.get('index.html')!], [MANIFEST, files.get(MANIFEST)!]]));
  const old = `${folder}.old-${process.pid}`;
  if (existsSync(folder)) renameSync(folder, old);
  renameSync(building, folder);
  rmSync(old, { recursive: true, force: true });

  const zip = join(resultsDir, ZIP);
  writeAtomicBytes(zip, zipBytes(readFolder(folder), ZIP_ROOT));
  log(`publish: ${relative(process.cwd(), folder) || folder}/ (${files.size} files) and ${basename(zip)}`);
  return { folder, zip, folderReport: checkSupplementary(folder), zipReport: checkSupplementary(zip) };
}
