// ENAS over the shared search network, as its released code runs the micro search
// (METHODS-FACTS, "ENAS"): each step trains the shared weights on a child the controller
// samples (only its ops computed), then updates the controller by REINFORCE on
// enas.children_per_step fresh children, each scored on a batch from the other half of the
// training split (BN on its running averages, the released code's inference mode):
//   reward_i = accuracy_i + entropy_weight * entropy_i (the sample's entropy, held constant),
//   loss = -mean_i (reward_i - baseline) log p(child_i),
// the baseline a moving average of the mean reward. The controller's logits are
// tanh_constant * tanh(logits / temperature). At the end of each epoch enas.final_samples
// children are sampled and the best on that step's batch is the search's result (best-of.ts).
// (The original alternates an epoch of weight training with 30 controller steps; here the two
// alternate step by step, as DARTS' steps do.)
import * as tf from '@tensorflow/tfjs';
import type { EnasConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import { SearchNetwork } from '../networks/search.js';
import type { Genotype } from '../space/genotype.js';
import { Adam } from '../optim/adam.js';
import { weightSgd, type Sgd } from '../optim/sgd.js';
import { networkState } from '../optim/state.js';
import { rng, seedFor } from '../util/rng.js';
import type { Alphas } from './architecture.js';
import { bestIndex, ChosenCell, genotypeOfCounts, lastStepOfEpoch, scoreChildren } from './best-of.js';
import { evalChild, trainChild, withChild } from './child.js';
import { decisionsToGenotype, EnasController, type Decisions } from './enas-controller.js';
import { since, type SearchStrategy, type StepInput, type StepResult } from './strategy.js';
import type { DataShape } from '../data/images.js';
import { evalCtx, type Ctx } from '../nn/module.js';

/** The rule a child's reward (and the final cell's score) is measured under: BN's running averages. */
const REWARD_CTX = evalCtx('running');

export class EnasSearch implements SearchStrategy {
  readonly net: SearchNetwork;
  readonly controller: EnasController;
  readonly sgd: Sgd;
  readonly controllerOpt: Adam;
  readonly chosen: ChosenCell;
  readonly bilevel = true;
  baseline = 0;
  /** Controller updates so far (the baseline starts at the first mean reward). */
  updates = 0;

  constructor(readonly cfg: EnasConfig, readonly seed: number, input: DataShape) {
    this.net = new SearchNetwork({ channels: cfg.channels, layers: cfg.layers, classes: input.classes, inputChannels: input.channels, seed });
    this.controller = new EnasController(cfg.enas.lstm_size, cfg.enas.tanh_constant, seedFor(seed, 13), cfg.enas.temperature);
    this.sgd = weightSgd(cfg);
    this.controllerOpt = new Adam({ lr: cfg.enas.controller_lr, betas: [0, 0.999] });
    this.chosen = new ChosenCell(this.sampleChild(seedFor(seed, 17)));
  }

  state(): Map<string, tf.Variable> {
    const out = networkState(this.net, this.sgd);
    for (const [path, v] of this.controller.namedVariables()) {
      const s = this.controllerOpt.stateOf(v);
      out.set(`controller/${path}`, v);
      out.set(`controller_adam_m/${path}`, s.m);
      out.set(`controller_adam_v/${path}`, s.v);
    }
    for (const [name, v] of this.chosen.state()) out.set(name, v);
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

  async trainStep({ batch, archBatch, clock, lr, seed }: StepInput): Promise<StepResult> {
    if (!archBatch) throw new Error('ENAS needs a batch for the controller step');
    const result = await withChild(this.sampleChild(seedFor(seed, 1)), (child) => trainChild(this.net, this.sgd, child, batch, lr));
    const t0 = performance.now();
    await this.controllerStep(archBatch, seedFor(seed, 2));
    if (lastStepOfEpoch(clock)) await this.choose(archBatch, seedFor(seed, 3));
    return { ...result, seconds: { ...result.seconds, arch: since(t0) } };
  }

  /** One REINFORCE update on children_per_step sampled children's rewards on a batch. */
  async controllerStep(archBatch: Batch, seed: number): Promise<void> {
    const { baseline_decay: decay, entropy_weight: beta, children_per_step: n } = this.cfg.enas;
    const children: { tokens: Decisions; reward: number }[] = [];
    for (const { tokens, entropy } of this.controller.sampleMany(Array.from({ length: n }, (_, i) => rng(seedFor(seed, i))))) {
      const correct = await withChild(decisionsToGenotype(tokens, 'child'), (child) => evalChild(this.net, child, archBatch, REWARD_CTX));
      children.push({ tokens, reward: correct / archBatch.y.shape[0] + beta * entropy });
    }
    const mean = children.reduce((a, c) => a + c.reward, 0) / n;
    const baseline = this.updates === 0 ? mean : this.baseline;
    const vars = this.controller.trainableVariables();
    const advantages = children.map((c) => c.reward - baseline);
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.neg(tf.mean(tf.mul(this.controller.logProbs(children.map((c) => c.tokens)), advantages))) as tf.Scalar, vars);
      this.controllerOpt.step(vars, vars.map((v) => grads[v.name]!));
    });
    this.baseline = this.updates === 0 ? mean : decay * this.baseline + (1 - decay) * mean;
    this.updates++;
  }

  /** The best of final_samples sampled cells on a batch becomes the search's result. */
  async choose(archBatch: Batch, seed: number): Promise<void> {
    const candidates = Array.from({ length: this.cfg.enas.final_samples }, (_, i) => this.sampleChild(seedFor(seed, i)));
    const scores = await scoreChildren(this.net, candidates, archBatch, REWARD_CTX);
    this.chosen.set(candidates[bestIndex(scores)]!);
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

  /** The chosen cell's op counts, [14, 8] per cell type. */
  archValues(): Promise<Alphas> {
    return this.chosen.values();
  }

  /** Fig. 4 shows no entropy for ENAS; the controller's distribution is not a per-edge one. */
  entropy(): number {
    return NaN;
  }

  derive(a: Alphas, name: string): Genotype {
    return genotypeOfCounts(a, name);
  }

  dispose(): void {
    this.sgd.dispose();
    this.controllerOpt.dispose();
    this.controller.dispose();
    this.chosen.dispose();
    this.net.dispose();
  }
}
