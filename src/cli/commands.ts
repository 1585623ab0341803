// The snas subcommands: each parses its own flags (node's util.parseArgs, strict) and returns an exit code.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { selectBackend } from '../backends/index.js';
import { loadConfig } from '../config/load.js';
import { ConfigSchema } from '../config/schema.js';
import { cacheDir } from '../data/cache.js';
import { loadData } from '../data/load.js';
import { measureDatasetProperties } from '../data/properties.js';
import { writeAtomic } from '../util/files.js';
import { countNetwork } from '../cost/index.js';
import { DerivedNetwork, NETWORK_DEFAULTS } from '../networks/derived.js';
import { resolveGenotype } from '../space/registry.js';
import { publishIndex } from '../notebooks/publish.js';
import { runNotebooks } from '../notebooks/run.js';
import { environmentRecord } from '../report/environment.js';
import { DEFAULT_SCALE, parseScale, SCALE_ENV, SCALES, scaleFromEnv, type Scale } from '../scale.js';
import { projectRoot } from '../util/root.js';
import { EXIT, UsageError } from './usage.js';

export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

type Spec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];
type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parse(command: string, args: string[], options: Spec, positionals = false): Parsed {
  try {
    const config = { args, options: { ...options, help: { type: 'boolean' as const, short: 'h' } }, allowPositionals: positionals, strict: true };
    return parseArgs(config) as unknown as Parsed;
  } catch (err) {
    throw new UsageError(`snas ${command}: ${(err as Error).message}`);
  }
}

function scaleOption(value: unknown): Scale {
  return typeof value === 'string' ? parseScale(value, '--scale') : scaleFromEnv();
}

const SCALE_HELP = `  --scale S      ${SCALES.join(' | ')} (default: $${SCALE_ENV} or ${DEFAULT_SCALE})`;

const notebooks: Command = {
  summary: 'execute notebooks headless and render them to HTML',
  usage: `snas notebooks [NAME...] [--scale S] [--out DIR] [--cell-timeout SECONDS]

Executes notebooks/NN-*.ipynb (all, or those named: '00' or '00-environment') on the
snas-lab tslab kernel from the project root, writing NAME.ipynb and NAME.html to DIR
(default results/notebooks). A failing cell prints the notebook, the cell and the real
error, and the exit code is 1.
${SCALE_HELP}`,
  async run(args) {
    const { values, positionals } = parse('notebooks', args, {
      scale: { type: 'string' }, out: { type: 'string' }, 'cell-timeout': { type: 'string' },
    }, true);
    if (values.help) return help(this);
    const timeout = values['cell-timeout'] === undefined ? undefined : Number(values['cell-timeout']);
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`snas notebooks: --cell-timeout must be a positive number of seconds`);
    const results = await runNotebooks({
      scale: scaleOption(values.scale),
      outDir: resolve(String(values.out ?? join(projectRoot(), 'results', 'notebooks'))),
      only: positionals, cellTimeout: timeout,
    });
    const failed = results.filter((r) => !r.ok).map((r) => r.name);
    if (failed.length) console.error(`snas notebooks: ${failed.length} of ${results.length} failed: ${failed.join(', ')}`);
    return failed.length ? EXIT.failure : EXIT.ok;
  },
};

const reproduce: Command = {
  summary: 'run every notebook at a scale and publish results/',
  usage: `snas reproduce [--scale S] [--out DIR]

Executes every notebook and publishes DIR (default results/): notebooks/ with the executed
.ipynb and .html files, environment.json, run.json and index.html.
${SCALE_HELP}`,
  async run(args) {
    const { values } = parse('reproduce', args, { scale: { type: 'string' }, out: { type: 'string' } });
    if (values.help) return help(this);
    const scale = scaleOption(values.scale);
    const out = resolve(String(values.out ?? join(projectRoot(), 'results')));
    const started = new Date();
    const backend = await selectBackend();
    const results = await runNotebooks({ scale, outDir: join(out, 'notebooks') });
    const seconds = (Date.now() - started.getTime()) / 1000;
    publishIndex(out, { scale, started: started.toISOString(), seconds, notebooks: results, environment: environmentRecord(backend, { scale }) });
    const failed = results.filter((r) => !r.ok);
    console.log(`snas reproduce: ${results.length - failed.length} of ${results.length} notebooks ok in ${seconds.toFixed(0)} s; ${join(out, 'index.html')}`);
    return failed.length ? EXIT.failure : EXIT.ok;
  },
};

const env: Command = {
  summary: 'show the compute backend chosen and the environment a result records',
  usage: `snas env [--config FILE.yaml] [--backend NAME]

Picks the backend as every run does (SNAS_BACKEND, then --backend or the config's backend
key, then the fastest that works) and prints the environment record that results carry.`,
  async run(args) {
    const { values } = parse('env', args, { backend: { type: 'string' }, config: { type: 'string' } });
    if (values.help) return help(this);
    const file = values.config as string | undefined;
    const config = file === undefined ? undefined : loadConfig(file);
    const backend = values.backend !== undefined
      ? await selectBackend({ requested: values.backend as string, requestedBy: '--backend' })
      : await selectBackend({ requested: config?.backend, requestedBy: `${file}: backend` });
    console.log(JSON.stringify(environmentRecord(backend, config ? { seed: config.seed } : {}), null, 2));
    return EXIT.ok;
  },
};

function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got '${String(value)}'`);
  return n;
}

const count: Command = {
  summary: 'count parameters and multiply-adds of a genotype on an evaluation network',
  usage: `snas count --genotype NAME|FILE [--network cifar10|imagenet] [--channels C] [--layers L]
           [--input-size S] [--bare-pools] [--json]

Builds the evaluation network and counts, for one image: parameters without the auxiliary
head (the paper's convention) and with it, multiply-adds of convolutions and linear layers
(the paper's convention) and all operations (adding BN, ReLU, pooling and additions).
NAME is a published genotype (SNAS_mild, SNAS_moderate, SNAS_aggressive, DARTS_V1, DARTS_V2) or FILE a genotype as JSON/YAML.
Defaults: cifar10 C 36, 20 cells, 32x32; imagenet C 48, 14 cells, 224x224.
--bare-pools counts DARTS' flavour (no BN after pools) instead of SNAS'.
--json prints one object: params, params_with_aux, mult_adds, ops_all and the settings.`,
  async run(args) {
    const { values } = parse('count', args, {
      genotype: { type: 'string' }, network: { type: 'string' }, channels: { type: 'string' }, layers: { type: 'string' },
      'input-size': { type: 'string' }, 'bare-pools': { type: 'boolean' }, json: { type: 'boolean' },
    });
    if (values.help) return help(this);
    if (values.genotype === undefined) throw new UsageError('snas count: --genotype is required');
    const kind = (values.network ?? 'cifar10') as string;
    if (kind !== 'cifar10' && kind !== 'imagenet') throw new UsageError(`--network: expected cifar10 or imagenet, got '${kind}'`);
    let genotype;
    try {
      genotype = resolveGenotype(String(values.genotype));
    } catch (err) {
      throw new UsageError(`--genotype: ${(err as Error).message}`);
    }
    const d = NETWORK_DEFAULTS[kind];
    const shape = {
      channels: positiveInt(values.channels, '--channels') ?? d.channels,
      layers: positiveInt(values.layers, '--layers') ?? d.layers,
      inputSize: positiveInt(values['input-size'], '--input-size') ?? d.inputSize,
    };
    await selectBackend({ log: (l) => console.error(l) });
    let net: DerivedNetwork;
    try {
      net = new DerivedNetwork({ kind, genotype, ...shape, classes: d.classes, auxiliary: true, poolBN: !values['bare-pools'] });
    } catch (err) {
      throw new UsageError(`snas count: ${(err as Error).message}`);
    }
    const cost = countNetwork(net);
    net.dispose();
    const result = { ...cost, genotype: genotype.name, network: kind, channels: shape.channels, layers: shape.layers, input_size: shape.inputSize, pool_bn: !values['bare-pools'] };
    if (values.json) {
      console.log(JSON.stringify(result));
    } else {
      const n = (v: number) => v.toLocaleString('en-US').padStart(14);
      console.log(`${genotype.name} on ${kind}: C ${shape.channels}, ${shape.layers} cells, ${shape.inputSize}x${shape.inputSize}, ${values['bare-pools'] ? 'bare pools' : 'BN after pools'}`);
      console.log(`  parameters, without auxiliary head ${n(cost.params)}`);
      console.log(`  parameters, with auxiliary head    ${n(cost.params_with_aux)}`);
      console.log(`  multiply-adds per image            ${n(cost.mult_adds)}  (convolutions and linear layers)`);
      console.log(`  operations per image, all          ${n(cost.ops_all)}  (adding BN, ReLU, pooling, additions)`);
    }
    return EXIT.ok;
  },
};

const dataset: Command = {
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
    await selectBackend({ requested: config.backend, requestedBy: `${file ?? 'defaults'}: backend`, log: (l) => console.error(l) });
    if (!values.properties) {
      const t0 = performance.now();
      const data = loadData(config.data, file ?? 'defaults', (l) => console.error(l));
      console.log(`${data.describe}; ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (cache: ${cacheDir()})`);
      return EXIT.ok;
    }
    const singleOpSteps = positiveInt(values['single-op-steps'], '--single-op-steps') ?? 100;
    const report = await measureDatasetProperties({ data: config.data, minutes, singleOpSteps, seed: config.seed, log: (l) => console.error(l) });
    const out = join(projectRoot(), 'results', 'dataset-properties.json');
    writeAtomic(out, `${JSON.stringify({ ...report, environment: environmentRecord((await selectBackend({ log: () => {} })), { seed: config.seed }) }, null, 2)}\n`);
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

/** Subcommands that later work fills in: they exist so that the CLI's shape is fixed, and say so. */
function planned(name: string, summary: string, usage: string): Command {
  return {
    summary: `${summary} (not available yet)`,
    usage: `${usage}\n\nNot available in this version of snas-lab yet.`,
    async run(args) {
      if (args.includes('--help') || args.includes('-h')) return help(this);
      console.error(`snas ${name}: not available in this version of snas-lab yet`);
      return EXIT.failure;
    },
  };
}

export const COMMANDS: Record<string, Command> = {
  count,
  search: planned('search', 'run an architecture search from a config', 'snas search CONFIG.yaml [--seed N] [--out DIR] [--resume] [--scale S]'),
  train: planned('train', 'train a derived network from scratch', 'snas train CONFIG.yaml [--seed N] [--out DIR] [--resume]'),
  bench: planned('bench', 'time one search step on every backend beside the PyTorch peer', 'snas bench [--what edge|network] [--json]'),
  sweep: planned('sweep', 'run a grid of searches (e.g. the temperature ablation)', 'snas sweep CONFIG.yaml [--workers N]'),
  dataset,
  reproduce,
  notebooks,
  env,
};

export function help(cmd: Command): number {
  console.log(cmd.usage);
  return EXIT.ok;
}
