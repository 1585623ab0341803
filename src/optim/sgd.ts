// SGD with momentum, weight decay and gradient-norm clipping, with PyTorch's semantics
// (torch.optim.SGD and clip_grad_norm_): g <- clip(g) + wd * w; v <- m v + g; w <- w - lr v.
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../config/schema.js';
import { fusedSgdStep, hasFusedKernels } from '../ops/fused.js';

export interface SgdOptions {
  momentum: number;
  weightDecay: number;
  /** Clip the global gradient norm to this value (0 or absent: no clipping). */
  clipNorm?: number;
}

export class Sgd {
  private readonly velocity = new Map<string, tf.Variable>();
  /** Variables whose buffer holds a gradient already (restored buffers count as started). */
  private readonly started = new Set<string>();
  constructor(readonly opts: SgdOptions) {}

  /**
   * Applies one step with learning rate `lr` to the variables named in `grads`. Clipping
   * scales every gradient by min(1, clipNorm / (norm + 1e-6)) computed on the backend, so a
   * step never waits for a value to come back to JavaScript.
   */
  step(vars: tf.Variable[], grads: Record<string, tf.Tensor>, lr: number): void {
    if (hasFusedKernels()) {
      this.fusedStep(vars.filter((v) => grads[v.name] !== undefined), grads, lr);
      return;
    }
    tf.tidy(() => {
      const gs = vars.map((v) => grads[v.name]).filter((g): g is tf.Tensor => g !== undefined);
      let clip: tf.Tensor | undefined;
      if (this.opts.clipNorm && gs.length > 0) {
        const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g)))));
        clip = tf.minimum(tf.div(this.opts.clipNorm, tf.add(norm, 1e-6)), 1);
      }
      for (const v of vars) {
        const g = grads[v.name];
        if (!g) continue;
        let d = clip ? tf.mul(g, clip) : g;
        if (this.opts.weightDecay) d = tf.add(d, tf.mul(v, this.opts.weightDecay));
        let buf = this.velocity.get(v.name);
        if (!buf || !this.started.has(v.name)) {
          // PyTorch starts the buffer at the first gradient, not at zero.
          if (!buf) {
            buf = tf.variable(tf.zerosLike(v), false);
            this.velocity.set(v.name, buf);
          }
          buf.assign(d);
          this.started.add(v.name);
        } else {
          buf.assign(tf.add(tf.mul(buf, this.opts.momentum), d));
        }
        v.assign(tf.sub(v, tf.mul(buf, lr)));
      }
    });
  }

  /** The same step as one native call that updates weights and buffers in place. */
  private fusedStep(vars: tf.Variable[], grads: Record<string, tf.Tensor>, lr: number): void {
    if (vars.length === 0) return;
    const started = vars.map((v) => this.started.has(v.name));
    const buffers = vars.map((v) => {
      let buf = this.velocity.get(v.name);
      if (!buf) {
        buf = tf.tidy(() => tf.variable(tf.zerosLike(v), false));
        this.velocity.set(v.name, buf);
      }
      return buf;
    });
    const norm = fusedSgdStep(vars, vars.map((v) => grads[v.name]!), buffers, {
      lr, momentum: this.opts.momentum, weightDecay: this.opts.weightDecay, clipNorm: this.opts.clipNorm ?? 0, started,
    });
    norm.dispose();
    for (const v of vars) this.started.add(v.name);
  }

  /** The momentum buffer of a variable (created as zeros if absent; checkpoints save and restore it). */
  velocityOf(v: tf.Variable): tf.Variable {
    let buf = this.velocity.get(v.name);
    if (!buf) {
      buf = tf.tidy(() => tf.variable(tf.zerosLike(v), false));
      this.velocity.set(v.name, buf);
      this.started.add(v.name);
    }
    return buf;
  }

  dispose(): void {
    for (const v of this.velocity.values()) v.dispose();
    this.velocity.clear();
    this.started.clear();
  }
}

/**
 * The weights' SGD a search or training config describes: momentum, weight decay, gradient
 * clipping (0: none). Typed by the training config's keys, which every search config shares (a
 * literal type fails to compile in tslab's non-strict mode, where zod's fields are optional).
 */
export function weightSgd(cfg: Pick<TrainConfig, 'momentum' | 'weight_decay' | 'grad_clip'>): Sgd {
  return new Sgd({ momentum: cfg.momentum, weightDecay: cfg.weight_decay, clipNorm: cfg.grad_clip || undefined });
}
