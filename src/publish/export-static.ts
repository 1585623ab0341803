// Static forms of the stored figures (RESULTS/figures/NAME.json -> NAME.svg for pages, NAME.pdf
// for papers), drawn by plotly.js in headless Chromium (Debian's chromium, driven by
// playwright-core). The PDF is Chromium's print of that same SVG, one page of the figure's size:
// vector paths, text as text in embedded font subsets. One browser for all figures; a figure
// whose SVG and PDF are both newer than its spec is left as it is.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic, writeAtomicBytes } from '../util/files.js';
import { chromiumBinary } from '../runs/environment.js';
import { withDefaults } from '../report/figure.js';
import { plotlySource, type StoredFigure } from '../report/write-figure.js';

export class BrowserError extends Error {}

/** chromiumBinary(), checked. */
function chromiumPath(): string {
  const path = chromiumBinary();
  if (!existsSync(path)) {
    throw new BrowserError(`no Chromium at ${path} for the static figures: install Debian's chromium (npm run setup does, as root) or set SNAS_CHROMIUM to a Chromium or Chrome binary`);
  }
  return path;
}

/** Headless Chromium's flags here: no sandbox (root), no GPU, no network of its own. */
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A page holding only the SVG, sized to it, for Chromium to print. */
function printPage(svg: string, width: number, height: number): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>@page{size:${width}px ${height}px;margin:0}html,body{margin:0;padding:0}svg{display:block}</style></head><body>${svg}</body></html>`;
}

/** Whether `file` exists and is newer than `than`. */
function fresh(file: string, than: string): boolean {
  return existsSync(file) && statSync(file).mtimeMs >= statSync(than).mtimeMs;
}

/**
 * Writes NAME.svg and NAME.pdf for every NAME.json in `dir` that lacks an up-to-date pair;
 * returns the files written (SVG then PDF, figure by figure).
 */
export async function exportFigures(dir: string, opts: { width?: number; log?: (line: string) => void } = {}): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const stale = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().filter((f) => {
    const spec = join(dir, f);
    return !fresh(spec.replace(/\.json$/, '.svg'), spec) || !fresh(spec.replace(/\.json$/, '.pdf'), spec);
  });
  if (stale.length === 0) return [];
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
  const written: string[] = [];
  try {
    const page = await browser.newPage();
    await page.setContent('<!DOCTYPE html><html><body></body></html>');
    await page.addScriptTag({ path: plotlySource() });
    const printer = await browser.newPage();
    for (const f of stale) {
      const spec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as StoredFigure;
      const { data, layout } = withDefaults(spec);
      const width = opts.width ?? 900;
      const height = Number(layout.height ?? 450);
      const url = await page.evaluate(
        ([data, lay, w, h]) => (window as unknown as { Plotly: { toImage(fig: unknown, o: unknown): Promise<string> } }).Plotly.toImage({ data, layout: lay }, { format: 'svg', width: w, height: h }),
        [data, layout, width, height] as const,
      );
      const comma = url.indexOf(',');
      if (!url.startsWith('data:image/svg+xml') || comma < 0) throw new BrowserError(`${join(dir, f)}: plotly did not return an SVG`);
      const svgText = decodeURIComponent(url.slice(comma + 1));
      const svg = join(dir, f.replace(/\.json$/, '.svg'));
      writeAtomic(svg, svgText);
      await printer.setContent(printPage(svgText, width, height));
      const pdfBytes = await printer.pdf({ width: `${width}px`, height: `${height}px`, printBackground: true, pageRanges: '1' });
      const pdf = join(dir, f.replace(/\.json$/, '.pdf'));
      writeAtomicBytes(pdf, pdfBytes);
      written.push(svg, pdf);
      opts.log?.(`figure ${svg} (+ .pdf)`);
    }
  } finally {
    await browser.close();
  }
  return written;
}
