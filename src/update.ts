import * as tf from "@tensorflow/tfjs";
import type { Gradients, Parameters } from "./types";
import { PARAMETER_NAMES } from "./types";
import { formatShape } from "./format";

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
 * `learningRate` is a scalar tensor so that it is made once, not once per parameter and iteration.
 * A gradient whose shape differs from its parameter's is an error here (tf.sub would broadcast it silently).
 */
export function updateParametersInPlace(variables: Parameters, grads: Gradients, learningRate: tf.Scalar): void {
  for (const name of PARAMETER_NAMES) {
    const variable = variables[name];
    if (!(variable instanceof tf.Variable)) throw new TypeError(`${name} is not a tf.Variable; use updateParameters`);
    const gradient = grads[`d${name}` as keyof Gradients];
    if (!(gradient instanceof tf.Tensor) || !sameShape(gradient.shape, variable.shape)) {
      const got = gradient instanceof tf.Tensor ? `shape ${formatShape(gradient.shape)}` : String(gradient);
      throw new Error(`the gradient d${name} must have the shape of ${name}, ${formatShape(variable.shape)}; got ${got}`);
    }
    variable.assign(tf.sub(variable, tf.mul(gradient, learningRate)));
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}
