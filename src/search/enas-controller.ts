// ENAS' controller (Pham et al. 2018) for the SNAS/DARTS cell space: one LSTM that, for the
// normal and then the reduction cell, picks for each intermediate node two inputs (among the
// cell's inputs and earlier nodes) and an op for each (the 7 ops other than 'none'). Each
// decision's logits are tanh_constant * tanh(h W / temperature) (the released code's 2.5 and 5);
// the chosen token's embedding is the next
// input. Inputs are chosen by a masked linear head over the 6 positions (the original uses an
// attention over earlier nodes' states; the distribution family is the same: one categorical
// per decision, conditioned on all earlier decisions).
import * as tf from '@tensorflow/tfjs';
import { Init, Module } from '../nn/module.js';
import type { Edge, Genotype } from '../space/genotype.js';
import { PRIMITIVES, STEPS } from '../space/primitives.js';
import { categorical, softmax } from '../space/sample.js';
import type { Rng } from '../util/rng.js';
import { CELL_TYPES } from './architecture.js';

/** The ops the controller chooses from. */
export const ENAS_OPS = PRIMITIVES.filter((p) => p !== 'none');
const POSITIONS = 2 + STEPS - 1;

/** The decisions of one child, in order: per cell type, per node: input, op, input, op. */
export type Decisions = number[];

export interface Decision {
  kind: 'input' | 'op';
  /** Number of valid choices (inputs: the node's index; ops: 7). */
  choices: number;
}

/** The decision sequence's shape: what each position picks among. */
export const DECISIONS: Decision[] = CELL_TYPES.flatMap(() => Array.from({ length: STEPS }, (_, i) => 2 + i).flatMap((node) => [
  { kind: 'input' as const, choices: node }, { kind: 'op' as const, choices: ENAS_OPS.length },
  { kind: 'input' as const, choices: node }, { kind: 'op' as const, choices: ENAS_OPS.length },
]));

export class EnasController extends Module {
  private readonly kernel: tf.Variable;
  private readonly bias: tf.Variable;
  private readonly start: tf.Variable;
  private readonly opEmbed: tf.Variable;
  private readonly inputEmbed: tf.Variable;
  private readonly opHead: tf.Variable;
  private readonly inputHead: tf.Variable;

  constructor(readonly size: number, readonly tanhConstant: number, seed: number, readonly temperature = 1) {
    super();
    const init = new Init(seed);
    const u = (shape: number[]) => init.uniform(shape, 0.1);
    this.kernel = this.variable('lstm.kernel', u([2 * size, 4 * size]));
    this.bias = this.variable('lstm.bias', tf.zeros([4 * size]));
    this.start = this.variable('start', u([1, size]));
    this.opEmbed = this.variable('op_embed', u([ENAS_OPS.length, size]));
    this.inputEmbed = this.variable('input_embed', u([POSITIONS, size]));
    this.opHead = this.variable('op_head', u([size, ENAS_OPS.length]));
    this.inputHead = this.variable('input_head', u([size, POSITIONS]));
  }

  /**
   * Runs the LSTM over n decision sequences at once (one row each). With `rngs` (one per
   * sequence), each decision is sampled (and `tokens` is filled in); with `tokens` given, they
   * are followed. Returns each decision's log-probability and entropy, [n] per decision (tensors,
   * for a gradient).
   */
  private unroll(tokens: Decisions[], rngs?: Rng[]): { logProbs: tf.Tensor1D[]; entropies: tf.Tensor1D[] } {
    const n = tokens.length;
    let c: tf.Tensor2D = tf.zeros([n, this.size]);
    let h: tf.Tensor2D = tf.zeros([n, this.size]);
    let x = tf.tile(this.start, [n, 1]) as tf.Tensor2D;
    const logProbs: tf.Tensor1D[] = [];
    const entropies: tf.Tensor1D[] = [];
    DECISIONS.forEach((d, i) => {
      [c, h] = tf.basicLSTMCell(1.0, this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D, x, c, h) as [tf.Tensor2D, tf.Tensor2D];
      const head = d.kind === 'op' ? this.opHead : this.inputHead;
      let logits = tf.mul(tf.tanh(tf.div(tf.matMul(h, head as tf.Tensor2D), this.temperature)), this.tanhConstant) as tf.Tensor2D;
      if (d.kind === 'input') logits = tf.slice(logits, [0, 0], [n, d.choices]);
      const logp = tf.logSoftmax(logits);
      if (rngs) {
        const rows = logits.arraySync();
        tokens.forEach((t, j) => { t[i] = categorical(softmax(rows[j]!), rngs[j]!); });
      }
      const index = tf.tensor1d(tokens.map((t) => t[i]!), 'int32');
      logProbs.push(tf.sum(tf.mul(logp, tf.oneHot(index, d.choices)), 1) as tf.Tensor1D);
      entropies.push(tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as tf.Tensor1D);
      const embed = d.kind === 'op' ? this.opEmbed : this.inputEmbed;
      x = tf.gather(embed, index) as tf.Tensor2D;
    });
    return { logProbs, entropies };
  }

  /** Samples a child's decisions. */
  sample(rng: Rng): Decisions {
    return this.sampleMany([rng])[0]!.tokens;
  }

  /** Samples one child per generator, each with the entropy of its decisions' distributions summed (ENAS' sample entropy). */
  sampleMany(rngs: Rng[]): { tokens: Decisions; entropy: number }[] {
    const tokens: Decisions[] = rngs.map(() => new Array(DECISIONS.length).fill(0));
    const entropy = tf.tidy(() => tf.addN(this.unroll(tokens, rngs).entropies).arraySync() as number[]);
    return tokens.map((t, j) => ({ tokens: t, entropy: entropy[j]! }));
  }

  /** Log-probability and entropy of given decisions, summed over them (for REINFORCE; call inside a gradient). */
  score(tokens: Decisions): { logProb: tf.Scalar; entropy: tf.Scalar } {
    const { logProbs, entropies } = this.unroll([tokens]);
    return { logProb: tf.squeeze(tf.addN(logProbs)) as tf.Scalar, entropy: tf.squeeze(tf.addN(entropies)) as tf.Scalar };
  }

  /** log p of several children at once, [n] (call inside a gradient). */
  logProbs(children: Decisions[]): tf.Tensor1D {
    return tf.addN(this.unroll(children).logProbs) as tf.Tensor1D;
  }

  /** Each decision's log-probability given the earlier ones, as numbers. */
  decisionLogProbs(tokens: Decisions): number[] {
    return tf.tidy(() => this.unroll([tokens]).logProbs.map((t) => t.dataSync()[0]!));
  }
}

/** The child the decisions describe: two (input, op) edges per node; two on one input add up. */
export function decisionsToGenotype(tokens: Decisions, name: string): Genotype {
  const perType = 4 * STEPS;
  const cell = (offset: number) => {
    const edges: Edge[] = [];
    for (let s = 0; s < STEPS; s++) {
      const at = offset + 4 * s;
      for (const j of [0, 2]) edges.push({ input: tokens[at + j]!, op: ENAS_OPS[tokens[at + j + 1]!]!, node: 2 + s });
    }
    return { form: 'two-per-node' as const, edges };
  };
  return { name, normal: cell(0), reduce: cell(perType), source: 'snas-lab search' };
}
