// The `torch` tfjs backend: tensors are libtorch tensors held by the native addon; tfjs data ids
// map to their native ids, and disposing the tfjs tensor frees the native one.
import * as tf from '@tensorflow/tfjs';
import type { NativeTorch, Out } from './addon.js';

const DTYPES = ['float32', 'int32', 'bool'] as const;

/** The addon's code for a tfjs dtype; complex64 and string tensors do not exist on this backend. */
export function dtypeCode(dtype: tf.DataType): number {
  const code = (DTYPES as readonly string[]).indexOf(dtype);
  if (code < 0) throw new Error(`torch backend: ${dtype} tensors are not supported`);
  return code;
}

interface Entry {
  id: number;
  dtype: tf.DataType;
  refCount: number;
}

type DataId = object;

export class TorchBackend extends tf.KernelBackend {
  private readonly data: tf.DataStorage<Entry>;
  /** Reads back to the host so far (each one waits for the device when it is a GPU). */
  reads = 0;

  constructor(readonly native: NativeTorch) {
    super();
    this.data = new tf.DataStorage<Entry>(this, tf.engine());
  }

  override write(values: tf.backend_util.BackendValues | null, shape: number[], dtype: tf.DataType): DataId {
    const dataId = {};
    this.data.set(dataId, { id: this.native.write(values as ArrayBufferView | null, shape, dtypeCode(dtype)), dtype, refCount: 1 });
    return dataId;
  }

  override move(dataId: DataId, values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.data.set(dataId, { id: this.native.write(values as ArrayBufferView, shape, dtypeCode(dtype)), dtype, refCount });
  }

  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo {
    return { dataId: this.write(values ?? null, shape, dtype), shape, dtype };
  }

  /** The native id behind a tensor. */
  id(t: tf.TensorInfo): number {
    return this.data.get(t.dataId).id;
  }

  /** Wraps a native result as a tensor info owned by this backend. */
  result(out: Out): tf.TensorInfo {
    const dtype = DTYPES[out[1]!]!;
    const dataId = {};
    this.data.set(dataId, { id: out[0]!, dtype, refCount: 1 });
    return { dataId, shape: out.slice(2), dtype };
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override async read(dataId: DataId): Promise<tf.backend_util.BackendValues> {
    return this.readSync(dataId);
  }

  override readSync(dataId: DataId): tf.backend_util.BackendValues {
    const entry = this.data.get(dataId);
    this.reads++;
    return this.native.read(entry.id, dtypeCode(entry.dtype));
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const entry = this.data.get(dataId);
    entry.refCount--;
    if (!force && entry.refCount > 0) return false;
    this.native.free(entry.id);
    this.data.delete(dataId);
    return true;
  }

  disposeIntermediateTensorInfo(info: tf.TensorInfo): void {
    this.disposeData(info.dataId);
  }

  override async time(f: () => void): Promise<tf.BackendTimingInfo> {
    const start = tf.util.now();
    f();
    return { kernelMs: tf.util.now() - start };
  }

  override memory(): { unreliable: boolean; numNativeTensors: number } {
    return { unreliable: true, numNativeTensors: this.native.count() };
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override dispose(): void {}
}
