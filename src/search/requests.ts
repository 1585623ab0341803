// One search config over seeds as run requests for an executor (src/executors/executor.ts): each
// seed in RESULTS/runs/search/NAME-SCALE-seedS, the same place `snas search` writes, so a
// finished CLI run is reused.
import { readSearchConfig } from '../config/read.js';
import type { RunRequest } from '../executors/executor.js';
import { runsDir } from '../results/paths.js';
import type { Scale } from '../scale.js';

/** Where a search run of config NAME goes by default (`snas search` and the notebooks). */
export function searchRunDir(name: string, scale: Scale, seed: number): string {
  return runsDir('search', `${name}-${scale}-seed${seed}`);
}

export function searchRequests(file: string, scale: Scale, seeds: number[]): RunRequest[] {
  const { config: base, name } = readSearchConfig(file, scale);
  return seeds.map((seed) => ({
    kind: 'search', name, label: `${name} seed ${seed}`, dir: searchRunDir(name, scale, seed), config: { ...structuredClone(base), seed }, seed, scale,
  }));
}
