import * as tf from "@tensorflow/tfjs";
import type { Gradients, Parameters } from "./types";
import { PARAMETER_NAMES } from "./types";
import { formatShape } from "./format";
import { newFloat32Tensor } from "./tensorMemory";

/** One step of gradient descent: θ ← θ − learningRate · dθ. Returns new tensors; inputs are untouched. */
export function updateParameters(parameters: Parameters, grads: Gradients, learningRate: number): Parameters {
  const next = {} as Parameters;
  for (const name of PARAMETER_NAMES) {
    const gradient = grads[`d${name}` as keyof Gradients];
    next[name] = tf.sub(parameters[name], tf.mul(gradient, learningRate));
  }
  return next;
}

/**
 * The same step, in place, for parameters held in `tf.variable`s (what `model` trains): each variable
 * takes its new value with `assign`, so a training loop neither creates nor disposes parameter tensors.
 * A gradient whose shape differs from its parameter's is an error here (tf.sub would broadcast it silently).
 *
 * The arithmetic is done here, in JavaScript, on the values read back: the six parameters hold 127 numbers,
 * and two tfjs ops per parameter (a multiply, a subtract) cost far more in dispatch than the arithmetic
 * (bench/README.md: 12 kernels, about 40 us per iteration, against about 8 for this, which writes each new value
 * straight into the new tensor's memory: src/tensorMemory.ts). The result is the same,
 * bit for bit, as `tf.sub(p, tf.mul(g, learningRate))` in float32: a product or a difference of two float32
 * numbers computed in float64 and rounded to float32 is the correctly rounded float32 result, which is what
 * the backends compute (Math.fround for the product, the Float32Array store for the difference).
 * `learningRate` is a number or a scalar tensor (as tfjs would, its value is taken in float32).
 */
export function updateParametersInPlace(variables: Parameters, grads: Gradients, learningRate: tf.Scalar | number): void {
  const rate = Math.fround(typeof learningRate === "number" ? learningRate : learningRate.dataSync()[0]);
  for (const name of PARAMETER_NAMES) {
    const variable = variables[name];
    if (!(variable instanceof tf.Variable)) throw new TypeError(`${name} is not a tf.Variable; use updateParameters`);
    const gradient = grads[`d${name}` as keyof Gradients];
    if (!(gradient instanceof tf.Tensor) || !sameShape(gradient.shape, variable.shape)) {
      const got = gradient instanceof tf.Tensor ? `shape ${formatShape(gradient.shape)}` : String(gradient);
      throw new Error(`the gradient d${name} must have the shape of ${name}, ${formatShape(variable.shape)}; got ${got}`);
    }
    const next = newFloat32Tensor(variable.shape, (out, read) => {
      const p = read(variable);
      const g = read(gradient);
      for (let k = 0; k < out.length; k++) out[k] = p[k] - Math.fround(g[k] * rate);
    });
    variable.assign(next);
    next.dispose(); // the variable holds the data now; nothing is left for a tidy (or the caller) to dispose
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}
