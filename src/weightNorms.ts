/**
 * How large a trained model's weights are, layer by layer: what L2 regularization makes smaller.
 *
 * Each layer's Frobenius norm, ‖W_l‖ = sqrt(Σ W_l²): the square root of the sum that the L2 term adds up
 * for that layer, so the term is (lambd/2m)·(‖W1‖² + ‖W2‖² + ‖W3‖²). A norm rather than the sum of
 * squares because it stays on the scale of the weights themselves (doubling every weight doubles it).
 * The biases are left out, as the L2 term leaves them out. Summed in float64 from the tensors' values.
 */
import type { Parameters } from "./types";

const WEIGHTS = ["W1", "W2", "W3"] as const;

/** The Frobenius norm of each weight matrix; the biases are not included. */
export type WeightNorms = Record<(typeof WEIGHTS)[number], number>;

export function weightNorms(parameters: Parameters): WeightNorms {
  const norms = {} as WeightNorms;
  for (const name of WEIGHTS) {
    const W = parameters[name];
    if (!W || typeof W.dataSync !== "function") throw new TypeError(`weightNorms: the parameters have no weight matrix ${name}`);
    let sumOfSquares = 0;
    for (const w of W.dataSync()) sumOfSquares += w * w;
    norms[name] = Math.sqrt(sumOfSquares);
  }
  return norms;
}
