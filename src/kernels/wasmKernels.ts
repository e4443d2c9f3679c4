/**
 * The kit's kernels for tfjs's wasm backend: faster versions of the ops the course's training loop runs most,
 * with the same results, bit for bit.
 *
 * Why: at the course's sizes (a [2,20,3,1] net on 211 points) most of an op's time is tfjs's glue, not
 * arithmetic, and a few stock kernels are slow for these shapes:
 *   - `matMul(W, A)` goes to XNNPACK, which packs its second operand (A, new at every iteration) before it
 *     multiplies; `matMul(dZ, A, false, true)` goes to a plain C loop whose sums wait on each other;
 *   - `tf.less(D, keepProb)` (the course's mask) runs a generic broadcasting loop: 16 us for a [20, 211] mask;
 *   - `transpose`, `mean` and the binary arithmetic ops spend microseconds building typed arrays for shapes
 *     and going through Emscripten's `ccall`.
 * What it does (kernels.wat): the matrix products in the kit's own SIMD module, in the stock kernels' summation
 * order; comparisons against a scalar and 2-D transposes there too; `mean` over rows and add/sub/mul/div call
 * the backend's own compiled kernels directly, with the shapes written into a scratch block of the heap. Every
 * other case (batched or transposed-A products, other dtypes, ranks or axes, empty tensors) goes to the stock
 * kernel. The student's functions still run op by op through tfjs; only the backend underneath is quicker.
 * Figures: bench/README.md ("the kit's kernels"); the bit-for-bit checks: test/wasm-kernels.test.ts.
 *
 * They are installed by `initBackend("wasm")`. `withStockKernels(f)` runs `f` on tfjs's own kernels (the
 * benchmark's "before", the tests' reference).
 */
import * as tf from "@tensorflow/tfjs";
import { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { KERNELS_WASM_BASE64 } from "./wasmBinary";

type Pointer = number;
type Product = (a: Pointer, b: Pointer, out: Pointer, M: number, K: number, N: number) => void;
type Comparison = (a: Pointer, s: number, out: Pointer, n: number) => void;

/** The exports of kernels.wat. */
interface KitModule {
  matmul_nn: Product;
  matmul_nt: Product;
  matmul_nt_rows: Product;
  less_scalar: Comparison;
  less_equal_scalar: Comparison;
  greater_scalar: Comparison;
  greater_equal_scalar: Comparison;
  transpose2d: (x: Pointer, out: Pointer, rows: number, cols: number) => void;
}

/** What a kernel needs of a backend: its heap, our module in that heap, a scratch block for shapes. */
interface Heap {
  backend: BackendWasm;
  kit: KitModule;
  /** 64 bytes: two shapes of up to rank 8, as int32. */
  scratch: Pointer;
}

/** Emscripten's module as tfjs-wasm 4.22 builds it: its exports (`asm`) and its compiled kernels (`_Name`). */
interface EmscriptenModule {
  asm?: { memory?: unknown };
  HEAP32: Int32Array;
  HEAPF32: Float32Array;
  _malloc(bytes: number): Pointer;
  [compiledKernel: `_${string}`]: unknown;
}

let compiled: WebAssembly.Module | undefined;
const heaps = new WeakMap<BackendWasm, Heap | null>();

/** Our module instantiated in this backend's memory, once per backend; null where it cannot be (then stock). */
function heapOf(backend: BackendWasm): Heap | null {
  let heap = heaps.get(backend);
  if (heap !== undefined) return heap;
  heap = null;
  try {
    const emscripten = backend.wasm as unknown as EmscriptenModule;
    const memory = emscripten.asm?.memory;
    if (memory instanceof WebAssembly.Memory) {
      compiled ??= new WebAssembly.Module(Uint8Array.from(Buffer.from(KERNELS_WASM_BASE64, "base64")).buffer as ArrayBuffer);
      const instance = new WebAssembly.Instance(compiled, { env: { memory } });
      heap = { backend, kit: instance.exports as unknown as KitModule, scratch: emscripten._malloc(64) };
    }
  } catch {
    heap = null; // no SIMD, a shared (threaded) memory, another build of the backend: the stock kernels
  }
  heaps.set(backend, heap);
  return heap;
}

const offset = (heap: Heap, t: tf.TensorInfo): Pointer => heap.backend.dataIdMap.get(t.dataId)!.memoryOffset;
const idOf = (heap: Heap, t: tf.TensorInfo): number => heap.backend.dataIdMap.get(t.dataId)!.id;
const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A kernel's inputs by name (each kernel's own names, as tfjs passes them). */
type Inputs = Record<string, tf.TensorInfo>;
/** A kernel: `null` means "not a case of ours", and the stock kernel runs instead. */
type KitKernel = (heap: Heap, inputs: Inputs, attrs: tf.NamedAttrMap) => tf.TensorInfo | null;

function batchMatMul(heap: Heap, { a, b }: Inputs, attrs: tf.NamedAttrMap): tf.TensorInfo | null {
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  if (transposeA || a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length !== 2 || b.shape.length !== 2) return null;
  const [M, K] = a.shape;
  const [bK, N] = transposeB ? [b.shape[1], b.shape[0]] : b.shape;
  if (K !== bK || M * K * N === 0) return null; // the stock kernel says what is wrong, or handles the empty case
  const out = heap.backend.makeOutput([M, N], "float32");
  const product = !transposeB ? heap.kit.matmul_nn : N < 4 ? heap.kit.matmul_nt_rows : heap.kit.matmul_nt;
  product(offset(heap, a), offset(heap, b), offset(heap, out), M, K, N);
  return out;
}

/** `x OP s` or `s OP x` for a float32 tensor x and a float32 scalar s (rank 0), as bool. */
function comparison(scalarRight: keyof KitModule, scalarLeft: keyof KitModule): KitKernel {
  return (heap, { a, b }) => {
    if (a.dtype !== "float32" || b.dtype !== "float32") return null;
    const [x, s, kernel] = b.shape.length === 0 ? [a, b, scalarRight] : a.shape.length === 0 ? [b, a, scalarLeft] : [null, null, null];
    if (!x || !s || !kernel || sizeOf(x.shape) === 0) return null;
    const out = heap.backend.makeOutput(x.shape.slice(), "bool");
    const value = (heap.backend.wasm as unknown as EmscriptenModule).HEAPF32[offset(heap, s) >>> 2];
    (heap.kit[kernel] as Comparison)(offset(heap, x), value, offset(heap, out), sizeOf(x.shape));
    return out;
  };
}

function transpose(heap: Heap, { x }: Inputs, attrs: tf.NamedAttrMap): tf.TensorInfo | null {
  const perm = attrs.perm as number[];
  if (x.shape.length !== 2 || perm[0] !== 1 || (x.dtype !== "float32" && x.dtype !== "int32") || sizeOf(x.shape) === 0) return null;
  const [rows, cols] = x.shape;
  const out = heap.backend.makeOutput([cols, rows], x.dtype);
  heap.kit.transpose2d(offset(heap, x), offset(heap, out), rows, cols);
  return out;
}

/** `mean(x, 1)` of a float32 matrix: the backend's own compiled Mean, without the glue around it. */
function meanOfRows(heap: Heap, { x }: Inputs, attrs: tf.NamedAttrMap): tf.TensorInfo | null {
  const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
  const axes = Array.isArray(axis) ? axis : [axis];
  if (x.dtype !== "float32" || x.shape.length !== 2 || axes.length !== 1 || (axes[0] !== 1 && axes[0] !== -1) || sizeOf(x.shape) === 0) return null;
  const compiled = (heap.backend.wasm as unknown as EmscriptenModule)._Mean as (x: number, reduceSize: number, out: number) => void;
  const out = heap.backend.makeOutput([x.shape[0]], "float32");
  compiled(idOf(heap, x), x.shape[1], idOf(heap, out));
  if (keepDims) out.shape = [x.shape[0], 1];
  return out;
}

/** Add, Sub, Multiply, RealDiv of float32 tensors: the backend's own compiled kernel, shapes from the scratch block. */
function binary(name: string): KitKernel {
  return (heap, { a, b }) => {
    if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length > 8 || b.shape.length > 8) return null;
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (sizeOf(shape) === 0) return null;
    const emscripten = heap.backend.wasm as unknown as EmscriptenModule;
    const compiled = emscripten[`_${name}`] as (...args: number[]) => void;
    const out = heap.backend.makeOutput(shape, "float32");
    const shapes = emscripten.HEAP32; // read after makeOutput: an allocation may grow the heap and renew the view
    shapes.set(a.shape, heap.scratch >>> 2);
    shapes.set(b.shape, (heap.scratch + 32) >>> 2);
    compiled(idOf(heap, a), heap.scratch, a.shape.length, idOf(heap, b), heap.scratch + 32, b.shape.length, 0 /* float32 */, idOf(heap, out));
    return out;
  };
}

const KIT_KERNELS: Record<string, KitKernel> = {
  BatchMatMul: batchMatMul,
  Less: comparison("less_scalar", "greater_scalar"),
  LessEqual: comparison("less_equal_scalar", "greater_equal_scalar"),
  Greater: comparison("greater_scalar", "less_scalar"),
  GreaterEqual: comparison("greater_equal_scalar", "less_equal_scalar"),
  Transpose: transpose,
  Mean: meanOfRows,
  Add: binary("Add"),
  Sub: binary("Sub"),
  Multiply: binary("Multiply"),
  RealDiv: binary("RealDiv"),
};

/** tfjs's own registrations of the kernels we replace, kept to fall back on and to restore. */
const stock = new Map<string, tf.KernelConfig>();
const ours = new Map<string, tf.KernelConfig>();

function register(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, "wasm")) tf.unregisterKernel(config.kernelName, "wasm");
  tf.registerKernel(config);
}

/** Puts the kit's kernels in place of the stock ones for the wasm backend. Idempotent. */
export function installWasmKernels(): void {
  for (const [name, kernel] of Object.entries(KIT_KERNELS)) {
    if (!stock.has(name)) {
      const original = tf.getKernel(name, "wasm");
      if (!original) continue; // not in this build of the backend
      stock.set(name, original);
      ours.set(name, {
        kernelName: name,
        backendName: "wasm",
        // A backend made anew later runs the setup of every registered kernel: the stock one's prepares its fallback.
        setupFunc: original.setupFunc,
        disposeFunc: original.disposeFunc,
        kernelFunc: (args) => {
          const heap = args.backend instanceof BackendWasm ? heapOf(args.backend) : null;
          return (heap && kernel(heap, args.inputs as Inputs, args.attrs ?? {})) ?? original.kernelFunc(args);
        },
      });
    }
    if (tf.getKernel(name, "wasm") !== ours.get(name)) register(ours.get(name)!);
  }
}

/**
 * Runs `f` on tfjs's own kernels, then puts the kit's back (if they were installed). When `f` returns a promise
 * they come back once it settles, so everything that runs meanwhile, `f`'s awaits included, is on the stock kernels.
 */
export function withStockKernels<T>(f: () => T): T {
  const installed = [...ours].filter(([name, config]) => tf.getKernel(name, "wasm") === config);
  for (const [name] of installed) register(stock.get(name)!);
  const restore = () => { for (const [, config] of installed) register(config); };
  let result: T;
  try {
    result = f();
  } catch (error) {
    restore();
    throw error;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}

/**
 * Whether the kit's kernels run now: all of them registered for wasm, the active backend wasm, and the module
 * instantiated in its memory (where it cannot be, the registered kernels hand every call to the stock ones).
 */
export function wasmKernelsInstalled(): boolean {
  const backend = tf.getBackend() === "wasm" ? tf.backend() : null;
  return ours.size > 0 && [...ours].every(([name, config]) => tf.getKernel(name, "wasm") === config) &&
    backend instanceof BackendWasm && heapOf(backend) !== null;
}
