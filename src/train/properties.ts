// Measures the three properties the procedural dataset is designed to have (see procedural.ts):
//   1. a linear classifier on raw pixels stays at or below 40% test accuracy;
//   2. a small network of published cells (DARTS V2, 5 cells, C 8) trained for a few minutes
//      reaches at least 80%;
//   3. networks of cells built from one op each (pooling, separable, dilated convolutions) differ
//      by at least 5 points after the same number of training steps.
import { performance } from 'node:perf_hooks';
import type { DataConfig } from '../config/schema.js';
import { fit, type FitResult } from './fit.js';
import { LinearClassifier, networkClassifier, singleOpGenotype } from './models.js';
import { genotypeByName } from '../space/registry.js';
import type { OpName } from '../space/primitives.js';
import { loadData } from '../data/load.js';
import { generateProcedural } from '../data/procedural.js';

export interface PropertyRun extends FitResult {
  model: string;
  params: number;
}

export interface PropertyReport {
  dataset: string;
  generation_10k_s: number;
  linear: PropertyRun;
  network: PropertyRun;
  single_op: PropertyRun[];
  checks: { linear_at_most_40: boolean; network_at_least_80: boolean; single_op_spread_at_least_5: boolean };
}

export interface PropertyOptions {
  data: DataConfig;
  /** Training time of the published-cell network, in minutes. */
  minutes: number;
  /** Steps each single-op network trains for (the same for all). */
  singleOpSteps: number;
  ops?: OpName[];
  seed?: number;
  log?: (line: string) => void;
}

export async function measureDatasetProperties(opts: PropertyOptions): Promise<PropertyReport> {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 0;
  const t0 = performance.now();
  generateProcedural({ count: 10_000, size: opts.data.image_size, seed: opts.data.seed });
  const generation = (performance.now() - t0) / 1000;
  log(`generated 10,000 images in ${generation.toFixed(1)} s`);
  const data = loadData(opts.data, 'dataset check', log);
  log(data.describe);

  const lin = new LinearClassifier(data.shape, seed);
  const epochs = 10;
  const linear = { model: 'linear on raw pixels', params: lin.parameterCount(),
    ...(await fit(lin, data, { steps: epochs * Math.floor(data.split.train.labels.length / data.batchSize), lr: 0.01, augment: false, weightDecay: 0, seed })) };
  lin.dispose();
  log(`linear: test accuracy ${(100 * linear.test_acc).toFixed(1)}% after ${linear.steps} steps`);

  const darts = genotypeByName('DARTS_V2');
  // Short runs see less than one epoch, so augmentation could only slow them: trained on the
  // plain images, tested on the held-out test set.
  const net = networkClassifier(darts, 8, 5, data.shape, seed);
  const network = { model: 'DARTS_V2 cells, 5 cells, C 8', params: net.parameterCount(),
    ...(await fit(net, data, { seconds: opts.minutes * 60, lr: 0.08, augment: false, seed, log })) };
  net.dispose();
  log(`DARTS_V2 network: test accuracy ${(100 * network.test_acc).toFixed(1)}% after ${network.steps} steps in ${network.seconds.toFixed(0)} s`);

  const single: PropertyRun[] = [];
  for (const op of opts.ops ?? ['max_pool_3x3', 'sep_conv_3x3', 'dil_conv_3x3']) {
    const m = networkClassifier(singleOpGenotype(darts, op), 8, 5, data.shape, seed);
    const r = { model: `all ${op}, 5 cells, C 8`, params: m.parameterCount(), ...(await fit(m, data, { steps: opts.singleOpSteps, lr: 0.08, augment: false, seed, log })) };
    m.dispose();
    log(`${r.model}: test accuracy ${(100 * r.test_acc).toFixed(1)}% after ${r.steps} steps`);
    single.push(r);
  }
  const accs = single.map((r) => r.test_acc);
  return {
    dataset: data.describe,
    generation_10k_s: generation,
    linear, network, single_op: single,
    checks: {
      linear_at_most_40: linear.test_acc <= 0.4,
      network_at_least_80: network.test_acc >= 0.8,
      single_op_spread_at_least_5: Math.max(...accs) - Math.min(...accs) >= 0.05,
    },
  };
}
