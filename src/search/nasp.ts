// NASP over the shared search network (Yao et al., "Differentiable NAS via Proximal
// Iterations"; SNAS-FACTS, "NASP"): alpha lives in [0, 1]. Each step binarises alpha (per
// node the 2 strongest edges, on each its strongest op, the DARTS rule); the architecture step
// runs every op weighted by the binary alpha on a batch from the other half of the training
// split and applies that gradient to the continuous alpha (Adam), then clips alpha to [0, 1];
// the weight step binarises again and runs only the selected ops, so that the other ops'
// weights are neither computed nor touched.
import * as tf from '@tensorflow/tfjs';
import type { NaspConfig } from '../config/schema.js';
import type { Batch } from '../data/batches.js';
import { softmaxCrossEntropy } from '../ops/index.js';
import type { Genotype } from '../space/genotype.js';
import { twoPerNode, type Alphas, type CellType } from './architecture.js';
import { AlphaSearch } from './arch-optimizer.js';
import { cellWeights, evalChild, trainChild, withChild } from './child.js';
import { stopGradient } from './cost-term.js';
import type { SearchStrategy, StepInput, StepResult } from './strategy.js';
import type { DataShape } from '../data/images.js';
import type { Ctx } from '../nn/module.js';

/** NASP's binary architecture: the two-per-node rule applied to alpha itself. */
export function binarise(alphas: Alphas, name = 'nasp'): Genotype {
  return { name, normal: twoPerNode(alphas.normal), reduce: twoPerNode(alphas.reduce), source: 'snas-lab search' };
}

export class NaspSearch extends AlphaSearch implements SearchStrategy {
  readonly bilevel = true;

  constructor(cfg: NaspConfig, seed: number, input: DataShape) {
    super(cfg, seed, input);
    this.clip();
  }

  metrics(): Record<string, number> {
    return {};
  }

  private clip(): void {
    tf.tidy(() => { for (const a of this.arch.variables()) a.assign(tf.clipByValue(a, 0, 1)); });
  }

  async trainStep({ batch, archBatch, lr }: StepInput): Promise<StepResult> {
    if (!archBatch) throw new Error('NASP needs a batch for the architecture step');
    await this.archStep(archBatch);
    return withChild(binarise(await this.archValues()), (child) => trainChild(this.net, this.sgd, child, batch, lr));
  }

  /** Every op, weighted by binary alpha in the forward pass; the gradient goes to the continuous alpha. */
  async archStep(archBatch: Batch): Promise<void> {
    const bin = binarise(await this.archValues());
    const alphas = this.arch.variables();
    tf.tidy(() => {
      const binary = { normal: tf.tensor2d(cellWeights(bin.normal)), reduce: tf.tensor2d(cellWeights(bin.reduce)) };
      const weightsOf = (t: CellType) => tf.add(this.arch.logAlpha[t], stopGradient(tf.sub(binary[t], this.arch.logAlpha[t]))) as tf.Tensor2D;
      const { grads } = tf.variableGrads(() => {
        const logits = this.net.forward(archBatch.x, weightsOf('normal'), weightsOf('reduce'), { training: true });
        return softmaxCrossEntropy(logits, archBatch.y);
      }, alphas);
      this.alphaOpt.step(alphas, grads);
    });
    this.clip();
  }

  /** The binarised architecture is NASP's search-time network and also its derived child. */
  async evalSearch(batch: Batch, _seed: number, ctx: Ctx): Promise<number> {
    return withChild(binarise(await this.archValues()), (child) => evalChild(this.net, child, batch, ctx));
  }

  /** NASP keeps no distribution over ops. */
  entropy(): number {
    return NaN;
  }

  derive(a: Alphas, name: string): Genotype {
    return binarise(a, name);
  }
}
