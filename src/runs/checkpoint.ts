// A run's checkpoint in one file, written atomically: the header's length (4 bytes, little
// endian), the SHA-256 of the header (32 bytes), the header (JSON: the meta and, per named
// float32 tensor, its shape, place and SHA-256), then the tensors' data. Reading checks the
// header's checksum, every tensor's checksum and the file's length, so a flipped bit anywhere is
// a damaged checkpoint; and every name and shape against what the run expects, so a stale or
// foreign checkpoint is an error. The run layer keeps the previous checkpoint beside the latest
// (saveRunState) and falls back to it when the latest cannot be read (restoreRunState).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { writeAtomicBytes } from '../util/files.js';

export interface SavedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export class CheckpointError extends Error {}

const MAGIC = 'snas-lab checkpoint 2';
/** The format without checksums that snas-lab wrote before. */
const OLD_MAGIC = 'snas-lab checkpoint 1';
const HASH_BYTES = 32;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

interface IndexEntry { name: string; shape: number[]; offset: number; length: number; sha256: string }

export function writeCheckpoint(file: string, meta: unknown, tensors: SavedTensor[]): void {
  let offset = 0;
  const bytes = tensors.map((t) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  const index: IndexEntry[] = tensors.map((t, i) => {
    const entry = { name: t.name, shape: t.shape, offset, length: t.data.length, sha256: sha256(bytes[i]!).toString('hex') };
    offset += t.data.length;
    return entry;
  });
  const header = Buffer.from(JSON.stringify({ magic: MAGIC, meta, tensors: index }, keepNonFinite), 'utf8');
  const start = 4 + HASH_BYTES + header.length;
  const out = new Uint8Array(start + offset * 4);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(sha256(header), 4);
  out.set(header, 4 + HASH_BYTES);
  bytes.forEach((b, i) => out.set(b, start + index[i]!.offset * 4));
  writeAtomicBytes(file, out);
}

export function readCheckpoint<M>(file: string): { meta: M; tensors: Map<string, SavedTensor> } {
  if (!existsSync(file)) throw new CheckpointError(`${file}: no checkpoint`);
  const buf = readFileSync(file);
  if (buf.length < 4) throw new CheckpointError(`${file}: truncated checkpoint (${buf.length} bytes)`);
  const len = buf.readUInt32LE(0);
  const start = 4 + HASH_BYTES + len;
  if (start > buf.length) throw new CheckpointError(`${file}: damaged checkpoint header (its length field says ${len} bytes, the file holds ${buf.length})`);
  const headerBytes = buf.subarray(4 + HASH_BYTES, start);
  if (!sha256(headerBytes).equals(buf.subarray(4, 4 + HASH_BYTES))) {
    if (buf.subarray(0, 64).includes(OLD_MAGIC)) throw new CheckpointError(`${file}: a checkpoint of an older snas-lab (no checksums); start the run over with --force`);
    throw new CheckpointError(`${file}: damaged checkpoint header (its checksum does not match)`);
  }
  let header: { magic: string; meta: M; tensors: IndexEntry[] };
  try {
    header = JSON.parse(headerBytes.toString('utf8'), readNonFinite);
  } catch {
    throw new CheckpointError(`${file}: damaged checkpoint header`);
  }
  if (!header || header.magic !== MAGIC || !Array.isArray(header.tensors)) throw new CheckpointError(`${file}: not a snas-lab checkpoint`);
  const floats = buf.subarray(start);
  const expected = header.tensors.reduce((n, t) => Math.max(n, (t.offset + t.length) * 4), 0);
  if (floats.length < expected) throw new CheckpointError(`${file}: truncated checkpoint (${floats.length} of ${expected} bytes of tensor data)`);
  if (floats.length > expected) throw new CheckpointError(`${file}: damaged checkpoint (${floats.length - expected} bytes after the last tensor)`);
  const tensors = new Map<string, SavedTensor>();
  for (const t of header.tensors) {
    const bytes = floats.subarray(t.offset * 4, (t.offset + t.length) * 4);
    if (sha256(bytes).toString('hex') !== t.sha256) throw new CheckpointError(`${file}: damaged checkpoint (tensor ${t.name}: its checksum does not match)`);
    const data = new Float32Array(t.length);
    new Uint8Array(data.buffer).set(bytes);
    tensors.set(t.name, { name: t.name, shape: t.shape, data });
  }
  return { meta: header.meta, tensors };
}

/** Writes the named variables of a run's state and its meta. */
export async function saveState(file: string, meta: unknown, state: Map<string, tf.Variable>): Promise<void> {
  const tensors: SavedTensor[] = [];
  for (const [name, v] of state) tensors.push({ name, shape: v.shape, data: (await v.data()) as Float32Array });
  writeCheckpoint(file, meta, tensors);
}

/**
 * Assigns every named variable from the checkpoint and returns the meta. Every name and shape
 * is checked before anything is assigned, so a checkpoint that does not fit changes nothing.
 */
export function restoreState<M>(file: string, state: Map<string, tf.Variable>): M {
  const { meta, tensors } = readCheckpoint<M>(file);
  for (const [name, v] of state) {
    const t = tensors.get(name);
    if (!t || t.shape.join(',') !== v.shape.join(',')) {
      throw new CheckpointError(`${file}: tensor ${name} ${t ? `has shape [${t.shape}], expected [${v.shape}]` : 'is missing'}; the checkpoint does not belong to this config`);
    }
  }
  for (const [name, v] of state) {
    const t = tensors.get(name)!;
    tf.tidy(() => v.assign(tf.tensor(t.data, t.shape)));
  }
  return meta;
}

/**
 * Writes a new latest checkpoint, keeping the one it replaces as `previous`. The new one is
 * written whole first (LATEST.new), so a write that fails (a full disk) leaves both as they were.
 */
export async function saveRunState(latest: string, previous: string, meta: unknown, state: Map<string, tf.Variable>): Promise<void> {
  const fresh = `${latest}.new`;
  await saveState(fresh, meta, state);
  if (existsSync(latest)) renameSync(latest, previous);
  renameSync(fresh, latest);
}

/**
 * Restores the latest checkpoint or, when it cannot be read or does not fit, the previous one;
 * `fallback` then says why. Throws a CheckpointError naming both files when neither serves.
 */
export function restoreRunState<M>(latest: string, previous: string, state: Map<string, tf.Variable>): { meta: M; file: string; fallback?: string } {
  try {
    return { meta: restoreState<M>(latest, state), file: latest };
  } catch (err) {
    if (!(err instanceof CheckpointError)) throw err;
    if (!existsSync(previous)) throw err;
    try {
      return { meta: restoreState<M>(previous, state), file: previous, fallback: err.message };
    } catch (err2) {
      if (!(err2 instanceof CheckpointError)) throw err2;
      throw new CheckpointError(`${err.message}; and the previous checkpoint: ${err2.message}`);
    }
  }
}

/** JSON has no NaN or infinity (records hold NaN where a method has no value): kept as strings. */
const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);
function keepNonFinite(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}
function readNonFinite(_key: string, v: unknown): unknown {
  return typeof v === 'string' && NON_FINITE.has(v) ? Number(v) : v;
}
