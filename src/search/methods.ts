// The search strategy a config's search.method names.
import type { SearchConfig } from '../config/schema.js';
import { DartsSearch } from './darts.js';
import { EnasSearch } from './enas.js';
import { NaspSearch } from './nasp.js';
import { SnasSearch } from './snas.js';
import type { SearchStrategy } from './strategy.js';

export function createStrategy(cfg: SearchConfig, seed: number, imageSize: number, classes: number): SearchStrategy {
  switch (cfg.method) {
    case 'snas':
      return new SnasSearch(cfg, seed, imageSize, classes);
    case 'darts':
      return new DartsSearch(cfg, seed, classes);
    case 'nasp':
      return new NaspSearch(cfg, seed, classes);
    case 'enas':
      return new EnasSearch(cfg, seed, classes);
  }
}
