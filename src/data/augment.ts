// Augmentation as in the paper's code (DARTS/SNAS CIFAR pipeline): random crop after zero
// padding of 4 pixels, horizontal flip, per-channel normalisation with the training split's
// mean and std, then cutout (a square of side 16 at 32x32, scaled with the image size, set to
// zero after normalisation). Random choices come from a seeded generator.
import type { Rng } from '../util/rng.js';
import { pixelsPerImage, type ImageSet } from './images.js';

export interface AugmentOptions {
  /** Zero padding before the random crop (4 in the paper's code; 0: no crop). */
  cropPadding: number;
  flip: boolean;
  /** Side of the cutout square at this image size (0: none). */
  cutout: number;
}

/** Per-channel mean and standard deviation (one entry per image channel). */
export interface ChannelStats {
  mean: number[];
  std: number[];
}

/** The augmentation drawn for one image. */
export interface Draw {
  dy: number;
  dx: number;
  flip: boolean;
  /** Cutout centre, or -1 for none. */
  cy: number;
  cx: number;
}

/** Cutout side scaled from the paper's 16 at 32x32. */
export const cutoutFor = (size: number, at32 = 16) => Math.round((at32 * size) / 32);

/** Per-channel mean and standard deviation of pixel values in [0, 1]. */
export function channelStats(set: ImageSet): ChannelStats {
  const plane = set.size * set.size;
  const per = pixelsPerImage(set);
  const n = set.labels.length;
  const mean = new Array<number>(set.channels).fill(0);
  const std = new Array<number>(set.channels).fill(0);
  for (let c = 0; c < set.channels; c++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const base = i * per + c * plane;
      for (let j = 0; j < plane; j++) {
        const v = set.images[base + j]! / 255;
        s += v;
        s2 += v * v;
      }
    }
    const m = s / (n * plane);
    mean[c] = m;
    std[c] = Math.sqrt(Math.max(s2 / (n * plane) - m * m, 1e-12));
  }
  return { mean, std };
}

export function drawAugmentation(next: Rng, size: number, opts: AugmentOptions): Draw {
  const p = opts.cropPadding;
  const dy = p > 0 ? Math.floor(next() * (2 * p + 1)) - p : 0;
  const dx = p > 0 ? Math.floor(next() * (2 * p + 1)) - p : 0;
  const flip = opts.flip && next() < 0.5;
  const cut = opts.cutout > 0;
  return { dy, dx, flip, cy: cut ? Math.floor(next() * size) : -1, cx: cut ? Math.floor(next() * size) : -1 };
}

export const NO_AUGMENTATION: Draw = { dy: 0, dx: 0, flip: false, cy: -1, cx: -1 };

/**
 * Writes image `index` of `set`, augmented by `d` and normalised, into `out` at `offset` in
 * NHWC order. Output pixel (y, x) reads input (y + dy, x' + dx), x' = flipped x, zero outside.
 */
export function renderAugmented(
  set: ImageSet, index: number, d: Draw, stats: ChannelStats, cutout: number, out: Float32Array, offset: number,
): void {
  const s = set.size;
  const plane = s * s;
  const channels = set.channels;
  const base = index * pixelsPerImage(set);
  const half = Math.floor(cutout / 2);
  for (let y = 0; y < s; y++) {
    const sy = y + d.dy;
    const inCutY = d.cy >= 0 && y >= d.cy - half && y < d.cy - half + cutout;
    for (let x = 0; x < s; x++) {
      const fx = d.flip ? s - 1 - x : x;
      const sx = fx + d.dx;
      const inside = sy >= 0 && sy < s && sx >= 0 && sx < s;
      const cut = inCutY && x >= d.cx - half && x < d.cx - half + cutout;
      const o = offset + (y * s + x) * channels;
      for (let c = 0; c < channels; c++) {
        const raw = inside ? set.images[base + c * plane + sy * s + sx]! / 255 : 0;
        out[o + c] = cut ? 0 : (raw - stats.mean[c]!) / stats.std[c]!;
      }
    }
  }
}
