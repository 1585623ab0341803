// Display helpers for notebooks: figures, tables and HTML through tslab's display, with a
// plain-text fallback when the code runs outside a notebook kernel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tslab from 'tslab';
import { figureHtml, plotlyLibraryHtml, type Figure } from './figure.js';
import { plotlySource, writeFigure } from './write-figure.js';
import { tableHtml, tableText, type FrameLike, type Row, type TableOptions } from './table.js';

/** True inside a tslab kernel (started as `tslab kernel ...` by the kernel spec). */
function inKernel(): boolean {
  const argv = process.argv;
  return argv.some((a) => /tslab[\\/]bin[\\/]tslab$|[\\/]tslab$/.test(a)) && argv.includes('kernel');
}

export function showHtml(html: string): void {
  if (inKernel()) tslab.display.html(html);
  else console.log(html);
}

function titleOf(fig: Figure): string {
  return String((fig.layout?.title as { text?: string })?.text ?? fig.layout?.title ?? 'untitled');
}

let plotlySent = false;

/**
 * plotly.js for the page, once per running kernel (before its first figure): the project's own
 * copy (node_modules, never a CDN), so that figures draw in a live notebook offline. A kernel
 * restarted (or a second one) sends it again; the headless renderer drops this output and
 * inlines one copy into the page's head instead (src/notebooks/execute.py).
 */
function ensurePlotly(): void {
  if (plotlySent) return;
  const source = plotlySource();
  const version = (JSON.parse(readFileSync(join(source, '..', 'package.json'), 'utf8')) as { version: string }).version;
  tslab.display.html(plotlyLibraryHtml(readFileSync(source, 'utf8'), version));
  plotlySent = true;
}

/** Shows a figure; with `save`, also writes it as RESULTS/figures/NAME.{json,html} (and .svg when published). */
export function showFigure(fig: Figure, save?: { name: string; caption?: string }): void {
  if (save) writeFigure(save.name, fig, save.caption ?? titleOf(fig));
  if (inKernel()) {
    ensurePlotly();
    tslab.display.html(figureHtml(fig));
  } else console.log(`[figure: ${titleOf(fig)}]`);
}

export function showTable(t: Row[] | FrameLike, opts: TableOptions = {}): void {
  if (inKernel()) tslab.display.html(tableHtml(t, opts));
  else console.log(tableText(t, opts));
}

export function showMarkdown(md: string): void {
  if (inKernel()) tslab.display.markdown(md);
  else console.log(md);
}

/** Shows SVG drawings side by side (wrapping to the next line when the page is narrow). */
export function showSvgs(svgs: string[]): void {
  showHtml(`<div style="display:flex;flex-wrap:wrap;gap:12px">${svgs.join('\n')}</div>`);
}
