// snas dataset: load or generate a config's data, or measure the procedural dataset's properties.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { selectBackend } from '../../backends/index.js';
import { loadConfig } from '../../config/load.js';
import { ConfigSchema } from '../../config/schema.js';
import { cacheDir } from '../../data/cache.js';
import { loadData } from '../../data/load.js';
import { measureDatasetProperties } from '../../train/properties.js';
import { environmentRecord } from '../../runs/environment.js';
import { writeAtomic } from '../../util/files.js';
import { projectRoot } from '../../util/root.js';
import { EXIT, UsageError } from '../usage.js';
import { help, parse, positiveInt, type Command } from '../command.js';

export const dataset: Command = {
  summary: 'generate the procedural dataset, or measure the properties it is designed to have',
  usage: `snas dataset [--config FILE.yaml] [--properties [--minutes M] [--single-op-steps N]] [--json]

Without --properties: generates (or reads from the cache) the data a config describes and
prints what was loaded and how long generation took.
--properties trains a linear classifier, a DARTS V2 network (5 cells, C 8) for M minutes
(default 5), and networks whose cells use a single op (max pool, sep conv, dil conv) for N
steps each (default 100), prints the test accuracies against the dataset's design targets
(linear <= 40%, network >= 80%, single ops >= 5 points apart), and writes
results/dataset-properties.json. About 20 minutes on 2 cores with the wasm backend.`,
  async run(args) {
    const { values } = parse('dataset', args, {
      config: { type: 'string' }, properties: { type: 'boolean' }, minutes: { type: 'string' }, json: { type: 'boolean' },
      'single-op-steps': { type: 'string' },
    });
    if (values.help) return help(this);
    const file = values.config as string | undefined;
    const config = file === undefined ? ConfigSchema.parse({}) : loadConfig(file);
    const minutes = values.minutes === undefined ? 5 : Number(values.minutes);
    if (!(minutes > 0)) throw new UsageError(`--minutes: expected a positive number, got '${String(values.minutes)}'`);
    const backend = await selectBackend({ requested: config.backend, requestedBy: `${file ?? 'defaults'}: backend`, log: (l) => console.error(l) });
    if (!values.properties) {
      const t0 = performance.now();
      const data = loadData(config.data, file ?? 'defaults', (l) => console.error(l));
      console.log(`${data.describe}; ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (cache: ${cacheDir()})`);
      return EXIT.ok;
    }
    const singleOpSteps = positiveInt(values['single-op-steps'], '--single-op-steps') ?? 100;
    const report = await measureDatasetProperties({ data: config.data, minutes, singleOpSteps, seed: config.seed, log: (l) => console.error(l) });
    const out = join(projectRoot(), 'results', 'dataset-properties.json');
    writeAtomic(out, `${JSON.stringify({ ...report, environment: environmentRecord(backend, { seed: config.seed }) }, null, 2)}\n`);
    if (values.json) console.log(JSON.stringify(report));
    else {
      const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
      console.log(`generation of 10,000 images: ${report.generation_10k_s.toFixed(1)} s`);
      for (const r of [report.linear, report.network, ...report.single_op]) {
        console.log(`${r.model.padEnd(34)} ${pct(r.test_acc).padStart(6)}  (${r.steps} steps, ${r.seconds.toFixed(0)} s, ${r.params.toLocaleString('en-US')} params)`);
      }
      console.log(`checks: ${Object.entries(report.checks).map(([k, v]) => `${k} ${v ? 'yes' : 'NO'}`).join(', ')}`);
      console.log(`written: ${out}`);
    }
    return EXIT.ok;
  },
};
