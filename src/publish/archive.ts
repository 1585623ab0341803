// An archive as a map of '/'-separated paths to bytes, read from a folder or a zip, and written
// as a zip (fflate; text compressed at level 9, already-compressed files stored).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';

export type Files = Map<string, Uint8Array>;

/** A path that is neither a folder nor a readable zip: bad input. */
export class ArchiveError extends Error {}

/** Every file under `dir` (symbolic links followed), by path relative to it. */
export function readFolder(dir: string): Files {
  const files: Files = new Map();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(dir, p).split(sep).join('/'), readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/**
 * The files of a zip archive (folders left out), by path below the one top folder every entry
 * shares when there is one; a file that is not a zip is an ArchiveError naming it.
 */
export function readZip(path: string): Files {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(readFileSync(path));
  } catch (err) {
    throw new ArchiveError(`${path}: not a readable zip archive (${(err as Error).message})`);
  }
  const names = Object.keys(entries).filter((name) => !name.endsWith('/')).sort();
  const top = names[0]?.split('/')[0];
  const shared = top !== undefined && names.every((n) => n.startsWith(`${top}/`)) ? `${top}/` : '';
  return new Map(names.map((n) => [n.slice(shared.length), entries[n]!]));
}

/** A folder or a zip, whichever `path` is. */
export function readArchive(path: string): Files {
  if (!existsSync(path)) throw new ArchiveError(`${path}: no such folder or zip archive`);
  return statSync(path).isDirectory() ? readFolder(path) : readZip(path);
}

const STORED = /\.(zip|gz|png|jpe?g|pdf|bin)$/i;

/** The files as a zip, under a top folder `root` when given; entries in path order, with a fixed time so equal files give equal archives. */
export function zipBytes(files: Files, root = ''): Uint8Array {
  const tree: Zippable = {};
  const mtime = new Date('2019-05-06T00:00:00Z'); // ICLR 2019; any fixed date would do
  for (const path of [...files.keys()].sort()) {
    tree[root ? `${root}/${path}` : path] = [files.get(path)!, { level: STORED.test(path) ? 0 : 9, mtime }];
  }
  return zipSync(tree);
}
