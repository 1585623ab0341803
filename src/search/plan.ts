// `snas search --dry-run`: a search's plan and its cost on this backend from a few timed steps.
import * as tf from '@tensorflow/tfjs';
import type { Config } from '../config/schema.js';
import { splitSizes } from '../data/splits.js';
import { planOf, randomBatch, seconds, type Plan } from '../runs/plan.js';
import { evalCtx } from '../nn/module.js';
import { createStrategy } from './methods.js';
import { settleStep } from './strategy.js';
import { useThreads } from '../backends/index.js';

export async function planSearch(config: Config, reps = 3): Promise<Plan> {
  useThreads(config.threads); // timed with the threads the run will have
  const cfg = config.search!;
  const sizes = splitSizes(config.data);
  const batch = config.data.batch_size;
  const search = createStrategy(cfg, config.seed, sizes);
  const trainImages = search.bilevel ? Math.floor(sizes.train / 2) : sizes.train;
  const steps = Math.min(Math.floor(trainImages / batch), cfg.steps_per_epoch ?? Infinity);
  const evalBatches = Math.min(Math.ceil(sizes.valid / batch), cfg.eval_batches ?? Infinity);
  const [b, a] = [randomBatch(batch, sizes, 1), randomBatch(batch, sizes, 2)];
  try {
    const clock = { epoch: 0, epochs: cfg.epochs, step: 0, stepsPerEpoch: steps };
    const step = await seconds(reps, async () => settleStep(await search.trainStep({ batch: b, archBatch: a, clock, lr: cfg.lr, seed: 0 })));
    // An evaluation batch runs the search-time network and the derived child under both BN rules (run.ts): about four forward passes.
    const evalBatch = 4 * (await seconds(reps, () => search.evalSearch(a, 0, evalCtx('running'))));
    return planOf(`${cfg.method} search, ${cfg.layers} cells, C ${cfg.channels}, ${sizes.size}x${sizes.size}, batch ${batch}`, cfg.epochs, steps, evalBatches, step, evalBatch);
  } finally {
    search.dispose();
    tf.dispose([b.x, b.y, a.x, a.y]);
  }
}
