// MANIFEST.sha256: one line per file of the archive, "HEX  PATH" sorted by path, the format
// `sha256sum -c MANIFEST.sha256` checks. The manifest does not list itself.
import { createHash } from 'node:crypto';

export const MANIFEST = 'MANIFEST.sha256';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The manifest of `files` (archive path -> bytes); MANIFEST itself is left out. */
export function manifestText(files: Map<string, Uint8Array>): string {
  const lines = [...files.keys()].filter((p) => p !== MANIFEST).sort().map((p) => `${sha256(files.get(p)!)}  ${p}`);
  return `${lines.join('\n')}\n`;
}

export interface ManifestProblem {
  path: string;
  problem: string;
}

/** What in `files` disagrees with `manifest`: changed, missing, unlisted files and malformed lines. */
export function verifyManifest(manifest: string, files: Map<string, Uint8Array>): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const listed = new Set<string>();
  manifest.split('\n').forEach((line, k) => {
    if (line.trim() === '') return;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) {
      problems.push({ path: MANIFEST, problem: `line ${k + 1} is not "SHA256  PATH": ${JSON.stringify(line.slice(0, 80))}` });
      return;
    }
    const [, hash, path] = m as unknown as [string, string, string];
    listed.add(path);
    const bytes = files.get(path);
    if (!bytes) problems.push({ path, problem: 'listed in the manifest but missing from the archive' });
    else if (sha256(bytes) !== hash) problems.push({ path, problem: `changed: its SHA-256 is ${sha256(bytes)}, the manifest says ${hash}` });
  });
  for (const path of [...files.keys()].sort()) {
    if (path !== MANIFEST && !listed.has(path)) problems.push({ path, problem: 'in the archive but not in the manifest' });
  }
  return problems;
}
