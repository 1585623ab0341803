// ENAS over the shared search network (SNAS-FACTS, "ENAS"): each step trains the shared
// weights on a child the controller samples (only its ops computed), then scores a fresh
// child on a batch from the other half of the training split and updates the controller by
// REINFORCE: loss = -(accuracy - baseline) * log p(child) - entropy_weight * entropy, with
// the baseline a moving average of the accuracy. (The original alternates whole phases of
// weight and controller training; here they alternate step by step, as DARTS' steps do.)
// The recorded architecture is how often each (edge, op) appears in children sampled with a
// fixed seed; the derived child applies the two-per-node rule to those frequencies.
import * as tf from '@tensorflow/tfjs';
import type { EnasConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import { SearchNetwork } from '../networks/search.js';
import type { Genotype } from '../space/genotype.js';
import { Adam } from '../optim/adam.js';
import { weightSgd, type Sgd } from '../optim/sgd.js';
import { networkState } from '../optim/state.js';
import { rng, seedFor } from '../util/rng.js';
import { twoPerNode, type Alphas } from './architecture.js';
import { cellWeights, evalChild, trainChild, withChild } from './child.js';
import { decisionsToGenotype, EnasController } from './enas-controller.js';
import type { SearchStrategy, StepInput, StepResult } from './strategy.js';
import type { DataShape } from '../data/images.js';
import { evalCtx, type Ctx } from '../nn/module.js';

export class EnasSearch implements SearchStrategy {
  readonly net: SearchNetwork;
  readonly controller: EnasController;
  readonly sgd: Sgd;
  readonly controllerOpt: Adam;
  readonly bilevel = true;
  baseline = 0;
  /** Controller updates so far (the baseline starts at the first reward). */
  updates = 0;

  constructor(readonly cfg: EnasConfig, readonly seed: number, input: DataShape) {
    this.net = new SearchNetwork({ channels: cfg.channels, layers: cfg.layers, classes: input.classes, inputChannels: input.channels, seed });
    this.controller = new EnasController(cfg.enas.lstm_size, cfg.enas.tanh_constant, seedFor(seed, 13));
    this.sgd = weightSgd(cfg);
    this.controllerOpt = new Adam({ lr: cfg.enas.controller_lr, betas: [0, 0.999] });
  }

  state(): Map<string, tf.Variable> {
    const out = networkState(this.net, this.sgd);
    for (const [path, v] of this.controller.namedVariables()) {
      const s = this.controllerOpt.stateOf(v);
      out.set(`controller/${path}`, v);
      out.set(`controller_adam_m/${path}`, s.m);
      out.set(`controller_adam_v/${path}`, s.v);
    }
    return out;
  }

  counters(): Record<string, number> {
    return { adam_t: this.controllerOpt.t, baseline: this.baseline, updates: this.updates };
  }

  restoreCounters(c: Record<string, number>): void {
    this.controllerOpt.t = c.adam_t ?? 0;
    this.baseline = c.baseline ?? 0;
    this.updates = c.updates ?? 0;
  }

  async trainStep({ batch, archBatch, lr, seed }: StepInput): Promise<StepResult> {
    if (!archBatch) throw new Error('ENAS needs a batch for the controller step');
    const result = await withChild(this.sampleChild(seedFor(seed, 1)), (child) => trainChild(this.net, this.sgd, child, batch, lr));
    await this.controllerStep(archBatch, seedFor(seed, 2));
    return result;
  }

  /** One REINFORCE update on the accuracy of a sampled child on a batch. */
  async controllerStep(archBatch: Batch, seed: number): Promise<void> {
    const tokens = this.controller.sample(rng(seed));
    const reward = (await withChild(decisionsToGenotype(tokens, 'child'), (child) => evalChild(this.net, child, archBatch, evalCtx('running')))) / archBatch.y.shape[0];
    const { baseline_decay: decay, entropy_weight: beta } = this.cfg.enas;
    this.baseline = this.updates === 0 ? reward : decay * this.baseline + (1 - decay) * reward;
    this.updates++;
    const advantage = reward - this.baseline;
    const vars = this.controller.trainableVariables();
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const { logProb, entropy } = this.controller.score(tokens);
        return tf.neg(tf.add(tf.mul(logProb, advantage), tf.mul(entropy, beta))) as tf.Scalar;
      }, vars);
      this.controllerOpt.step(vars, vars.map((v) => grads[v.name]!));
    });
  }

  /** Correct predictions of a freshly sampled child. */
  evalSearch(batch: Batch, seed: number, ctx: Ctx): Promise<number> {
    return withChild(this.sampleChild(seed), (child) => evalChild(this.net, child, batch, ctx));
  }

  metrics(): Record<string, number> {
    return {};
  }

  /** A child the controller samples with this seed. */
  private sampleChild(seed: number): Genotype {
    return decisionsToGenotype(this.controller.sample(rng(seed)), 'child');
  }

  /** How often each (edge, op) appears among children sampled with a fixed seed, [14, 8] per cell type. */
  async archValues(): Promise<Alphas> {
    const n = this.cfg.enas.frequency_samples;
    const next = rng(seedFor(this.seed, 17));
    const sum = { normal: cellWeights({ form: 'two-per-node', edges: [] }), reduce: cellWeights({ form: 'two-per-node', edges: [] }) };
    for (let i = 0; i < n; i++) {
      const g = decisionsToGenotype(this.controller.sample(next), 'sample');
      for (const type of ['normal', 'reduce'] as const) {
        cellWeights(g[type]).forEach((row, e) => row.forEach((w, k) => { sum[type][e]![k]! += w / n; }));
      }
    }
    return sum;
  }

  /** Fig. 4 shows no entropy for ENAS; the controller's distribution is not a per-edge one. */
  entropy(): number {
    return NaN;
  }

  derive(a: Alphas, name: string): Genotype {
    return { name, normal: twoPerNode(a.normal), reduce: twoPerNode(a.reduce), source: 'snas-lab search' };
  }

  dispose(): void {
    this.sgd.dispose();
    this.controllerOpt.dispose();
    this.controller.dispose();
    this.net.dispose();
  }
}
