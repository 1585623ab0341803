// snas train: a derived network trained from scratch, from a config, into a run directory.
import { resolve } from 'node:path';
import { selectBackend } from '../../backends/index.js';
import { environmentRecord } from '../../report/environment.js';
import { planText, planTraining } from '../../search/plan.js';
import { SearchProgress } from '../../search/progress.js';
import { runTraining, TrainingDiverged } from '../../train/run.js';
import { trainRunDir } from '../../train/runs.js';
import { EXIT, UsageError } from '../usage.js';
import { help, parse, type Command } from '../command.js';
import { applySeed, readTrainConfig, RUN_HELP, RUN_OPTIONS } from '../search-config.js';

export const train: Command = {
  summary: 'train a derived network from scratch',
  usage: `snas train CONFIG.yaml [--genotype NAME|FILE] [--seed N] [--out DIR] [--resume] [--force] [--scale S] [--dry-run]

Trains the CIFAR evaluation network of a genotype (configs/train/*.yaml: train.genotype is a
published name such as SNAS_mild or DARTS_V2, or a search run's genotype.json) into a run
directory (default results/runs/train/NAME-GENOTYPE-SCALE-seedN): config.yaml, environment.json,
run.json, genotype.json, metrics.csv (per epoch: learning rate, drop-path, train and test loss
and accuracy), checkpoint.bin (atomically, every epoch), and at the end result.json (test
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
    const { config, scale, name } = readTrainConfig(file, values.scale);
    if (typeof values.genotype === 'string') config.train.genotype = values.genotype;
    applySeed(config, values.seed);
    const out = resolve(typeof values.out === 'string' ? values.out : trainRunDir(name, config.train.genotype, scale, config.seed));
    const backend = await selectBackend({ requested: config.backend, requestedBy: `${file}: backend`, log: (l) => console.error(l) });
    if (values['dry-run']) {
      console.log(planText(await planTraining(config), backend.name));
      return EXIT.ok;
    }
    const progress = new SearchProgress();
    try {
      const { result } = await runTraining({
        config, configFile: file, out, resume: Boolean(values.resume), force: Boolean(values.force),
        environment: () => ({ ...environmentRecord(backend, { scale, seed: config.seed }), config_file: file }),
        command: ['snas', 'train', ...args].join(' '),
        log: (l) => console.error(l),
        onStep: (i) => progress.step(i),
        onEpoch: (r, seconds) => progress.line(`epoch ${r.epoch}: train loss ${r.train_loss.toFixed(3)} acc ${(100 * r.train_acc).toFixed(1)}%, `
          + `test loss ${r.test_loss.toFixed(3)} acc ${(100 * r.test_acc).toFixed(1)}%, drop-path ${r.drop_path.toFixed(3)}, lr ${r.lr.toPrecision(3)}, ${seconds.toFixed(1)} s`),
      });
      console.log(`snas train: ${out}`);
      if (result) console.log(`  ${result.genotype}: test error ${result.test_error.toFixed(2)}%, ${(result.params / 1e6).toFixed(3)}M params (${(result.params_paper_size / 1e6).toFixed(2)}M at C 36, 20 cells), ${(result.mult_adds / 1e6).toFixed(1)}M multiply-adds, ${result.seconds.toFixed(0)} s`);
      return EXIT.ok;
    } catch (err) {
      if (err instanceof TrainingDiverged) {
        console.error(`snas train: ${err.message}`);
        return EXIT.failure;
      }
      throw err;
    }
  },
};
