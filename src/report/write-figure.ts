// Writes a figure under the results folder: RESULTS/figures/NAME.json (the plotly spec, from
// which the static NAME.svg is exported when the results are published, src/publish/export-static.ts, with NAME.pdf)
// and NAME.html, an interactive page that opens offline with figures/plotly.min.js beside it.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from './table.js';
import { figureHtml, type Figure } from './figure.js';
import { resultsDir } from '../results/paths.js';
import { writeAtomic } from '../util/files.js';
import { projectRoot } from '../util/root.js';

export const PLOTLY_FILE = 'plotly.min.js';

export function plotlySource(): string {
  return join(projectRoot(), 'node_modules', 'plotly.js-dist-min', PLOTLY_FILE);
}

export function figuresDir(): string {
  return join(resultsDir(), 'figures');
}

/** A figure as stored in NAME.json: the plotly spec and its caption. */
export interface StoredFigure extends Figure {
  caption: string;
}

/** Writes NAME.json and NAME.html (and plotly.min.js once); returns their paths. */
export function writeFigure(name: string, fig: Figure, caption: string): { json: string; html: string } {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`figure name '${name}': expected letters, digits, '_' or '-'`);
  const dir = figuresDir();
  mkdirSync(dir, { recursive: true });
  const plotly = join(dir, PLOTLY_FILE);
  if (!existsSync(plotly) || statSync(plotly).size !== statSync(plotlySource()).size) copyFileSync(plotlySource(), plotly);
  const stored: StoredFigure = { ...fig, caption };
  const json = join(dir, `${name}.json`);
  const html = join(dir, `${name}.html`);
  writeAtomic(json, `${JSON.stringify(stored)}\n`);
  writeAtomic(html, `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(name)}</title>
<script src="${PLOTLY_FILE}"></script>
<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}</style>
</head><body>
${figureHtml(fig, `fig-${name}`)}
<p>${escapeHtml(caption)}</p>
<p><a href="${escapeHtml(name)}.svg">static SVG</a> · <a href="${escapeHtml(name)}.json">plotly spec (JSON)</a> · <a href="../index.html">all results</a></p>
</body></html>
`);
  return { json, html };
}
