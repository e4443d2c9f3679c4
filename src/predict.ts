/**
 * Predictions use the plain forward pass: no dropout, no scaling. Inverted dropout did its scaling
 * during training, so the trained weights are used as they are.
 */
import * as tf from "@tensorflow/tfjs";
import { forwardPropagation } from "./propagation";
import type { Matrix, Parameters } from "./types";

/** Class predictions (1 where A3 > 0.5) as a [1, m] float32 tensor of 0s and 1s. */
export function predictDec(parameters: Parameters, X: Matrix): Matrix {
  return tf.tidy(() => tf.cast(tf.greater(forwardPropagation(X, parameters)[0], 0.5), "float32") as Matrix);
}

/** Accuracy on (X, Y) in [0, 1]; prints it like the course does unless `quiet`. */
export function predict(X: Matrix, Y: Matrix, parameters: Parameters, options: { quiet?: boolean } = {}): number {
  // Count in float32 (exact for integers), divide in float64 so the printout reads like numpy's.
  const correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(predictDec(parameters, X), Y), "float32")).dataSync()[0]);
  const accuracy = correct / X.shape[1];
  if (!options.quiet) console.log(`Accuracy: ${accuracy}`);
  return accuracy;
}
