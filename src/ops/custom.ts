// A typed front to tf.customGrad: a forward pass that returns its value and its backward pass.
import * as tf from '@tensorflow/tfjs';

export type Backward = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
export type Forward<T extends tf.Tensor> = (
  inputs: tf.Tensor[], save: tf.GradSaveFunc,
) => { value: T; gradFunc: Backward };

interface EngineInternals {
  state: { gradientDepth: number; kernelDepth: number; tensorInfo: WeakMap<object, { backend: tf.KernelBackend }> };
  clone(x: tf.Tensor): tf.Tensor;
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: tf.KernelBackend): tf.Tensor;
}

/** Nesting depth of tf.grad calls being recorded (0 while a plain gradient is computed). */
function gradientDepth(): number {
  return (tf.engine() as unknown as EngineInternals).state.gradientDepth;
}

/**
 * tfjs copies each tensor a custom op saves for its backward pass and records the copy on the
 * gradient tape, although it records nothing else while a kernel runs. When a gradient is
 * computed, its filter of the tape then compares every recorded input that does not depend on
 * the variables (such as a saved output of a native kernel) with every variable, one by one:
 * for the paper's 8-cell supernet, 3,364 saved tensors x 1,401 variables, about 80 ms of every
 * step. The copy is never on a path to the loss (only the backward pass reads it), so while a
 * kernel runs under a first-order gradient it is made without a tape node; under higher-order
 * gradients, whose backward passes are themselves differentiated, tfjs' copy is kept.
 * The untaped copy is what tfjs' Identity kernel makes on every backend (a second reference to
 * the same data), made directly: through runKernel it cost about 4,000 kernel dispatches per
 * quick-scale supernet step.
 */
function copySavedWithoutTape(): void {
  const engine = tf.engine() as unknown as EngineInternals & { snasCloneUntaped?: boolean };
  if (engine.snasCloneUntaped) return;
  const taped = engine.clone.bind(engine);
  engine.clone = (x: tf.Tensor) => {
    if (engine.state.kernelDepth === 0 || engine.state.gradientDepth > 1) return taped(x);
    const { backend } = engine.state.tensorInfo.get(x.dataId)!;
    backend.incRef(x.dataId);
    return engine.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype }, backend);
  };
  engine.snasCloneUntaped = true;
}

/**
 * Runs `forward` on `inputs` so that tf.grad uses its `gradFunc` (one gradient per input).
 * The backward pass runs in its own tidy scope: tfjs would otherwise keep every intermediate
 * tensor of every custom backward pass until the whole gradient is done (gigabytes for a
 * network of pooling cells at batch 64). Once it has run, the tensors it saved and the
 * gradient it received are released (tfjs keeps both until the end of the whole backward
 * pass, which doubles the peak memory of a supernet step); not for higher-order gradients,
 * which need them again.
 */
export function withGradient<T extends tf.Tensor>(inputs: tf.Tensor[], forward: Forward<T>): T {
  copySavedWithoutTape();
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { value, gradFunc } = forward(args.slice(0, -1) as tf.Tensor[], save);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const grads = tf.tidy(() => gradFunc(dy, saved));
        if (gradientDepth() === 0) {
          const returned = new Set(Array.isArray(grads) ? grads : [grads]);
          for (const t of [...saved, dy]) if (!returned.has(t)) t.dispose();
        }
        return grads;
      },
    };
  });
  return f(...inputs) as T;
}
