// Fashion-MNIST (and MNIST, whose files have the same format and names): 60,000 training and
// 10,000 test images, 28x28 grayscale, labels 0..9, as four IDX files, gzip-compressed or not:
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
// t10k-labels-idx1-ubyte. Debian's dataset-fashion-mnist package installs them; a config's
// data.path (else SNAS_FASHION_MNIST, else the Debian folder) says where they are.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from './errors.js';
import { readIdx } from './idx.js';
import type { ImageSet } from './images.js';
import { fromProject } from '../util/root.js';

export const FASHION_MNIST_ENV = 'SNAS_FASHION_MNIST';
export const FASHION_MNIST_DEBIAN = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot'];
export const FASHION_MNIST = { train: 60_000, test: 10_000, size: 28, channels: 1 };
const PARTS = { train: 'train', test: 't10k' } as const;

/** The folder to read: the given path, else SNAS_FASHION_MNIST, else Debian's; a clear error when none holds the files. */
export function fashionFolder(path: string | null | undefined, where: string): string {
  const folder = fromProject(path ?? process.env[FASHION_MNIST_ENV] ?? FASHION_MNIST_DEBIAN);
  const source = path ? 'data.path' : process.env[FASHION_MNIST_ENV] ? FASHION_MNIST_ENV : 'the Debian location';
  if (!existsSync(folder)) {
    throw new DataError(`${where}: Fashion-MNIST folder ${folder} (from ${source}) does not exist; install Debian's dataset-fashion-mnist (npm run setup does) or set data.path or ${FASHION_MNIST_ENV} to the folder holding train-images-idx3-ubyte.gz .. t10k-labels-idx1-ubyte.gz`);
  }
  return folder;
}

/** The file `name` in `folder`, gzip-compressed (.gz) or raw. */
function idxFile(folder: string, name: string): string {
  const gz = join(folder, `${name}.gz`);
  const raw = join(folder, name);
  if (existsSync(gz)) return gz;
  if (existsSync(raw)) return raw;
  throw new DataError(`${gz}: not found (nor ${name} uncompressed); expected the Fashion-MNIST (or MNIST) IDX files in ${folder}`);
}

/** One part (train or t10k): images [n, rows, cols] and labels [n], checked against each other. */
export function readMnistPart(folder: string, part: 'train' | 'test'): ImageSet {
  const prefix = PARTS[part];
  const imagesFile = idxFile(folder, `${prefix}-images-idx3-ubyte`);
  const labelsFile = idxFile(folder, `${prefix}-labels-idx1-ubyte`);
  const images = readIdx(imagesFile, 3);
  const labels = readIdx(labelsFile, 1);
  const [n, rows, cols] = images.dims as [number, number, number];
  if (rows !== cols) throw new DataError(`${imagesFile}: images of ${rows}x${cols} pixels; expected square images (28x28)`);
  if (labels.dims[0] !== n) throw new DataError(`${labelsFile}: ${labels.dims[0]!.toLocaleString('en-US')} labels, but ${imagesFile} holds ${n.toLocaleString('en-US')} images; expected one label per image`);
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) throw new DataError(`${labelsFile}: label ${labels.data[bad]} at index ${bad}; expected labels 0..9`);
  return { images: images.data, labels: labels.data, size: rows, channels: FASHION_MNIST.channels, classes: 10, classNames: FASHION_MNIST_CLASSES };
}

export function loadFashionMnist(folder: string): { train: ImageSet; test: ImageSet } {
  return { train: readMnistPart(folder, 'train'), test: readMnistPart(folder, 'test') };
}
