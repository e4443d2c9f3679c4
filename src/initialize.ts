import * as tf from "@tensorflow/tfjs";
import { RandomState } from "./random";
import type { Parameters } from "./types";

/** The course's layer sizes: 2 inputs, hidden layers of 20 and 3 units, 1 output. */
export const LAYER_DIMS = [2, 20, 3, 1] as const;

/**
 * The course's initialisation: W_l = randn(n_l, n_{l-1}) / sqrt(n_{l-1}), b_l = 0.
 * The original reseeds numpy with 3 first; pass `new RandomState(3)` for the same weights.
 */
export function initializeParameters(layerDims: readonly number[] = LAYER_DIMS, rng = new RandomState(3)): Parameters {
  if (layerDims.length !== 4) {
    throw new Error(`the course's net has exactly 3 layers, so layerDims needs 4 sizes; got [${layerDims.join(", ")}]`);
  }
  const parameters: Record<string, tf.Tensor2D> = {};
  for (let l = 1; l < layerDims.length; l++) {
    const [rows, cols] = [layerDims[l], layerDims[l - 1]];
    const scale = 1 / Math.sqrt(cols);
    parameters[`W${l}`] = tf.tensor2d(Float32Array.from(rng.gaussianArray(rows * cols), (g) => g * scale), [rows, cols]);
    parameters[`b${l}`] = tf.zeros([rows, 1]);
  }
  return parameters as unknown as Parameters;
}
