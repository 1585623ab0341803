// A set of labelled RGB images held as bytes, in CIFAR-10's record layout: per image, the
// red, green and blue planes (channel-major, size x size each). Both the CIFAR-10 loader and
// the procedural dataset produce this, so everything downstream is shared.
export interface ImageSet {
  /** images.length = count * 3 * size * size, channel-major per image, values 0..255. */
  images: Uint8Array;
  labels: Uint8Array;
  size: number;
  classes: number;
  /** Class names, index = label. */
  classNames: string[];
}

export const pixelsPerImage = (size: number) => 3 * size * size;

/** The images at the given indices, as a new set. */
export function subset(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const per = pixelsPerImage(set.size);
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
  if (a.size !== b.size || a.classes !== b.classes) throw new Error('concatSets: sets differ in image size or classes');
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  const labels = new Uint8Array(a.labels.length + b.labels.length);
  labels.set(a.labels);
  labels.set(b.labels, a.labels.length);
  return { ...a, images, labels };
}
