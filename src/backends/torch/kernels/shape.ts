// Kernels that reshape, select, combine or create tensors.
import * as tf from '@tensorflow/tfjs';
import { dtypeCode } from '../backend.js';
import { input, kernel } from './register.js';

function ordered(inputs: Record<string, tf.TensorInfo>): tf.TensorInfo[] {
  return Object.keys(inputs).sort((p, q) => Number(p) - Number(q)).map((k) => inputs[k]!);
}

export function registerShapeKernels(): void {
  kernel('Identity', (inputs, b) => {
    const x = input(inputs, 'x', 'Identity');
    b.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
  kernel('Reshape', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'Reshape');
    const shape = tf.util.inferFromImplicitShape(attrs.shape, tf.util.sizeFromShape(x.shape));
    return b.result(b.native.reshape(b.id(x), shape, dtypeCode(x.dtype)));
  });

  kernel('ExpandDims', (inputs, b, attrs) => {
    const x = input(inputs, 'input', 'ExpandDims');
    const at = attrs.dim < 0 ? x.shape.length + 1 + attrs.dim : attrs.dim;
    const shape = x.shape.slice();
    shape.splice(at, 0, 1);
    return b.result(b.native.reshape(b.id(x), shape, dtypeCode(x.dtype)));
  });
  kernel('Concat', (inputs, b, attrs) => {
    const xs = ordered(inputs);
    const axis = tf.util.parseAxisParam(attrs.axis, xs[0]!.shape)[0]!;
    return b.result(b.native.concat(xs.map((x) => b.id(x)), axis, dtypeCode(xs[0]!.dtype)));
  });
  kernel('Pack', (inputs, b, attrs) => {
    const xs = ordered(inputs);
    return b.result(b.native.stack(xs.map((x) => b.id(x)), attrs.axis ?? 0, dtypeCode(xs[0]!.dtype)));
  });
  kernel('Unpack', (inputs, b, attrs) => {
    const x = input(inputs, 'value', 'Unpack');
    return b.native.unstack(b.id(x), attrs.axis ?? 0, dtypeCode(x.dtype)).map((o) => b.result(o));
  });
  kernel('Slice', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'Slice');
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
    tf.slice_util.assertParamsValid(x, begin!, size!);
    return b.result(b.native.slice(b.id(x), begin!, size!, dtypeCode(x.dtype)));
  });
  kernel('StridedSlice', (inputs, b, a) => {
    const x = input(inputs, 'x', 'StridedSlice');
    const info = tf.slice_util.sliceInfo(x.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask,
      a.newAxisMask, a.shrinkAxisMask);
    return b.result(b.native.stridedSlice(b.id(x), info.begin, info.end, info.strides, info.finalShape, dtypeCode(x.dtype)));
  });
  kernel('SplitV', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'SplitV');
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis);
    return b.native.split(b.id(x), sizes, axis, dtypeCode(x.dtype)).map((o) => b.result(o));
  });
  kernel('Transpose', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'Transpose');
    return b.result(b.native.transpose(b.id(x), attrs.perm, dtypeCode(x.dtype)));
  });
  kernel('Tile', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'Tile');
    return b.result(b.native.tile(b.id(x), attrs.reps, dtypeCode(x.dtype)));
  });
  kernel('Reverse', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'Reverse');
    const dims = tf.util.parseAxisParam(attrs.dims, x.shape);
    if (dims.length === 0) return b.result(b.native.cast(b.id(x), dtypeCode(x.dtype)));
    return b.result(b.native.reverse(b.id(x), dims, dtypeCode(x.dtype)));
  });
  kernel('PadV2', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'PadV2');
    return b.result(b.native.pad(b.id(x), (attrs.paddings as [number, number][]).flat(), attrs.constantValue ?? 0, dtypeCode(x.dtype)));
  });
  kernel('Fill', (_inputs, b, attrs) => {
    const dtype: tf.DataType = attrs.dtype ?? (typeof attrs.value === 'number' ? 'float32' : 'string');
    return b.result(b.native.fill(attrs.shape, attrs.value, dtypeCode(dtype)));
  });
  kernel('Range', (_inputs, b, attrs) => b.result(b.native.range(attrs.start, attrs.stop, attrs.step, dtypeCode(attrs.dtype))));
  kernel('OneHot', (inputs, b, attrs) =>
    b.result(b.native.oneHot(b.id(input(inputs, 'indices', 'OneHot')), attrs.depth, attrs.onValue, attrs.offValue, dtypeCode(attrs.dtype))));
  kernel('GatherV2', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'GatherV2');
    if (attrs.batchDims) throw new Error('torch backend: GatherV2 with batchDims > 0 is not supported');
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0]!;
    return b.result(b.native.gather(b.id(x), b.id(input(inputs, 'indices', 'GatherV2')), axis, dtypeCode(x.dtype)));
  });
  kernel('GatherNd', (inputs, b) => {
    const x = input(inputs, 'params', 'GatherNd');
    return b.result(b.native.gatherNd(b.id(x), b.id(input(inputs, 'indices', 'GatherNd')), dtypeCode(x.dtype)));
  });
  kernel('ScatterNd', (inputs, b, attrs) => {
    const updates = input(inputs, 'updates', 'ScatterNd');
    return b.result(b.native.scatterNd(b.id(input(inputs, 'indices', 'ScatterNd')), b.id(updates), attrs.shape, dtypeCode(updates.dtype)));
  });
  kernel('UnsortedSegmentSum', (inputs, b, attrs) => {
    const x = input(inputs, 'x', 'UnsortedSegmentSum');
    return b.result(b.native.segmentSum(b.id(x), b.id(input(inputs, 'segmentIds', 'UnsortedSegmentSum')), attrs.numSegments, dtypeCode(x.dtype)));
  });
}
