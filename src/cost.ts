/**
 * The cross-entropy cost, two ways.
 *
 * The course's formula, -(y log a + (1-y) log(1-a)), breaks in float32: the sigmoid rounds to exactly
 * 1 once z exceeds about 17, and log(0) follows (numpy hides the resulting NaN with `nansum`).
 * `computeCost` clips a into [eps, 1 - eps]; `computeCostFromLogits` uses the exact, stable form
 * softplus(z) - y z on the pre-activation Z3 and is what `model` records.
 */
import * as tf from "@tensorflow/tfjs";
import type { Matrix } from "./types";

const EPSILON = 1e-7;

/** Mean cross-entropy from the predicted probabilities A3 (clipped so that float32 never gives NaN). */
export function computeCost(A3: Matrix, Y: Matrix): number {
  return tf.tidy(() => {
    const a = tf.clipByValue(A3, EPSILON, 1 - EPSILON);
    const logLikelihood = tf.add(tf.mul(Y, tf.log(a)), tf.mul(tf.sub(1, Y), tf.log(tf.sub(1, a))));
    return -tf.mean(logLikelihood).dataSync()[0];
  });
}

/** Mean cross-entropy from the logits Z3 (A3 = sigmoid(Z3)): softplus(z) - y z, finite for every z. */
export function computeCostFromLogits(Z3: Matrix, Y: Matrix): number {
  return tf.tidy(() => tf.mean(tf.sub(tf.softplus(Z3), tf.mul(Y, Z3))).dataSync()[0]);
}
