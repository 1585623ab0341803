// Static SVGs of the stored figures (RESULTS/figures/NAME.json -> NAME.svg), drawn by plotly.js
// in headless Chromium (Debian's chromium, driven by playwright-core). One browser for all
// figures; a figure whose SVG is newer than its spec is left as it is.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { writeAtomic } from '../util/files.js';
import { chromiumBinary } from '../runs/environment.js';
import { withDefaults } from './figure.js';
import { plotlySource, type StoredFigure } from './write-figure.js';

export class BrowserError extends Error {}

/** chromiumBinary(), checked. */
function chromiumPath(): string {
  const path = chromiumBinary();
  if (!existsSync(path)) {
    throw new BrowserError(`no Chromium at ${path} for the static figures: install Debian's chromium (npm run setup does, as root) or set SNAS_CHROMIUM to a Chromium or Chrome binary`);
  }
  return path;
}

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Writes NAME.svg for every NAME.json in `dir` that lacks an up-to-date one; returns the SVGs written. */
export async function exportSvgs(dir: string, opts: { width?: number; log?: (line: string) => void } = {}): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const stale = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().filter((f) => {
    const svg = join(dir, f.replace(/\.json$/, '.svg'));
    return !existsSync(svg) || statSync(svg).mtimeMs < statSync(join(dir, f)).mtimeMs;
  });
  if (stale.length === 0) return [];
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: FLAGS });
  const written: string[] = [];
  try {
    const page = await browser.newPage();
    await page.setContent('<!DOCTYPE html><html><body></body></html>');
    await page.addScriptTag({ path: plotlySource() });
    for (const f of stale) {
      const spec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as StoredFigure;
      const { data, layout } = withDefaults(spec);
      const height = Number(layout.height ?? 450);
      const url = await page.evaluate(
        ([data, lay, w, h]) => (window as unknown as { Plotly: { toImage(fig: unknown, o: unknown): Promise<string> } }).Plotly.toImage({ data, layout: lay }, { format: 'svg', width: w, height: h }),
        [data, layout, opts.width ?? 900, height] as const,
      );
      const comma = url.indexOf(',');
      if (!url.startsWith('data:image/svg+xml') || comma < 0) throw new BrowserError(`${join(dir, f)}: plotly did not return an SVG`);
      const svg = join(dir, f.replace(/\.json$/, '.svg'));
      writeAtomic(svg, decodeURIComponent(url.slice(comma + 1)));
      written.push(svg);
      opts.log?.(`figure ${svg}`);
    }
  } finally {
    await browser.close();
  }
  return written;
}
