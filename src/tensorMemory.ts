/**
 * Making and reading small float32 tensors without extra copies: what the library's own per-iteration steps do
 * in JavaScript (the mask draws, the parameter update) at every iteration of a training run.
 *
 * On tfjs's wasm backend a tensor's values live in the module's heap. `tf.tensor(values)` copies a JavaScript
 * array there (after the caller allocated and filled that array), and `dataSync()` copies the values back out.
 * Here a new tensor's memory is allocated by the backend first (`makeOutput`, as its kernels do) and filled in
 * place through a view of the heap (`typedArrayFromHeap`), and inputs are read through such views too: for the
 * two masks of an iteration about 9 us less, for the update of six parameters about 8 us less (bench/README.md).
 * On any other backend both fall back to the public `tf.tensor` and `dataSync`.
 *
 * A heap view is only valid until the backend allocates again (the heap may then grow and move), so views are
 * taken inside `fill`, after the new tensor's memory exists, and never kept.
 */
import * as tf from "@tensorflow/tfjs";
import { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** A new float32 tensor of `shape`, whose values `fill` writes into `out` (row-major, every element). */
export function newFloat32Tensor(shape: number[], fill: (out: Float32Array, read: (t: tf.Tensor) => ArrayLike<number>) => void): tf.Tensor {
  const backend = tf.backend();
  const size = shape.reduce((a, b) => a * b, 1);
  if (backend instanceof BackendWasm && size > 0) {
    const info = backend.makeOutput(shape, "float32");
    const read = (t: tf.Tensor) => (backend.dataIdMap.has(t.dataId) ? backend.typedArrayFromHeap(t) : t.dataSync());
    fill(backend.typedArrayFromHeap(info) as Float32Array, read);
    return tf.engine().makeTensorFromTensorInfo(info);
  }
  const out = new Float32Array(size);
  fill(out, (t) => t.dataSync());
  return tf.tensor(out, shape, "float32");
}
