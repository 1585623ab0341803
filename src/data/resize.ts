// Image sides other than a dataset's own. 28x28 images (MNIST, Fashion-MNIST) are zero-padded
// by 2 pixels to 32x32 (their background is 0, so nothing is lost), then averaged over k x k
// blocks for a side of 32 / k: 32, 16 or 8. The search and evaluation networks need a side
// divisible by 4 (two reductions), which 28 is and 14 is not.
import { DataError } from './errors.js';
import { pixelsPerImage, type ImageSet } from './images.js';

/** The sides a set of side `from` can be brought to. */
export function sidesFrom(from: number): number[] {
  if (from === 28) return [28, 32, 16, 8];
  return [from];
}

/** `set` with images of side `size` (padded and block-averaged as above); the set itself when it already has that side. */
export function resizeSet(set: ImageSet, size: number, where: string): ImageSet {
  if (size === set.size) return set;
  if (!sidesFrom(set.size).includes(size)) {
    throw new DataError(`${where}: ${size} cannot be made from ${set.size}x${set.size} images; expected one of ${sidesFrom(set.size).join(', ')}`);
  }
  const pad = (32 - set.size) / 2;
  const k = 32 / size;
  const from = set.size;
  const n = set.labels.length;
  const out = new Uint8Array(n * set.channels * size * size);
  const perIn = pixelsPerImage(set);
  const perOut = set.channels * size * size;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < set.channels; c++) {
      const src = i * perIn + c * from * from;
      const dst = i * perOut + c * size * size;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          let sum = 0;
          for (let dy = 0; dy < k; dy++) {
            const sy = y * k + dy - pad;
            if (sy < 0 || sy >= from) continue;
            for (let dx = 0; dx < k; dx++) {
              const sx = x * k + dx - pad;
              if (sx >= 0 && sx < from) sum += set.images[src + sy * from + sx]!;
            }
          }
          out[dst + y * size + x] = Math.round(sum / (k * k));
        }
      }
    }
  }
  return { ...set, images: out, size };
}
