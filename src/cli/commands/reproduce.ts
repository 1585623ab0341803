// snas reproduce: every notebook at a scale, published as results/.
import { join, resolve } from 'node:path';
import { selectBackend } from '../../backends/index.js';
import { publishIndex } from '../../publish/index-page.js';
import { buildSupplementary } from '../../publish/build.js';
import { reportLines } from '../../publish/check.js';
import { runNotebooks, staticFigures } from '../../notebooks/run.js';
import { environmentRecord } from '../../runs/environment.js';
import { projectRoot } from '../../util/root.js';
import { EXIT } from '../usage.js';
import { SCALE_HELP, help, parse, scaleOption, type Command } from '../command.js';
import { EXECUTOR_HELP, EXECUTOR_OPTIONS, executorFromFlags } from '../executor-options.js';
import { invocationEnv } from '../../config/invocation.js';
import { obtainReproductionRuns } from '../../reproduction/runs.js';

export const reproduce: Command = {
  summary: 'run every notebook at a scale and publish results/',
  usage: `snas reproduce [--scale S] [--out DIR] [--runs-only] [--executor local|slurm] [--workers N] [Slurm flags]

Executes every notebook and publishes DIR (default results/): notebooks/ with the executed
.ipynb and .html files, tables/ (CSV and Markdown), figures/ (interactive HTML, and SVG
and PDF drawn by headless Chromium), environment.json, run.json and index.html, which links
them all and opens offline; then the supplementary material, DIR/supplementary/ and
DIR/supplementary.zip (see snas publish). Runs that finished with the same config are reused, not recomputed; the
searches and trainings of notebooks 05, 06, 08 and 09 go to the executor.
  --runs-only    compute those runs (under DIR/runs) and stop: no notebook is executed and
                 nothing is published. A later snas reproduce with the same DIR and scale
                 reuses every one of them (a cluster computes, a login node renders).
${EXECUTOR_HELP}
${SCALE_HELP}`,
  async run(args) {
    const { values } = parse('reproduce', args, { scale: { type: 'string' }, out: { type: 'string' }, 'runs-only': { type: 'boolean' }, ...EXECUTOR_OPTIONS });
    if (values.help) return help(this);
    // The notebooks' run requests go to the executor the flags name (the invocation's settings).
    const chosen = executorFromFlags(values);
    Object.assign(process.env, invocationEnv(chosen.settings));
    const scale = scaleOption(values.scale);
    const out = resolve(String(values.out ?? join(projectRoot(), 'results')));
    const started = new Date();
    if (values['runs-only']) {
      Object.assign(process.env, invocationEnv({ scale, results: out }));
      const { searches, trainings } = await obtainReproductionRuns(scale, chosen.executor);
      const seconds = (Date.now() - started.getTime()) / 1000;
      console.log(`snas reproduce --runs-only: ${searches.length} searches and sweep runs, ${trainings.length} trainings finished in ${join(out, 'runs')} in ${seconds.toFixed(0)} s`);
      return EXIT.ok;
    }
    const backend = await selectBackend();
    const results = await runNotebooks({ scale, outDir: join(out, 'notebooks') });
    const figures = await staticFigures(join(out, 'figures'));
    const seconds = (Date.now() - started.getTime()) / 1000;
    publishIndex(out, { scale, started: started.toISOString(), seconds, notebooks: results, environment: environmentRecord(backend, { scale }) });
    let archived = false;
    if (figures) {
      const built = await buildSupplementary(out, { log: (l) => console.log(l) });
      for (const line of reportLines(built.zipReport)) console.log(line);
      archived = built.zipReport.problems.length === 0 && built.folderReport.problems.length === 0;
      if (!archived) for (const line of reportLines(built.folderReport)) console.log(line);
    }
    const failed = results.filter((r) => !r.ok);
    console.log(`snas reproduce: ${results.length - failed.length} of ${results.length} notebooks ok in ${seconds.toFixed(0)} s; ${join(out, 'index.html')}`);
    return failed.length || !figures || !archived ? EXIT.failure : EXIT.ok;
  },
};
