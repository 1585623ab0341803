// A disk cache for generated image sets, checked by SHA-256: a damaged or stale file is
// regenerated, never used. Folder: SNAS_CACHE, else .cache/ in the project.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomicBytes } from '../util/files.js';
import { projectRoot } from '../util/root.js';
import type { ImageSet } from './images.js';

export function cacheDir(): string {
  return process.env.SNAS_CACHE || join(projectRoot(), '.cache');
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Header {
  key: string;
  size: number;
  channels?: number;
  count: number;
  classNames: string[];
  sha256: string;
}

/** The cached set for `key` if it is intact; otherwise `make()` it and cache the result. */
export function cachedImageSet(key: unknown, make: () => ImageSet, log: (l: string) => void = () => {}): { set: ImageSet; hit: boolean; file: string } {
  const keyText = JSON.stringify(key);
  const file = join(cacheDir(), `images-${sha256(Buffer.from(keyText)).slice(0, 16)}.bin`);
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    const end = bytes.indexOf(10);
    try {
      const header = JSON.parse(bytes.subarray(0, end).toString('utf8')) as Header;
      const payload = bytes.subarray(end + 1);
      if (header.key === keyText && sha256(payload) === header.sha256) {
        const labels = new Uint8Array(payload.subarray(0, header.count));
        const images = new Uint8Array(payload.subarray(header.count));
        return { set: { images, labels, size: header.size, channels: header.channels ?? 3, classes: header.classNames.length, classNames: header.classNames }, hit: true, file };
      }
      log(`cache: ${file} does not match its checksum or key; regenerating`);
    } catch {
      log(`cache: ${file} is unreadable; regenerating`);
    }
  }
  const set = make();
  const payload = new Uint8Array(set.labels.length + set.images.length);
  payload.set(set.labels);
  payload.set(set.images, set.labels.length);
  const header: Header = { key: keyText, size: set.size, channels: set.channels, count: set.labels.length, classNames: set.classNames, sha256: sha256(payload) };
  const head = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  writeAtomicBytes(file, Buffer.concat([head, payload]));
  return { set, hit: false, file };
}
