// A cell built from a genotype (the evaluation networks): each intermediate node is the sum of
// its kept edges' op outputs ('none' edges contribute nothing); the output concatenates nodes 2..5.
import * as tf from '@tensorflow/tfjs';
import { addAll } from '../nn/layers.js';
import { Init, Module, type Ctx } from '../nn/module.js';
import type { CellGenotype, Edge } from './genotype.js';
import { makeOp, withDropPath, type CellOp, type OpOptions } from './ops.js';
import { preprocess } from './search-cell.js';
import { STEPS } from './primitives.js';

export class DerivedCell extends Module {
  private readonly pre0: CellOp;
  private readonly pre1: CellOp;
  private readonly edges: { edge: Edge; op: CellOp }[];
  constructor(
    readonly genotype: CellGenotype, cpp: number, cp: number, readonly c: number,
    readonly reduction: boolean, reductionPrev: boolean, opts: OpOptions, init: Init,
  ) {
    super();
    const [p0, p1] = preprocess(cpp, cp, c, reductionPrev, opts.affine, init);
    this.pre0 = this.child('pre0', p0);
    this.pre1 = this.child('pre1', p1);
    this.edges = genotype.edges
      .map((edge, i) => ({ edge, i }))
      .filter(({ edge }) => edge.op !== 'none')
      .map(({ edge, i }) => ({ edge, op: this.child(`edges.${i}`, makeOp(edge.op, c, reduction && edge.input < 2 ? 2 : 1, opts, init)) }));
  }

  /** Output channels: the 4 concatenated nodes. */
  get outChannels(): number {
    return STEPS * this.c;
  }

  forward(s0: tf.Tensor4D, s1: tf.Tensor4D, ctx: Ctx): tf.Tensor4D {
    const states = [this.pre0.forward(s0, ctx), this.pre1.forward(s1, ctx)];
    const [n, h, w] = states[1]!.shape;
    const size = this.reduction ? [Math.ceil(h / 2), Math.ceil(w / 2)] : [h, w];
    for (let node = 2; node < 2 + STEPS; node++) {
      const terms = this.edges.filter((e) => e.edge.node === node).map((e) => withDropPath(e.op, states[e.edge.input]!, ctx));
      // A node that receives only 'none' edges is an all-zero map (SNAS_aggressive's reduce cell).
      states.push(terms.length ? addAll(terms, ctx) : tf.zeros([n, size[0]!, size[1]!, this.c]));
    }
    return tf.concat(states.slice(2), 3);
  }
}
