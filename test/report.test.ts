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
  const { publishIndex } = await import('../src/publish/index-page.js');
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

test('op-steps: the steps times the share of op weights each trained, and where the reference stood after as many', async () => {
  const dfd = await import('danfojs-node');
  const { opBudgetRows } = await import('../src/report/op-budget.js');
  // A reference that trains every op (3 epochs of 10 steps, two seeds) and a method that trains a fifth of them per step.
  const rows: Record<string, (string | number)[]> = { run: [], config: [], seed: [], epoch: [], steps: [], ops_trained: [], train_acc: [], search_val_acc: [] };
  const add = (run: string, config: string, seed: number, epoch: number, share: number, acc: number) => {
    for (const [k, v] of Object.entries({ run, config, seed, epoch, steps: 10, ops_trained: share, train_acc: acc, search_val_acc: acc - 0.1 })) rows[k]!.push(v);
  };
  for (const seed of [0, 1]) for (const e of [1, 2, 3]) add(`ref-${seed}`, 'ref', seed, e, 1, 0.2 * e + 0.1 * seed);
  for (const e of [1, 2, 3]) add('child-0', 'child', 0, e, e === 3 ? 0.4 : 0.1, 0.3);
  const out = opBudgetRows(new dfd.DataFrame(rows), [{ config: 'ref', method: 'r' }, { config: 'child', method: 'c' }], 'ref');
  const [ref, child] = out;
  assert.deepEqual([ref!.steps, ref!.op_steps, ref!.share_per_step, ref!.seeds], [30, 30, 1, 2]);
  assert.ok(Math.abs(ref!.train_acc - 0.65) < 1e-12 && Math.abs(ref!.search_val_acc - 0.55) < 1e-12);
  // 10 x (0.1 + 0.1 + 0.4) = 6 op-steps: the reference had 10 after its first epoch, where its mean training accuracy was 0.25.
  assert.ok(Math.abs(child!.op_steps - 6) < 1e-12, `${child!.op_steps}`);
  assert.ok(Math.abs(child!.share_per_step - 0.2) < 1e-12);
  assert.equal(child!.reference_epoch, 1);
  assert.ok(Math.abs(child!.reference_train_acc_at_op_steps - 0.25) < 1e-12);
  assert.equal(ref!.reference_epoch, 3);
  assert.throws(() => opBudgetRows(new dfd.DataFrame(rows), [{ config: 'child', method: 'c' }], 'missing'), /reference search 'missing'/);
});

test("BN rules: the final epoch's accuracies under both rules, and the mean epoch-to-epoch change of the search accuracy", async () => {
  const dfd = await import('danfojs-node');
  const { bnRuleRows } = await import('../src/report/bn-rules.js');
  const cols = ['search_val_acc_batch_bn', 'child_val_acc_batch_bn', 'search_val_acc_running_bn', 'child_val_acc_running_bn'];
  const rows: Record<string, (string | number)[]> = { run: [], config: [], eval_bn: [], seed: [], epoch: [], search_val_acc: [], child_val_acc: [], ...Object.fromEntries(cols.map((c) => [c, []])) };
  const add = (run: string, seed: number, epoch: number, v: number[]) => {
    const reported = { search_val_acc: v[0]!, child_val_acc: v[1]! };
    for (const [k, x] of Object.entries({ run, config: 'a', eval_bn: 'batch', seed, epoch, ...reported, ...Object.fromEntries(cols.map((c, i) => [c, v[i]!])) })) rows[k]!.push(x);
  };
  // Seed 0: batch rule 0.5 -> 0.6 -> 0.7 (change 0.1 a step), running 0.5 -> 0.2 -> 0.6 (0.35); seed 1 (epochs out of order): both steady.
  add('a-0', 0, 1, [0.5, 0.4, 0.5, 0.3]);
  add('a-0', 0, 2, [0.6, 0.5, 0.2, 0.1]);
  add('a-1', 1, 3, [0.8, 0.8, 0.4, 0.1]);
  add('a-0', 0, 3, [0.7, 0.6, 0.6, 0.2]);
  add('a-1', 1, 1, [0.8, 0.8, 0.4, 0.1]);
  add('a-1', 1, 2, [0.8, 0.8, 0.4, 0.1]);
  const [r] = bnRuleRows(new dfd.DataFrame(rows), [{ config: 'a', method: 'A' }]);
  const near = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) < 1e-9, `${what}: ${x} against ${y}`);
  assert.equal(r!.seeds, 2);
  assert.equal(r!.reported, 'batch');
  near(r!.search_batch_bn, 0.75, 'final search, batch BN');
  near(r!.search_running_bn, 0.5, 'final search, running BN');
  near(r!.child_batch_bn, 0.7, 'final child, batch BN');
  near(r!.child_running_bn, 0.15, 'final child, running BN');
  near(r!.search_epoch_change_batch_bn, 0.05, 'epoch change, batch BN');
  near(r!.search_epoch_change_running_bn, 0.175, 'epoch change, running BN');
  assert.throws(() => bnRuleRows(new dfd.DataFrame(rows), [{ config: 'b', method: 'B' }]), /no runs of 'b'/);
  rows.eval_bn![0] = 'running'; // one run's config names the other rule
  assert.equal(bnRuleRows(new dfd.DataFrame(rows), [{ config: 'a', method: 'A' }])[0]!.reported, 'mixed');
});
