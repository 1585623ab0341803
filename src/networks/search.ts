// The search network (supernet) of the paper's Sec. 3.1: stem, cells of mixed edges with
// reductions at 1/3 and 2/3 of the depth, global pooling and a linear classifier. All normal
// cells share one [14, 8] weight matrix and all reduction cells another.
import * as tf from '@tensorflow/tfjs';
import { BatchNorm, Conv2d, Linear, globalAvgPool } from '../nn/layers.js';
import { Init, Module, type Ctx } from '../nn/module.js';
import { SearchCell, edgeWeights, type ActiveOps } from '../space/search-cell.js';
import { STEPS } from '../space/primitives.js';
import { checkShape, isReduction } from './reductions.js';

export interface SearchNetworkOptions {
  channels: number;
  layers: number;
  classes: number;
  /** Channels of the input images (3: RGB, the default; 1: grayscale). */
  inputChannels?: number;
  stemMultiplier?: number;
  seed?: number;
}

export class SearchNetwork extends Module {
  readonly cells: SearchCell[] = [];
  private readonly stemConv: Conv2d;
  private readonly stemBN: BatchNorm;
  private readonly classifier: Linear;
  constructor(readonly opts: SearchNetworkOptions) {
    super();
    const { channels: c, layers, classes } = opts;
    checkShape('search network', c, layers, 1);
    const init = new Init(opts.seed ?? 0);
    let cCurr = (opts.stemMultiplier ?? 3) * c;
    this.stemConv = this.child('stem.conv', new Conv2d(opts.inputChannels ?? 3, cCurr, 3, init, 1, 1));
    this.stemBN = this.child('stem.bn', new BatchNorm(cCurr, true));
    let [cpp, cp] = [cCurr, cCurr];
    cCurr = c;
    let reductionPrev = false;
    for (let i = 0; i < layers; i++) {
      const reduction = isReduction(i, layers);
      if (reduction) cCurr *= 2;
      this.cells.push(this.child(`cells.${i}`, new SearchCell(cpp, cp, cCurr, reduction, reductionPrev, init)));
      reductionPrev = reduction;
      [cpp, cp] = [cp, STEPS * cCurr];
    }
    this.classifier = this.child('classifier', new Linear(cp, classes, init));
  }

  /**
   * Logits [N, classes] for images [N, H, W, inputChannels] under op weights for normal and reduction
   * cells; `active`, when given, limits each cell type's edges to the ops listed (a child
   * network on the shared weights: only its ops are computed).
   */
  forward(x: tf.Tensor4D, normal: tf.Tensor2D, reduce: tf.Tensor2D, ctx: Ctx, active?: { normal: ActiveOps; reduce: ActiveOps }): tf.Tensor2D {
    const [normalRows, reduceRows] = [edgeWeights(normal), edgeWeights(reduce)];
    let s0 = this.stemBN.forward(this.stemConv.forward(x, ctx), ctx);
    let s1 = s0;
    for (const cell of this.cells) {
      const [rows, act] = cell.reduction ? [reduceRows, active?.reduce] : [normalRows, active?.normal];
      [s0, s1] = [s1, cell.forward(s0, s1, rows, ctx, act)];
    }
    return this.classifier.forward(globalAvgPool(s1, ctx), ctx);
  }
}
