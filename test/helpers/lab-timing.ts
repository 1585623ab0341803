// Times the lab as a reader meets it (not a test; it asserts nothing):
//   node --import tsx test/helpers/lab-timing.ts [--scale S] [--npm] NN [NN ...]
// starts the lab (`npm run lab` with --npm, else `snas lab`), prints the seconds until the server
// answers, then per notebook the seconds from opening it in Chromium to its last cell's output
// (Cell > Run All), with its figures, sliders and errors; then stops the lab with SIGINT.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../../src/notebooks/lab.js';
import { launchBrowser, openNotebook, pageState, runAll } from './lab-browser.js';
import { ROOT } from './run.js';

const { values, positionals } = parseArgs({ options: { scale: { type: 'string' }, npm: { type: 'boolean' } }, allowPositionals: true });
const port = await freePort(19888);
const flags = [...(values.scale ? ['--scale', values.scale] : []), '--port', String(port)];
const t0 = Date.now();
const child = values.npm
  ? spawn('npm', ['run', '-s', 'lab', '--', ...flags], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true })
  : spawn(process.execPath, [join(ROOT, 'src', 'cli', 'snas.js'), 'lab', ...flags], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
let out = '';
const url = await new Promise<string>((done, fail) => {
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    process.stdout.write(d);
    const m = /open: (http:\/\/\S+)/.exec(out);
    if (m) done(m[1]!);
  });
  child.once('exit', (code) => fail(new Error(`the lab exited (${code})`)));
});
const answered = (Date.now() - t0) / 1000;
console.log(`timing: ${values.npm ? 'npm run lab' : 'snas lab'} to the server answering: ${answered.toFixed(1)} s`);
const token = new URL(url).searchParams.get('token')!;
const browser = await launchBrowser();
try {
  for (const nn of positionals) {
    const list = await (await fetch(`http://127.0.0.1:${port}/api/contents/notebooks?token=${token}`)).json() as { content: { name: string; path: string }[] };
    const nb = list.content.find((c) => c.name.startsWith(`${nn}-`) && c.name.endsWith('.ipynb'));
    if (!nb) throw new Error(`no notebook ${nn}`);
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const opened = Date.now();
    await openNotebook(page, `http://127.0.0.1:${port}/notebooks/${nb.path}?token=${token}`, 600_000);
    const kernel = (Date.now() - opened) / 1000;
    await runAll(page, 4 * 3600_000);
    const seconds = (Date.now() - opened) / 1000;
    const s = await pageState(page);
    console.log(`timing: ${nb.name}: last output ${seconds.toFixed(1)} s after opening (kernel ready after ${kernel.toFixed(1)} s); ${s.cells} code cells, ${s.withOutput} with output, ${s.plots} of ${s.figureDivs} figures drawn, ${s.sliders} sliders, ${s.maths} typeset formulas, ${s.errors} errors`);
    await page.close();
  }
} finally {
  await browser.close();
  process.kill(-child.pid!, 'SIGINT');
}
