// Adam with PyTorch's semantics (torch.optim.Adam, L2 weight decay added to the gradient),
// with its state exposed so that a checkpoint can save and restore it exactly.
import * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

export interface AdamState {
  m: tf.Variable;
  v: tf.Variable;
}

export class Adam {
  /** Steps taken (the bias corrections use it). */
  t = 0;
  private readonly state = new Map<tf.Variable, AdamState>();
  constructor(readonly opts: AdamOptions) {}

  stateOf(v: tf.Variable): AdamState {
    let s = this.state.get(v);
    if (!s) {
      s = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(v), false), v: tf.variable(tf.zerosLike(v), false) }));
      this.state.set(v, s);
    }
    return s;
  }

  /** One step on `vars` with gradients in the same order. */
  step(vars: tf.Variable[], grads: tf.Tensor[]): void {
    this.t++;
    const [b1, b2] = this.opts.betas;
    const eps = this.opts.eps ?? 1e-8;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    tf.tidy(() => {
      vars.forEach((p, i) => {
        let g = grads[i]!;
        if (this.opts.weightDecay) g = tf.add(g, tf.mul(p, this.opts.weightDecay));
        const s = this.stateOf(p);
        s.m.assign(tf.add(tf.mul(s.m, b1), tf.mul(g, 1 - b1)));
        s.v.assign(tf.add(tf.mul(s.v, b2), tf.mul(tf.square(g), 1 - b2)));
        const denom = tf.add(tf.div(tf.sqrt(s.v), Math.sqrt(c2)), eps);
        p.assign(tf.sub(p, tf.mul(tf.div(s.m, denom), this.opts.lr / c1)));
      });
    });
  }

  dispose(): void {
    for (const s of this.state.values()) tf.dispose([s.m, s.v]);
    this.state.clear();
  }
}
