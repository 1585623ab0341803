// What the gradient-based methods share: SGD with momentum for the network's weights (cosine
// learning rate, weight decay, clipping), Adam (the papers) or plain SGD (SNAS' released
// single-GPU code) for the architecture parameters, their state named for the checkpoint, and
// AlphaSearch, the base of SNAS, DARTS and NASP.
import type * as tf from '@tensorflow/tfjs';
import type { AlphaConfig } from '../config/schema.js';
import { SearchNetwork } from '../networks/search.js';
import { Adam } from '../optim/adam.js';
import { Sgd, weightSgd } from '../optim/sgd.js';
import { networkState } from '../optim/state.js';
import { seedFor } from '../util/rng.js';
import { Architecture, CELL_TYPES, type Alphas, type CellType } from './architecture.js';
import type { DataShape } from '../data/images.js';

export class ArchOptimizer {
  private readonly opt: Adam | Sgd;
  constructor(private readonly cfg: AlphaConfig) {
    this.opt = cfg.alpha_optimizer === 'adam'
      ? new Adam({ lr: cfg.alpha_lr, betas: [cfg.alpha_betas[0], cfg.alpha_betas[1]], weightDecay: cfg.alpha_weight_decay })
      : new Sgd({ momentum: 0, weightDecay: cfg.alpha_weight_decay });
  }

  /** One step on the architecture variables with gradients by variable name. */
  step(vars: tf.Variable[], grads: Record<string, tf.Tensor>): void {
    if (this.opt instanceof Adam) this.opt.step(vars, vars.map((a) => grads[a.name]!));
    else this.opt.step(vars, grads, this.cfg.alpha_lr);
  }

  /** The parameters and this optimiser's buffers under checkpoint names (alpha/TYPE, adam_m/TYPE, ...). */
  state(params: Record<CellType, tf.Variable>): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const type of CELL_TYPES) {
      const a = params[type];
      out.set(`alpha/${type}`, a);
      if (this.opt instanceof Adam) {
        const s = this.opt.stateOf(a);
        out.set(`adam_m/${type}`, s.m);
        out.set(`adam_v/${type}`, s.v);
      } else {
        out.set(`alpha_sgd/${type}`, this.opt.velocityOf(a));
      }
    }
    return out;
  }

  get steps(): number {
    return this.opt instanceof Adam ? this.opt.t : 0;
  }

  set steps(t: number) {
    if (this.opt instanceof Adam) this.opt.t = t;
  }

  dispose(): void {
    this.opt.dispose();
  }
}

/**
 * What SNAS, DARTS and NASP share: the search network, [14, 8] architecture parameters per
 * cell type, SGD for the weights and the architecture optimiser, and their checkpoint state.
 */
export abstract class AlphaSearch {
  readonly net: SearchNetwork;
  readonly arch: Architecture;
  readonly sgd: Sgd;
  readonly alphaOpt: ArchOptimizer;

  constructor(readonly cfg: AlphaConfig, seed: number, input: DataShape) {
    this.net = new SearchNetwork({ channels: cfg.channels, layers: cfg.layers, classes: input.classes, inputChannels: input.channels, seed });
    this.arch = new Architecture({ mean: cfg.alpha_init.mean, std: cfg.alpha_init.std }, seedFor(seed, 11));
    this.sgd = weightSgd(cfg);
    this.alphaOpt = new ArchOptimizer(cfg);
  }

  state(): Map<string, tf.Variable> {
    return new Map([...networkState(this.net, this.sgd), ...this.alphaOpt.state(this.arch.logAlpha)]);
  }

  counters(): Record<string, number> {
    return { adam_t: this.alphaOpt.steps };
  }

  restoreCounters(c: Record<string, number>): void {
    this.alphaOpt.steps = c.adam_t ?? 0;
  }

  archValues(): Promise<Alphas> {
    return this.arch.values();
  }

  dispose(): void {
    this.sgd.dispose();
    this.alphaOpt.dispose();
    this.arch.dispose();
    this.net.dispose();
  }
}
