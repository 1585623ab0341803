// tfjs' own convolution and pooling kernels (NHWC), on ATen's implementations.
import * as tf from '@tensorflow/tfjs';
import type { TorchBackend } from '../backend.js';
import { checkNHWC, input, kernel, type Attrs } from './register.js';

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

function geometry(info: ConvInfo): { stride: number[]; pad: number[]; dilation: number[] } {
  const p = info.padInfo;
  return {
    stride: [info.strideHeight, info.strideWidth],
    pad: [p.top, p.bottom, p.left, p.right],
    dilation: [info.dilationHeight, info.dilationWidth],
  };
}

function convInfo(xShape: number[], wShape: number[], a: Attrs, depthwise: boolean, name: string): ConvInfo {
  checkNHWC(a.dataFormat, name);
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], wShape as [number, number, number, number],
    a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise, 'channelsLast');
}

function poolInfo(xShape: number[], a: Attrs): ConvInfo {
  return tf.backend_util.computePool2DInfo(xShape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad,
    a.dimRoundingMode);
}

function registerConv(depthwise: boolean): void {
  const fwd = depthwise ? 'DepthwiseConv2dNative' : 'Conv2D';
  kernel(fwd, (inputs, b, a) => {
    const x = input(inputs, 'x', fwd);
    const w = input(inputs, 'filter', fwd);
    const g = geometry(convInfo(x.shape, w.shape, a, depthwise, fwd));
    return b.result(b.native.conv(b.id(x), b.id(w), g.stride, g.pad, g.dilation, depthwise));
  });
  const bwdInput = depthwise ? 'DepthwiseConv2dNativeBackpropInput' : 'Conv2DBackpropInput';
  kernel(bwdInput, (inputs, b, a) => {
    const dy = input(inputs, 'dy', bwdInput);
    const w = input(inputs, 'filter', bwdInput);
    const g = geometry(convInfo(a.inputShape, w.shape, a, depthwise, bwdInput));
    return b.result(b.native.convBackward(b.id(dy), a.inputShape, b.id(w), g.stride, g.pad, g.dilation, depthwise, true, false)[0]!);
  });
  const bwdFilter = depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter';
  kernel(bwdFilter, (inputs, b, a) => {
    const x = input(inputs, 'x', bwdFilter);
    const dy = input(inputs, 'dy', bwdFilter);
    const g = geometry(convInfo(x.shape, a.filterShape, a, depthwise, bwdFilter));
    const [dx, dw] = b.native.convBackward(b.id(dy), b.id(x), a.filterShape, g.stride, g.pad, g.dilation, depthwise, false, true);
    b.native.free(dx![0]!);
    return b.result(dw!);
  });
}

function freeOut(b: TorchBackend, out: number[] | undefined): void {
  if (out) b.native.free(out[0]!);
}

export function registerNNKernels(): void {
  registerConv(false);
  registerConv(true);
  kernel('MaxPool', (inputs, b, a) => {
    const x = input(inputs, 'x', 'MaxPool');
    const info = poolInfo(x.shape, a);
    const g = geometry(info);
    const [y, indices] = b.native.maxPool(b.id(x), [info.filterHeight, info.filterWidth], g.stride, g.pad);
    freeOut(b, indices);
    return b.result(y!);
  });
  kernel('MaxPoolGrad', (inputs, b, a) => {
    const x = input(inputs, 'input', 'MaxPoolGrad');
    const info = poolInfo(x.shape, a);
    const g = geometry(info);
    return b.result(b.native.maxPoolBackward(b.id(input(inputs, 'dy', 'MaxPoolGrad')), b.id(x), -1,
      [info.filterHeight, info.filterWidth], g.stride, g.pad));
  });
  kernel('AvgPool', (inputs, b, a) => {
    const x = input(inputs, 'x', 'AvgPool');
    const info = poolInfo(x.shape, a);
    const g = geometry(info);
    return b.result(b.native.avgPool(b.id(x), [info.filterHeight, info.filterWidth], g.stride, g.pad, false));
  });
  kernel('AvgPoolGrad', (inputs, b, a) => {
    const x = input(inputs, 'input', 'AvgPoolGrad');
    const info = poolInfo(x.shape, a);
    const g = geometry(info);
    return b.result(b.native.avgPoolBackward(b.id(input(inputs, 'dy', 'AvgPoolGrad')), b.id(x),
      [info.filterHeight, info.filterWidth], g.stride, g.pad, false));
  });
}

