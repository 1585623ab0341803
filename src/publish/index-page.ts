// Publishes a results folder: the rendered notebooks, the environment they ran on, and an
// index.html that links everything and opens offline.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../config/load.js';
import type { EnvironmentRecord } from '../runs/environment.js';
import { ArchiveError } from './archive.js';
import { escapeHtml, tableHtml } from '../report/table.js';
import { parseCsv } from '../util/csv.js';
import { writeAtomic } from '../util/files.js';

/** What the index page and run.json record of one rendered notebook. */
export interface PublishedNotebook {
  name: string;
  /** The scale it ran at. */
  scale?: string;
  ok: boolean;
  seconds: number;
  ipynb?: string;
  html?: string;
  htmlBytes?: number;
  /** The parameters given to it (-p / -f), as injected. */
  parameters?: Record<string, unknown>;
}

export interface Publication {
  scale: string;
  started: string;
  seconds: number;
  notebooks: PublishedNotebook[];
  environment: EnvironmentRecord;
}

/** run.json of a results folder: the publication with paths relative to the folder. */
export interface PublicationSummary extends Omit<Publication, 'environment'> {}

export function publishIndex(resultsDir: string, pub: Publication): void {
  const rel = (p?: string) => (p ? relative(resultsDir, p) : '');
  writeAtomic(join(resultsDir, 'environment.json'), `${JSON.stringify(pub.environment, null, 2)}\n`);
  const summary: PublicationSummary = {
    scale: pub.scale, started: pub.started, seconds: Math.round(pub.seconds),
    notebooks: pub.notebooks.map((n) => ({ ...n, ipynb: rel(n.ipynb), html: rel(n.html) })),
  };
  writeAtomic(join(resultsDir, 'run.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeAtomic(join(resultsDir, 'index.html'), indexPage(resultsDir, pub));
}

/**
 * Records notebooks run on their own (`snas notebooks`) in a results folder's run.json and
 * index.html: each replaces the entry of the same name, the rest of the publication is kept; a
 * folder without one gets a publication of these notebooks alone.
 */
export function recordNotebooks(resultsDir: string, scale: string, results: PublishedNotebook[], environment: () => EnvironmentRecord): void {
  const now = new Date().toISOString();
  const seconds = results.reduce((t, r) => t + r.seconds, 0);
  if (!existsSync(join(resultsDir, 'run.json'))) {
    publishIndex(resultsDir, { scale, started: now, seconds, notebooks: results, environment: environment() });
    return;
  }
  const pub = readPublication(resultsDir);
  const names = new Set(results.map((r) => r.name));
  const notebooks = [...pub.notebooks.filter((n) => !names.has(n.name)), ...results].sort((a, b) => a.name.localeCompare(b.name));
  publishIndex(resultsDir, { ...pub, notebooks });
}

/** Reads a results folder's run.json and environment.json back, paths made absolute again. */
/** What publishing reads of run.json and environment.json (other keys pass through). */
const SummarySchema = z.object({
  scale: z.string(), started: z.string(), seconds: z.number(),
  notebooks: z.array(z.object({ name: z.string(), ok: z.boolean(), seconds: z.number(), ipynb: z.string().optional(), html: z.string().optional() }).passthrough()),
}).passthrough();
const EnvironmentSchema = z.object({
  backend: z.object({ name: z.string() }).passthrough(),
  machine: z.object({ cores: z.number(), cpu: z.string() }).passthrough(),
  git: z.object({ commit: z.string().nullable(), dirty: z.boolean().nullable().optional() }).passthrough(),
}).passthrough();

/** A results folder's record (run.json or environment.json), checked: a missing or malformed one is an error naming the file and key. */
function readRecord<T>(file: string, schema: z.ZodTypeAny): T {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ArchiveError(`${file}: ${existsSync(file) ? `cannot read it as JSON (${(err as Error).message})` : 'missing; publish a folder that snas reproduce or snas notebooks wrote'}`);
  }
  const r = schema.safeParse(data);
  if (!r.success) throw new ArchiveError(describeIssues(file, r.error, data, schema));
  return r.data as T;
}

export function readPublication(resultsDir: string): Publication {
  const summary = readRecord<PublicationSummary>(join(resultsDir, 'run.json'), SummarySchema);
  const environment = readRecord<EnvironmentRecord>(join(resultsDir, 'environment.json'), EnvironmentSchema);
  const abs = (p?: string) => (p ? join(resultsDir, p) : undefined);
  return { ...summary, environment, notebooks: summary.notebooks.map((n) => ({ ...n, ipynb: abs(n.ipynb), html: abs(n.html) })) };
}

/**
 * The index page of a results folder `dir` (which holds the notebooks `pub` names, tables/ and
 * figures/), with `extra` HTML sections before the environment.
 */
export function indexPage(dir: string, pub: Publication, extra = ''): string {
  const rel = (p?: string) => (p ? relative(dir, p) : '');
  const rows = pub.notebooks.map((n) => {
    const link = n.ok ? `<a href="${escapeHtml(rel(n.html))}">${escapeHtml(n.name)}</a> (<a href="${escapeHtml(rel(n.ipynb))}">ipynb</a>)` : `${escapeHtml(n.name)} <b>failed</b>`;
    const given = n.parameters && Object.keys(n.parameters).length
      ? Object.entries(n.parameters).map(([k, v]) => `<code>${escapeHtml(k)}=${escapeHtml(JSON.stringify(v))}</code>`).join(' ')
      : 'defaults';
    const scale = n.scale && n.scale !== pub.scale ? ` (scale ${escapeHtml(n.scale)})` : '';
    return `<tr><td>${link}${scale}</td><td>${n.seconds.toFixed(1)} s</td><td>${given}</td></tr>`;
  });
  const env = pub.environment;
  const html = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>snas-lab results (${escapeHtml(pub.scale)} scale)</title>
<style>body{font-family:sans-serif;max-width:900px;margin:2em auto}td,th{padding:3px 10px;border-bottom:1px solid #ddd}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}</style>
</head><body>
<h1>snas-lab: reproduction of SNAS (Xie et al., ICLR 2019)</h1>
<p>Scale <b>${escapeHtml(pub.scale)}</b>, started ${escapeHtml(pub.started)}, ${Math.round(pub.seconds)} s in all,
backend <b>${escapeHtml(env.backend.name)}</b> on ${env.machine.cores} cores (${escapeHtml(env.machine.cpu)}),
git ${escapeHtml(env.git.commit ?? 'unknown')}${env.git.dirty ? ' (with uncommitted changes)' : ''}.
Times are this execution's: search and training runs that had finished with the same config are read back from
<code>runs/</code>, not recomputed (each run's own time is in its <code>timing.csv</code>).</p>
<h2>Notebooks</h2>
<table><tr><th>notebook</th><th>time</th><th>parameters</th></tr>${rows.join('\n')}</table>
${figuresSection(dir)}
${tablesSection(dir)}
${extra}
<h2>Environment</h2>
<pre>${escapeHtml(JSON.stringify(env, null, 2))}</pre>
<p>Every number in these notebooks was computed by the code at that commit, except figures marked as quoted from the paper.</p>
</body></html>
`;
  return html;
}

/** Every table under RESULTS/tables (NAME.csv with its NAME.md caption), inline and linked. */
function tablesSection(resultsDir: string): string {
  const dir = join(resultsDir, 'tables');
  if (!existsSync(dir)) return '';
  const names = readdirSync(dir).filter((f) => f.endsWith('.csv')).map((f) => f.slice(0, -4)).sort();
  const parts = names.map((name) => {
    const md = join(dir, `${name}.md`);
    const first = existsSync(md) ? readFileSync(md, 'utf8').split('\n\n')[0]!.trim() : '';
    const caption = first && !first.startsWith('|') ? first : name;
    const rows = parseCsv(readFileSync(join(dir, `${name}.csv`), 'utf8')) as Record<string, string | number>[];
    const tex = existsSync(join(dir, `${name}.tex`)) ? `, <a href="tables/${escapeHtml(name)}.tex">LaTeX</a>` : '';
    return `<h3 id="${escapeHtml(name)}">${escapeHtml(name)} (<a href="tables/${escapeHtml(name)}.csv">csv</a>, <a href="tables/${escapeHtml(name)}.md">md</a>${tex})</h3>\n<div style="overflow-x:auto">${tableHtml(rows, { caption })}</div>`;
  });
  return parts.length ? `<h2>Tables</h2>\n${parts.join('\n')}` : '';
}

/**
 * Every figure under RESULTS/figures (NAME.json with its caption): the SVG inline, linked to
 * the interactive page. The paper's figures (figureN_...) first, then the rest by name.
 */
function figuresSection(resultsDir: string): string {
  const dir = join(resultsDir, 'figures');
  if (!existsSync(dir)) return '';
  const paperFirst = (name: string) => `${/^figure\d/.test(name) ? 0 : 1}${name}`;
  const names = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5))
    .sort((a, b) => paperFirst(a).localeCompare(paperFirst(b)));
  const parts = names.map((name) => {
    const { caption } = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { caption?: string };
    const n = escapeHtml(name);
    const svg = existsSync(join(dir, `${name}.svg`)) ? `<a href="figures/${n}.html"><img src="figures/${n}.svg" alt="${n}" style="max-width:100%"></a>` : '<p><b>no SVG</b> (Chromium was not available)</p>';
    const pdf = existsSync(join(dir, `${name}.pdf`)) ? `, <a href="figures/${n}.pdf">pdf</a>` : '';
    return `<h3 id="figure-${n}">${n} (<a href="figures/${n}.html">interactive</a>, <a href="figures/${n}.svg">svg</a>${pdf})</h3>\n${svg}\n<p>${escapeHtml(caption ?? '')}</p>`;
  });
  return parts.length ? `<h2>Figures</h2>\n${parts.join('\n')}` : '';
}
