// snas gpu-bundle: the folder that runs the GPU check on a machine without Node.js or network.
import { resolve } from 'node:path';
import { bundleText, writeGpuBundle, BUNDLE_LIMIT_MB } from '../../bundle/gpu-bundle.js';
import { projectRoot } from '../../util/root.js';
import { EXIT } from '../usage.js';
import { help, parse, type Command } from '../command.js';

export const gpuBundle: Command = {
  summary: 'write the GPU bundle: Node.js, the CLI in one file, the addon sources, gpu-check.sh',
  usage: `snas gpu-bundle [--out DIR]

Writes DIR (default results/gpu-bundle/snas-lab-gpu): this machine's Node.js binary compressed
with xz, the CLI, the bench's step worker and the torch kernel tests each bundled into one
JavaScript file, the native addon's sources with the headers and a g++ build script, the
configs, the PyTorch peer, and gpu-check.sh, which on a GPU machine with PyTorch builds the
addon against it, runs the kernel tests on cuda, times the paper-shape step beside PyTorch,
runs one paper-shape search epoch and prints one table. Prints the size by part; exit 1 when
it is over ${BUNDLE_LIMIT_MB} MB.`,
  async run(args) {
    const { values } = parse('gpu-bundle', args, { out: { type: 'string' } });
    if (values.help) return help(this);
    const out = resolve(typeof values.out === 'string' ? values.out : resolve(projectRoot(), 'results', 'gpu-bundle', 'snas-lab-gpu'));
    const report = await writeGpuBundle(out, (l) => console.error(l));
    console.log(bundleText(report));
    return report.bytes / 1e6 <= BUNDLE_LIMIT_MB ? EXIT.ok : EXIT.failure;
  },
};
