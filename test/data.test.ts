// Data: CIFAR-10 parsing and its errors (on small files in the real format, written here), the
// procedural dataset's determinism, the cache, augmentation statistics, splits and batching.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backends/index.js';
import { channelStats, cutoutFor, drawAugmentation, renderAugmented } from '../src/data/augment.js';
import { BatchIterator } from '../src/data/batches.js';
import { cachedImageSet } from '../src/data/cache.js';
import { CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, cifarFolder, loadCifar10, readCifarFile } from '../src/data/cifar10.js';
import { generateProcedural } from '../src/data/procedural.js';
import { splitData } from '../src/data/splits.js';
import { rng } from '../src/util/rng.js';

await selectBackend({ log: () => {} });
const RECORD = 3073;

/** A CIFAR-style batch file: record r has label (r + k) % 10 and pixel i = (r * 7 + i + k) % 256. */
function writeBatch(file: string, records: number, k: number, label?: (r: number) => number): void {
  const b = Buffer.alloc(records * RECORD);
  for (let r = 0; r < records; r++) {
    b[r * RECORD] = label ? label(r) : (r + k) % 10;
    for (let i = 0; i < 3072; i++) b[r * RECORD + 1 + i] = (r * 7 + i + k) % 256;
  }
  writeFileSync(file, b);
}

function cifarDir(records = 20): string {
  const dir = mkdtempSync(join(tmpdir(), 'snas-cifar-'));
  CIFAR10_TRAIN_FILES.forEach((f, k) => writeBatch(join(dir, f), records, k));
  writeBatch(join(dir, CIFAR10_TEST_FILE), records, 9);
  return dir;
}

test('CIFAR-10 records are parsed: label byte, then red, green, blue planes', () => {
  const dir = cifarDir();
  const { train, test: held } = loadCifar10(dir, { recordsPerFile: 20 });
  assert.equal(train.labels.length, 100);
  assert.equal(held.labels.length, 20);
  assert.equal(train.size, 32);
  // record 3 of data_batch_2 (k = 1) is training image 23
  assert.equal(train.labels[23], (3 + 1) % 10);
  assert.equal(train.images[23 * 3072 + 0], (3 * 7 + 0 + 1) % 256);
  assert.equal(train.images[23 * 3072 + 1024 + 5], (3 * 7 + 1029 + 1) % 256); // green plane, pixel 5
  assert.equal(held.labels[0], 9);
});

test('missing, truncated, oversized files and bad labels give errors naming the file and sizes', () => {
  const dir = cifarDir();
  writeFileSync(join(dir, 'data_batch_3.bin'), Buffer.alloc(20 * RECORD - 100));
  assert.throws(() => loadCifar10(dir, { recordsPerFile: 20 }), /data_batch_3\.bin: 61,360 bytes, expected 61,460 \(20 records of 3073 bytes\): truncated/);
  writeFileSync(join(dir, 'data_batch_3.bin'), Buffer.alloc(20 * RECORD + 1));
  assert.throws(() => loadCifar10(dir, { recordsPerFile: 20 }), /data_batch_3\.bin: 61,461 bytes, expected 61,460 .*too large/);
  assert.throws(() => readCifarFile(join(dir, 'nope.bin'), { recordsPerFile: 20 }), /nope\.bin: not found \(expected a CIFAR-10 binary batch of 61,460 bytes\)/);
  assert.throws(() => readCifarFile(join(dir, 'data_batch_1.bin')), /data_batch_1\.bin: 61,460 bytes, expected 30,730,000 \(10,000 records/);
  writeBatch(join(dir, 'data_batch_4.bin'), 20, 0, (r) => (r === 7 ? 12 : 1));
  assert.throws(() => readCifarFile(join(dir, 'data_batch_4.bin'), { recordsPerFile: 20 }), /data_batch_4\.bin: record 7 has label 12; CIFAR-10 labels are 0\.\.9/);
  const saved = process.env.SNAS_CIFAR10;
  delete process.env.SNAS_CIFAR10;
  assert.throws(() => cifarFolder(null, 'configs/x.yaml: data.path'), /configs\/x\.yaml: data\.path: CIFAR-10 needs data\.path \(or SNAS_CIFAR10\)/);
  assert.throws(() => cifarFolder('/no/such/folder', 'c.yaml: data.path'), /c\.yaml: data\.path: CIFAR-10 folder \/no\/such\/folder does not exist/);
  if (saved !== undefined) process.env.SNAS_CIFAR10 = saved;
});

test('the procedural dataset is a function of its seed, and an image does not depend on the others', () => {
  const a = generateProcedural({ count: 40, seed: 5 });
  const b = generateProcedural({ count: 40, seed: 5 });
  const c = generateProcedural({ count: 40, seed: 6 });
  assert.deepEqual(a.images, b.images);
  assert.deepEqual(a.labels, b.labels);
  assert.notDeepEqual(a.images, c.images);
  const tail = generateProcedural({ count: 15, seed: 5, offset: 25 });
  assert.deepEqual(tail.images, a.images.subarray(25 * 3072));
  assert.deepEqual(generateProcedural({ count: 3, seed: 1, size: 48 }).images.length, 3 * 3 * 48 * 48);
});

test('all ten procedural classes occur, about equally often', () => {
  const set = generateProcedural({ count: 3000, seed: 2, size: 16 });
  const counts = Array.from({ length: 10 }, (_, k) => set.labels.filter((l) => l === k).length);
  for (const n of counts) assert.ok(n > 220 && n < 380, `class counts ${counts}`);
});

test('the cache returns the same bytes, and a damaged file is regenerated rather than used', () => {
  process.env.SNAS_CACHE = mkdtempSync(join(tmpdir(), 'snas-cache-'));
  const key = { test: 'cache', n: 12 };
  const make = () => generateProcedural({ count: 12, seed: 3 });
  const first = cachedImageSet(key, make);
  assert.equal(first.hit, false);
  const second = cachedImageSet(key, make);
  assert.equal(second.hit, true);
  assert.deepEqual(second.set.images, first.set.images);
  const bytes = readFileSync(first.file);
  bytes[bytes.length - 5] ^= 0xff;
  writeFileSync(first.file, bytes);
  const logs: string[] = [];
  const third = cachedImageSet(key, make, (l) => logs.push(l));
  assert.equal(third.hit, false);
  assert.match(logs[0]!, /does not match its checksum or key; regenerating/);
  assert.deepEqual(third.set.images, first.set.images);
  delete process.env.SNAS_CACHE;
});

test('augmentation draws: crop offsets uniform over -4..4, flips half the time, cutout centres uniform', () => {
  const next = rng(11);
  const n = 36000;
  const offsets = new Map<number, number>();
  let flips = 0;
  let cyLow = 0;
  for (let i = 0; i < n; i++) {
    const d = drawAugmentation(next, 32, { cropPadding: 4, flip: true, cutout: 16 });
    offsets.set(d.dy, (offsets.get(d.dy) ?? 0) + 1);
    if (d.flip) flips++;
    if (d.cy < 16) cyLow++;
    assert.ok(d.dx >= -4 && d.dx <= 4 && d.cy >= 0 && d.cy < 32);
  }
  assert.deepEqual([...offsets.keys()].sort((a, b) => a - b), [-4, -3, -2, -1, 0, 1, 2, 3, 4]);
  for (const count of offsets.values()) assert.ok(Math.abs(count / n - 1 / 9) < 0.01, `offset frequency ${count / n}`);
  assert.ok(Math.abs(flips / n - 0.5) < 0.01, `flip rate ${flips / n}`);
  assert.ok(Math.abs(cyLow / n - 0.5) < 0.01);
  assert.equal(cutoutFor(32), 16);
  assert.equal(cutoutFor(64), 32);
  assert.equal(cutoutFor(16), 8);
});

test('cutout of 16 at 32x32 removes 196/1024 of the image on average (clipped at the borders)', () => {
  const set = { images: new Uint8Array(3072).fill(200), labels: new Uint8Array([0]), size: 32, channels: 3, classes: 10, classNames: [] };
  const stats = { mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number] };
  const next = rng(5);
  const out = new Float32Array(3072);
  let zeros = 0;
  const n = 4000;
  for (let i = 0; i < n; i++) {
    renderAugmented(set, 0, drawAugmentation(next, 32, { cropPadding: 0, flip: false, cutout: 16 }), stats, 16, out, 0);
    for (let j = 0; j < out.length; j += 3) if (out[j] === 0) zeros++;
  }
  assert.ok(Math.abs(zeros / (n * 1024) - 196 / 1024) < 0.005, `cutout fraction ${zeros / (n * 1024)}`);
});

test('crop, flip and normalisation move and scale the right pixels', () => {
  const images = new Uint8Array(3 * 4 * 4);
  for (let i = 0; i < 16; i++) images[i] = i * 10; // red plane: value = 10 * (4y + x)
  const set = { images, labels: new Uint8Array([0]), size: 4, channels: 3, classes: 10, classNames: [] };
  const stats = { mean: [0.1, 0, 0] as [number, number, number], std: [0.5, 1, 1] as [number, number, number] };
  const out = new Float32Array(48);
  const red = (y: number, x: number) => out[(y * 4 + x) * 3]!;
  renderAugmented(set, 0, { dy: 1, dx: 0, flip: true, cy: -1, cx: -1 }, stats, 0, out, 0);
  // output (0, 0) reads input (1, 3) after flipping
  assert.ok(Math.abs(red(0, 0) - ((70 / 255 - 0.1) / 0.5)) < 1e-6);
  // output row 3 reads input row 4: outside, zero padding, normalised
  assert.ok(Math.abs(red(3, 2) - ((0 - 0.1) / 0.5)) < 1e-6);
  const st = channelStats(set);
  assert.ok(Math.abs(st.mean[0] - (10 * 7.5) / 255) < 1e-9 && st.mean[1] === 0);
});

test('splits: released, darts halves and a seeded disjoint holdout', () => {
  const train = generateProcedural({ count: 50, seed: 1, size: 16 });
  const held = generateProcedural({ count: 10, seed: 1, size: 16, offset: 1000 });
  assert.equal(splitData(train, held, 'released').valid, held);
  const darts = splitData(train, held, 'darts');
  assert.deepEqual([darts.train.labels.length, darts.valid.labels.length], [25, 25]);
  assert.deepEqual(darts.valid.images.subarray(0, 768), train.images.subarray(25 * 768, 26 * 768));
  const h = splitData(train, held, 'holdout', 0.2, 4);
  assert.deepEqual([h.train.labels.length, h.valid.labels.length], [40, 10]);
  const key = (s: typeof train, i: number) => Buffer.from(s.images.subarray(i * 768, (i + 1) * 768)).toString('base64');
  const all = new Set(Array.from({ length: 50 }, (_, i) => key(train, i)));
  const seen = [...Array.from({ length: 40 }, (_, i) => key(h.train, i)), ...Array.from({ length: 10 }, (_, i) => key(h.valid, i))];
  assert.equal(new Set(seen).size, 50);
  assert.ok(seen.every((k) => all.has(k)));
  assert.throws(() => splitData(train, held, 'holdout', 1.2), /holdout fraction must be between 0 and 1/);
});

test('batches: every image once per epoch, seeded shuffles, no tensor leak', async () => {
  const set = generateProcedural({ count: 70, seed: 9, size: 16 });
  const stats = channelStats(set);
  const it = new BatchIterator(set, { batchSize: 32, shuffle: true, stats, seed: 3, augment: { cropPadding: 2, flip: true, cutout: 8 } });
  assert.deepEqual(it.order(0), new BatchIterator(set, { batchSize: 32, shuffle: true, stats, seed: 3 }).order(0));
  assert.notDeepEqual(it.order(0), it.order(1));
  assert.deepEqual([...it.order(0)].sort((a, b) => a - b), Array.from({ length: 70 }, (_, i) => i));
  const before = tf.memory().numTensors;
  const sizes: number[] = [];
  let labels: number[] = [];
  for await (const b of it.epoch(0)) {
    sizes.push(b.x.shape[0]);
    assert.deepEqual(b.x.shape.slice(1), [16, 16, 3]);
    labels = labels.concat(Array.from(b.y.dataSync()));
  }
  assert.deepEqual(sizes, [32, 32, 6]);
  assert.equal(tf.memory().numTensors, before, 'the iterator disposes every batch it made');
  assert.deepEqual(labels.sort(), Array.from(set.labels).sort());
  // the same seed gives the same augmented pixels
  const first = async (seed: number) => {
    const x = new BatchIterator(set, { batchSize: 8, shuffle: true, stats, seed, augment: { cropPadding: 2, flip: true, cutout: 8 } });
    for await (const b of x.epoch(2)) return Array.from(b.x.dataSync());
    return [];
  };
  assert.deepEqual(await first(1), await first(1));
  assert.notDeepEqual(await first(1), await first(2));
  assert.equal(tf.memory().numTensors, before, 'breaking out of an epoch disposes the current batch');
  const dropped = new BatchIterator(set, { batchSize: 32, shuffle: false, stats, seed: 0, dropLast: true });
  assert.equal(dropped.batchesPerEpoch(), 2);
});
