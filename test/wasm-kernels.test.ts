/**
 * The kit's wasm kernels (src/kernels) must give what tfjs's own kernels give, bit for bit, for every input they
 * take, and leave every other input to the stock kernel: otherwise the trainings' figures, which the notebooks
 * quote, would move.
 * Fails when: a product sums in another order (seen red: the block of 48 made 64 in kernels.wat), the compiled
 * module is not the .wat files' (seen red: an edit of kernels.wat without `npm run build:kernels`), a comparison's
 * tail is wrong (seen red: the comparisons' scalar tail made `le`), or a case the kernels do not take is not handed
 * to the stock kernel (seen red: the product's transposeA test removed, "matMul(a, b, true, false), square").
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend, load2DDataset, model, RandomState, wasmKernelsInstalled, withStockKernels } from "dropout-kit";
import type { Matrix, Parameters } from "dropout-kit";
import { assembleModules, BINARY_FILE, binaryModuleSource } from "../scripts/build-kernels";
import { loadReferenceSolution } from "../grader/assignments/dropout/solution";

const rng = new RandomState(2026);

/** Values of many magnitudes and signs, with float32's edge cases among them when `special`. */
function values(n: number, special = true): Float32Array {
  const edges = [0, -0, 1e-45, -1e-40, 1.1754942e-38, 3e38, -3e38, Infinity, -Infinity, NaN, 1, -1, 0.5];
  return Float32Array.from({ length: n }, () =>
    special && rng.uniform() < 0.08 ? edges[Math.floor(rng.uniform() * edges.length)] : rng.gaussian() * 10 ** Math.floor(rng.uniform() * 6 - 3));
}

/** Every element, as text that tells -0 and NaN apart from the rest. */
const bitsOf = (t: tf.Tensor): string[] => Array.from(t.dataSync(), (v) => (Object.is(v, -0) ? "-0" : String(v)));

/** `op` on the kit's kernels and on tfjs's own, element by element; `label` names the case in a failure. */
function expectSameAsStock(label: string, op: () => tf.Tensor): void {
  const run = () => {
    let result: [string[], number[], string] = [[], [], ""];
    tf.tidy(() => { const t = op(); result = [bitsOf(t), t.shape, t.dtype]; });
    return result;
  };
  const [kit, kitShape, kitDtype] = run();
  const [ref, refShape, refDtype] = withStockKernels(run);
  expect({ label, shape: kitShape, dtype: kitDtype }).toEqual({ label, shape: refShape, dtype: refDtype });
  const differing = kit.flatMap((v, i) => (v === ref[i] ? [] : [`[${i}] kit ${v}, stock ${ref[i]}`]));
  expect(differing.slice(0, 5), `${label}: ${differing.length} of ${kit.length} elements differ`).toEqual([]);
}

const matrix = (rows: number, cols: number, special = true) => tf.tensor2d(values(rows * cols, special), [rows, cols]);

describe("the kit's wasm kernels", () => {
  it("are the assembled .wat files, and initBackend('wasm') installs them", async () => {
    expect(readFileSync(BINARY_FILE, "utf8"), "src/kernels/wasmBinary.ts is not the .wat files' assembled: run npm run build:kernels").toBe(binaryModuleSource(await assembleModules()));
    await initBackend("wasm");
    expect(wasmKernelsInstalled()).toBe(true);
    expect(withStockKernels(() => wasmKernelsInstalled())).toBe(false);
    expect(wasmKernelsInstalled()).toBe(true);
    // An asynchronous f keeps the stock kernels until it settles.
    const pending = withStockKernels(async () => { await new Promise((r) => setTimeout(r, 1)); return wasmKernelsInstalled(); });
    expect(wasmKernelsInstalled()).toBe(false);
    expect(await pending).toBe(false);
    expect(wasmKernelsInstalled()).toBe(true);
  });

  it("multiply matrices as tfjs does, with and without transposeB (sizes across the SIMD and block edges)", () => {
    const sizes = [1, 2, 3, 4, 5, 7, 8, 17, 20, 47, 48, 49, 97, 211];
    const course: [number, number, number][] = [[20, 2, 211], [3, 20, 211], [1, 3, 211], [20, 3, 211], [3, 1, 211], [20, 211, 2], [3, 211, 20], [1, 211, 3]];
    const cases: [number, number, number][] = [...course];
    for (let i = 0; i < 40; i++) cases.push([0, 1, 2].map(() => sizes[Math.floor(rng.uniform() * sizes.length)]) as [number, number, number]);
    for (const [M, K, N] of cases) {
      const special = rng.uniform() < 0.5;
      const a = matrix(M, K, special), b = matrix(K, N, special), bT = matrix(N, K, special);
      expectSameAsStock(`matMul(a, b) [${M},${K},${N}]`, () => tf.matMul(a, b));
      expectSameAsStock(`matMul(a, b, false, true) [${M},${K},${N}]`, () => tf.matMul(a, bT, false, true));
      tf.dispose([a, b, bT]);
    }
  });

  it("compare with a scalar on either side, as tfjs does (NaN, ties, the 16-entry blocks' tails)", () => {
    for (const n of [1, 15, 16, 17, 33, 4220]) {
      const x = tf.tensor1d(Float32Array.from(values(n), (v, i) => (i % 7 === 3 ? 0.86 : v)));
      for (const op of [tf.less, tf.lessEqual, tf.greater, tf.greaterEqual]) {
        expectSameAsStock(`${op.name.replace(/__op$/, "")}(x, 0.86), ${n} entries`, () => op(x, 0.86));
        expectSameAsStock(`${op.name.replace(/__op$/, "")}(0.86, x), ${n} entries`, () => op(0.86, x));
        expectSameAsStock(`${op.name.replace(/__op$/, "")}(x, NaN), ${n} entries`, () => op(x, NaN));
      }
      expectSameAsStock(`the course's mask, ${n} entries`, () => tf.cast(tf.less(tf.reshape(x, [1, n]), 0.86), "float32"));
      x.dispose();
    }
  });

  it("transpose, mean over rows and add/sub/mul/div as tfjs does", () => {
    for (const [r, c] of [[1, 1], [1, 3], [3, 20], [20, 211], [7, 5]]) {
      const x = matrix(r, c), column = matrix(r, 1), row = matrix(1, c), same = matrix(r, c);
      expectSameAsStock(`transpose [${r},${c}]`, () => tf.transpose(x));
      expectSameAsStock(`transpose int32 [${r},${c}]`, () => tf.transpose(tf.cast(tf.mul(x, 100), "int32")));
      expectSameAsStock(`mean(x, 1, true) [${r},${c}]`, () => tf.mean(x, 1, true));
      expectSameAsStock(`mean(x, -1) [${r},${c}]`, () => tf.mean(x, -1));
      for (const op of [tf.add, tf.sub, tf.mul, tf.div]) {
        expectSameAsStock(`${op.name.replace(/__op$/, "")} [${r},${c}] and a column`, () => op(x, column));
        expectSameAsStock(`${op.name.replace(/__op$/, "")} a row and [${r},${c}]`, () => op(row, x));
        expectSameAsStock(`${op.name.replace(/__op$/, "")} [${r},${c}] twice`, () => op(x, same));
        expectSameAsStock(`${op.name.replace(/__op$/, "")} [${r},${c}] and a number`, () => op(x, 211));
        expectSameAsStock(`${op.name.replace(/__op$/, "")} rank 3`, () => op(tf.reshape(x, [1, r, c]), tf.reshape(column, [r, 1])));
      }
      tf.dispose([x, column, row, same]);
    }
  });

  it("leave every other case to tfjs's kernels, with their results and their error messages", () => {
    const a = matrix(4, 6), b = matrix(4, 6);
    const [square, square2] = [matrix(5, 5), matrix(5, 5)]; // shapes that a product ignoring the flag would take
    expectSameAsStock("matMul(a, b, true, false)", () => tf.matMul(a, b, true, false));
    expectSameAsStock("matMul(a, b, true, false), square", () => tf.matMul(square, square2, true, false));
    expectSameAsStock("matMul(a, b, true, true), square", () => tf.matMul(square, square2, true, true));
    expectSameAsStock("a batched matMul", () => tf.matMul(tf.reshape(a, [2, 2, 6]), tf.reshape(b, [2, 6, 2])));
    expectSameAsStock("an empty matMul", () => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 2])));
    expectSameAsStock("less of two tensors", () => tf.less(a, b));
    expectSameAsStock("less of int32s", () => tf.less(tf.cast(tf.mul(a, 10), "int32"), 2));
    expectSameAsStock("mean over columns", () => tf.mean(a, 0));
    expectSameAsStock("mean of a 3-D tensor", () => tf.mean(tf.reshape(a, [2, 2, 6]), 2));
    expectSameAsStock("a 3-D transpose", () => tf.transpose(tf.reshape(a, [2, 2, 6]), [2, 0, 1]));
    expectSameAsStock("a bool transpose", () => tf.transpose(tf.less(a, 0)));
    expectSameAsStock("add of int32s", () => tf.add(tf.cast(a, "int32"), tf.cast(b, "int32")));
    const kitError = (() => { try { tf.matMul(a, b); } catch (e) { return String(e); } })();
    expect(kitError).toMatch(/Error in matMul: inner shapes \(6\) and \(4\)/);
    expect(withStockKernels(() => { try { tf.matMul(a, b); } catch (e) { return String(e); } })).toBe(kitError);
    tf.dispose([a, b, square, square2]);
  });

  it("keep giving the stock kernels' results after the heap has grown (the module sees the same memory)", () => {
    const before = tf.memory().numBytes;
    const big = tf.zeros([64, 1 << 20]); // 256 MiB: past the heap's size, so the backend's memory grows
    const a = matrix(20, 211), b = matrix(211, 3), c = matrix(3, 211), d = matrix(20, 211);
    expectSameAsStock("matMul after growth", () => tf.matMul(a, b));
    expectSameAsStock("matMul(a, b, false, true) after growth", () => tf.matMul(d, c, false, true));
    expectSameAsStock("the mask after growth", () => tf.cast(tf.less(d, 0.86), "float32"));
    expectSameAsStock("add after growth", () => tf.add(a, 1.5));
    tf.dispose([big, a, b, c, d]);
    expect(tf.memory().numBytes).toBe(before);
  });

  it("train the course's net to the same bits as tfjs's kernels, with and without dropout", async () => {
    const { trainX, trainY } = load2DDataset();
    const solution = await loadReferenceSolution();
    const fingerprint = (keepProb: number) => {
      const run = model(trainX, trainY, { numIterations: 2001, printCost: false, keepProb, ...(keepProb < 1 ? solution : {}) });
      const result = { costs: run.costs.map((c) => c.cost), parameters: Object.fromEntries(Object.entries(run.parameters as Parameters).map(([k, p]) => [k, bitsOf(p as Matrix)])) };
      tf.dispose(Object.values(run.parameters));
      return result;
    };
    for (const keepProb of [1, 0.86]) {
      const kit = fingerprint(keepProb);
      expect(kit.costs).toHaveLength(3);
      expect(kit, `keepProb ${keepProb}`).toEqual(withStockKernels(() => fingerprint(keepProb)));
    }
  });
});
