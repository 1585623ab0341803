// snas lab: the notebooks, live, in Jupyter Notebook.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { defaultLabScale, hasNotebookServer, installKernelSpec, startLab } from '../../notebooks/lab.js';
import { parseScale } from '../../scale.js';
import { projectRoot } from '../../util/root.js';
import { EXIT, UsageError } from '../usage.js';
import { help, parse, positiveInt, type Command } from '../command.js';

export const lab: Command = {
  summary: 'open the notebooks live in Jupyter Notebook (127.0.0.1, with a token)',
  usage: `snas lab [NN] [--scale S] [--port P] [--install-kernel]

Starts Debian's Jupyter Notebook on this project, on 127.0.0.1 only and with a fresh token,
and prints its URL (and notebook NN's, e.g. 02 or 02-concrete-relaxation). Kernels are the
snas-lab tslab kernel, started in the project root. Ctrl-C stops the server and its kernels.
Installs jupyter-notebook first when it is missing (src/setup/ensure.sh --lab, as root).

  --scale S          smoke | quick | paper: what scaleFromEnv() gives the notebooks' parameters
                     cells (default: the scale of the reproduction in results/, so its finished
                     runs are reused; smoke when there is none)
  --port P           the port (default: the first free one from 8888)
  --install-kernel   install the kernel spec for this user (~/.local/share/jupyter/kernels/
                     snas-tslab, pointing at this checkout) so that another front end (VS Code,
                     a JupyterLab of your own) finds it; then exit`,
  async run(args) {
    const { values, positionals } = parse('lab', args, {
      scale: { type: 'string' }, port: { type: 'string' }, 'install-kernel': { type: 'boolean' },
    }, true);
    if (values.help) return help(this);
    if (values['install-kernel']) {
      const dir = installKernelSpec();
      console.log(`snas lab: kernel spec '${'snas-tslab'}' installed in ${dir} (it runs ${join(projectRoot(), 'src', 'notebooks', 'kernel.cjs')})`);
      return EXIT.ok;
    }
    if (positionals.length > 1) throw new UsageError(`snas lab: one notebook at most, got ${positionals.join(' ')}`);
    const port = positiveInt(values.port, '--port');
    if (port !== undefined && port > 65535) throw new UsageError(`--port: expected a port number up to 65535, got ${port}`);
    const chosen = typeof values.scale === 'string'
      ? { scale: parseScale(values.scale, '--scale'), why: 'given' }
      : defaultLabScale();
    if (!hasNotebookServer()) {
      console.log('snas lab: installing Jupyter Notebook (src/setup/ensure.sh --lab)');
      const r = spawnSync('bash', [join(projectRoot(), 'src', 'setup', 'ensure.sh'), '--lab'], { stdio: 'inherit' });
      if (r.status !== 0) return EXIT.failure;
    }
    const t0 = Date.now();
    const server = await startLab({ scale: chosen.scale, port, notebook: positionals[0] });
    console.log(`  scale ${chosen.scale} (${chosen.why}); answering after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`  open: ${server.url}`);
    console.log('  Ctrl-C stops the server and its kernels');
    const stop = async (why: string) => {
      console.log(`\nsnas lab: ${why}: stopping the server and its kernels`);
      await server.stop();
      console.log('snas lab: stopped');
    };
    return new Promise<number>((done) => {
      let stopping = false;
      const onSignal = (sig: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        void stop(sig).then(() => done(EXIT.ok));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      process.once('SIGHUP', onSignal);
      void server.exited.then((code) => {
        if (stopping) return;
        stopping = true;
        console.error(`snas lab: the notebook server ended by itself (exit ${code})`);
        void server.stop().then(() => done(EXIT.failure));
      });
    });
  },
};
