/**
 * updateParametersInPlace computes the step in JavaScript; it must give, bit for bit, what tfjs's own
 * tf.sub(p, tf.mul(g, learningRate)) gives on the backend (so a training run's figures do not move).
 * Fails when: the product is not rounded to float32 before the difference (seen red: "the same bits ..." on both
 * backends), or a learning rate given as a number is used in float64 instead of float32 (seen red: the same test).
 */
import { afterAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { initBackend, PARAMETER_NAMES, RandomState, updateParametersInPlace } from "dropout-kit";
import type { Gradients, Matrix, Parameters } from "dropout-kit";

const SHAPES = { W1: [20, 2], b1: [20, 1], W2: [3, 20], b2: [3, 1], W3: [1, 3], b3: [1, 1] } as const;

/** Values of many magnitudes and signs, and the edge cases of float32 arithmetic. */
function values(rng: RandomState, n: number): Float32Array {
  const special = [0, -0, 1e-45, -1e-45, 1.1754942e-38, 3.4e38, -3.4e38, Infinity, -Infinity, NaN, 1, -1];
  return Float32Array.from({ length: n }, (_, k) => (k < special.length && rng.uniform() < 0.5 ? special[k] : (rng.gaussian() * 10 ** Math.floor(rng.uniform() * 12 - 6))));
}

/** A float32 written so that -0 and NaN compare as themselves. */
const bits = (v: number) => (Object.is(v, -0) ? "-0" : String(v));

afterAll(async () => {
  await initBackend("wasm");
});

for (const backend of ["wasm", "cpu"] as const) {
  describe(`updateParametersInPlace on ${backend}`, () => {
    it("gives the same bits as tf.sub(p, tf.mul(g, learningRate)), learning rates that float32 rounds included", async () => {
      await initBackend(backend);
      const rng = new RandomState(7);
      for (const learningRate of [0.3, 0.1, 1e-3, 0.7 / 211, 1]) {
        for (let trial = 0; trial < 20; trial++) {
          const start = {} as Parameters;
          const grads = {} as Gradients;
          for (const name of PARAMETER_NAMES) {
            const [r, c] = SHAPES[name];
            start[name] = tf.tensor2d(values(rng, r * c), [r, c]) as Matrix;
            grads[`d${name}` as keyof Gradients] = tf.tensor2d(values(rng, r * c), [r, c]) as Matrix;
          }
          const variables = {} as Parameters;
          for (const name of PARAMETER_NAMES) variables[name] = tf.variable(start[name], false) as unknown as Matrix;
          // As a scalar tensor (what model passes) and as a number, which tfjs would take in float32 too.
          tf.tidy(() => updateParametersInPlace(variables, grads, trial % 2 ? learningRate : tf.scalar(learningRate)));
          for (const name of PARAMETER_NAMES) {
            const expected = tf.tidy(() => tf.sub(start[name], tf.mul(grads[`d${name}` as keyof Gradients], tf.scalar(learningRate))).dataSync());
            const got = variables[name].dataSync();
            expect(Array.from(got).map(bits), `${name}, learning rate ${learningRate}`).toEqual(Array.from(expected).map(bits));
            variables[name].dispose();
          }
          tf.dispose([start, grads] as unknown as tf.Tensor[]);
        }
      }
    });

    it("leaves nothing behind outside a tidy, and takes a number as the learning rate too", async () => {
      await initBackend(backend);
      const variables = {} as Parameters;
      const grads = {} as Gradients;
      for (const name of PARAMETER_NAMES) {
        const [r, c] = SHAPES[name];
        variables[name] = tf.variable(tf.ones([r, c]), false) as unknown as Matrix;
        grads[`d${name}` as keyof Gradients] = tf.fill([r, c], 2) as Matrix;
      }
      const before = tf.memory().numTensors;
      updateParametersInPlace(variables, grads, 0.25);
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(variables.W1.dataSync()).every((v) => v === 0.5)).toBe(true);
      tf.dispose([variables, grads] as unknown as tf.Tensor[]);
    });
  });
}
