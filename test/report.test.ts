// Notebook display helpers: HTML tables (from records and danfo DataFrames) and plotly figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figureHtml, formatCell, PLOTLY_MARKER, tableHtml, tableRows, tableText } from '../src/report/index.js';

test('tableHtml escapes text and keeps column order', () => {
  const html = tableHtml([{ op: '<sep_conv>', params: 1234567 }, { op: 'a & b', extra: 0.123456 }], { caption: 'T & C' });
  assert.match(html, /<caption>T &amp; C<\/caption>/);
  assert.match(html, /<th>op<\/th><th>params<\/th><th>extra<\/th>/);
  assert.match(html, /<td>&lt;sep_conv&gt;<\/td><td class="num">1,234,567<\/td><td><\/td>/);
  assert.ok(!html.includes('<sep_conv>'));
});

test('numbers are formatted to significant digits, integers with separators', () => {
  assert.equal(formatCell(88.54), '88.54');
  assert.equal(formatCell(0.0012345678), '0.001235');
  assert.equal(formatCell(2.0), '2');
  assert.equal(formatCell(3312418), '3,312,418');
  assert.equal(formatCell(null), '');
  assert.equal(formatCell(Number.NaN), 'NaN');
});

test('a danfo DataFrame renders as a table', async () => {
  const dfd = await import('danfojs-node');
  const df = new dfd.DataFrame({ method: ['SNAS', 'DARTS'], acc: [88.54, 87.67] });
  const { columns, rows } = tableRows(df);
  assert.deepEqual(columns, ['method', 'acc']);
  assert.deepEqual(rows, [['SNAS', 88.54], ['DARTS', 87.67]]);
  assert.match(tableText(df), /SNAS\s+88\.54/);
});

test('figureHtml carries the data, the marker for plotly inlining and no raw </script>', () => {
  const html = figureHtml({ data: [{ type: 'scatter', x: [1, 2], y: [3, 4], name: '</script><b>' }], layout: { title: { text: 't' } } }, 'fig-x');
  assert.ok(html.includes(`id="fig-x" ${PLOTLY_MARKER}="1"`));
  assert.ok(html.includes('"x":[1,2]'));
  assert.equal(html.split('</script>').length, 2, 'only the closing tag of the figure script itself');
});

test('figure ids are unique within a process', () => {
  const a = figureHtml({ data: [] });
  const b = figureHtml({ data: [] });
  assert.notEqual(a.match(/id="([^"]+)"/)![1], b.match(/id="([^"]+)"/)![1]);
});

test('the results index shows every table under results/tables inline, with its caption and links', async () => {
  const { mkdtempSync, rmSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { publishIndex } = await import('../src/notebooks/publish.js');
  const { writeTable } = await import('../src/report/write-table.js');
  const { environmentRecord } = await import('../src/runs/environment.js');
  const { selectBackend } = await import('../src/backends/index.js');
  const backend = await selectBackend();
  const dir = mkdtempSync(join(tmpdir(), 'snas-index-'));
  const saved = process.env.SNAS_RESULTS;
  process.env.SNAS_RESULTS = dir;
  try {
    writeTable('table9', [{ method: 'SNAS', source: 'measured', search_val_acc: 42.5 }], 'Table 9: a caption');
    publishIndex(dir, { scale: 'smoke', started: 'now', seconds: 1, notebooks: [], environment: environmentRecord(backend) });
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    assert.match(html, /<h2>Tables<\/h2>/);
    assert.match(html, /href="tables\/table9\.csv"/);
    assert.match(html, /Table 9: a caption/);
    assert.match(html, /42\.5/);
  } finally {
    if (saved === undefined) delete process.env.SNAS_RESULTS;
    else process.env.SNAS_RESULTS = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
