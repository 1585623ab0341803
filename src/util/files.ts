// Atomic file writes: readers see the old file or the new one, never half of one. A write that
// fails (a full disk, a read-only folder) leaves the old file as it was, removes its partial
// copy, and says which file it could not write and why.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A file that could not be written, named, with the system's reason (no space left, read-only, ...). */
export class WriteError extends Error {
  constructor(readonly file: string, readonly code: string | undefined, reason: string) {
    super(`${file}: cannot write it: ${reason}${code ? ` (${code})` : ''}`);
  }

  /** The WriteError of a failed system call on `file`: its reason without the code and syscall node puts around it. */
  static of(file: string, err: unknown): WriteError {
    const e = err as NodeJS.ErrnoException;
    return new WriteError(file, e.code, (e.message ?? String(err)).replace(/^[A-Z]+: /, '').replace(/, (open|write|mkdir|rename|close)( .*)?$/, ''));
  }
}

export function writeAtomic(file: string, text: string): void {
  writeAtomicBytes(file, text);
}

export function writeAtomicBytes(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw WriteError.of(file, err);
  }
}
