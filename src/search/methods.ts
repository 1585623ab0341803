// The search strategy a config's search.method names.
import type { SearchConfig } from '../config/schema.js';
import { DartsSearch } from './darts.js';
import { DartsPrimeSearch } from './darts-prime.js';
import { EnasSearch } from './enas.js';
import { GdasSearch } from './gdas.js';
import { NaspSearch } from './nasp.js';
import { RandomWsSearch } from './random-ws.js';
import { SnasSearch } from './snas.js';
import type { SearchStrategy } from './strategy.js';
import { UnasSearch } from './unas.js';
import type { DataShape } from '../data/images.js';

/** The strategy for `cfg`, its networks shaped for data of shape `input`. */
export function createStrategy(cfg: SearchConfig, seed: number, input: DataShape): SearchStrategy {
  switch (cfg.method) {
    case 'snas':
      return new SnasSearch(cfg, seed, input);
    case 'darts':
      return new DartsSearch(cfg, seed, input);
    case 'nasp':
      return new NaspSearch(cfg, seed, input);
    case 'enas':
      return new EnasSearch(cfg, seed, input);
    case 'gdas':
      return new GdasSearch(cfg, seed, input);
    case 'unas':
      return new UnasSearch(cfg, seed, input);
    case 'darts-prime':
      return new DartsPrimeSearch(cfg, seed, input);
    case 'random-ws':
      return new RandomWsSearch(cfg, seed, input);
  }
}
