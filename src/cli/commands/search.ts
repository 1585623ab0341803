// snas search: an architecture search from a config, into a run directory.
import { resolve } from 'node:path';
import { selectBackend } from '../../backends/index.js';
import { environmentRecord } from '../../runs/environment.js';
import { readSearchConfig } from '../../config/read.js';
import { RunDiverged } from '../../runs/lifecycle.js';
import { planText } from '../../runs/plan.js';
import { RunProgress } from '../../runs/progress.js';
import { planSearch } from '../../search/plan.js';
import { searchRunDir } from '../../search/requests.js';
import { runSearch, searchEpochLine } from '../../search/run.js';
import { EXIT, UsageError } from '../usage.js';
import { help, parse, type Command } from '../command.js';
import { applySeed, RUN_HELP, RUN_OPTIONS, runFlags, scaleFlag } from '../run-options.js';
import { projectPath } from '../../util/root.js';

export const search: Command = {
  summary: 'run an architecture search from a config',
  usage: `snas search CONFIG.yaml [--seed N] [--out DIR] [--resume] [--force] [--scale S] [--dry-run]

Runs the search a config describes (configs/search/*.yaml; search.method: snas, darts, nasp,
enas, gdas, unas, darts-prime or random-ws) into a run directory (default
results/runs/search/NAME-SCALE-seedN): config.yaml (the config as run, at its scale),
environment.json, run.json (status), metrics.csv (per epoch: train loss and accuracy, search
validation accuracy under freshly sampled Z, child accuracy without finetuning, entropies,
temperature, cost, derived cells), timing.csv, alphas.json, alpha_history.jsonl,
genotype.json, and checkpoint.bin (written atomically every epoch; the one before kept as
checkpoint.prev.bin, the fallback when the latest is damaged).
  --dry-run      validate, print the plan and an estimate of its cost from a few timed steps; write nothing
${RUN_HELP}`,
  async run(args) {
    const { values, positionals } = parse('search', args, { ...RUN_OPTIONS, 'dry-run': { type: 'boolean' } }, true);
    if (values.help) return help(this);
    if (positionals.length !== 1) throw new UsageError('snas search: expected one CONFIG.yaml');
    const file = positionals[0]!;
    const { config, scale, name } = readSearchConfig(file, scaleFlag(values.scale));
    applySeed(config, values.seed);
    const out = resolve(typeof values.out === 'string' ? values.out : searchRunDir(name, scale, config.seed));
    const backend = await selectBackend({ requested: config.backend, requestedBy: `${file}: backend`, log: (l) => console.error(l) });
    if (values['dry-run']) {
      console.log(planText(await planSearch(config), backend.name));
      return EXIT.ok;
    }
    const flags = runFlags(values, out, config);
    if (!flags) {
      console.log(`snas search: ${out} holds this run, finished; nothing to do`);
      return EXIT.ok;
    }
    const progress = new RunProgress();
    try {
      const summary = await runSearch({
        config, configFile: file, out, ...flags, name: typeof values.name === 'string' ? values.name : name,
        environment: () => ({ ...environmentRecord(backend, { scale, seed: config.seed }), config_file: projectPath(file) }),
        command: ['snas', 'search', ...args].join(' '),
        log: (l) => console.error(l),
        onStep: (i) => progress.step(i),
        onEpoch: (r, t) => progress.line(searchEpochLine(r, t)),
      });
      const last = summary.records[summary.records.length - 1];
      console.log(`snas search: ${summary.records.length} epochs done; ${out}`);
      if (last) console.log(`  search val ${(100 * Number(last.search_val_acc)).toFixed(2)}%, child val ${(100 * Number(last.child_val_acc)).toFixed(2)}%, entropy ${Number(last.entropy_normal).toFixed(2)} / ${Number(last.entropy_reduce).toFixed(2)}`);
      return EXIT.ok;
    } catch (err) {
      if (err instanceof RunDiverged) {
        console.error(`snas search: ${err.message}`);
        return EXIT.failure;
      }
      throw err;
    }
  },
};
