// Element-wise, reduction and matrix kernels.
import * as tf from '@tensorflow/tfjs';
import { dtypeCode } from '../backend.js';
import { input, kernel } from './register.js';

/** Output dtype of each unary kernel relative to its input, as tfjs' cpu backend has it. */
const UNARY_DTYPE: Record<string, 'same' | 'float32' | 'bool'> = {
  Exp: 'float32', IsFinite: 'bool', IsInf: 'bool', IsNan: 'bool', LogicalNot: 'bool',
};
/** Unary kernels that take a scalar attribute. */
const UNARY_ALPHA: Record<string, (attrs: { alpha?: number }) => number> = {
  LeakyRelu: (a) => a.alpha ?? 0.2,
  Step: (a) => a.alpha ?? 0,
};
const BINARY_BOOL = new Set(['Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'LogicalAnd', 'LogicalOr']);
const BINARY_DTYPE: Record<string, tf.DataType> = { RealDiv: 'float32', FloorDiv: 'int32' };

export function registerMathKernels(unaryNames: string[], binaryNames: string[]): void {
  for (const name of unaryNames) {
    kernel(name, (inputs, b, attrs) => {
      const xi = input(inputs, 'x', name);
      const policy = UNARY_DTYPE[name] ?? 'same';
      const dtype = policy === 'same' ? xi.dtype : policy;
      return b.result(b.native.unary(name, b.id(xi), dtypeCode(dtype), UNARY_ALPHA[name]?.(attrs) ?? 0));
    });
  }
  for (const name of binaryNames.filter((n) => n !== 'EluGrad')) {
    kernel(name, (inputs, b) => {
      const a = input(inputs, 'a', name);
      const bb = input(inputs, 'b', name);
      const common = name.startsWith('Logical') ? 'bool' : tf.upcastType(a.dtype, bb.dtype);
      const dtype = BINARY_BOOL.has(name) ? 'bool' : BINARY_DTYPE[name] ?? common;
      return b.result(b.native.binary(name, b.id(a), b.id(bb), dtypeCode(dtype), dtypeCode(common)));
    });
  }

  kernel('EluGrad', (inputs, b) =>
    b.result(b.native.binary('EluGrad', b.id(input(inputs, 'dy', 'EluGrad')), b.id(input(inputs, 'y', 'EluGrad')), 0, 0)));

  const reduction = (name: string, dtypeOf: (x: tf.DataType) => tf.DataType) =>
    kernel(name, (inputs, b, attrs) => {
      const x = input(inputs, 'x', name);
      const axes = tf.util.parseAxisParam(attrs.axis ?? attrs.reductionIndices ?? null, x.shape);
      const dtype = dtypeOf(x.dtype);
      if (axes.length === 0) return b.result(b.native.cast(b.id(x), dtypeCode(dtype)));
      return b.result(b.native.reduce(name, b.id(x), axes, Boolean(attrs.keepDims), dtypeCode(dtype)));
    });
  reduction('Sum', (d) => tf.upcastType(d, 'int32'));
  reduction('Prod', (d) => tf.upcastType(d, 'int32'));
  reduction('Mean', () => 'float32');
  reduction('Max', (d) => d);
  reduction('Min', (d) => d);
  reduction('All', () => 'bool');
  reduction('Any', () => 'bool');
  for (const name of ['ArgMax', 'ArgMin']) {
    kernel(name, (inputs, b, attrs) => {
      const x = input(inputs, 'x', name);
      const axis = tf.util.parseAxisParam(attrs.axis, x.shape);
      return b.result(b.native.reduce(name, b.id(x), axes1(axis, name), false, dtypeCode('int32')));
    });
  }

  kernel('Cast', (inputs, b, attrs) => b.result(b.native.cast(b.id(input(inputs, 'x', 'Cast')), dtypeCode(attrs.dtype))));
  kernel('Select', (inputs, b) => {
    const t = input(inputs, 't', 'Select');
    return b.result(b.native.select(b.id(input(inputs, 'condition', 'Select')), b.id(t), b.id(input(inputs, 'e', 'Select')), dtypeCode(t.dtype)));
  });
  kernel('ClipByValue', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'ClipByValue');
    return b.result(b.native.clip(b.id(x), attrs.clipValueMin, attrs.clipValueMax, dtypeCode(x.dtype)));
  });
  kernel('Softmax', (inputs, b, attrs) => b.result(b.native.softmax(b.id(input(inputs, 'logits', 'Softmax')), attrs.dim ?? -1)));
  kernel('BatchMatMul', (inputs, b, attrs) =>
    b.result(b.native.matmul(b.id(input(inputs, 'a', 'BatchMatMul')), b.id(input(inputs, 'b', 'BatchMatMul')),
      Boolean(attrs.transposeA), Boolean(attrs.transposeB))));
  kernel('FusedBatchNorm', (inputs, b, attrs) => {
    const opt = (name: string) => (inputs[name] ? b.id(inputs[name]!) : -1);
    return b.result(b.native.batchNorm(b.id(input(inputs, 'x', 'FusedBatchNorm')), b.id(input(inputs, 'mean', 'FusedBatchNorm')),
      b.id(input(inputs, 'variance', 'FusedBatchNorm')), opt('offset'), opt('scale'), attrs.varianceEpsilon ?? 0.001));
  });
  for (const name of ['Cumsum', 'Cumprod']) {
    kernel(name, (inputs, b, attrs) => {
      const x = input(inputs, 'x', name);
      const dtype = tf.upcastType(x.dtype, 'int32');
      return b.result(b.native.cumulative(name === 'Cumprod', b.id(x), attrs.axis, Boolean(attrs.exclusive), Boolean(attrs.reverse), dtypeCode(dtype)));
    });
  }
  kernel('TopK', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'TopK');
    return b.native.topk(b.id(x), attrs.k, attrs.sorted ?? true, dtypeCode(x.dtype)).map((o) => b.result(o));
  });
  kernel('AddN', (inputs, b) => {
    const xs = Object.keys(inputs).sort((p, q) => Number(p) - Number(q)).map((k) => inputs[k]!);
    if (xs.length === 0) throw new Error('torch backend: AddN needs at least one input');
    return b.result(b.native.addN(xs.map((x) => b.id(x)), dtypeCode(xs[0]!.dtype)));
  });
}

function axes1(axis: number[], name: string): number[] {
  if (axis.length !== 1) throw new Error(`torch backend: ${name} takes one axis, got [${axis}]`);
  return axis;
}

/**
 * Multinomial sampling draws its random numbers in JavaScript from the seed, so the torch
 * backend hands it to tfjs' cpu kernel: the same seed gives the same samples on both backends.
 */
export function registerSamplingKernels(): void {
  kernel('Multinomial', (inputs, b, attrs) => {
    const logits = input(inputs, 'logits', 'Multinomial');
    const cpu = tf.engine().findBackend('cpu');
    const config = tf.getKernel('Multinomial', 'cpu');
    if (!cpu || !config) throw new Error("torch backend: Multinomial needs tfjs' cpu backend");
    const onCpu = (cpu as unknown as { makeTensorInfo(s: number[], d: tf.DataType, v: unknown): tf.TensorInfo })
      .makeTensorInfo(logits.shape, logits.dtype, b.readSync(logits.dataId));
    const out = config.kernelFunc({ inputs: { logits: onCpu }, attrs, backend: cpu }) as tf.TensorInfo;
    const values = cpu.readSync(out.dataId);
    cpu.disposeData(onCpu.dataId);
    cpu.disposeData(out.dataId);
    return b.makeTensorInfo(out.shape, out.dtype, values);
  });
}
