// snas count: parameters and multiply-adds of a genotype on an evaluation network.
import { selectBackend } from '../../backends/index.js';
import { countGenotypeNetwork } from '../../cost/index.js';
import { NETWORK_DEFAULTS } from '../../networks/derived.js';
import { resolveGenotype } from '../../space/registry.js';
import { EXIT, UsageError } from '../usage.js';
import { help, parse, positiveInt, type Command } from '../command.js';

export const count: Command = {
  summary: 'count parameters and multiply-adds of a genotype on an evaluation network',
  usage: `snas count --genotype NAME|FILE [--network cifar10|imagenet] [--channels C] [--layers L]
           [--input-size S] [--bare-pools] [--json]

Builds the evaluation network and counts, for one image: parameters without the auxiliary
head (the paper's convention) and with it, multiply-adds of convolutions and linear layers
(the paper's convention) and all operations (adding BN, ReLU, pooling and additions).
NAME is a published genotype (SNAS_mild, SNAS_moderate, SNAS_aggressive, DARTS_V1, DARTS_V2) or FILE a genotype as JSON/YAML.
Defaults: cifar10 C 36, 20 cells, 32x32; imagenet C 48, 14 cells, 224x224.
--bare-pools counts DARTS' flavour (no BN after pools) instead of SNAS'.
--json prints one object: params, params_with_aux, mult_adds, ops_all and the settings.`,
  async run(args) {
    const { values } = parse('count', args, {
      genotype: { type: 'string' }, network: { type: 'string' }, channels: { type: 'string' }, layers: { type: 'string' },
      'input-size': { type: 'string' }, 'bare-pools': { type: 'boolean' }, json: { type: 'boolean' },
    });
    if (values.help) return help(this);
    if (values.genotype === undefined) throw new UsageError('snas count: --genotype is required');
    const kind = (values.network ?? 'cifar10') as string;
    if (kind !== 'cifar10' && kind !== 'imagenet') throw new UsageError(`--network: expected cifar10 or imagenet, got '${kind}'`);
    let genotype;
    try {
      genotype = resolveGenotype(String(values.genotype));
    } catch (err) {
      throw new UsageError(`--genotype: ${(err as Error).message}`);
    }
    const d = NETWORK_DEFAULTS[kind];
    const shape = {
      channels: positiveInt(values.channels, '--channels') ?? d.channels,
      layers: positiveInt(values.layers, '--layers') ?? d.layers,
      inputSize: positiveInt(values['input-size'], '--input-size') ?? d.inputSize,
    };
    await selectBackend({ log: (l) => console.error(l) });
    const cost = countGenotypeNetwork({ kind, genotype, ...shape, classes: d.classes, poolBN: !values['bare-pools'] });
    const result = { ...cost, genotype: genotype.name, network: kind, channels: shape.channels, layers: shape.layers, input_size: shape.inputSize, pool_bn: !values['bare-pools'] };
    if (values.json) {
      console.log(JSON.stringify(result));
    } else {
      const n = (v: number) => v.toLocaleString('en-US').padStart(14);
      console.log(`${genotype.name} on ${kind}: C ${shape.channels}, ${shape.layers} cells, ${shape.inputSize}x${shape.inputSize}, ${values['bare-pools'] ? 'bare pools' : 'BN after pools'}`);
      console.log(`  parameters, without auxiliary head ${n(cost.params)}`);
      console.log(`  parameters, with auxiliary head    ${n(cost.params_with_aux)}`);
      console.log(`  multiply-adds per image            ${n(cost.mult_adds)}  (convolutions and linear layers)`);
      console.log(`  operations per image, all          ${n(cost.ops_all)}  (adding BN, ReLU, pooling, additions)`);
    }
    return EXIT.ok;
  },
};
