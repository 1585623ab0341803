// A step's numbers (its loss, correct predictions and the sums a record averages) stay on the
// backend as scalar tensors until the run layer reads several steps back at once: one host read
// per interval instead of several per step, so that a GPU's queue of kernels never drains
// inside a step. The numbers read are the same float32 values a read per step gives, summed in
// the same order.
import * as tf from '@tensorflow/tfjs';

/** Steps between reads: the progress line and the divergence check see steps this late at most. */
export const READ_EVERY = 16;

/** What a step hands the run layer: scalars on the backend, owned by the run layer from then on. */
export interface StepTensors {
  loss: tf.Scalar;
  correct: tf.Scalar;
  count: number;
  sums?: Record<string, tf.Scalar>;
}

/** A step's numbers once read back. */
export interface StepNumbers {
  step: number;
  loss: number;
  correct: number;
  count: number;
  sums: Record<string, number>;
}

interface Pending {
  step: number;
  count: number;
  names: string[];
  values: tf.Scalar[];
}

export class PendingSteps {
  private pending: Pending[] = [];

  get size(): number {
    return this.pending.length;
  }

  push(step: number, t: StepTensors): void {
    const sums = Object.entries(t.sums ?? {});
    this.pending.push({ step, count: t.count, names: sums.map(([k]) => k), values: [t.loss, t.correct, ...sums.map(([, v]) => v)] });
  }

  /** Reads every pending step back with one host read, in step order, and frees their tensors. */
  async read(): Promise<StepNumbers[]> {
    if (this.pending.length === 0) return [];
    const taken = this.pending;
    this.pending = [];
    const all = taken.flatMap((p) => p.values);
    try {
      const joined = tf.tidy(() => tf.concat(all.map((v) => tf.reshape(tf.cast(v, 'float32'), [1]))));
      const data = await joined.data();
      joined.dispose();
      let i = 0;
      return taken.map((p) => {
        const loss = data[i++]!;
        const correct = data[i++]!;
        const sums = Object.fromEntries(p.names.map((k) => [k, data[i++]!]));
        return { step: p.step, loss, correct, count: p.count, sums };
      });
    } finally {
      tf.dispose(all);
    }
  }

  /** Frees what is pending without reading it (a run stopping on an error). */
  dispose(): void {
    tf.dispose(this.pending.flatMap((p) => p.values));
    this.pending = [];
  }
}
