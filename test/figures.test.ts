// Saved figures: the plotly spec and interactive page under RESULTS/figures, and the static
// SVG and vector PDF drawn by headless Chromium (redrawn only when the spec is newer).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportFigures } from '../src/publish/export-static.js';
import { figuresDir, writeFigure } from '../src/report/write-figure.js';

function inResults<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'snas-figures-'));
  const saved = { results: process.env.SNAS_RESULTS, chromium: process.env.SNAS_CHROMIUM };
  process.env.SNAS_RESULTS = dir;
  return fn(dir).finally(() => {
    for (const [k, v] of [['SNAS_RESULTS', saved.results], ['SNAS_CHROMIUM', saved.chromium]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });
}

const FIG = { data: [{ type: 'scatter', mode: 'lines', name: 'SNAS', x: [1, 2, 3], y: [10, 30, 20] }], layout: { title: { text: 'a <test> figure' }, height: 300 } };

test('writeFigure stores the spec with its caption and an offline interactive page', () => inResults(async (dir) => {
  const { json, html } = writeFigure('demo_1', FIG, 'caption & more');
  assert.equal(json, join(dir, 'figures', 'demo_1.json'));
  assert.deepEqual(JSON.parse(readFileSync(json, 'utf8')), { ...FIG, caption: 'caption & more' });
  const page = readFileSync(html, 'utf8');
  assert.match(page, /<script src="plotly\.min\.js"><\/script>/);
  assert.match(page, /caption &amp; more/);
  assert.ok(!/https?:\/\//.test(page.replace(/xmlns="[^"]*"/g, '')), 'the page loads nothing from the network');
  assert.ok(readFileSync(join(dir, 'figures', 'plotly.min.js')).length > 1e6, 'plotly.js sits beside it');
  assert.throws(() => writeFigure('../escape', FIG, ''), /figure name '\.\.\/escape'/);
}));

test('exportFigures draws each stale figure as an SVG with its traces and a PDF, and skips up-to-date ones', () => inResults(async () => {
  writeFigure('a', FIG, 'first');
  writeFigure('b', { ...FIG, data: [...FIG.data, { ...FIG.data[0], name: 'DARTS', y: [5, 6, 7] }] }, 'second');
  const first = await exportFigures(figuresDir());
  assert.deepEqual(first.map((p) => p.split('/').pop()), ['a.svg', 'a.pdf', 'b.svg', 'b.pdf']);
  const svg = readFileSync(first[2]!, 'utf8');
  assert.match(svg, /^<svg[^>]*width="900" height="300"/);
  assert.equal(svg.match(/class="trace scatter/g)?.length, 2, 'both traces are drawn');
  assert.match(svg, /class="legendtext"[^>]*>DARTS</, 'the legend names the traces');
  assert.match(svg, /a &#60;test&#62; figure/, 'the title is escaped text');
  const pdf = readFileSync(first[3]!).toString('latin1');
  assert.ok(pdf.startsWith('%PDF-'), 'b.pdf is a PDF');
  assert.equal(pdf.match(/\/Type\s*\/Page\b/g)?.length, 1, 'one page');
  const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf);
  assert.ok(box, 'the page has a MediaBox');
  assert.ok(Math.abs(Number(box[1]) / Number(box[2]) - 900 / 300) < 0.02, `the page has the figure's proportions (${box[1]} x ${box[2]})`);
  assert.ok(!/\/Subtype\s*\/Image/.test(pdf), 'vector: no raster image inside');
  const fonts = pdf.match(/\/Type\s*\/FontDescriptor/g)?.length ?? 0;
  assert.ok(fonts > 0, 'the text is text, in fonts');
  assert.equal(pdf.match(/\/FontFile[23]?\b/g)?.length, fonts, 'every font is embedded');
  assert.deepEqual(await exportFigures(figuresDir()), [], 'nothing is redrawn when every SVG and PDF is newer than its spec');
  const later = new Date(Date.now() + 5000);
  utimesSync(join(figuresDir(), 'b.json'), later, later);
  assert.deepEqual((await exportFigures(figuresDir())).map((p) => p.split('/').pop()), ['b.svg', 'b.pdf']);
  const after = new Date(later.getTime() + 1000); // b's spec lies in the future: its new files must not look stale below
  for (const f of ['b.svg', 'b.pdf']) utimesSync(join(figuresDir(), f), after, after);
  rmSync(join(figuresDir(), 'a.pdf'));
  assert.deepEqual((await exportFigures(figuresDir())).map((p) => p.split('/').pop()), ['a.svg', 'a.pdf'], 'a missing PDF is drawn again');
}));

test('without a Chromium the export says what to install', () => inResults(async () => {
  writeFigure('a', FIG, 'first');
  process.env.SNAS_CHROMIUM = '/nonexistent/chromium';
  await assert.rejects(exportFigures(figuresDir()), /no Chromium at \/nonexistent\/chromium.*install Debian's chromium.*SNAS_CHROMIUM/);
}));
