// The engine work of one training step of any search method at a config's shape (notebook 05's
// cost column): the strategy the config names, batches of random images of the data's shape,
// one step to warm up, then one counted step (count-step.ts).
import * as tf from '@tensorflow/tfjs';
import type { Config } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import { loadData } from '../data/load.js';
import { createStrategy } from '../search/methods.js';
import { settleStep } from '../search/strategy.js';
import { countStep, type StepCounts } from './count-step.js';

/** `file` names the config in messages (its data are loaded for their shape). */
export async function countMethodStep(config: Config, file: string): Promise<StepCounts> {
  const cfg = config.search;
  if (!cfg) throw new Error(`${file}: no search section`);
  const input = loadData(config.data, file).shape;
  const n = config.data.batch_size;
  const batch = (seed: number): Batch => ({
    x: tf.randomNormal([n, input.size, input.size, input.channels], 0, 1, 'float32', seed) as tf.Tensor4D,
    y: tf.tensor1d(Array.from({ length: n }, (_, i) => (i * 7 + seed) % input.classes), 'int32'),
    index: 0,
  });
  const strategy = createStrategy(cfg, config.seed, input);
  const batches = [batch(1), batch(2), batch(3), batch(4)];
  const step = async (k: number) => {
    await settleStep(await strategy.trainStep({
      batch: batches[2 * k]!, archBatch: batches[2 * k + 1]!, clock: { epoch: 0, epochs: cfg.epochs, step: k, stepsPerEpoch: 1000 }, lr: cfg.lr, seed: k,
    }));
  };
  try {
    await step(0);
    return await countStep(() => step(1));
  } finally {
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    strategy.dispose();
  }
}
