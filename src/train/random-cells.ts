// The random-search baseline's cells: genotypes drawn uniformly from DARTS' discrete space.
import { runsDir } from '../results/paths.js';
import { genotypeToData } from '../space/genotype.js';
import { randomCell } from '../space/sample.js';
import { writeAtomic } from '../util/files.js';
import { rng, seedFor } from '../util/rng.js';

/** `count` genotypes drawn with `seed`, written as RESULTS/runs/random-cells/random-K.json; returns the files. */
export function randomCells(count: number, seed: number): string[] {
  const next = rng(seedFor(seed, 41));
  return Array.from({ length: count }, (_, k) => {
    const g = { name: `random-${k}`, normal: randomCell(next), reduce: randomCell(next), source: `uniform over DARTS' space, seed ${seed}` };
    const file = runsDir('random-cells', `random-${k}.json`);
    writeAtomic(file, `${JSON.stringify({ name: g.name, ...genotypeToData(g) }, null, 2)}\n`);
    return file;
  });
}
