// Fashion-MNIST: the IDX format (gzip and raw), the loader's checks of damaged files (on small
// files in the real format, written here), the resize to 16x16, one-channel batches and
// networks, and the CLI's exit 2 for a damaged file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { parseConfig } from '../src/config/load.js';
import { BatchIterator } from '../src/data/batches.js';
import { DataError } from '../src/data/errors.js';
import { fashionFolder, loadFashionMnist } from '../src/data/fashion-mnist.js';
import { encodeIdx, readIdx } from '../src/data/idx.js';
import { loadData } from '../src/data/load.js';
import { resizeSet } from '../src/data/resize.js';
import { splitSizes } from '../src/data/splits.js';
import { DerivedNetwork } from '../src/networks/derived.js';
import { SearchNetwork } from '../src/networks/search.js';
import { genotypeByName } from '../src/space/registry.js';
import { snas } from './helpers/run.js';

await selectBackend({ log: () => {} });

/** Image i: pixel (y, x) = (i * 5 + y * 28 + x) % 256; label (i * 3) % 10. */
const pixel = (i: number, j: number) => (i * 5 + j) % 256;

function writePart(dir: string, prefix: string, n: number, opts: { gzip?: boolean; labels?: number; label?: (i: number) => number } = {}): void {
  const images = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) for (let j = 0; j < 784; j++) images[i * 784 + j] = pixel(i, j);
  const labels = Uint8Array.from({ length: opts.labels ?? n }, (_, i) => (opts.label ? opts.label(i) : (i * 3) % 10));
  const write = (name: string, bytes: Uint8Array) => (opts.gzip === false ? writeFileSync(join(dir, name), bytes) : writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes)));
  write(`${prefix}-images-idx3-ubyte`, encodeIdx([n, 28, 28], images));
  write(`${prefix}-labels-idx1-ubyte`, encodeIdx([labels.length], labels));
}

function fashionDir(train = 30, testCount = 10, gzip = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'snas-fmnist-'));
  writePart(dir, 'train', train, { gzip });
  writePart(dir, 't10k', testCount, { gzip });
  return dir;
}

test('IDX files are read gzip-compressed and raw: dimensions big-endian, data row-major', () => {
  for (const gzip of [true, false]) {
    const dir = fashionDir(30, 10, gzip);
    const { train, test: held } = loadFashionMnist(dir);
    assert.equal(train.labels.length, 30);
    assert.equal(held.labels.length, 10);
    assert.deepEqual([train.size, train.channels, train.classes], [28, 1, 10]);
    assert.equal(train.images[7 * 784 + 28 * 3 + 4], pixel(7, 28 * 3 + 4));
    assert.equal(train.labels[7], 1);
    assert.equal(train.classNames[9], 'ankle boot');
  }
  const dims = readIdx(join(fashionDir(), 'train-images-idx3-ubyte.gz'), 3).dims;
  assert.deepEqual(dims, [30, 28, 28]);
});

test('damaged files: wrong magic number, truncated, counts that disagree, a label outside 0-9, a broken gzip', () => {
  const expectError = (dir: string, pattern: RegExp) => {
    assert.throws(() => loadFashionMnist(dir), (e: unknown) => e instanceof DataError && pattern.test((e as Error).message), `expected ${pattern}`);
  };
  // Wrong magic number: an images file with 2 dimensions, and one with int32 data.
  let dir = fashionDir();
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx([30, 784], new Uint8Array(30 * 784))));
  expectError(dir, /train-images-idx3-ubyte\.gz: magic number 0x00000802, expected 0x00000803 \(IDX, unsigned bytes, 3 dimensions\)/);
  dir = fashionDir();
  const bad = encodeIdx([30, 28, 28], new Uint8Array(30 * 784));
  bad[2] = 0x0c;
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(bad));
  expectError(dir, /magic number 0x00000c03, expected 0x00000803/);
  // Truncated data, and a header cut short.
  dir = fashionDir();
  const whole = encodeIdx([30, 28, 28], new Uint8Array(30 * 784));
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(whole.subarray(0, whole.length - 100)));
  expectError(dir, /train-images-idx3-ubyte\.gz: truncated: 23,420 data bytes after the header, expected 23,520 \(dimensions 30 x 28 x 28\)/);
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(whole.subarray(0, 10)));
  expectError(dir, /truncated in its header \(10 bytes, expected at least 16\)/);
  // Image and label counts that disagree.
  dir = fashionDir();
  writePart(dir, 'train', 30, { labels: 29 });
  expectError(dir, /train-labels-idx1-ubyte\.gz: 29 labels, but .*train-images-idx3-ubyte\.gz holds 30 images/);
  // A label outside 0-9.
  dir = fashionDir();
  writePart(dir, 't10k', 10, { label: (i) => (i === 4 ? 12 : 0) });
  expectError(dir, /t10k-labels-idx1-ubyte\.gz: label 12 at index 4; expected labels 0\.\.9/);
  // A damaged gzip stream, and a missing file.
  dir = fashionDir();
  const gz = readFileSync(join(dir, 'train-labels-idx1-ubyte.gz'));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gz.subarray(0, gz.length - 12));
  expectError(dir, /train-labels-idx1-ubyte\.gz: damaged gzip stream/);
  dir = mkdtempSync(join(tmpdir(), 'snas-fmnist-empty-'));
  expectError(dir, /t?r?a?i?n?-?images-idx3-ubyte\.gz: not found/);
  assert.throws(() => fashionFolder(join(dir, 'nowhere'), 'x.yaml: data.path'), /x\.yaml: data\.path: Fashion-MNIST folder .*nowhere \(from data\.path\) does not exist/);
});

test('resizing 28x28 to 16x16 pads by 2 and averages 2x2 blocks; other sides are refused', () => {
  const set = { images: Uint8Array.from({ length: 784 }, (_, j) => (j * 7) % 256), labels: new Uint8Array([3]), size: 28, channels: 1, classes: 10, classNames: [] };
  const small = resizeSet(set, 16, 'c.yaml: data.image_size');
  assert.equal(small.size, 16);
  assert.equal(small.images.length, 256);
  // The 2-pixel padding is exactly the outer ring of 2x2 blocks; block (y, x) inside averages
  // source rows 2y-2, 2y-1 and columns 2x-2, 2x-1.
  const src = (y: number, x: number) => set.images[y * 28 + x]!;
  for (let i = 0; i < 16; i++) for (const [y, x] of [[0, i], [15, i], [i, 0], [i, 15]] as const) assert.equal(small.images[y * 16 + x], 0);
  for (const [y, x] of [[1, 1], [5, 9], [14, 14]] as const) {
    const avg = (src(2 * y - 2, 2 * x - 2) + src(2 * y - 2, 2 * x - 1) + src(2 * y - 1, 2 * x - 2) + src(2 * y - 1, 2 * x - 1)) / 4;
    assert.equal(small.images[y * 16 + x], Math.round(avg), `block ${y},${x}`);
  }
  const eight = resizeSet(set, 8, 'x');
  let sum = 0;
  for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) sum += src(y, x);
  assert.equal(eight.images[8 + 1], Math.round(sum / 16), 'at 8x8, block (1, 1) averages source rows and columns 2..5');
  assert.equal(resizeSet(set, 28, 'x'), set);
  assert.throws(() => resizeSet(set, 14, 'c.yaml: data.image_size'), /c\.yaml: data\.image_size: 14 cannot be made from 28x28 images; expected one of 28, 32, 16, 8/);
});

test('a Fashion-MNIST config: seeded subsets, sizes without loading, one-channel batches and networks', async () => {
  const dir = fashionDir(40, 20);
  const config = parseConfig({ data: { dataset: 'fashion-mnist', path: dir, image_size: 16, train_size: 30, test_size: 10, split: 'holdout', holdout_fraction: 0.2, batch_size: 8, augment: { crop_padding: 1, cutout: 0 } } }, 'c.yaml');
  const data = loadData(config.data, 'c.yaml');
  assert.deepEqual([data.split.train.labels.length, data.split.valid.labels.length, data.split.test.labels.length], [24, 6, 10]);
  assert.deepEqual(data.shape, { size: 16, channels: 1, classes: 10 });
  const sizes = splitSizes(config.data);
  assert.deepEqual([sizes.train, sizes.valid, sizes.test, sizes.size, sizes.channels], [24, 6, 10, 16, 1]);
  assert.equal(data.stats.mean.length, 1);
  assert.deepEqual(loadData(config.data, 'c.yaml').split.train.labels, data.split.train.labels, 'the subset is a function of data.seed');
  const reseeded = loadData({ ...config.data, seed: 1 }, 'c.yaml');
  assert.notDeepEqual(reseeded.split.train.labels, data.split.train.labels);
  const it = new BatchIterator(data.split.train, { batchSize: 8, shuffle: true, augment: data.augment, stats: data.stats, seed: 0, dropLast: true });
  const before = tf.memory().numTensors;
  for await (const b of it.epoch(0)) {
    assert.deepEqual(b.x.shape, [8, 16, 16, 1]);
    const search = new SearchNetwork({ channels: 2, layers: 3, classes: 10, inputChannels: 1, seed: 0 });
    const w = tf.fill([14, 8], 1 / 8) as tf.Tensor2D;
    const logits = tf.tidy(() => search.forward(b.x, w, w, { training: false }));
    assert.deepEqual(logits.shape, [8, 10]);
    const net = new DerivedNetwork({ kind: 'cifar10', genotype: genotypeByName('SNAS_mild'), channels: 4, layers: 3, classes: 10, inputSize: 16, inputChannels: 1, auxiliary: false });
    const out = tf.tidy(() => net.forward(b.x, { training: false }).logits);
    assert.deepEqual(out.shape, [8, 10]);
    tf.dispose([w, logits, out]);
    search.dispose();
    net.dispose();
    break;
  }
  assert.equal(tf.memory().numTensors, before);
});

test('a search and an evaluation training run end to end on one-channel images (counts included)', () => {
  const dir = fashionDir(64, 32);
  const results = mkdtempSync(join(tmpdir(), 'snas-fmnist-runs-'));
  const data = `data: { dataset: fashion-mnist, path: ${dir}, image_size: 16, split: holdout, holdout_fraction: 0.25, batch_size: 8, augment: { crop_padding: 1, cutout: 0 } }\n`;
  const search = join(dir, 'search.yaml');
  writeFileSync(search, `${data}search: { method: snas, epochs: 1, layers: 3, channels: 2, steps_per_epoch: 2, eval_batches: 1 }\n`);
  let r = snas(['search', search, '--out', join(results, 's')], { SNAS_RESULTS: results });
  assert.equal(r.code, 0, r.stderr);
  const train = join(dir, 'train.yaml');
  writeFileSync(train, `${data}train: { genotype: SNAS_mild, epochs: 1, layers: 3, channels: 4, steps_per_epoch: 2, eval_batches: 1, auxiliary_weight: 0 }\n`);
  r = snas(['train', train, '--out', join(results, 't')], { SNAS_RESULTS: results });
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(join(results, 't', 'result.json'), 'utf8')) as { params: number; mult_adds: number };
  assert.ok(result.params > 0 && result.mult_adds > 0, 'parameters and multiply-adds counted on a one-channel input');
});

test('snas dataset: a Fashion-MNIST folder from SNAS_FASHION_MNIST, and a damaged file exits 2 naming it', () => {
  const dir = fashionDir(40, 20);
  const cfg = join(dir, 'fm.yaml');
  writeFileSync(cfg, 'data: { dataset: fashion-mnist, image_size: 28, split: released }\n');
  let r = snas(['dataset', '--config', cfg], { SNAS_FASHION_MNIST: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Fashion-MNIST from .* \(28x28\): 40 train \/ 20 valid \/ 20 test, split released/);
  writePart(dir, 't10k', 20, { label: (i) => (i === 2 ? 10 : 1) });
  r = snas(['dataset', '--config', cfg], { SNAS_FASHION_MNIST: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /t10k-labels-idx1-ubyte\.gz: label 10 at index 2; expected labels 0\.\.9/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});
