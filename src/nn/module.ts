// A minimal module tree over tfjs variables: each module owns named variables and child
// modules, so that parameters can be listed, counted, saved and disposed by walking it.
import * as tf from '@tensorflow/tfjs';
import type { CostTrace } from './trace.js';

/** What a forward pass needs besides its inputs. */
export interface Ctx {
  /** Training mode: batch statistics in BN (and their running averages updated), drop-path on. */
  training: boolean;
  /**
   * Outside training only: BN normalises with the batch's own statistics and leaves the running
   * averages as they are (absent or false: BN uses the running averages, PyTorch's eval mode).
   */
  batchStats?: boolean;
  /** Drop-path probability for ops of derived cells (0 or absent: off). */
  dropPath?: number;
  /** Source of seeds for stochastic layers (drop-path), so a step is a function of its seed. */
  nextSeed?: () => number;
  /** Records the cost of every leaf layer (used by the counters). */
  trace?: CostTrace;
}

/** How an evaluation's BN normalises: with the batch's own statistics, or with the running averages (the config's eval_bn). */
export const EVAL_BN = ['batch', 'running'] as const;
export type EvalBn = (typeof EVAL_BN)[number];

/** The context of an evaluation pass under one BN rule. */
export function evalCtx(bn: EvalBn): Ctx {
  return { training: false, batchStats: bn === 'batch' };
}

/** Seeded initialisation: the n-th tensor a network creates uses seed (base, n). */
export class Init {
  private n = 0;
  constructor(readonly seed = 0) {}

  private nextSeed(): number {
    return this.seed * 1_000_003 + ++this.n;
  }

  /** U(-bound, bound), as PyTorch's default initialisation of convolutions and linear layers. */
  uniform(shape: number[], bound: number): tf.Tensor {
    return tf.randomUniform(shape, -bound, bound, 'float32', this.nextSeed());
  }
}

export abstract class Module {
  private readonly childMap = new Map<string, Module>();
  private readonly varMap = new Map<string, tf.Variable>();

  protected child<M extends Module>(name: string, m: M): M {
    if (this.childMap.has(name)) throw new Error(`duplicate child module '${name}'`);
    this.childMap.set(name, m);
    return m;
  }

  protected variable(name: string, initial: tf.Tensor, trainable = true): tf.Variable {
    if (this.varMap.has(name)) throw new Error(`duplicate variable '${name}'`);
    const v = tf.variable(initial, trainable);
    initial.dispose();
    this.varMap.set(name, v);
    return v;
  }

  children(): [string, Module][] {
    return [...this.childMap];
  }

  /** Every variable below this module, with its dotted path (e.g. 'cells.3.edges.2.op.dw'). */
  namedVariables(prefix = ''): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [...this.varMap].map(([k, v]) => [prefix + k, v]);
    for (const [name, m] of this.childMap) out.push(...m.namedVariables(`${prefix}${name}.`));
    return out;
  }

  trainableVariables(): tf.Variable[] {
    return this.namedVariables().map(([, v]) => v).filter((v) => v.trainable);
  }

  /** Number of trainable parameters (BN running statistics are buffers, not parameters). */
  parameterCount(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    for (const [, v] of this.namedVariables()) v.dispose();
  }
}
