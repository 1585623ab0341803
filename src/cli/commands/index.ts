// The registry of snas subcommands, in the order help lists them.
import type { Command } from '../command.js';
import { bench } from './bench.js';
import { calibrate } from './calibrate.js';
import { count } from './count.js';
import { dataset } from './dataset.js';
import { env } from './env.js';
import { gpuBundle } from './gpu-bundle.js';
import { lab } from './lab.js';
import { notebooks } from './notebooks.js';
import { publish } from './publish.js';
import { reproduce } from './reproduce.js';
import { search } from './search.js';
import { sweep } from './sweep.js';
import { train } from './train.js';

export const COMMANDS: Record<string, Command> = {
  count,
  search,
  calibrate,
  train,
  bench,
  sweep,
  dataset,
  reproduce,
  publish,
  notebooks,
  lab,
  env,
  'gpu-bundle': gpuBundle,
};
