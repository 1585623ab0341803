// `snas lab` as a reader uses it: the server started at smoke scale, notebook 02 opened through
// Jupyter Notebook's own page in headless Chromium, run with the UI's Run All, its figures, maths
// and sliders looked at, its parameters cell edited and rerun; the server's token and address
// checked; Ctrl-C leaving nothing behind. Screenshots go to results/smoke/lab-02.png (a
// figure, its slider moved) and lab-02-rerun.png (the table after the parameters changed).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { alive, defaultLabScale, descendants, freePort, hasNotebookServer, installKernelSpec } from '../src/notebooks/lab.js';
import { launchBrowser, openNotebook, pageState, runAll, settled } from './helpers/lab-browser.js';
import { ROOT } from './helpers/run.js';

const NOTEBOOK = join(ROOT, 'notebooks', '02-concrete-relaxation.ipynb');

/** The local addresses listening on a TCP port (from /proc/net/tcp and tcp6), as hex. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      const [addr, p] = cols[1]!.split(':');
      if (p === hexPort && cols[3] === '0A') out.push(addr!);
    }
  }
  return out;
}

function startLab(port: number): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(process.execPath, [join(ROOT, 'src', 'cli', 'snas.js'), 'lab', '02', '--scale', 'smoke', '--port', String(port)], {
    cwd: ROOT, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const url = new Promise<string>((done, fail) => {
    const look = (d: Buffer) => {
      text += d.toString();
      const m = /02-concrete-relaxation\.ipynb: (http:\/\/\S+)/.exec(text);
      if (m) done(m[1]!);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
    child.once('exit', (code) => fail(new Error(`snas lab exited (${code}) before printing the notebook's URL:\n${text}`)));
    setTimeout(() => fail(new Error(`snas lab printed no URL within 120 s:\n${text}`)), 120_000);
  });
  return { child, output: () => text, url };
}

test('snas lab: notebook 02 runs, draws, moves and reruns in Jupyter Notebook in Chromium; token, 127.0.0.1 and Ctrl-C hold', { timeout: 600_000 }, async (t) => {
  if (!hasNotebookServer()) {
    assert.ok(!process.env.CI, 'CI installs jupyter-notebook (src/setup/ensure.sh --tests): it is missing');
    t.skip('no Jupyter Notebook server (src/setup/ensure.sh --lab installs it)');
    return;
  }
  const committed = readFileSync(NOTEBOOK, 'utf8');
  const port = await freePort(18888);
  const lab = startLab(port);
  const started = Date.now();
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    const notebookUrl = await lab.url;
    const base = `http://127.0.0.1:${port}/`;
    const token = new URL(notebookUrl).searchParams.get('token')!;
    t.diagnostic(`server answering after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // The server: 127.0.0.1 only, and nothing without the token.
    const addrs = listeners(port);
    assert.ok(addrs.length > 0, `something listens on ${port}`);
    assert.deepEqual([...new Set(addrs)], ['0100007F'], `listening on 127.0.0.1 only (hex addresses: ${addrs.join(', ')})`);
    assert.equal((await fetch(`${base}api/kernels`)).status, 403, 'the API refuses a request without the token');
    assert.equal((await fetch(`${base}api/contents/notebooks`)).status, 403, 'the contents refuse a request without the token');
    const tree = await fetch(`${base}tree`, { redirect: 'manual' });
    assert.ok(tree.status === 302 || tree.status === 403, `the tree without the token is not served (${tree.status})`);
    assert.equal((await fetch(`${base}api/kernels?token=${token}`)).status, 200, 'and answers with it');

    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const opened = Date.now();
    // The committed notebook must not change: openNotebook turns autosave off.
    await openNotebook(page, notebookUrl);
    // Run All, from the Cell menu, as a reader would.
    await runAll(page);
    const ranIn = (Date.now() - opened) / 1000;
    const state = await pageState(page);
    t.diagnostic(`notebook 02: ${state.cells} code cells run in ${ranIn.toFixed(1)} s from opening; ${state.plots} figures drawn of ${state.figureDivs}; ${state.sliders} sliders; ${state.maths} typeset formulas; ${state.errors} errors`);
    assert.equal(state.errors, 0, 'no error output');
    assert.ok(!/error/i.test(state.stderr), `no error on stderr: ${state.stderr}`);
    assert.ok(state.withOutput >= state.cells - 2, `the cells ran and showed output (${state.withOutput} of ${state.cells})`);
    assert.ok(state.figureDivs >= 3, `notebook 02 shows its figures (${state.figureDivs})`);
    assert.equal(state.plots, state.figureDivs, 'every figure is drawn by plotly');
    assert.equal(state.notLoaded, 0, 'no figure says plotly.js is missing');
    assert.ok(state.sliders >= 3, `the temperature sliders are drawn (${state.sliders})`);
    assert.ok(state.maths > 10, `MathJax typeset the markdown (${state.maths})`);
    assert.equal(state.rawTex, 0, 'no raw TeX is left in the markdown');

    // Moving a slider (a click on its rail, at its right end) changes the drawn data.
    const drawn = () => page.evaluate(() => {
      const gd = document.querySelectorAll('.js-plotly-plot')[0] as HTMLElement & { data: { y: number[] }[] };
      return { data: JSON.stringify(gd.data.map((tr) => tr.y)), paths: Array.from(gd.querySelectorAll('.trace path')).map((p) => p.getAttribute('d')).join('|') };
    });
    const before = await drawn();
    const rail = page.locator('.js-plotly-plot').first().locator('.slider-rail-rect').first();
    await rail.scrollIntoViewIfNeeded();
    const box = (await rail.boundingBox())!;
    await page.mouse.click(box.x + box.width - 3, box.y + box.height / 2);
    await page.waitForTimeout(800);
    const after = await drawn();
    assert.notEqual(after.data, before.data, 'the slider switched the figure to another temperature');
    assert.notEqual(after.paths, before.paths, 'and the bars were redrawn');
    const shots = join(ROOT, 'results', 'smoke');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'lab-02.png') });

    // A different log alpha in the parameters cell, rerun with every cell below it: the argmax table changes.
    const tableText = () => page.evaluate(() => Array.from(document.querySelectorAll('.output_html')).map((e) => (e as HTMLElement).innerText).find((s) => s.includes('Argmax frequencies')) ?? '');
    const table = await tableText();
    assert.match(table, /softmax\(log alpha\)/);
    await page.evaluate(() => {
      const nb = (window as unknown as { Jupyter: { notebook: { get_cells(): { cell_type: string; get_text(): string; set_text(s: string): void }[]; select(i: number): void; execute_cells_below(): void } } }).Jupyter.notebook;
      const cells = nb.get_cells();
      const i = cells.findIndex((c) => c.cell_type === 'code');
      const text = cells[i]!.get_text().replace(/const logAlpha = \[[^\]]*\]/, 'const logAlpha = [2, 0, 0, 0, 0, 0, 0, -2]');
      cells[i]!.set_text(text);
      nb.select(i);
      nb.execute_cells_below();
    });
    await settled(page);
    const changed = await tableText();
    assert.notEqual(changed, table, 'the table follows the new log alpha');
    assert.match(changed, /0\.546/, 'softmax([2, 0, ..., -2]) puts 0.546 on the first op');
    // The same kernel showed every figure a second time: each draws again.
    const rerun = await pageState(page);
    assert.equal(rerun.errors, 0, 'no error after the rerun');
    assert.equal(rerun.plots, rerun.figureDivs, `every figure shown again is drawn again (${rerun.plots} of ${rerun.figureDivs})`);
    assert.equal(rerun.notLoaded, 0);
    assert.ok(rerun.figureDivs >= 3);

    // The table after the rerun, on screen.
    await page.locator('.output_html', { hasText: 'Argmax frequencies' }).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'lab-02-rerun.png') });
    await browser.close();
    browser = undefined;

    // Ctrl-C: the server and its kernels end, nothing is left.
    const left = descendants(lab.child.pid!);
    assert.ok(left.length >= 2, `the server and a kernel ran under snas lab (${left.length} processes)`);
    const exited = new Promise<number | null>((done) => lab.child.once('exit', (code) => done(code)));
    lab.child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 0, `snas lab exits 0 on Ctrl-C:\n${lab.output()}`);
    assert.deepEqual(left.filter(alive), [], 'no server or kernel process is left');
    assert.deepEqual(listeners(port), [], 'the port is closed');
    assert.equal(readFileSync(NOTEBOOK, 'utf8'), committed, 'the committed notebook is unchanged');
  } finally {
    await browser?.close();
    if (lab.child.exitCode === null) {
      for (const p of descendants(lab.child.pid!)) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
      lab.child.kill('SIGKILL');
    }
  }
});

test('snas lab --install-kernel writes a spec that points at this checkout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-jupyter-'));
  const at = installKernelSpec(dir);
  const spec = JSON.parse(readFileSync(join(at, 'kernel.json'), 'utf8')) as { argv: string[]; language: string };
  assert.equal(at, join(dir, 'kernels', 'snas-tslab'));
  assert.equal(spec.argv[0], process.execPath);
  assert.equal(spec.argv[1], join(ROOT, 'src', 'notebooks', 'kernel.cjs'));
  assert.ok(existsSync(spec.argv[1]!));
  assert.equal(spec.argv[2], '{connection_file}');
});

test("the lab's default scale is the reproduction's in the results folder, else its finished searches', else smoke", async () => {
  const { mkdirSync: mk, writeFileSync: write } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'snas-results-'));
  assert.equal(defaultLabScale(dir).scale, 'smoke');
  mk(join(dir, 'runs', 'search', 'snas-mild-quick-seed0'), { recursive: true });
  write(join(dir, 'runs', 'search', 'snas-mild-quick-seed0', 'run.json'), JSON.stringify({ status: 'running' }));
  assert.equal(defaultLabScale(dir).scale, 'smoke', 'an unfinished search does not count');
  write(join(dir, 'runs', 'search', 'snas-mild-quick-seed0', 'run.json'), JSON.stringify({ status: 'finished' }));
  assert.equal(defaultLabScale(dir).scale, 'quick');
  write(join(dir, 'run.json'), JSON.stringify({ scale: 'paper' }));
  assert.equal(defaultLabScale(dir).scale, 'paper');
});
