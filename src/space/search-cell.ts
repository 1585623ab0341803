// The search cell (paper Sec. 3.1): 14 mixed edges, each a weighted sum of the 8 primitives.
// The weights come from outside ([14, 8], one row per edge in canonical order), so that any
// sampler drives it: Gumbel-softmax samples (SNAS), softmax(alpha) (DARTS), binary (NASP).
import * as tf from '@tensorflow/tfjs';
import { addAll, weightedSum } from '../nn/layers.js';
import { Init, Module, type Ctx } from '../nn/module.js';
import { FactorizedReduce, ReLUConvBN, makeOp, withDropPath, type CellOp } from './ops.js';
import { EDGE_LIST, EDGES, PRIMITIVES, STEPS } from './primitives.js';

/** Per edge (canonical order), the op indices to compute; the rest are not evaluated. */
export type ActiveOps = readonly (readonly number[])[];

/** Positions of the primitives other than 'none' (a contiguous run in PRIMITIVES). */
const COMPUTED = PRIMITIVES.flatMap((p, k) => (p === 'none' ? [] : [k]));

/** One edge: sum over k of w_k * op_k(x); 'none' contributes zero and is not computed. */
export class MixedOp extends Module {
  readonly ops: CellOp[];
  constructor(c: number, stride: number, init: Init) {
    super();
    this.ops = PRIMITIVES.map((p, k) => this.child(String(k), makeOp(p, c, stride, { affine: false, poolBN: true }, init)));
  }

  /**
   * `weights` is this edge's row of 8 weights, one per primitive. `active`, when given, lists
   * the only ops to compute (the others' weights are taken as zero, and their weights get no
   * gradient); undefined when no op is active (the edge contributes nothing).
   */
  forward(x: tf.Tensor4D, weights: tf.Tensor1D, ctx: Ctx, active?: readonly number[]): tf.Tensor4D | undefined {
    const ks = active ? COMPUTED.filter((k) => active.includes(k)) : COMPUTED;
    if (ks.length === 0) return undefined;
    const terms = ks.map((k) => withDropPath(this.ops[k]!, x, ctx));
    const w = active ? tf.gather(weights, ks) : tf.slice(weights, COMPUTED[0]!, COMPUTED.length);
    return weightedSum(terms, w as tf.Tensor1D, ctx);
  }
}

/** Preprocessing of a cell's two inputs to C channels (FactorizedReduce after a reduction cell). */
export function preprocess(cpp: number, cp: number, c: number, reductionPrev: boolean, affine: boolean, init: Init): [CellOp, CellOp] {
  return [
    reductionPrev ? new FactorizedReduce(cpp, c, affine, init) : new ReLUConvBN(cpp, c, 1, 1, 0, affine, init),
    new ReLUConvBN(cp, c, 1, 1, 0, affine, init),
  ];
}

/** The rows of a [14, 8] weight matrix, edge by edge (unstacked once per forward pass). */
export function edgeWeights(weights: tf.Tensor2D): tf.Tensor1D[] {
  if (weights.shape[0] !== EDGES || weights.shape[1] !== PRIMITIVES.length) {
    throw new Error(`search cell weights must be [${EDGES}, ${PRIMITIVES.length}], got [${weights.shape}]`);
  }
  return tf.unstack(weights) as tf.Tensor1D[];
}

export class SearchCell extends Module {
  readonly edges: MixedOp[];
  private readonly pre0: CellOp;
  private readonly pre1: CellOp;
  constructor(cpp: number, cp: number, readonly c: number, readonly reduction: boolean, reductionPrev: boolean, init: Init) {
    super();
    const [p0, p1] = preprocess(cpp, cp, c, reductionPrev, false, init);
    this.pre0 = this.child('pre0', p0);
    this.pre1 = this.child('pre1', p1);
    this.edges = EDGE_LIST.map((e, i) => this.child(`edges.${i}`, new MixedOp(c, reduction && e.input < 2 ? 2 : 1, init)));
  }

  /** `rows[i][k]` weights op k of edge i (see edgeWeights); `active[i]`, when given, the only ops edge i computes. */
  forward(s0: tf.Tensor4D, s1: tf.Tensor4D, rows: tf.Tensor1D[], ctx: Ctx, active?: ActiveOps): tf.Tensor4D {
    return tf.concat(this.nodeStates(s0, s1, rows, ctx, undefined, active).slice(2), 3);
  }

  /**
   * The cell's states: its two preprocessed inputs, then nodes 2..5. `atNode`, when given, may
   * replace each intermediate node's state as it is made (src/probes/credit.ts adds a zero
   * there to read dL/dx_j).
   */
  nodeStates(
    s0: tf.Tensor4D, s1: tf.Tensor4D, rows: tf.Tensor1D[], ctx: Ctx, atNode?: (node: number, x: tf.Tensor4D) => tf.Tensor4D, active?: ActiveOps,
  ): tf.Tensor4D[] {
    const states = [this.pre0.forward(s0, ctx), this.pre1.forward(s1, ctx)];
    let edge = 0;
    for (let node = 2; node < 2 + STEPS; node++) {
      const inputs: tf.Tensor4D[] = [];
      for (let j = 0; j < node; j++, edge++) {
        const y = this.edges[edge]!.forward(states[j]!, rows[edge]!, ctx, active?.[edge]);
        if (y) inputs.push(y);
      }
      const x = inputs.length > 0 ? addAll(inputs, ctx) : this.zeroNode(states[0]!);
      states.push(atNode ? atNode(node, x) : x);
    }
    return states;
  }

  /** A node none of whose edges computes anything: zeros of a node's shape. */
  private zeroNode(s0: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w] = s0.shape;
    const stride = this.reduction ? 2 : 1;
    return tf.zeros([n, Math.ceil(h / stride), Math.ceil(w / stride), this.c]);
  }
}
