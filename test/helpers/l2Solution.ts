/**
 * The L2 assignment's solution, written here as the tests' oracle (the references are the source notebook's
 * solution's, derived by `npm run assign`): the course's formulas in float32 tfjs, sharing no code with the
 * library's checks (no computeCost, no backwardPropagation), so that checks and oracle cannot be wrong
 * together. test/l2-checks.test.ts compares the public cases file `npm run assign` writes with it. Built from parts
 * (`costWith`, `backwardWith`) so that a typical mistake is the solution with one part changed
 * (test/helpers/l2Mistakes.ts).
 */
import { tf } from "dropout-kit";
import type { BackwardWithRegularization, CostWithRegularization, Gradients, Matrix, Parameters } from "dropout-kit";

const LAYERS = [1, 2, 3] as const;
export type Layer = (typeof LAYERS)[number];

/** Σ of every squared element of the tensors named. */
export const sumOfSquares = (tensors: tf.Tensor[]) => tf.addN(tensors.map((t) => tf.sum(tf.square(t)))) as tf.Scalar;
export const weightsOf = (p: Parameters) => [p.W1, p.W2, p.W3];
export const biasesOf = (p: Parameters) => [p.b1, p.b2, p.b3];

/** The cross-entropy as the course's reg_utils computes it: (1/m)·Σ −(y·log a + (1 − y)·log(1 − a)). */
function crossEntropy(A3: Matrix, Y: Matrix): tf.Scalar {
  const losses = tf.add(tf.mul(tf.neg(tf.log(A3)), Y), tf.mul(tf.neg(tf.log(tf.sub(1, A3))), tf.sub(1, Y)));
  return tf.div(tf.sum(losses), Y.shape[1]) as tf.Scalar;
}

/** An L2 term of the cost, from the parameters, lambd and m. */
export type L2TermOf = (parameters: Parameters, lambd: number, m: number) => tf.Scalar;

/** (1/m)·(λ/2)·(ΣW1² + ΣW2² + ΣW3²): the biases are not regularized. */
export const RIGHT_L2_TERM: L2TermOf = (p, lambd, m) => tf.mul(sumOfSquares(weightsOf(p)), lambd / (2 * m));

/** The regularized cost, cross-entropy + the given L2 term, as a number. */
export function costWith(term: L2TermOf): CostWithRegularization {
  return (A3, Y, parameters, lambd) => tf.tidy(() => tf.add(crossEntropy(A3, Y), term(parameters, lambd, Y.shape[1])).dataSync()[0]);
}

/** The factor of W_l (or b_l) added to dW_l (or db_l), from lambd, m and the layer. */
export type TermFactor = (lambd: number, m: number, layer: Layer) => number;

/** The plain backward pass of the 3-layer net, with weightFactor·W_l added to each dW_l and biasFactor·b_l to each db_l. */
export function backwardWith(weightFactor: TermFactor, biasFactor: TermFactor = () => 0): BackwardWithRegularization {
  return (X, Y, cache, lambd) => {
    const m = X.shape[1];
    const { A1, A2, A3 } = cache;
    const previous = { 1: X, 2: A1, 3: A2 };
    const active = (A: Matrix) => tf.cast(tf.greater(A, 0), "float32");
    const dZ3 = tf.sub(A3, Y) as Matrix;
    const dA2 = tf.matMul(cache.W3, dZ3, true, false) as Matrix;
    const dZ2 = tf.mul(dA2, active(A2)) as Matrix;
    const dA1 = tf.matMul(cache.W2, dZ2, true, false) as Matrix;
    const dZ1 = tf.mul(dA1, active(A1)) as Matrix;
    const dZ = { 1: dZ1, 2: dZ2, 3: dZ3 };
    const parameterGradients = Object.fromEntries(
      LAYERS.flatMap((l) => [
        [`dW${l}`, tf.add(tf.div(tf.matMul(dZ[l], previous[l], false, true), m), tf.mul(cache[`W${l}`], weightFactor(lambd, m, l)))],
        [`db${l}`, tf.add(tf.div(tf.sum(dZ[l], 1, true), m), tf.mul(cache[`b${l}`], biasFactor(lambd, m, l)))],
      ]),
    );
    return { dZ3, dA2, dZ2, dA1, dZ1, ...parameterGradients } as Gradients;
  };
}

/** (λ/m)·W_l added to each dW_l; the biases' gradients as without regularization. */
export const RIGHT_WEIGHT_FACTOR: TermFactor = (lambd, m) => lambd / m;

export const computeCostWithRegularization = costWith(RIGHT_L2_TERM);
export const backwardPropagationWithRegularization = backwardWith(RIGHT_WEIGHT_FACTOR);
