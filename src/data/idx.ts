// The IDX format of MNIST and Fashion-MNIST (gzip-compressed or raw): two zero bytes, a type
// byte (0x08: unsigned bytes, the only type these datasets use), the number of dimensions,
// each dimension as a big-endian uint32, then the data, row-major. A damaged file is refused
// with a DataError naming the file and what was expected.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Reads an IDX file of unsigned bytes; `expectDims` is the number of dimensions it must have. */
export function readIdx(file: string, expectDims: number): IdxArray {
  if (!existsSync(file)) throw new DataError(`${file}: not found (expected an IDX file)`);
  let bytes: Uint8Array = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DataError(`${file}: damaged gzip stream (${(e as Error).message}); expected a gzip-compressed IDX file`);
    }
  }
  if (bytes.length < 4) throw new DataError(`${file}: ${bytes.length} bytes, too short for an IDX header (4 bytes and ${expectDims} dimensions)`);
  const [z0, z1, type, ndims] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const magic = ((type << 8) | ndims).toString(16).padStart(4, '0');
  if (z0 !== 0 || z1 !== 0 || type !== UBYTE || ndims !== expectDims) {
    const want = `0x0000${UBYTE.toString(16).padStart(2, '0')}${expectDims.toString(16).padStart(2, '0')}`;
    throw new DataError(`${file}: magic number 0x${z0.toString(16).padStart(2, '0')}${z1.toString(16).padStart(2, '0')}${magic}, expected ${want} (IDX, unsigned bytes, ${expectDims} dimension${expectDims === 1 ? '' : 's'})`);
  }
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw new DataError(`${file}: truncated in its header (${bytes.length} bytes, expected at least ${header})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const got = bytes.length - header;
  if (got !== expected) {
    const what = got < expected ? 'truncated' : 'has trailing bytes';
    throw new DataError(`${file}: ${what}: ${got.toLocaleString('en-US')} data bytes after the header, expected ${expected.toLocaleString('en-US')} (dimensions ${dims.join(' x ')})`);
  }
  return { dims, data: bytes.subarray(header) };
}

/** Encodes unsigned bytes as an IDX file's contents (for tests and tools). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
