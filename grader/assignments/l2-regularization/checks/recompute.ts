/**
 * This process's own recomputations on an L2 case, the oracles the checks and the diagnoses compare a
 * student's numbers with: the library's cross-entropy and plain backward pass (what the student's functions
 * build on), the squared weights, and tfjs's autodiff of the regularized cost (an oracle that shares no
 * formula with the solution).
 */
import { backwardPropagation, computeCost, fromTensor, scoped, tf, toTensor } from "dropout-kit";
import type { ForwardCache, L2BackwardInputs, L2CostInputs, Matrix, WireTensor } from "dropout-kit";

export const LAYERS = [1, 2, 3] as const;
export type Layer = (typeof LAYERS)[number];

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const sumOfSquares = (t: WireTensor) => sum(t.values.map((v) => v * v));

/** The number of examples: the labels' columns. */
export const examplesOf = (inputs: { Y: WireTensor }) => inputs.Y.shape[1];

/** The cross-entropy of the predictions, as the library's computeCost gives it (what the cost adds its L2 term to). */
export function crossEntropyOf(inputs: L2CostInputs): number {
  return scoped(() => computeCost(toTensor(inputs.A3), toTensor(inputs.Y)));
}

/** What an L2 term is made of, per layer: ΣW_l², ΣW_l, Σb_l². */
export interface WeightStatistics {
  squares: Record<Layer, number>;
  sums: Record<Layer, number>;
  biasSquares: Record<Layer, number>;
}

export function weightStatistics(parameters: Record<string, WireTensor>): WeightStatistics {
  const perLayer = (f: (l: Layer) => number) => Object.fromEntries(LAYERS.map((l) => [l, f(l)])) as Record<Layer, number>;
  return {
    squares: perLayer((l) => sumOfSquares(parameters[`W${l}`])),
    sums: perLayer((l) => sum(parameters[`W${l}`].values)),
    biasSquares: perLayer((l) => sumOfSquares(parameters[`b${l}`])),
  };
}

/** The L2 term as the course writes it: (1/m)·(λ/2)·Σ_l ΣW_l², the biases left out. */
export function l2Term(inputs: L2CostInputs): number {
  const { squares } = weightStatistics(inputs.parameters);
  return (inputs.lambd / (2 * examplesOf(inputs))) * sum(LAYERS.map((l) => squares[l]));
}

/** The regularized cost, recomputed: cross-entropy plus the L2 term. */
export function regularizedCostOf(inputs: L2CostInputs): number {
  return crossEntropyOf(inputs) + l2Term(inputs);
}

/** The plain backward pass (the library's) on the case's cache: what the regularized one adds its terms to. */
export function plainGradientsOf(inputs: L2BackwardInputs): Record<string, WireTensor> {
  return scoped(() => {
    const cache = Object.fromEntries(Object.entries(inputs.cache).map(([name, t]) => [name, toTensor(t)])) as unknown as ForwardCache;
    const gradients = backwardPropagation(toTensor(inputs.X), toTensor(inputs.Y), cache);
    return Object.fromEntries(Object.entries(gradients).map(([name, t]) => [name, fromTensor(t)]));
  });
}

/** t + factor·W, element by element: a gradient with a multiple of a weight (or bias) added. */
export function plusMultiple(t: WireTensor, factor: number, W: WireTensor): WireTensor {
  return { shape: t.shape.slice(), values: t.values.map((v, k) => v + factor * W.values[k]) };
}

/**
 * dW1..db3 by tfjs's autodiff of the regularized cost, cross-entropy (from the logits, as the gradient of the
 * course's A3 - Y needs) plus (λ/2m)·ΣW², through a forward pass of the case's X with the cache's weights and
 * biases. Meaningful where the cache is the forward pass of X (the grader's own cases, the course's).
 */
export function autodiffL2Gradients(inputs: L2BackwardInputs): Record<string, WireTensor> {
  return scoped(() => {
    const c = inputs.cache;
    const [X, Y] = [toTensor(inputs.X), toTensor(inputs.Y)];
    const m = X.shape[1];
    const names = ["W1", "b1", "W2", "b2", "W3", "b3"];
    const cost = (...p: tf.Tensor[]) => {
      const [W1, b1, W2, b2, W3, b3] = p as Matrix[];
      const A1 = tf.relu(tf.add(tf.matMul(W1, X), b1)) as Matrix;
      const A2 = tf.relu(tf.add(tf.matMul(W2, A1), b2)) as Matrix;
      const Z3 = tf.add(tf.matMul(W3, A2), b3);
      const crossEntropy = tf.mean(tf.sub(tf.softplus(Z3), tf.mul(Y, Z3)));
      const penalty = tf.mul(tf.addN([W1, W2, W3].map((W) => tf.sum(tf.square(W)))), inputs.lambd / (2 * m));
      return tf.add(crossEntropy, penalty) as tf.Scalar;
    };
    const gradients = tf.grads(cost)(names.map((n) => toTensor(c[n])));
    return Object.fromEntries(names.map((n, k) => [`d${n}`, fromTensor(gradients[k])]));
  });
}
