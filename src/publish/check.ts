// `snas publish --check`: whether a supplementary archive (a folder or its zip) is whole and
// opens offline anywhere: every file as its manifest says, every link of every page resolving
// inside the archive, nothing loaded from the network, no absolute path of the machine that built it.
import { homedir, tmpdir } from 'node:os';
import { statSync } from 'node:fs';
import { projectRoot } from '../util/root.js';
import { readArchive, type Files } from './archive.js';
import { linkTarget, pageLinks } from './links.js';
import { MANIFEST, verifyManifest } from './manifest.js';

export interface Problem {
  path: string;
  problem: string;
}

export interface CheckReport {
  path: string;
  problems: Problem[];
  files: number;
  /** Bytes of the files, uncompressed. */
  bytes: number;
  /** Bytes of the zip, when a zip was checked. */
  zipBytes?: number;
  /** Bytes per top-level folder ('.' for files at the top). */
  parts: Record<string, number>;
  /** Links to the network that only a click would follow (citations), by page. */
  externalAnchors: { path: string; url: string }[];
}

/** Files whose text is searched for absolute paths; assets (third-party libraries) are not. */
const TEXT = /\.(html?|json|jsonl|csv|md|tex|ipynb|ya?ml|txt|svg|sha256)$/i;

/** Absolute paths that name a person's or a build's folders on some machine. */
const PRIVATE_PATHS = [/file:\/\//i, /(^|[\s"'(=:])\/(home|Users)\/[^\s"'/<>]+/, /(^|[\s"'(=:])\/root\//, /(^|[\s"'(=:])\/tmp\//, /\/var\/folders\//, /[A-Za-z]:\\Users\\/];

/** This machine's own folders, which no published file should name. */
function machineFolders(): string[] {
  return [projectRoot(), homedir(), tmpdir()].filter((p) => p.length > 1 && p !== '/root' && p !== '/tmp');
}

function lineOf(text: string, at: number): number {
  return text.slice(0, at).split('\n').length;
}

/** The problems of the files in `files` (already read). */
export function checkFiles(files: Files): { problems: Problem[]; externalAnchors: { path: string; url: string }[] } {
  const problems: Problem[] = [];
  const externalAnchors: { path: string; url: string }[] = [];
  const manifest = files.get(MANIFEST);
  if (!manifest) problems.push({ path: MANIFEST, problem: 'missing: the archive has no manifest' });
  else problems.push(...verifyManifest(Buffer.from(manifest).toString('utf8'), files));

  const own = machineFolders();
  for (const [path, bytes] of files) {
    if (!TEXT.test(path) || path.startsWith('assets/')) continue;
    const text = Buffer.from(bytes).toString('utf8');
    for (const folder of own) {
      const at = text.indexOf(folder);
      if (at >= 0) problems.push({ path, problem: `line ${lineOf(text, at)} names this machine's folder ${folder}` });
    }
    for (const re of PRIVATE_PATHS) {
      const m = re.exec(text);
      if (!m) continue;
      const at = m.index + (m[1]?.length ?? 0); // past the character before the path
      problems.push({ path, problem: `line ${lineOf(text, at)} holds an absolute path: ${JSON.stringify(text.slice(at, at + 60).split(/["'\s<>]/)[0])}` });
    }
    if (!/\.html?$/i.test(path)) continue;
    for (const link of pageLinks(text)) {
      const target = linkTarget(path, link.url);
      if (target.type === 'internal') {
        if (!files.has(target.path) && !files.has(`${target.path}/index.html`)) {
          problems.push({ path, problem: `links to ${link.url}, which is not in the archive` });
        }
      } else if (target.type === 'network') {
        if (link.kind === 'load') problems.push({ path, problem: `loads ${link.url} from the network` });
        else externalAnchors.push({ path, url: link.url });
      } else if (target.type === 'absolute') {
        problems.push({ path, problem: `links to ${link.url}, an absolute path outside the archive` });
      }
    }
  }
  return { problems, externalAnchors };
}

/** Checks a folder or a zip. */
export function checkSupplementary(path: string): CheckReport {
  const files = readArchive(path);
  const { problems, externalAnchors } = checkFiles(files);
  const parts: Record<string, number> = {};
  let bytes = 0;
  for (const [p, b] of files) {
    const part = p.includes('/') ? p.split('/')[0]! : '.';
    parts[part] = (parts[part] ?? 0) + b.length;
    bytes += b.length;
  }
  const isZip = !statSync(path).isDirectory();
  return { path, problems, files: files.size, bytes, zipBytes: isZip ? statSync(path).size : undefined, parts, externalAnchors };
}

/** The report as lines for a terminal. */
export function reportLines(r: CheckReport): string[] {
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  const lines = [
    `${r.path}: ${r.files} files, ${mb(r.bytes)} uncompressed${r.zipBytes !== undefined ? `, ${mb(r.zipBytes)} as a zip` : ''}`,
    `  by part: ${Object.entries(r.parts).sort(([, a], [, b]) => b - a).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}`,
  ];
  if (r.externalAnchors.length) {
    const urls = [...new Set(r.externalAnchors.map((a) => a.url))];
    lines.push(`  ${urls.length} link(s) to the web that only a click follows (nothing is loaded from them): ${urls.slice(0, 5).join(', ')}${urls.length > 5 ? ', ...' : ''}`);
  }
  if (r.problems.length === 0) lines.push('  check passed: the manifest matches, every link resolves inside the archive, nothing is loaded from the network, no absolute path of this machine');
  else lines.push(`  check FAILED: ${r.problems.length} problem(s)`, ...r.problems.map((p) => `  ${p.path}: ${p.problem}`));
  return lines;
}
