/**
 * The L2 assignment's solution, written here as the tests' oracle (the source notebook's solution replaces it
 * as the references' author once the engine derives them): the course's formulas in float32 tfjs, sharing no
 * code with the library's checks (no computeCost, no backwardPropagation), so that checks and oracle cannot be
 * wrong together. scripts/l2-public-cases.ts writes the public cases file from it.
 */
import { tf } from "dropout-kit";
import type { ForwardCache, Gradients, Matrix, Parameters } from "dropout-kit";

/** Cross-entropy of A3 against Y + (1/m)·(λ/2)·(ΣW1² + ΣW2² + ΣW3²); the biases are not regularized. */
export function computeCostWithRegularization(A3: Matrix, Y: Matrix, parameters: Parameters, lambd: number): number {
  return tf.tidy(() => {
    const m = Y.shape[1];
    const losses = tf.add(tf.mul(tf.neg(tf.log(A3)), Y), tf.mul(tf.neg(tf.log(tf.sub(1, A3))), tf.sub(1, Y)));
    const crossEntropy = tf.div(tf.sum(losses), m);
    const squares = tf.addN([parameters.W1, parameters.W2, parameters.W3].map((W) => tf.sum(tf.square(W))));
    return tf.add(crossEntropy, tf.mul(squares, lambd / (2 * m))).dataSync()[0];
  });
}

/** The plain backward pass of the 3-layer net, with (λ/m)·W_l added to each dW_l; db_l as without regularization. */
export function backwardPropagationWithRegularization(X: Matrix, Y: Matrix, cache: ForwardCache, lambd: number): Gradients {
  const m = X.shape[1];
  const { A1, A2, A3, W1, W2, W3 } = cache;
  const weightGradient = (dZ: Matrix, previous: Matrix, W: Matrix) => tf.add(tf.div(tf.matMul(dZ, previous, false, true), m), tf.mul(W, lambd / m)) as Matrix;
  const biasGradient = (dZ: Matrix) => tf.div(tf.sum(dZ, 1, true), m) as Matrix;
  const active = (A: Matrix) => tf.cast(tf.greater(A, 0), "float32");
  const dZ3 = tf.sub(A3, Y) as Matrix;
  const dA2 = tf.matMul(W3, dZ3, true, false) as Matrix;
  const dZ2 = tf.mul(dA2, active(A2)) as Matrix;
  const dA1 = tf.matMul(W2, dZ2, true, false) as Matrix;
  const dZ1 = tf.mul(dA1, active(A1)) as Matrix;
  return {
    dZ3, dW3: weightGradient(dZ3, A2, W3), db3: biasGradient(dZ3),
    dA2, dZ2, dW2: weightGradient(dZ2, A1, W2), db2: biasGradient(dZ2),
    dA1, dZ1, dW1: weightGradient(dZ1, X, W1), db1: biasGradient(dZ1),
  };
}
