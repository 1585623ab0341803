// One genotype trained over seeds as run requests for an executor (src/executors/executor.ts): each
// seed in RESULTS/runs/train/CONFIG-LABEL-SCALE-seedS, where `snas train` writes.
import { basename } from 'node:path';
import { readTrainConfig } from '../config/read.js';
import type { RunRequest } from '../executors/executor.js';
import { runsDir } from '../results/paths.js';
import type { Scale } from '../scale.js';
import { genotypeLabel } from './run.js';

/** Where a training of config NAME on a genotype goes by default (`snas train` and the notebooks). */
export function trainRunDir(name: string, genotype: string, scale: Scale, seed: number): string {
  return runsDir('train', `${name}-${genotypeLabel(genotype)}-${scale}-seed${seed}`);
}

/** A training config (configs/train/*.yaml) on a genotype (a published name or a genotype file), over seeds. */
export function trainRequests(file: string, scale: Scale, genotype: string, seeds: number[]): RunRequest[] {
  const { config: base, name } = readTrainConfig(file, scale);
  return seeds.map((seed) => {
    const config = structuredClone(base);
    config.seed = seed;
    config.train.genotype = genotype;
    const dir = trainRunDir(name, genotype, scale, seed);
    return { kind: 'train', name, label: basename(dir), dir, config, seed, scale };
  });
}
