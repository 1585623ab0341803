// snas train: a derived network trained from scratch, from a config, into a run directory.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { selectBackend } from '../../backends/index.js';
import { environmentRecord } from '../../runs/environment.js';
import { readTrainConfig } from '../../config/read.js';
import { RunDiverged } from '../../runs/lifecycle.js';
import { planText } from '../../runs/plan.js';
import { RunProgress } from '../../runs/progress.js';
import { planTraining } from '../../train/plan.js';
import { runTraining, trainEpochLine, type TrainResult } from '../../train/run.js';
import { trainRunDir } from '../../train/requests.js';
import { FILES } from '../../runs/dir.js';
import { EXIT, UsageError } from '../usage.js';
import { help, parse, type Command } from '../command.js';
import { applySeed, RUN_HELP, RUN_OPTIONS, runFlags, scaleFlag } from '../run-options.js';
import { projectPath } from '../../util/root.js';

export const train: Command = {
  summary: 'train a derived network from scratch',
  usage: `snas train CONFIG.yaml [--genotype NAME|FILE] [--seed N] [--out DIR] [--resume] [--force] [--scale S] [--dry-run]

Trains the CIFAR evaluation network of a genotype (configs/train/*.yaml: train.genotype is a
published name such as SNAS_mild or DARTS_V2, or a search run's genotype.json) into a run
directory (default results/runs/train/NAME-GENOTYPE-SCALE-seedN): config.yaml, environment.json,
run.json, genotype.json, metrics.csv (per epoch: learning rate, drop-path, train and test loss
and accuracy), timing.csv, checkpoint.bin (atomically, every epoch; the one before kept as
checkpoint.prev.bin), and at the end result.json (test
error, parameters with and without the auxiliary head, multiply-adds, parameters at the
paper's size).
  --genotype     the genotype to train instead of the config's
  --dry-run      validate, print the plan and an estimate of its cost from a few timed steps; write nothing
${RUN_HELP}`,
  async run(args) {
    const { values, positionals } = parse('train', args, { genotype: { type: 'string' }, ...RUN_OPTIONS, 'dry-run': { type: 'boolean' } }, true);
    if (values.help) return help(this);
    if (positionals.length !== 1) throw new UsageError('snas train: expected one CONFIG.yaml');
    const file = positionals[0]!;
    const { config, scale, name } = readTrainConfig(file, scaleFlag(values.scale));
    // A genotype file given on the command line is relative to where the command runs; the config records it as the project sees it.
    if (typeof values.genotype === 'string') config.train.genotype = /\.(json|ya?ml)$/i.test(values.genotype) ? projectPath(values.genotype) : values.genotype;
    applySeed(config, values.seed);
    const out = resolve(typeof values.out === 'string' ? values.out : trainRunDir(name, config.train.genotype, scale, config.seed));
    const backend = await selectBackend({ requested: config.backend, requestedBy: `${file}: backend`, log: (l) => console.error(l) });
    if (values['dry-run']) {
      console.log(planText(await planTraining(config), backend.name));
      return EXIT.ok;
    }
    const flags = runFlags(values, out, config);
    if (!flags) {
      console.log(`snas train: ${out} holds this run, finished; nothing to do`);
      return EXIT.ok;
    }
    const progress = new RunProgress();
    try {
      const summary = await runTraining({
        config, configFile: file, out, ...flags, name: typeof values.name === 'string' ? values.name : name,
        environment: () => ({ ...environmentRecord(backend, { scale, seed: config.seed }), config_file: projectPath(file) }),
        command: ['snas', 'train', ...args].join(' '),
        log: (l) => console.error(l),
        onStep: (i) => progress.step(i),
        onEpoch: (r, t) => progress.line(trainEpochLine(r, t)),
      });
      console.log(`snas train: ${out}`);
      const result = summary.finished ? JSON.parse(readFileSync(join(out, FILES.result), 'utf8')) as TrainResult : undefined;
      if (result) console.log(`  ${result.genotype}: test error ${result.test_error.toFixed(2)}%, ${(result.params / 1e6).toFixed(3)}M params (${(result.params_paper_size / 1e6).toFixed(2)}M at C 36, 20 cells), ${(result.mult_adds / 1e6).toFixed(1)}M multiply-adds, ${result.seconds.toFixed(0)} s`);
      return EXIT.ok;
    } catch (err) {
      if (err instanceof RunDiverged) {
        console.error(`snas train: ${err.message}`);
        return EXIT.failure;
      }
      throw err;
    }
  },
};
