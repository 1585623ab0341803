// snas notebooks: execute notebooks headless and render them.
import { dirname, join, resolve } from 'node:path';
import { runNotebooks, staticFigures } from '../../notebooks/run.js';
import { projectRoot } from '../../util/root.js';
import { EXIT, UsageError } from '../usage.js';
import { SCALE_HELP, help, parse, scaleOption, type Command } from '../command.js';

export const notebooks: Command = {
  summary: 'execute notebooks headless and render them to HTML',
  usage: `snas notebooks [NAME...] [--scale S] [--out DIR] [--cell-timeout SECONDS]

Executes notebooks/NN-*.ipynb (all, or those named: '00' or '00-environment') on the
snas-lab tslab kernel from the project root, writing NAME.ipynb and NAME.html to DIR
(default results/notebooks), and the SVGs of the figures they saved (DIR/../figures). A
failing cell prints the notebook, the cell and the real error, and the exit code is 1.
--cell-timeout: seconds a cell may run (default by scale: smoke 30 min, quick 4 h, paper none).
${SCALE_HELP}`,
  async run(args) {
    const { values, positionals } = parse('notebooks', args, {
      scale: { type: 'string' }, out: { type: 'string' }, 'cell-timeout': { type: 'string' },
    }, true);
    if (values.help) return help(this);
    const timeout = values['cell-timeout'] === undefined ? undefined : Number(values['cell-timeout']);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`snas notebooks: --cell-timeout must be a positive number of seconds`);
    const outDir = resolve(String(values.out ?? join(projectRoot(), 'results', 'notebooks')));
    const results = await runNotebooks({ scale: scaleOption(values.scale), outDir, only: positionals, cellTimeout: timeout });
    const figures = await staticFigures(join(dirname(outDir), 'figures'));
    const failed = results.filter((r) => !r.ok).map((r) => r.name);
    if (failed.length) console.error(`snas notebooks: ${failed.length} of ${results.length} failed: ${failed.join(', ')}`);
    return failed.length || !figures ? EXIT.failure : EXIT.ok;
  },
};
