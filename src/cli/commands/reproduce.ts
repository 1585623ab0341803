// snas reproduce: every notebook at a scale, published as results/.
import { join, resolve } from 'node:path';
import { selectBackend } from '../../backends/index.js';
import { publishIndex } from '../../notebooks/publish.js';
import { runNotebooks, staticFigures } from '../../notebooks/run.js';
import { environmentRecord } from '../../runs/environment.js';
import { projectRoot } from '../../util/root.js';
import { EXIT } from '../usage.js';
import { SCALE_HELP, help, parse, scaleOption, type Command } from '../command.js';

export const reproduce: Command = {
  summary: 'run every notebook at a scale and publish results/',
  usage: `snas reproduce [--scale S] [--out DIR]

Executes every notebook and publishes DIR (default results/): notebooks/ with the executed
.ipynb and .html files, tables/ (CSV and Markdown), figures/ (interactive HTML, and SVG
drawn by headless Chromium), environment.json, run.json and index.html, which links them all
and opens offline. Runs that finished with the same config are reused, not recomputed.
${SCALE_HELP}`,
  async run(args) {
    const { values } = parse('reproduce', args, { scale: { type: 'string' }, out: { type: 'string' } });
    if (values.help) return help(this);
    const scale = scaleOption(values.scale);
    const out = resolve(String(values.out ?? join(projectRoot(), 'results')));
    const started = new Date();
    const backend = await selectBackend();
    const results = await runNotebooks({ scale, outDir: join(out, 'notebooks') });
    const figures = await staticFigures(join(out, 'figures'));
    const seconds = (Date.now() - started.getTime()) / 1000;
    publishIndex(out, { scale, started: started.toISOString(), seconds, notebooks: results, environment: environmentRecord(backend, { scale }) });
    const failed = results.filter((r) => !r.ok);
    console.log(`snas reproduce: ${results.length - failed.length} of ${results.length} notebooks ok in ${seconds.toFixed(0)} s; ${join(out, 'index.html')}`);
    return failed.length || !figures ? EXIT.failure : EXIT.ok;
  },
};
