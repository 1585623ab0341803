// snas notebooks: execute notebooks headless and render them.
import { dirname, join, resolve } from 'node:path';
import { selectBackend } from '../../backends/index.js';
import { recordNotebooks } from '../../publish/index-page.js';
import { environmentRecord } from '../../runs/environment.js';
import { parsePairs, readParametersFile } from '../../notebooks/parameters.js';
import { runNotebooks, staticFigures, type GivenParameters } from '../../notebooks/run.js';
import { projectRoot } from '../../util/root.js';
import { EXIT, UsageError } from '../usage.js';
import { SCALE_HELP, help, parse, scaleOption, type Command } from '../command.js';

export const notebooks: Command = {
  summary: 'execute notebooks headless and render them to HTML',
  usage: `snas notebooks [NAME...] [--scale S] [--out DIR] [--cell-timeout SECONDS] [-p KEY=VALUE ...] [-f FILE]

Executes notebooks/NN-*.ipynb (all, or those named: '00' or '00-environment') on the
snas-lab tslab kernel from the project root, writing NAME.ipynb and NAME.html to DIR
(default results/notebooks), and the SVGs of the figures they saved (DIR/../figures). A
failing cell prints the notebook, the cell and the real error, and the exit code is 1.
--cell-timeout: seconds a cell may run (default by scale: smoke 30 min, quick 4 h, paper none).
-p KEY=VALUE     set a parameter of the notebook's parameters cell (its first code cell, tagged
                 'parameters'); VALUE is read as YAML: 0.5, [0, 1, 2], quick, 'a b'. Repeatable.
-f FILE          parameters from a YAML mapping (-p wins over it)
                 The values are checked against each named notebook's declarations (name and type)
                 before anything runs, injected as a cell after its parameters cell, and recorded in
                 the executed notebook, results/run.json and index.html. Example:
                 snas notebooks 08 -p sweep=my-schedules.yaml -p seeds=[0,1,2]
${SCALE_HELP}`,
  async run(args) {
    const { values, positionals } = parse('notebooks', args, {
      scale: { type: 'string' }, out: { type: 'string' }, 'cell-timeout': { type: 'string' },
      parameter: { type: 'string', short: 'p', multiple: true }, file: { type: 'string', short: 'f' },
    }, true);
    if (values.help) return help(this);
    const timeout = values['cell-timeout'] === undefined ? undefined : Number(values['cell-timeout']);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`snas notebooks: --cell-timeout must be a positive number of seconds`);
    const outDir = resolve(String(values.out ?? join(projectRoot(), 'results', 'notebooks')));
    const parameters = givenParameters(values.parameter as unknown as string[] | undefined, values.file as string | undefined);
    if (parameters && positionals.length === 0) throw new UsageError('snas notebooks: -p and -f need the notebooks they are for (e.g. snas notebooks 08 -p seeds=[0,1,2])');
    const scale = scaleOption(values.scale);
    const results = await runNotebooks({ scale, outDir, only: positionals, cellTimeout: timeout, parameters });
    const figures = await staticFigures(join(dirname(outDir), 'figures'));
    // The results folder's run.json and index.html name these runs, with their parameters.
    const backend = await selectBackend();
    recordNotebooks(dirname(outDir), scale, results, () => environmentRecord(backend, { scale }));
    const failed = results.filter((r) => !r.ok).map((r) => r.name);
    if (failed.length) console.error(`snas notebooks: ${failed.length} of ${results.length} failed: ${failed.join(', ')}`);
    return failed.length || !figures ? EXIT.failure : EXIT.ok;
  },
};

/** -f's mapping with -p's pairs over it; undefined when neither is given. */
function givenParameters(pairs: string[] | undefined, file: string | undefined): GivenParameters | undefined {
  if (!pairs?.length && file === undefined) return undefined;
  const fromFile = file === undefined ? {} : readParametersFile(resolve(file));
  const fromPairs = parsePairs(pairs ?? []);
  const sources = [file === undefined ? '' : `-f ${file}`, pairs?.length ? '-p' : ''].filter(Boolean).join(' and ');
  return { values: { ...fromFile, ...fromPairs.values }, raw: fromPairs.raw, sources };
}
