// Random search with weight sharing (Li and Talwalkar, UAI 2019; METHODS-FACTS): every step
// trains the shared weights through one architecture drawn uniformly from the discrete space
// (per node two distinct inputs, each with one of the 7 ops other than 'none': randomCell),
// its ops only; at the end of each epoch random_ws.candidates fresh architectures are scored
// with the shared weights on a batch from the other half of the training split, and the best
// is the search's result (best-of.ts). There are no architecture parameters: the search-time
// network is a freshly drawn architecture.
import * as tf from '@tensorflow/tfjs';
import type { RandomWsConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import type { DataShape } from '../data/images.js';
import { SearchNetwork } from '../networks/search.js';
import { evalCtx, type Ctx } from '../nn/module.js';
import { weightSgd, type Sgd } from '../optim/sgd.js';
import { networkState } from '../optim/state.js';
import type { Genotype } from '../space/genotype.js';
import { randomCell } from '../space/sample.js';
import { rng, seedFor } from '../util/rng.js';
import type { Alphas } from './architecture.js';
import { bestIndex, ChosenCell, genotypeOfCounts, lastStepOfEpoch, scoreChildren } from './best-of.js';
import { evalChild, trainChild, withChild } from './child.js';
import type { SearchStrategy, StepInput, StepResult } from './strategy.js';

/** An architecture drawn uniformly from the discrete space (both cell types) with this seed. */
export function uniformArchitecture(seed: number, name = 'child'): Genotype {
  const next = rng(seed);
  return { name, normal: randomCell(next), reduce: randomCell(next), source: 'snas-lab search' };
}

export class RandomWsSearch implements SearchStrategy {
  readonly net: SearchNetwork;
  readonly sgd: Sgd;
  readonly chosen: ChosenCell;
  readonly bilevel = true;

  constructor(readonly cfg: RandomWsConfig, readonly seed: number, input: DataShape) {
    this.net = new SearchNetwork({ channels: cfg.channels, layers: cfg.layers, classes: input.classes, inputChannels: input.channels, seed });
    this.sgd = weightSgd(cfg);
    this.chosen = new ChosenCell(uniformArchitecture(seedFor(seed, 19)));
  }

  state(): Map<string, tf.Variable> {
    return new Map([...networkState(this.net, this.sgd), ...this.chosen.state()]);
  }

  counters(): Record<string, number> {
    return {};
  }

  restoreCounters(): void {}

  async trainStep({ batch, archBatch, clock, lr, seed }: StepInput): Promise<StepResult> {
    if (!archBatch) throw new Error('random search ranks its candidates on a batch from the other half of the training split');
    const r = await withChild(uniformArchitecture(seedFor(seed, 1)), (child) => trainChild(this.net, this.sgd, child, batch, lr));
    if (lastStepOfEpoch(clock)) {
      const t0 = performance.now();
      const candidates = Array.from({ length: this.cfg.random_ws.candidates }, (_, i) => uniformArchitecture(seedFor(seed, 2, i)));
      const scores = await scoreChildren(this.net, candidates, archBatch, evalCtx(this.cfg.eval_bn));
      this.chosen.set(candidates[bestIndex(scores)]!);
      r.seconds = { ...r.seconds, arch: (performance.now() - t0) / 1000 };
    }
    return r;
  }

  /** Correct predictions of a freshly drawn architecture. */
  evalSearch(batch: Batch, seed: number, ctx: Ctx): Promise<number> {
    return withChild(uniformArchitecture(seed), (child) => evalChild(this.net, child, batch, ctx));
  }

  metrics(): Record<string, number> {
    return {};
  }

  archValues(): Promise<Alphas> {
    return this.chosen.values();
  }

  /** The distribution is uniform and fixed: no entropy to follow. */
  entropy(): number {
    return NaN;
  }

  derive(a: Alphas, name: string): Genotype {
    return genotypeOfCounts(a, name);
  }

  dispose(): void {
    this.sgd.dispose();
    this.chosen.dispose();
    this.net.dispose();
  }
}
