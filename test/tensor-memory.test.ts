/**
 * src/tensorMemory.ts: tensors filled in place in the wasm heap (and through tf.tensor elsewhere).
 * Fails when: a heap view is taken before the new tensor's memory is allocated (seen red: "a tensor that makes
 * the heap grow"), or the fallback for other backends fills the wrong array (seen red: the cpu rows).
 */
import { afterAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend, RandomState } from "dropout-kit";
import { newFloat32Tensor } from "../src/tensorMemory";

afterAll(async () => {
  await initBackend("wasm");
});

for (const backend of ["wasm", "cpu"] as const) {
  describe(`newFloat32Tensor on ${backend}`, () => {
    it("makes a float32 tensor of the shape, with the values written, and reads inputs", async () => {
      await initBackend(backend);
      const input = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      const before = tf.memory().numTensors;
      const t = newFloat32Tensor([2, 3], (out, read) => {
        const x = read(input);
        for (let k = 0; k < out.length; k++) out[k] = x[k] * 10 + 0.5;
      });
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(t.dtype).toBe("float32");
      expect(t.shape).toEqual([2, 3]);
      expect(Array.from(t.dataSync())).toEqual([10.5, 20.5, 30.5, 40.5, 50.5, 60.5]);
      tf.dispose([t, input]);
    });

    it("a tensor that makes the heap grow still gets its values, read from an input made before", async () => {
      await initBackend(backend);
      const input = tf.fill([1, 1], 7);
      // More float32s than the wasm heap has bytes: allocating them must grow it (moving it, for some engines).
      const heapBytes = backend === "wasm" ? (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length : 0;
      const n = Math.max(1 << 20, Math.ceil(heapBytes / 4) + (1 << 20));
      const big = newFloat32Tensor([n], (out, read) => {
        const x = read(input)[0];
        out[0] = x;
        out[n - 1] = x + 1;
      });
      if (backend === "wasm") expect((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length).toBeGreaterThan(heapBytes);
      const ends = tf.tidy(() => tf.concat([tf.slice(big, [0], [1]), tf.slice(big, [n - 1], [1])]).dataSync());
      expect(Array.from(ends)).toEqual([7, 8]);
      tf.dispose([big, input]);
    });

    it("rand fills its tensor with numpy's draws rounded to float32", async () => {
      await initBackend(backend);
      const expected = Array.from(new RandomState(11).uniformArray(4220 + 633)).map((x) => Math.fround(x));
      const rng = new RandomState(11);
      const [D1, D2] = [rng.rand(20, 211), rng.rand(3, 211)];
      expect([...D1.dataSync(), ...D2.dataSync()]).toEqual(expected);
      tf.dispose([D1, D2]);
    });
  });
}
