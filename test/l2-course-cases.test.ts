/**
 * The L2 half's public course cases (src/courseCases.ts) against the course's published values, through two
 * oracles written here and nowhere in the library: the L2 cost and gradient formulas in float32 tfjs, and
 * tfjs's own autodiff (tf.grads) of cross-entropy + L2 term with respect to W1, W2, W3.
 * Fails when: the oracle's gradient term is (lambd / 2m) W instead of (lambd / m) W (seen red: 1 test), its L2 cost term
 * lambd / m instead of lambd / 2m (seen red: 2), courseL2CostCase takes courseInputs()'s parameters, drawn after an X
 * (seen red: 2), or a typed-in cache value is mistyped (A2[0, 1] 5.49892323: seen red: 2).
 */
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { ATOL, RTOL, compareMatrix, courseInputs, courseL2BackwardCase, courseL2CostCase, forwardPropagation, PARAMETER_NAMES } from "dropout-kit";
import type { ForwardCache, Matrix, Parameters } from "dropout-kit";

const WEIGHT_NAMES = ["W1", "W2", "W3"] as const;
type WeightGradients = Record<"dW1" | "dW2" | "dW3", Matrix>;

/** lambd/(2m) times the sum of every squared weight; the biases are not regularized. */
function l2Term(weights: Matrix[], lambd: number, m: number): tf.Scalar {
  const squares = tf.addN(weights.map((W) => tf.sum(tf.square(W))));
  return tf.mul(squares, lambd / (2 * m));
}

/** Oracle: the course's regularized cost, cross-entropy from A3 (as reg_utils computes it) plus the L2 term. */
function costWithL2(A3: Matrix, Y: Matrix, parameters: Parameters, lambd: number): number {
  return tf.tidy(() => {
    const m = Y.shape[1];
    const losses = tf.add(tf.mul(tf.neg(tf.log(A3)), Y), tf.mul(tf.neg(tf.log(tf.sub(1, A3))), tf.sub(1, Y)));
    const crossEntropy = tf.div(tf.sum(losses), m);
    return tf.add(crossEntropy, l2Term(WEIGHT_NAMES.map((name) => parameters[name]), lambd, m)).dataSync()[0];
  });
}

/** Oracle: the plain backward pass of the 3-layer net, each dW_l plus (lambd/m) W_l. */
function weightGradientsWithL2(X: Matrix, Y: Matrix, cache: ForwardCache, lambd: number): WeightGradients {
  const m = X.shape[1];
  const { A1, W1, A2, W2, A3, W3 } = cache;
  const gradient = (dZ: tf.Tensor, previous: Matrix, W: Matrix) =>
    tf.add(tf.div(tf.matMul(dZ, previous, false, true), m), tf.mul(W, lambd / m)) as Matrix;
  const dZ3 = tf.sub(A3, Y);
  const dZ2 = tf.mul(tf.matMul(W3, dZ3, true, false), tf.cast(tf.greater(A2, 0), "float32"));
  const dZ1 = tf.mul(tf.matMul(W2, dZ2, true, false), tf.cast(tf.greater(A1, 0), "float32"));
  return { dW1: gradient(dZ1, X, W1), dW2: gradient(dZ2, A1, W2), dW3: gradient(dZ3, A2, W3) };
}

/** Second oracle: autodiff of the regularized cost (cross-entropy from the logits Z3) through a forward pass. */
function autodiffWeightGradients(X: Matrix, Y: Matrix, parameters: Parameters, lambd: number): WeightGradients {
  const m = X.shape[1];
  const regularizedCost = (W1: tf.Tensor, W2: tf.Tensor, W3: tf.Tensor) => {
    const [, cache] = forwardPropagation(X, { ...parameters, W1: W1 as Matrix, W2: W2 as Matrix, W3: W3 as Matrix });
    const crossEntropy = tf.mean(tf.sub(tf.softplus(cache.Z3), tf.mul(Y, cache.Z3)));
    return tf.add(crossEntropy, l2Term([W1, W2, W3] as Matrix[], lambd, m)) as tf.Scalar;
  };
  const [dW1, dW2, dW3] = tf.grads(regularizedCost)([parameters.W1, parameters.W2, parameters.W3]);
  return { dW1, dW2, dW3 } as WeightGradients;
}

function parametersOf(cache: ForwardCache): Parameters {
  const { W1, b1, W2, b2, W3, b3 } = cache;
  return { W1, b1, W2, b2, W3, b3 };
}

describe("the L2 cost case", () => {
  it("draws its parameters from seed(1) in the course's order, with no X before them", () => {
    const { parameters } = courseL2CostCase();
    // numpy's seed(1) randn stream, as numpy prints it: the first six values fill W1, the last one is b3.
    expect(compareMatrix(parameters.W1, [[1.62434536, -0.61175641, -0.52817175], [-1.07296862, 0.86540763, -2.3015387]])).toBeUndefined();
    expect(compareMatrix(parameters.b3, [[-1.10061918]])).toBeUndefined();
    expect(PARAMETER_NAMES.map((name) => parameters[name].shape)).toEqual([[2, 3], [2, 1], [3, 2], [3, 1], [1, 3], [1, 1]]);
  });

  it("reproduces the published cost 1.78648594516 (lambd 0.1) to 1e-6 relative in float32", () => {
    const c = courseL2CostCase();
    const cost = costWithL2(c.A3, c.Y, c.parameters, c.lambd);
    expect(Math.abs(cost - c.expectedCost)).toBeLessThanOrEqual(1e-6 * c.expectedCost);
  });
});

describe("the L2 backward case", () => {
  it("types in the weights numpy's seed(1) draws after X, and a cache that is their plain forward pass", () => {
    const c = courseL2BackwardCase();
    const drawn = courseInputs();
    // X is seed(1)'s first 15 draws: its first row is the cost case's W1, read row by row.
    expect(compareMatrix(tf.slice(c.X, [0, 0], [1, 5]), [[1.62434536, -0.61175641, -0.52817175, -1.07296862, 0.86540763]])).toBeUndefined();
    expect(c.X.shape).toEqual([3, 5]);
    for (const name of PARAMETER_NAMES) {
      expect(compareMatrix(c.cache[name], drawn.parameters[name].arraySync()), name).toBeUndefined();
    }
    const [, forward] = forwardPropagation(drawn.X, drawn.parameters);
    for (const name of ["Z1", "A1", "Z2", "A2", "Z3", "A3"] as const) {
      expect(compareMatrix(c.cache[name], forward[name].arraySync()), name).toBeUndefined();
    }
  });

  it("reproduces the published dW1, dW2, dW3 (lambd 0.7) with the formula oracle", () => {
    const c = courseL2BackwardCase();
    const grads = weightGradientsWithL2(c.X, c.Y, c.cache, c.lambd);
    for (const name of ["dW1", "dW2", "dW3"] as const) {
      expect(compareMatrix(grads[name], c.expected[name], ATOL, RTOL), name).toBeUndefined();
    }
  });

  it("reproduces the published dW1, dW2, dW3 with tfjs autodiff of cross-entropy + L2 term", () => {
    const c = courseL2BackwardCase();
    const grads = autodiffWeightGradients(c.X, c.Y, parametersOf(c.cache), c.lambd);
    for (const name of ["dW1", "dW2", "dW3"] as const) {
      expect(compareMatrix(grads[name], c.expected[name], ATOL, RTOL), name).toBeUndefined();
    }
  });
});
