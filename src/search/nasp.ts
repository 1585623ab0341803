// NASP over the shared search network (Yao et al., "Differentiable NAS via Proximal
// Iterations"; SNAS-FACTS, "NASP"). Each step:
//   1. binarise alpha within the space (nasp-space.ts): per node the 2 strongest edges, on each
//      its strongest op (the DARTS rule);
//   2. the architecture step: every op of the space weighted by that binary alpha, on a batch
//      from the other half of the training split; the gradient (plus Sec. 3.3's model-size
//      regulariser at the continuous alpha, weight nasp.eta) goes to alpha through the
//      optimiser, and the update rule (nasp-update.ts: NASP's box [0, 1], or a proximal
//      baseline) projects the result;
//   3. the weight step: binarise again and compute only the selected ops, so that the other ops'
//      weights are neither computed nor touched.
// The step counts how many choices of the binary architecture step 2 changed (metrics.csv's flips).
import * as tf from '@tensorflow/tfjs';
import type { NaspConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import { softmaxCrossEntropy } from '../ops/index.js';
import type { Genotype } from '../space/genotype.js';
import { CELL_TYPES, choiceChanges, type Alphas, type CellType } from './architecture.js';
import { AlphaSearch } from './arch-optimizer.js';
import { cellWeights, evalChild, opSizesOf, trainChild, withChild } from './child.js';
import { stopGradient } from './cost-term.js';
import { binarise, project } from './nasp-update.js';
import { allowed, spaceOps } from './nasp-space.js';
import { since, type SearchStrategy, type StepInput, type StepResult } from './strategy.js';
import type { DataShape } from '../data/images.js';
import type { Ctx } from '../nn/module.js';
import type { SearchNetwork } from '../networks/search.js';

/**
 * Sec. 3.3's regulariser for one cell type: sum over ops k of share_k * ||column k of alpha||^2,
 * share_k = p_k / sum p (p_k the op's parameters).
 */
export function sizeRegulariser(alpha: tf.Tensor2D, share: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.mul(tf.square(alpha), share));
}

/**
 * Each op's share of the parameters of the space's ops, per cell type: its parameters summed
 * over the type's edges and cells, over the same for every op the space holds (0 outside it).
 */
export function parameterShares(net: SearchNetwork, space: NaspConfig['nasp']['space']): Record<CellType, number[]> {
  const sizes = opSizesOf(net);
  const shares = (type: CellType) => {
    const ok = allowed(space, type);
    const p = ok.map((inSpace, k) => (inSpace ? sizes[type].reduce((n, row) => n + row[k]!, 0) : 0));
    const total = p.reduce((a, b) => a + b, 0);
    return p.map((v) => (total > 0 ? v / total : 0));
  };
  return { normal: shares('normal'), reduce: shares('reduce') };
}

export class NaspSearch extends AlphaSearch implements SearchStrategy {
  readonly bilevel = true;
  readonly searchIsChild = true;
  private readonly shares: Record<CellType, tf.Tensor1D>;

  constructor(override readonly cfg: NaspConfig, seed: number, input: DataShape) {
    super(cfg, seed, input);
    const s = parameterShares(this.net, cfg.nasp.space);
    this.shares = { normal: tf.tensor1d(s.normal), reduce: tf.tensor1d(s.reduce) };
    this.setAlphas(project(cfg.nasp.update, this.arch.valuesSync(), cfg.nasp.space));
  }

  metrics(): Record<string, number> {
    return {};
  }

  private setAlphas(a: Alphas): void {
    tf.tidy(() => { for (const t of CELL_TYPES) this.arch.logAlpha[t].assign(tf.tensor2d(a[t])); });
  }

  private binarise(a: Alphas, name?: string): Genotype {
    return binarise(a, this.cfg.nasp.space, name);
  }

  async trainStep({ batch, archBatch, lr }: StepInput): Promise<StepResult> {
    if (!archBatch) throw new Error('NASP needs a batch for the architecture step');
    const t0 = performance.now();
    const before = this.binarise(await this.archValues());
    const after = this.binarise(await this.archStep(archBatch, before));
    const arch = since(t0);
    const r = await withChild(after, (child) => trainChild(this.net, this.sgd, child, batch, lr));
    return { ...r, flips: tf.scalar(choiceChanges(before, after)), seconds: { ...r.seconds, arch } };
  }

  /**
   * The space's ops weighted by the binary architecture `bin`; the gradient (and the
   * regulariser's) goes to the continuous alpha, which the update rule then projects. Returns
   * the new alpha.
   */
  async archStep(archBatch: Batch, bin: Genotype): Promise<Alphas> {
    const alphas = this.arch.variables();
    const { eta, space } = this.cfg.nasp;
    const active = spaceOps(space);
    tf.tidy(() => {
      const binary = { normal: tf.tensor2d(cellWeights(bin.normal)), reduce: tf.tensor2d(cellWeights(bin.reduce)) };
      const weightsOf = (t: CellType) => tf.add(this.arch.logAlpha[t], stopGradient(tf.sub(binary[t], this.arch.logAlpha[t]))) as tf.Tensor2D;
      const { grads } = tf.variableGrads(() => {
        const logits = this.net.forward(archBatch.x, weightsOf('normal'), weightsOf('reduce'), { training: true }, active);
        const loss = softmaxCrossEntropy(logits, archBatch.y);
        if (eta === 0) return loss;
        const reg = tf.addN(CELL_TYPES.map((t) => sizeRegulariser(this.arch.logAlpha[t] as tf.Tensor2D, this.shares[t])));
        return tf.add(loss, tf.mul(eta, reg)) as tf.Scalar;
      }, alphas);
      this.alphaOpt.step(alphas, grads);
    });
    const projected = project(this.cfg.nasp.update, await this.archValues(), space);
    this.setAlphas(projected);
    return projected;
  }

  /** The binarised architecture is NASP's search-time network and also its derived child. */
  async evalSearch(batch: Batch, _seed: number, ctx: Ctx): Promise<number> {
    return withChild(this.binarise(await this.archValues()), (child) => evalChild(this.net, child, batch, ctx));
  }

  /** NASP keeps no distribution over ops. */
  entropy(): number {
    return NaN;
  }

  derive(a: Alphas, name: string): Genotype {
    return this.binarise(a, name);
  }

  override dispose(): void {
    tf.dispose([this.shares.normal, this.shares.reduce]);
    super.dispose();
  }
}
