// The GPU bundle (`npm run gpu-bundle`): a folder that runs snas-lab's GPU check on a machine
// with PyTorch and a GPU but no Node.js and no network. It holds this machine's Node.js binary
// (xz-compressed), the CLI, the bench's step worker and the torch kernel tests each bundled into
// one JavaScript file by esbuild, the native addon's sources with the headers it needs and a g++
// build script (src/setup/build-addon.sh), the configs, the PyTorch peer, and gpu-check.sh.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { ADDON_DIR } from '../backends/torch/addon.js';
import { peerScript } from '../bench/peer.js';
import { installedVersion } from '../runs/environment.js';
import { gitOutput } from '../util/git.js';
import { packageJson, projectRoot, type BundleInfo } from '../util/root.js';

/** The limit on the bundle's size. */
export const BUNDLE_LIMIT_MB = 60;

/** The npm packages whose code goes into the bundled JavaScript (their versions are recorded). */
const BUNDLED_PACKAGES = ['@tensorflow/tfjs', 'yaml', 'zod', 'papaparse', 'fflate'];
/** Imported only by commands the bundle does not serve (notebooks, figures, run tables, this one). */
const EXTERNAL = ['esbuild', 'tfjs-node', '@tensorflow/tfjs-node-gpu', 'playwright-core', 'tslab', 'danfojs-node'];
/** Node's C headers that node-addon-api's napi.h needs. */
const NODE_HEADERS = ['node_api.h', 'node_api_types.h', 'js_native_api.h', 'js_native_api_types.h'];

export class BundleError extends Error {}

export interface BundleReport {
  dir: string;
  files: number;
  bytes: number;
  /** Bytes by top-level entry. */
  parts: Record<string, number>;
}

function sizeOf(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, f) => sum + sizeOf(join(path, f)), 0);
}

function countFiles(path: string): number {
  if (!statSync(path).isDirectory()) return 1;
  return readdirSync(path).reduce((n, f) => n + countFiles(join(path, f)), 0);
}

/** Node's headers folder for the running node (as node-gyp finds it: PREFIX/include/node). */
function nodeHeaders(): string {
  const dir = join(dirname(dirname(process.execPath)), 'include', 'node');
  if (!existsSync(join(dir, 'node_api.h'))) throw new BundleError(`Node's headers not found in ${dir} (node_api.h): the addon cannot be built from the bundle`);
  return dir;
}

async function bundleJs(out: string): Promise<void> {
  const esbuild = await import('esbuild');
  const root = projectRoot();
  await esbuild.build({
    entryPoints: {
      snas: join(root, 'src', 'cli', 'bundle-entry.ts'),
      'step-worker': join(root, 'src', 'bench', 'step-worker.ts'),
      'gpu-report': join(root, 'src', 'bundle', 'gpu-report.ts'),
      'tests/torch.test': join(root, 'test', 'torch.test.ts'),
      'tests/host-reads.test': join(root, 'test', 'host-reads.test.ts'),
    },
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // What the entry points share (tfjs, the library) goes into chunks/ once.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // Bundled CommonJS packages call require(): give the ES module one.
    banner: { js: "import { createRequire as __snasCreateRequire } from 'node:module'; const require = __snasCreateRequire(import.meta.url);" },
    logLevel: 'error',
    legalComments: 'none',
  });
}

function compressNode(out: string): void {
  const target = join(out, 'node', 'node.xz');
  mkdirSync(dirname(target), { recursive: true });
  try {
    // xz -6: 99 MB of Node.js in ~24 MB; two threads on this machine, ~30 s.
    const data = execFileSync('xz', ['-6', '-T2', '-c', process.execPath], { maxBuffer: 256 * 2 ** 20 });
    writeFileSync(target, data);
  } catch (err) {
    throw new BundleError(`xz failed on ${process.execPath}: ${(err as Error).message.split('\n')[0]} (Debian: apt-get install xz-utils)`);
  }
}

function copySources(out: string): void {
  const root = projectRoot();
  const native = join(root, ADDON_DIR);
  mkdirSync(join(out, ADDON_DIR, 'src'), { recursive: true });
  copyFileSync(join(native, 'binding.gyp'), join(out, ADDON_DIR, 'binding.gyp'));
  for (const f of readdirSync(join(native, 'src'))) copyFileSync(join(native, 'src', f), join(out, ADDON_DIR, 'src', f));
  mkdirSync(join(out, 'setup'), { recursive: true });
  for (const f of ['build-addon.sh', 'torch-location.sh']) copyFileSync(join(root, 'src', 'setup', f), join(out, 'setup', f));
  mkdirSync(join(out, 'include'), { recursive: true });
  const napi = dirname(createRequire(join(root, 'package.json')).resolve('node-addon-api/package.json'));
  for (const f of readdirSync(napi).filter((f) => /^napi.*\.h$/.test(f))) copyFileSync(join(napi, f), join(out, 'include', f));
  const headers = nodeHeaders();
  for (const f of NODE_HEADERS) copyFileSync(join(headers, f), join(out, 'include', f));
  cpSync(join(root, 'configs'), join(out, 'configs'), { recursive: true });
  mkdirSync(join(out, 'src', 'report'), { recursive: true });
  copyFileSync(join(root, 'src', 'report', 'paper-tables.yaml'), join(out, 'src', 'report', 'paper-tables.yaml'));
  const peer = peerScript();
  if (!existsSync(peer)) throw new BundleError(`the PyTorch peer is not at ${peer} (set SNAS_PEER): the GPU check times our step beside it`);
  mkdirSync(join(out, 'peers'), { recursive: true });
  copyFileSync(peer, join(out, 'peers', basename(peer)));
  copyFileSync(join(root, 'src', 'bundle', 'gpu-check.sh'), join(out, 'gpu-check.sh'));
  chmodSync(join(out, 'gpu-check.sh'), 0o755);
}


function writeManifest(out: string, made: string | null): void {
  const info: BundleInfo = {
    step_worker: 'step-worker.mjs',
    versions: Object.fromEntries(BUNDLED_PACKAGES.map((n) => [n, installedVersion(n)])),
    commit: made,
  };
  const pkg = { name: 'snas-lab', version: packageJson().version, private: true, type: 'module', snas_bundle: info };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(out, 'README.txt'), `snas-lab GPU bundle (commit ${made ?? 'unknown'}, Node.js ${process.version})

On a machine with an NVIDIA GPU and PyTorch (CUDA build) under python3, without Node.js or
network:

  bash gpu-check.sh                 # or PYTHON=/path/to/python3 bash gpu-check.sh

It unpacks Node.js (node/node.xz -> bin/node), builds the torch backend's addon against that
python's PyTorch with g++ (setup/build-addon.sh), runs the torch kernel tests on cuda against
the CPU reference, times one SNAS step at the paper's search shape beside the PyTorch peer
(peers/pytorch_supernet.py --device cuda), runs one epoch of a paper-shape SNAS search on
CIFAR-sized procedural data (configs/gpu/snas-paper-epoch.yaml) in what is left of its time
(GPU_CHECK_BUDGET, default 570 s; an epoch cut short is estimated from a few timed steps)
and prints one table. Everything it writes goes to gpu-check/ (the table in
gpu-check/table.txt).

The CLI itself: bin/node snas.mjs --help (search, train, bench, env; notebooks and figures need
the full project).
`);
}

/** Writes the bundle into `out` (replacing what was there once the new one is complete). */
export async function writeGpuBundle(out: string, log: (line: string) => void = () => {}): Promise<BundleReport> {
  const partial = `${out}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log('gpu-bundle: bundling the CLI, the step worker and the torch tests (esbuild)');
  await bundleJs(partial);
  log('gpu-bundle: copying the addon sources, headers, configs and the peer');
  copySources(partial);
  log(`gpu-bundle: compressing Node.js ${process.version} (${process.execPath}) with xz`);
  compressNode(partial);
  writeManifest(partial, gitOutput(['rev-parse', 'HEAD']));
  rmSync(out, { recursive: true, force: true });
  renameSync(partial, out);
  const parts = Object.fromEntries(readdirSync(out).map((f) => [f, sizeOf(join(out, f))]));
  return { dir: out, files: countFiles(out), bytes: sizeOf(out), parts };
}

/** The report in a few lines, with the size against the limit. */
export function bundleText(r: BundleReport, root = projectRoot()): string {
  const mb = (b: number) => (b / 1e6).toFixed(2);
  const parts = Object.entries(r.parts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${mb(v)}`).join(', ');
  const verdict = r.bytes / 1e6 <= BUNDLE_LIMIT_MB ? `under the ${BUNDLE_LIMIT_MB} MB limit` : `OVER the ${BUNDLE_LIMIT_MB} MB limit`;
  const where = relative(root, r.dir);
  return `gpu-bundle: ${where && !where.startsWith('..') ? where : r.dir}/: ${r.files} files, ${mb(r.bytes)} MB (${verdict})\n  by part (MB): ${parts}`;
}
