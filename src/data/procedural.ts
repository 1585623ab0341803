// The procedural default dataset: 10 classes of RGB images generated on the spot from a seed,
// designed so that the architecture of a network matters.
//
// Classes (periods, radii and distances scale with the image size; values below at 32x32):
//   0-2  fine gratings (period 3.5-6 px) at 0 and 90 degrees and on a diagonal (45 or 135);
//   3    speckle: a sum of eight fine gratings at random orientations;
//   4-5  coarse gratings (period 11-16 px) at 0 and 90 degrees;
//   6    concentric rings around a random centre (period 4.5-7 px);
//   7    a checkerboard (cell 3-5 px);
//   8-9  two small blobs side by side / one above the other (8-12 px apart).
// Every class is its own mirror image, so horizontal flips (standard augmentation) keep labels.
// Every image draws its own background and foreground colours (random hue, contrast 0.35-0.7),
// phase, position, a random linear illumination gradient and pixel noise.
//
// Why these properties:
//   - Random phase, position and colours make every class zero-mean in pixel space, so no linear
//     function of the raw pixels separates them: a linear classifier stays near chance.
//   - Orientation, frequency and spatial arrangement are local-to-mid-range structure that
//     learned convolutions pick up quickly, so small networks of published cells learn it.
//   - The classes need different receptive fields and learned filters: fine vs coarse gratings
//     differ only in scale, and the blob classes only in the relative position of two blobs
//     8-12 px apart. Cells of parameter-free pooling ops cannot build oriented or relational
//     features beyond what the stem and 1x1 convolutions give, so the choice of op shows in
//     the accuracy.
import { rng, type Rng } from '../util/rng.js';
import { pixelsPerImage, type ImageSet } from './images.js';

export const PROCEDURAL_CLASSES = [
  'fine grating 0°', 'fine grating 90°', 'fine grating, diagonal', 'speckle',
  'coarse grating 0°', 'coarse grating 90°', 'rings', 'checkerboard', 'blobs side by side', 'blobs stacked',
];

/** Bump when the generator changes, so that cached copies are not reused. */
export const PROCEDURAL_VERSION = 2;

export interface ProceduralOptions {
  count: number;
  size?: number;
  seed?: number;
  /** Index of the first image: sets with different offsets never share an image. */
  offset?: number;
}

const uniform = (next: Rng, a: number, b: number) => a + (b - a) * next();

function gaussian(next: Rng): number {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

/** A seed per image from (dataset seed, image index), so images do not depend on generation order. */
function imageSeed(seed: number, index: number): number {
  let h = (seed * 0x9e3779b1) ^ (index * 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The pattern p(x, y) in [0, 1] of a class, with its random parameters drawn from `next`. */
function pattern(label: number, s: number, next: Rng): (x: number, y: number) => number {
  const k = s / 32;
  const phase = uniform(next, 0, 2 * Math.PI);
  const wave = (t: number, period: number) => 0.5 + 0.5 * Math.sin((2 * Math.PI * t) / period + phase);
  switch (label) {
    case 0: case 1: case 2: {
      const period = uniform(next, 3.5, 6) * k;
      const sign = next() < 0.5 ? 1 : -1; // the diagonal runs either way
      const [a, b] = [[0, 1], [1, 0], [Math.SQRT1_2, sign * Math.SQRT1_2]][label]!;
      return (x, y) => wave(a! * x + b! * y, period);
    }
    case 3: {
      const waves = Array.from({ length: 8 }, () => {
        const angle = uniform(next, 0, Math.PI);
        const period = uniform(next, 3, 6) * k;
        return [Math.cos(angle) / period, Math.sin(angle) / period, uniform(next, 0, 2 * Math.PI)] as const;
      });
      return (x, y) => {
        const v = waves.reduce((acc, [a, b, ph]) => acc + Math.sin(2 * Math.PI * (a * x + b * y) + ph), 0);
        return 0.5 + 0.5 * Math.tanh(v / 2);
      };
    }
    case 4: case 5: {
      const period = uniform(next, 11, 16) * k;
      return label === 4 ? (_x, y) => wave(y, period) : (x) => wave(x, period);
    }
    case 6: {
      const period = uniform(next, 4.5, 7) * k;
      const [cx, cy] = [uniform(next, 0.25, 0.75) * s, uniform(next, 0.25, 0.75) * s];
      return (x, y) => wave(Math.hypot(x - cx, y - cy), period);
    }
    case 7: {
      const cell = uniform(next, 3, 5) * k;
      const [ox, oy] = [uniform(next, 0, 2 * cell), uniform(next, 0, 2 * cell)];
      return (x, y) => ((Math.floor((x + ox) / cell) + Math.floor((y + oy) / cell)) % 2 === 0 ? 1 : 0);
    }
    default: {
      const gap = uniform(next, 8, 12) * k;
      const r = uniform(next, 2.2, 3.2) * k;
      const margin = 3 * r;
      const along = uniform(next, margin, s - margin - gap);
      const across = uniform(next, margin, s - margin);
      const jitter = uniform(next, -1, 1) * k;
      const pts = label === 8
        ? [[along, across], [along + gap, across + jitter]]
        : [[across, along], [across + jitter, along + gap]];
      return (x, y) => Math.min(1, pts.reduce((acc, [px, py]) => acc + Math.exp(-((x - px!) ** 2 + (y - py!) ** 2) / (2 * r * r)), 0));
    }
  }
}

/** Renders image `index` of the dataset into `out` (channel-major) and returns its label. */
function renderImage(out: Uint8Array, s: number, seed: number, index: number): number {
  const next = rng(imageSeed(seed, index));
  const label = Math.floor(next() * 10);
  const p = pattern(label, s, next);
  const bg = [next(), next(), next()];
  let dir = [gaussian(next), gaussian(next), gaussian(next)];
  const norm = Math.hypot(dir[0]!, dir[1]!, dir[2]!) || 1;
  const contrast = uniform(next, 0.35, 0.7);
  dir = dir.map((d) => (d / norm) * contrast);
  const angle = uniform(next, 0, 2 * Math.PI);
  const slope = uniform(next, -0.15, 0.15);
  const [gx, gy] = [Math.cos(angle) * slope, Math.sin(angle) * slope];
  const plane = s * s;
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      const v = p(x + 0.5, y + 0.5);
      const light = gx * (x / s - 0.5) + gy * (y / s - 0.5);
      for (let c = 0; c < 3; c++) {
        const value = bg[c]! + dir[c]! * (v - 0.5) + light + 0.06 * gaussian(next);
        out[c * plane + y * s + x] = Math.max(0, Math.min(255, Math.round(value * 255)));
      }
    }
  }
  return label;
}

/** Generates `count` images (labels drawn uniformly), deterministically from the seed. */
export function generateProcedural(opts: ProceduralOptions): ImageSet {
  const s = opts.size ?? 32;
  const seed = opts.seed ?? 0;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(s) || s < 16) throw new Error(`procedural dataset: size must be an integer of at least 16, got ${s}`);
  const per = pixelsPerImage({ size: s, channels: 3 });
  const images = new Uint8Array(opts.count * per);
  const labels = new Uint8Array(opts.count);
  for (let i = 0; i < opts.count; i++) labels[i] = renderImage(images.subarray(i * per, (i + 1) * per), s, seed, offset + i);
  return { images, labels, size: s, channels: 3, classes: 10, classNames: PROCEDURAL_CLASSES };
}
