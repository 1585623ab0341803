// snas sweep: a grid of searches (one key varied, times seeds), e.g. the temperature ablation.
import { relative } from 'node:path';
import { readSweep, sweepJobs } from '../../search/sweep.js';
import { projectRoot } from '../../util/root.js';
import { EXIT, UsageError } from '../usage.js';
import { help, parse, SCALE_HELP, scaleOption, type Command } from '../command.js';
import { EXECUTOR_HELP, EXECUTOR_OPTIONS, executorFromFlags } from '../executor-options.js';

export const sweep: Command = {
  summary: 'run a grid of searches (e.g. the temperature ablation)',
  usage: `snas sweep SWEEP.yaml [--scale S] [--executor local|slurm] [--workers N] [Slurm flags]

Runs every (value, seed) of a sweep (configs/sweeps/*.yaml: a base search config, the key it
varies, named values, seeds per scale) as a search into
results/runs/sweeps/NAME-SCALE/VALUE-seedS, each in its own process (local) or Slurm job.
Finished runs with the same config are skipped, unfinished ones resumed, changed ones started
over. (The small networks here are bound by JavaScript dispatch, so locally two 1-thread
processes beat one 2-thread one by ~1.5x.)
${EXECUTOR_HELP}
${SCALE_HELP}
Exit codes: 0 all runs finished, 1 a run failed (the others still ran), 2 bad sweep file or arguments.`,
  async run(args) {
    const { values, positionals } = parse('sweep', args, { scale: { type: 'string' }, ...EXECUTOR_OPTIONS }, true);
    if (values.help) return help(this);
    if (positionals.length !== 1) throw new UsageError('snas sweep: expected one SWEEP.yaml');
    const file = positionals[0]!;
    const { executor } = executorFromFlags(values);
    const scale = scaleOption(values.scale);
    const s = readSweep(file);
    const jobs = sweepJobs(s, file, scale);
    const t0 = performance.now();
    const counts = await executor.run(jobs, (l) => console.error(l));
    console.log(`snas sweep: ${jobs.length} runs (${counts.skip} skipped as finished, ${counts.resume} resumed, ${counts.start} started) through the ${executor.name} executor in ${((performance.now() - t0) / 60000).toFixed(1)} min; ${relative(projectRoot(), jobs[0]!.dir).replace(/[^/]+$/, '')}`);
    return EXIT.ok;
  },
};
