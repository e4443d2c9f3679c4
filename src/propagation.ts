/**
 * The plain (no-dropout) passes of the course's net: what `reg_utils` gives the student, and what
 * predictions always use. Dropout is a training-time device; these functions never drop anything.
 *
 * Written as the course writes them, with a few op choices that matter on tfjs's wasm backend, where
 * every op costs a few microseconds whatever its size (measured by `npm run bench`):
 * - Wᵀ · dZ is `tf.matMul(tf.transpose(W), dZ)`: the transpose flag `tf.matMul(W, dZ, true, false)` makes
 *   wasm leave its fast matrix product for a plain loop, about 50 us instead of 13 us for W2ᵀ · dZ2.
 * - the ReLU's derivative is `tf.step(A)`, one op, instead of `tf.cast(tf.greater(A, 0), "float32")`.
 * - the bias gradient is `tf.mean` over the examples, one op instead of a sum and a division.
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardCache, Gradients, Matrix, Parameters } from "./types";

export function relu(Z: Matrix): Matrix {
  return tf.relu(Z);
}

export function sigmoid(Z: Matrix): Matrix {
  return tf.sigmoid(Z);
}

/** LINEAR->RELU->LINEAR->RELU->LINEAR->SIGMOID. Returns [A3, cache]. */
export function forwardPropagation(X: Matrix, parameters: Parameters): [Matrix, ForwardCache] {
  const { W1, b1, W2, b2, W3, b3 } = parameters;
  const Z1 = linearForward(W1, X, b1);
  const A1 = relu(Z1);
  const Z2 = linearForward(W2, A1, b2);
  const A2 = relu(Z2);
  const Z3 = linearForward(W3, A2, b3);
  const A3 = sigmoid(Z3);
  return [A3, { Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3 }];
}

/** Gradients of the cross-entropy cost (averaged over the m examples) for the plain forward pass. */
export function backwardPropagation(X: Matrix, Y: Matrix, cache: ForwardCache): Gradients {
  const m = X.shape[1];
  const { A1, W2, A2, W3, A3 } = cache;
  const dZ3 = tf.sub(A3, Y) as Matrix;
  const dW3 = averagedOuter(dZ3, A2, m);
  const db3 = averagedRowSum(dZ3, m);
  const dA2 = linearBackward(W3, dZ3);
  const dZ2 = reluBackward(dA2, A2);
  const dW2 = averagedOuter(dZ2, A1, m);
  const db2 = averagedRowSum(dZ2, m);
  const dA1 = linearBackward(W2, dZ2);
  const dZ1 = reluBackward(dA1, A1);
  const dW1 = averagedOuter(dZ1, X, m);
  const db1 = averagedRowSum(dZ1, m);
  return { dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1 };
}

/*
 * The building blocks of the two passes. They are exported because the experiments (src/experiments.ts)
 * build their dropout variants from them, so that the linear steps, the ReLU and the gradients exist once.
 * None of them drops a unit: the masks stay in the graded functions (and, for the experiments, in
 * src/experiments.ts).
 */

/** Z = W · A_prev + b: a layer's linear step. */
export function linearForward(W: Matrix, APrev: Matrix, b: Matrix): Matrix {
  return tf.add(tf.matMul(W, APrev), b) as Matrix;
}

/** dA_prev = Wᵀ · dZ: the linear step backwards, to the layer before (its dW, db: averagedOuter, averagedRowSum). */
export function linearBackward(W: Matrix, dZ: Matrix): Matrix {
  return tf.matMul(tf.transpose(W), dZ) as Matrix;
}

/**
 * dZ = dA where the unit was active (A > 0), else 0: the ReLU's derivative, read off its output.
 * `tf.step(A)` is 1 where A > 0 and 0 elsewhere, as floats: `tf.cast(tf.greater(A, 0), "float32")` in one op
 * (several times faster on wasm, where the comparison and the cast from booleans are slow).
 */
export function reluBackward(dA: Matrix, A: Matrix): Matrix {
  return tf.mul(dA, tf.step(A)) as Matrix;
}

/** (1/m) dZ · A_prevᵀ */
export function averagedOuter(dZ: Matrix, APrev: Matrix, m: number): Matrix {
  return tf.div(tf.matMul(dZ, APrev, false, true), m) as Matrix;
}

/** (1/m) Σ over examples, kept as a column: the bias gradient (a mean, when m is dZ's number of examples). */
export function averagedRowSum(dZ: Matrix, m: number): Matrix {
  return (m === dZ.shape[1] ? tf.mean(dZ, 1, true) : tf.div(tf.sum(dZ, 1, true), m)) as Matrix;
}
