// Batches of tfjs tensors from an image set: a seeded shuffle per epoch, seeded augmentation,
// and the next batch prepared while the current step runs (whenever the step yields to the
// event loop, e.g. to read a result back from an asynchronous backend).
import * as tf from '@tensorflow/tfjs';
import { rng } from '../util/rng.js';
import { NO_AUGMENTATION, drawAugmentation, renderAugmented, type AugmentOptions, type ChannelStats } from './augment.js';
import { type ImageSet } from './images.js';

export interface BatchOptions {
  batchSize: number;
  /** Shuffle the order every epoch (seeded by seed and epoch). */
  shuffle: boolean;
  /** Augmentation (training); omit for evaluation. */
  augment?: AugmentOptions;
  stats: ChannelStats;
  seed: number;
  /** Drop a last, smaller batch (default false). */
  dropLast?: boolean;
}

export interface Batch {
  /** Images [n, size, size, channels], normalised. */
  x: tf.Tensor4D;
  /** Labels [n], int32. */
  y: tf.Tensor1D;
  index: number;
}

interface HostBatch {
  x: Float32Array;
  y: Int32Array;
  n: number;
  index: number;
}

/** Seeds derived from (seed, epoch, purpose): streams that do not overlap. */
const mix = (seed: number, epoch: number, purpose: number) => ((seed * 0x9e3779b1) ^ (epoch * 0x85ebca6b) ^ (purpose * 0xc2b2ae35)) >>> 0;

/** A permutation of 0..n-1 (Fisher-Yates) from a seed. */
export function permutation(n: number, seed: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const next = rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

export class BatchIterator {
  constructor(readonly set: ImageSet, readonly opts: BatchOptions) {
    if (!(opts.batchSize >= 1)) throw new Error(`batch size must be at least 1, got ${opts.batchSize}`);
  }

  batchesPerEpoch(): number {
    const n = this.set.labels.length;
    return this.opts.dropLast ? Math.floor(n / this.opts.batchSize) : Math.ceil(n / this.opts.batchSize);
  }

  /** The image order of an epoch. */
  order(epoch: number): Uint32Array {
    const n = this.set.labels.length;
    return this.opts.shuffle ? permutation(n, mix(this.opts.seed, epoch, 1)) : Uint32Array.from({ length: n }, (_, i) => i);
  }

  private prepare(order: Uint32Array, b: number, draws: () => number): HostBatch {
    const { batchSize, augment, stats } = this.opts;
    const s = this.set.size;
    const per = s * s * this.set.channels;
    const start = b * batchSize;
    const n = Math.min(batchSize, order.length - start);
    const x = new Float32Array(n * per);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const index = order[start + i]!;
      const d = augment ? drawAugmentation(draws, s, augment) : NO_AUGMENTATION;
      renderAugmented(this.set, index, d, stats, augment?.cutout ?? 0, x, i * per);
      y[i] = this.set.labels[index]!;
    }
    return { x, y, n, index: b };
  }

  /**
   * The batches of one epoch. A batch's tensors belong to the iterator: they stay valid until
   * the next batch is requested and are disposed then (or when the loop ends).
   */
  async *epoch(epoch: number): AsyncGenerator<Batch> {
    const order = this.order(epoch);
    const draws = rng(mix(this.opts.seed, epoch, 2));
    const count = this.batchesPerEpoch();
    const defer = (b: number) => new Promise<HostBatch>((done) => setImmediate(() => done(this.prepare(order, b, draws))));
    let pending = count > 0 ? defer(0) : undefined;
    let current: Batch | undefined;
    try {
      for (let b = 0; b < count; b++) {
        const host = await pending!;
        pending = b + 1 < count ? defer(b + 1) : undefined;
        current?.x.dispose();
        current?.y.dispose();
        const s = this.set.size;
        current = { x: tf.tensor4d(host.x, [host.n, s, s, this.set.channels]), y: tf.tensor1d(host.y, 'int32'), index: b };
        yield current;
      }
    } finally {
      current?.x.dispose();
      current?.y.dispose();
      await pending;
    }
  }
}
