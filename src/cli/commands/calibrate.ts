// snas calibrate: the lambda ladder behind SNAS' mild, moderate and aggressive constraints.
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { selectBackend } from '../../backends/index.js';
import { ConfigError } from '../../config/load.js';
import { environmentRecord } from '../../runs/environment.js';
import { chooseLevels, DEFAULT_LADDER, ladder, LEVEL_RULES, LEVELS, levelConfig, noneEdges, type CalibrationRow } from '../../search/calibrate.js';
import { readSearchConfig } from '../../config/read.js';
import { RunDir } from '../../runs/dir.js';
import { RunProgress } from '../../runs/progress.js';
import { ensureRun } from '../../runs/reuse.js';
import { readSearchRun } from '../../search/read.js';
import { runSearch, searchEpochLine } from '../../search/run.js';
import { csvText } from '../../util/csv.js';
import { projectPath, projectRoot } from '../../util/root.js';
import { writeAtomic } from '../../util/files.js';
import { EXIT, UsageError } from '../usage.js';
import { help, parse, SCALE_HELP, type Command } from '../command.js';
import { scaleFlag } from '../run-options.js';

function parseList(text: string, flag: string, integer: boolean): number[] {
  const xs = text.split(',').map((s) => Number(s.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x) || x < 0 || (integer && !Number.isInteger(x)))) {
    throw new UsageError(`${flag}: expected comma-separated non-negative ${integer ? 'integers' : 'numbers'}, got '${text}'`);
  }
  return xs;
}

export const calibrate: Command = {
  summary: "find lambda for SNAS' mild, moderate and aggressive constraints",
  usage: `snas calibrate CONFIG.yaml [--lambdas L,L,...] [--seeds S,S,...] [--scale S] [--out DIR]
               [--write-configs]

Runs the search of CONFIG (an SNAS config) once per lambda and seed into DIR/lambda-L-seedS
(default DIR: results/runs/calibrate/NAME-SCALE; finished runs with the same config are
reused, unfinished ones resumed), counts the edges whose derived op is 'none', and picks:
${LEVELS.map((l) => `  ${l}: ${LEVEL_RULES[l]}`).join('\n')}
Writes DIR/calibration.csv (one row per run) and DIR/calibration.json (the ladder and the
choice).
  --lambdas      the ladder (default ${DEFAULT_LADDER.join(',')}); its first value is the baseline
  --seeds        seeds per lambda (default: the config's seed)
  --write-configs  write configs/search/NAME-LEVEL.yaml for each level found (CONFIG with that
                 lambda, and a header saying how it was found)
${SCALE_HELP}`,
  async run(args) {
    const { values, positionals } = parse('calibrate', args, {
      lambdas: { type: 'string' }, seeds: { type: 'string' }, scale: { type: 'string' }, out: { type: 'string' }, 'write-configs': { type: 'boolean' },
    }, true);
    if (values.help) return help(this);
    if (positionals.length !== 1) throw new UsageError('snas calibrate: expected one CONFIG.yaml');
    const file = positionals[0]!;
    const { config: base, scale, name } = readSearchConfig(file, scaleFlag(values.scale));
    if (base.search.method !== 'snas') throw new ConfigError(`${file}: search.method: expected snas for a calibration`);
    const lambdas = typeof values.lambdas === 'string' ? [...new Set(parseList(values.lambdas, '--lambdas', false))].sort((a, b) => a - b) : DEFAULT_LADDER;
    if (lambdas.length < 2) throw new UsageError('--lambdas: expected at least two values (a baseline and one above it)');
    const seeds = typeof values.seeds === 'string' ? parseList(values.seeds, '--seeds', true) : [base.seed];
    const out = resolve(typeof values.out === 'string' ? values.out : join(projectRoot(), 'results', 'runs', 'calibrate', `${name}-${scale}`));
    const backend = await selectBackend({ requested: base.backend, requestedBy: `${file}: backend`, log: (l) => console.error(l) });

    const rows: CalibrationRow[] = [];
    const t0 = performance.now();
    for (const lambda of lambdas) {
      for (const seed of seeds) {
        const config = structuredClone(base);
        config.seed = seed;
        if (config.search.method === 'snas') config.search.constraint.lambda = lambda;
        console.error(`calibrate: lambda ${lambda}, seed ${seed}`);
        const progress = new RunProgress();
        const runDir = join(out, `lambda-${lambda}-seed${seed}`);
        await ensureRun(runDir, config, (l) => console.error(l), (flags) => runSearch({
          config, configFile: file, out: runDir, ...flags, name: `${name} lambda ${lambda}`,
          environment: () => ({ ...environmentRecord(backend, { scale, seed }), config_file: projectPath(file), lambda }),
          command: ['snas', 'calibrate', ...args].join(' '), log: (l) => console.error(l),
          onStep: (i) => progress.step(i), onEpoch: (r, t) => progress.line(searchEpochLine(r, t)),
        }));
        const result = readSearchRun(runDir);
        const last = result.records[result.records.length - 1]!;
        const none = noneEdges(result.alphas);
        rows.push({ lambda, seed, none_normal: none.normal, none_reduce: none.reduce, search_val_acc: Number(last.search_val_acc), child_val_acc: Number(last.child_val_acc) });
      }
    }
    const steps = ladder(rows);
    const chosen = chooseLevels(steps);
    const dir = new RunDir(out);
    dir.write('calibration.csv', csvText(['lambda', 'seed', 'none_normal', 'none_reduce', 'search_val_acc', 'child_val_acc'], rows as unknown as Record<string, number>[]));
    dir.writeJson('calibration.json', { config: file, scale, seeds, ladder: steps, rules: LEVEL_RULES, chosen, backend: backend.name, environment: environmentRecord(backend, { scale }) });
    console.log(`snas calibrate: ${rows.length} runs, ${((performance.now() - t0) / 60000).toFixed(1)} min; ${out}`);
    console.log('  lambda      none edges (of 28, mean)  search val  child val');
    for (const s of steps) console.log(`  ${String(s.lambda).padEnd(10)}  ${s.none_mean.toFixed(1).padStart(24)}  ${(100 * s.search_val_acc).toFixed(1).padStart(9)}%  ${(100 * s.child_val_acc).toFixed(1).padStart(8)}%`);
    for (const level of LEVELS) console.log(`  ${level}: ${chosen[level] ?? 'not reached on this ladder (extend --lambdas)'}`);
    if (values['write-configs']) {
      const baseText = readFileSync(file, 'utf8');
      const ladderText = steps.map((s) => `${s.lambda}: ${s.none_mean.toFixed(1)}`).join(', ');
      for (const level of LEVELS) {
        const lambda = chosen[level];
        if (lambda === undefined) continue;
        const target = join(projectRoot(), 'configs', 'search', `${name}-${level}.yaml`);
        const how = [
          `Ladder at scale ${scale}, seeds ${seeds.join(',')}, backend ${backend.name}: mean 'none' edges of 28 per lambda:`,
          `  ${ladderText}`,
          `Command: snas calibrate ${relative(projectRoot(), resolve(file))} --scale ${scale} --lambdas ${lambdas.join(',')} --seeds ${seeds.join(',')} --write-configs`,
        ];
        writeAtomic(target, levelConfig(baseText, relative(projectRoot(), resolve(file)), level, lambda, how));
        console.log(`  wrote ${relative(process.cwd(), target)}`);
      }
    }
    return EXIT.ok;
  },
};
