import * as tf from "@tensorflow/tfjs";
import type { Gradients, Parameters } from "./types";
import { PARAMETER_NAMES } from "./types";

/** One step of gradient descent: θ ← θ − learningRate · dθ. Returns new tensors; inputs are untouched. */
export function updateParameters(parameters: Parameters, grads: Gradients, learningRate: number): Parameters {
  const next = {} as Parameters;
  for (const name of PARAMETER_NAMES) {
    const gradient = grads[`d${name}` as keyof Gradients];
    next[name] = tf.sub(parameters[name], tf.mul(gradient, learningRate));
  }
  return next;
}
