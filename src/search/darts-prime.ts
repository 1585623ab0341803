// DARTS-PRIME's ADMM regularisation of DARTS (Cassimon et al.; METHODS-FACTS, "DARTS-PRIME"):
// first-order bi-level DARTS whose architecture step minimises
//   L_val + rho/2 * sum ||softmax(alpha) - z + u||^2
// with z a discrete architecture (per node the two strongest edges, each with its strongest
// non-'none' op: the two-per-node rule, as a 0/1 mask) and u the scaled dual variable. Every
// admm.every steps, after the step: z = projection of softmax(alpha) + u, then
// u = u + softmax(alpha) - z. z and u are part of the checkpoint, so that a run resumed between
// two projections goes on as if it had never stopped. (The paper's new activation of alpha and
// its dynamic update schedule are not built: softmax per edge, a fixed interval.)
import * as tf from '@tensorflow/tfjs';
import type { DartsPrimeConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import { CELL_TYPES, twoPerNodeMaskOf, type CellType } from './architecture.js';
import { DartsSearch } from './darts.js';
import type { SearchStrategy, StepInput, StepResult } from './strategy.js';
import type { DataShape } from '../data/images.js';

/** One ADMM projection and dual update: z = proj(f + u), u' = u + f - z (f = softmax(alpha) per edge). */
export function admmUpdate(f: tf.Tensor2D, u: tf.Tensor2D): { z: tf.Tensor2D; u: tf.Tensor2D } {
  return tf.tidy(() => {
    const z = twoPerNodeMaskOf(tf.add(f, u) as tf.Tensor2D);
    return { z, u: tf.add(u, tf.sub(f, z)) as tf.Tensor2D };
  });
}

/** rho/2 * ||softmax(alpha) - z + u||^2 for one cell type. */
export function admmPenalty(alpha: tf.Tensor2D, z: tf.Tensor2D, u: tf.Tensor2D, rho: number): tf.Scalar {
  return tf.mul(tf.sum(tf.square(tf.add(tf.sub(tf.softmax(alpha), z), u))), rho / 2) as tf.Scalar;
}

export class DartsPrimeSearch extends DartsSearch implements SearchStrategy {
  readonly z: Record<CellType, tf.Variable>;
  readonly u: Record<CellType, tf.Variable>;

  constructor(readonly primeCfg: DartsPrimeConfig, seed: number, input: DataShape) {
    const { admm: _admm, ...rest } = primeCfg;
    super({ ...rest, method: 'darts', darts: { order: 1, bilevel: true } }, seed, input);
    const init = (t: CellType) => tf.tidy(() => twoPerNodeMaskOf(tf.softmax(this.arch.logAlpha[t]) as tf.Tensor2D));
    const variable = (t: tf.Tensor2D) => { const v = tf.variable(t, false); t.dispose(); return v; };
    this.z = { normal: variable(init('normal')), reduce: variable(init('reduce')) };
    this.u = { normal: variable(tf.zerosLike(this.z.normal) as tf.Tensor2D), reduce: variable(tf.zerosLike(this.z.reduce) as tf.Tensor2D) };
  }

  override state(): Map<string, tf.Variable> {
    const out = super.state();
    for (const t of CELL_TYPES) {
      out.set(`admm_z/${t}`, this.z[t]);
      out.set(`admm_u/${t}`, this.u[t]);
    }
    return out;
  }

  /** dL_val/dalpha plus the ADMM penalty's gradient, at the current weights. */
  override firstOrderGrads(archBatch: Batch): Record<string, tf.Tensor> {
    const { rho } = this.primeCfg.admm;
    return tf.tidy(() => tf.variableGrads(() => {
      const penalty = tf.addN(CELL_TYPES.map((t) => admmPenalty(this.arch.logAlpha[t] as tf.Tensor2D, this.z[t] as tf.Tensor2D, this.u[t] as tf.Tensor2D, rho)));
      return tf.add(this.loss(archBatch), penalty) as tf.Scalar;
    }, this.arch.variables()).grads);
  }

  override async trainStep(input: StepInput): Promise<StepResult> {
    const r = await super.trainStep(input);
    if ((input.clock.step + 1) % this.primeCfg.admm.every === 0) this.project();
    return r;
  }

  /** The projection and dual update, both cell types. */
  project(): void {
    for (const t of CELL_TYPES) {
      tf.tidy(() => {
        const next = admmUpdate(tf.softmax(this.arch.logAlpha[t]) as tf.Tensor2D, this.u[t] as tf.Tensor2D);
        this.z[t].assign(next.z);
        this.u[t].assign(next.u);
      });
    }
  }

  override dispose(): void {
    tf.dispose([...Object.values(this.z), ...Object.values(this.u)]);
    super.dispose();
  }
}
