// snas env: the backend a run would use and the environment record results carry.
import { selectBackend } from '../../backends/index.js';
import { loadConfig } from '../../config/load.js';
import { environmentRecord } from '../../runs/environment.js';
import { EXIT } from '../usage.js';
import { help, parse, type Command } from '../command.js';

export const env: Command = {
  summary: 'show the compute backend chosen and the environment a result records',
  usage: `snas env [--config FILE.yaml] [--backend NAME]

Picks the backend as every run does (SNAS_BACKEND, then --backend or the config's backend
key, then the fastest that works) and prints the environment record that results carry.`,
  async run(args) {
    const { values } = parse('env', args, { backend: { type: 'string' }, config: { type: 'string' } });
    if (values.help) return help(this);
    const file = values.config as string | undefined;
    const config = file === undefined ? undefined : loadConfig(file);
    const backend = values.backend !== undefined
      ? await selectBackend({ requested: values.backend as string, requestedBy: '--backend' })
      : await selectBackend({ requested: config?.backend, requestedBy: `${file}: backend` });
    console.log(JSON.stringify(environmentRecord(backend, config ? { seed: config.seed } : {}), null, 2));
    return EXIT.ok;
  },
};
