/**
 * The shapes of the course's 3-layer net, LINEAR->RELU->LINEAR->RELU->LINEAR->SIGMOID.
 * Layout follows the course: one example per column, so X is [features, m] and A_l is [units_l, m].
 */
import type * as tf from "@tensorflow/tfjs";
import type { RandomState } from "./random";

export type Matrix = tf.Tensor2D;

export type Parameters = {
  W1: Matrix; b1: Matrix;
  W2: Matrix; b2: Matrix;
  W3: Matrix; b3: Matrix;
};

/** What the plain forward pass remembers for the backward pass. */
export type ForwardCache = {
  Z1: Matrix; A1: Matrix; W1: Matrix; b1: Matrix;
  Z2: Matrix; A2: Matrix; W2: Matrix; b2: Matrix;
  Z3: Matrix; A3: Matrix; W3: Matrix; b3: Matrix;
};

/** The dropout forward pass also remembers the masks, so backward can switch off the same units. */
export type DropoutCache = ForwardCache & {
  D1: Matrix;
  D2: Matrix;
};

export type Gradients = {
  dZ3: Matrix; dW3: Matrix; db3: Matrix;
  dA2: Matrix; dZ2: Matrix; dW2: Matrix; db2: Matrix;
  dA1: Matrix; dZ1: Matrix; dW1: Matrix; db1: Matrix;
};

/** The contract of the first graded function. */
export type ForwardWithDropout = (
  X: Matrix, parameters: Parameters, keepProb: number, rng: RandomState,
) => [Matrix, DropoutCache];

/** The contract of the second graded function. */
export type BackwardWithDropout = (
  X: Matrix, Y: Matrix, cache: DropoutCache, keepProb: number,
) => Gradients;

/** The contract of the L2 assignment's first graded function: the cost with its L2 term, a number. */
export type CostWithRegularization = (A3: Matrix, Y: Matrix, parameters: Parameters, lambd: number) => number;

/** The contract of the L2 assignment's second graded function: the plain forward pass's cache in, the gradients out. */
export type BackwardWithRegularization = (X: Matrix, Y: Matrix, cache: ForwardCache, lambd: number) => Gradients;

export const PARAMETER_NAMES = ["W1", "b1", "W2", "b2", "W3", "b3"] as const;
export const GRADIENT_NAMES = ["dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"] as const;
export const DROPOUT_CACHE_NAMES = [
  "Z1", "D1", "A1", "W1", "b1", "Z2", "D2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3",
] as const;
