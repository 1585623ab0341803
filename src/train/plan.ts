// `snas train --dry-run`: a training's plan and its cost on this backend from a few timed steps.
import * as tf from '@tensorflow/tfjs';
import type { Config } from '../config/schema.js';
import { splitSizes } from '../data/splits.js';
import { planOf, randomBatch, seconds, type Plan } from '../runs/plan.js';
import { resolveGenotype } from '../space/registry.js';
import { evalBatchesAfter, evaluationModel, evaluationStep } from './evaluation.js';
import { useThreads } from '../backends/index.js';

export async function planTraining(config: Config, reps = 3): Promise<Plan> {
  useThreads(config.threads); // timed with the threads the run will have
  const cfg = config.train!;
  const sizes = splitSizes(config.data);
  const batch = config.data.batch_size;
  const genotype = resolveGenotype(cfg.genotype);
  const { net, sgd } = evaluationModel(cfg, genotype, sizes, config.seed);
  const b = randomBatch(batch, sizes, 1);
  let k = 0;
  try {
    const step = await seconds(reps, async () => {
      const [loss, correct] = evaluationStep(net, sgd, b, { training: true, dropPath: cfg.drop_path, nextSeed: () => ++k }, cfg.lr, cfg.auxiliary_weight);
      await loss.data();
      tf.dispose([loss, correct]);
    });
    const evalBatch = await seconds(reps, async () => {
      const out = tf.tidy(() => net.forward(b.x, { training: false }).logits);
      await out.data();
      out.dispose();
    });
    const steps = Math.min(Math.floor(sizes.train / batch), cfg.steps_per_epoch ?? Infinity);
    const testBatches = Math.ceil(sizes.test / batch);
    const evalBatches = Array.from({ length: cfg.epochs }, (_, e) => Math.min(testBatches, evalBatchesAfter(e, cfg))).reduce((a, b) => a + b, 0) / cfg.epochs;
    return planOf(`training ${genotype.name}, ${cfg.layers} cells, C ${cfg.channels}, ${sizes.size}x${sizes.size}, batch ${batch}`, cfg.epochs, steps, evalBatches, step, evalBatch);
  } finally {
    sgd.dispose();
    net.dispose();
    tf.dispose([b.x, b.y]);
  }
}
