// A set of labelled images held as bytes, in CIFAR-10's record layout: per image, one plane
// per channel (channel-major, size x size each; 3 for RGB, 1 for grayscale). The CIFAR-10 and
// Fashion-MNIST loaders and the procedural dataset produce this, so everything downstream is
// shared.
export interface ImageSet {
  /** images.length = count * channels * size * size, channel-major per image, values 0..255. */
  images: Uint8Array;
  labels: Uint8Array;
  size: number;
  /** Colour channels per image: 3 (RGB) or 1 (grayscale). */
  channels: number;
  classes: number;
  /** Class names, index = label. */
  classNames: string[];
}

/** Bytes per image of a set: channels x size x size. */
export const pixelsPerImage = (set: Pick<ImageSet, 'size' | 'channels'>) => set.channels * set.size * set.size;

/** The images at the given indices, as a new set. */
export function subset(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const per = pixelsPerImage(set);
  const images = new Uint8Array(indices.length * per);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    images.set(set.images.subarray(j * per, (j + 1) * per), i * per);
    labels[i] = set.labels[j]!;
  }
  return { ...set, images, labels };
}

/** Two sets of the same kind, one after the other. */
export function concatSets(a: ImageSet, b: ImageSet): ImageSet {
  if (a.size !== b.size || a.classes !== b.classes || a.channels !== b.channels) throw new Error('concatSets: sets differ in image size, channels or classes');
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  const labels = new Uint8Array(a.labels.length + b.labels.length);
  labels.set(a.labels);
  labels.set(b.labels, a.labels.length);
  return { ...a, images, labels };
}

/** What a network needs to know of its data: image side, channels and classes. */
export interface DataShape {
  size: number;
  channels: number;
  classes: number;
}

export const shapeOf = (set: ImageSet): DataShape => ({ size: set.size, channels: set.channels, classes: set.classes });
