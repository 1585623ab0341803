// CIFAR-10 from its standard binary distribution: data_batch_1.bin .. data_batch_5.bin and
// test_batch.bin, each 10,000 records of 1 label byte + 3,072 pixel bytes (1,024 red, 1,024
// green, 1,024 blue, row-major 32x32). Point a config's data.path (or SNAS_CIFAR10) at the
// folder that holds them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from './errors.js';
import { concatSets, type ImageSet } from './images.js';
import { fromProject } from '../util/root.js';

export const CIFAR10_ENV = 'SNAS_CIFAR10';
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
const SIZE = 32;
const RECORD = 1 + 3 * SIZE * SIZE;

export interface CifarOptions {
  /** Records per file (10,000 in the real distribution; tests write smaller files). */
  recordsPerFile?: number;
}

/** Reads one batch file, checking its size and labels. */
export function readCifarFile(file: string, opts: CifarOptions = {}): ImageSet {
  const records = opts.recordsPerFile ?? 10_000;
  const expected = records * RECORD;
  if (!existsSync(file)) throw new DataError(`${file}: not found (expected a CIFAR-10 binary batch of ${expected.toLocaleString('en-US')} bytes)`);
  const size = statSync(file).size;
  if (size !== expected) {
    const what = size < expected ? 'truncated' : 'too large';
    throw new DataError(`${file}: ${size.toLocaleString('en-US')} bytes, expected ${expected.toLocaleString('en-US')} (${records.toLocaleString('en-US')} records of ${RECORD} bytes): ${what}`);
  }
  const bytes = readFileSync(file);
  const images = new Uint8Array(records * (RECORD - 1));
  const labels = new Uint8Array(records);
  for (let r = 0; r < records; r++) {
    const label = bytes[r * RECORD]!;
    if (label > 9) throw new DataError(`${file}: record ${r} has label ${label}; CIFAR-10 labels are 0..9`);
    labels[r] = label;
    images.set(bytes.subarray(r * RECORD + 1, (r + 1) * RECORD), r * (RECORD - 1));
  }
  return { images, labels, size: SIZE, channels: 3, classes: 10, classNames: CIFAR10_CLASSES };
}

/** The folder to read: the given path, else SNAS_CIFAR10; a clear error when neither is set. */
export function cifarFolder(path: string | null | undefined, where: string): string {
  const given = path ?? process.env[CIFAR10_ENV];
  if (!given) throw new DataError(`${where}: CIFAR-10 needs data.path (or ${CIFAR10_ENV}) set to the folder holding ${CIFAR10_TRAIN_FILES[0]} .. ${CIFAR10_TEST_FILE}; it cannot be downloaded here`);
  const folder = fromProject(given);
  if (!existsSync(folder)) throw new DataError(`${where}: CIFAR-10 folder ${folder} does not exist`);
  return folder;
}

export function loadCifar10(folder: string, opts: CifarOptions = {}): { train: ImageSet; test: ImageSet } {
  const parts = CIFAR10_TRAIN_FILES.map((f) => readCifarFile(join(folder, f), opts));
  return { train: parts.reduce(concatSets), test: readCifarFile(join(folder, CIFAR10_TEST_FILE), opts) };
}
