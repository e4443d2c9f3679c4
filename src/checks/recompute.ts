/**
 * The dropout exercises recomputed: the masked forward pass with a typical mistake built in (or none), and the
 * gradients by tfjs's autodiff with the masks held fixed. The checks and diagnoses compute with these; they are
 * in the bundle (the public tests run in the student's kernel) but not in dropout-kit's index, so a notebook
 * does not meet them among the library's names. A graded cell that imports them by path is not detected: the
 * README's threat model says so.
 */
import * as tf from "@tensorflow/tfjs";
import { RandomState } from "../random";
import type { BackwardInputs, ForwardInputs } from "./cases";
import type { WireTensor } from "./tensorData";
import { fromTensor, scoped, toTensor } from "./tensorData";

export interface ForwardVariant {
  /** What the student reads when their output matches this variant. */
  explanation: string;
  /** Kept where the draw is below keepProb (correct) or at/above it (inverted). */
  keep: "below" | "above";
  /** The factor the kept activations are multiplied by. */
  factor: (keepProb: number) => number;
}

/** Inverted dropout as the assignment asks: kept where the draw is below keepProb, divided by keepProb. */
export const CORRECT_FORWARD: ForwardVariant = { explanation: "", keep: "below", factor: (p) => 1 / p };

export const FORWARD_VARIANTS: ForwardVariant[] = [
  {
    explanation: "You multiplied the kept activations by keepProb instead of dividing by it. Dividing (inverted dropout) keeps each activation's expected value the same as without dropout; multiplying leaves each activation, on average, at keepProb² of its value: once because only that fraction of the units survives, once more from the multiplication.",
    keep: "below",
    factor: (p) => p,
  },
  {
    explanation: "Your threshold is inverted: a unit must be kept where the draw is below keepProb (D1 < keepProb), so that it survives with probability keepProb. Yours keeps it with probability 1 - keepProb.",
    keep: "above",
    factor: (p) => 1 / p,
  },
  {
    explanation: "You divided by 1 - keepProb. The survivors are divided by the probability of surviving, keepProb, not by the probability of being dropped.",
    keep: "below",
    factor: (p) => 1 / (1 - p),
  },
  {
    explanation: "The dropped units are right, but the kept activations are not divided by keepProb (step 4). Without it the next layer receives on average only keepProb times its usual input.",
    keep: "below",
    factor: () => 1,
  },
];

/**
 * The masked forward pass, with one variant's mistake built in, on the same inputs and generator as the
 * student's: the one place the checks compute a whole pass with dropout (the correct variant included).
 * `usedKeepProb` is the keep probability the function really used (a number written into it, say).
 */
export function forwardWith(variant: ForwardVariant, inputs: ForwardInputs, usedKeepProb = inputs.keepProb): { A3: WireTensor; A1: WireTensor } {
  return scoped(() => {
    const p = Object.fromEntries(Object.entries(inputs.parameters).map(([k, v]) => [k, toTensor(v)]));
    const X = toTensor(inputs.X);
    const rng = new RandomState(inputs.seed);
    const mask = (A: tf.Tensor2D) => {
      const D = rng.rand(A.shape[0], A.shape[1]);
      return tf.cast(variant.keep === "below" ? tf.less(D, usedKeepProb) : tf.greaterEqual(D, usedKeepProb), "float32");
    };
    const factor = variant.factor(usedKeepProb);
    const A1raw = tf.relu(tf.add(tf.matMul(p.W1, X), p.b1)) as tf.Tensor2D;
    const A1 = tf.mul(tf.mul(A1raw, mask(A1raw)), factor) as tf.Tensor2D;
    const Z2 = tf.add(tf.matMul(p.W2, A1), p.b2) as tf.Tensor2D;
    const A2 = tf.mul(tf.mul(tf.relu(Z2), mask(Z2)), factor) as tf.Tensor2D;
    const A3 = tf.sigmoid(tf.add(tf.matMul(p.W3, A2), p.b3));
    return { A3: fromTensor(A3), A1: fromTensor(A1) };
  });
}

/** The gradients of the cost with respect to the weights, by tfjs's autodiff, the masks held fixed. */
export function autodiffGradients(inputs: BackwardInputs): Record<string, WireTensor> {
  return scoped(() => {
    const c = inputs.cache;
    const [X, Y, D1, D2] = [toTensor(inputs.X), toTensor(inputs.Y), toTensor(c.D1), toTensor(c.D2)];
    const m = X.shape[1];
    const p = inputs.keepProb;
    const names = ["W1", "b1", "W2", "b2", "W3", "b3"];
    const cost = (W1: tf.Tensor, b1: tf.Tensor, W2: tf.Tensor, b2: tf.Tensor, W3: tf.Tensor, b3: tf.Tensor) => {
      const A1 = tf.div(tf.mul(tf.relu(tf.add(tf.matMul(W1 as tf.Tensor2D, X), b1)), D1), p) as tf.Tensor2D;
      const A2 = tf.div(tf.mul(tf.relu(tf.add(tf.matMul(W2 as tf.Tensor2D, A1), b2)), D2), p) as tf.Tensor2D;
      const Z3 = tf.add(tf.matMul(W3 as tf.Tensor2D, A2), b3);
      // Cross-entropy from the logits: its gradient with respect to Z3 is (A3 - Y) / m, the course's dZ3 / m.
      return tf.div(tf.sum(tf.sub(tf.add(tf.relu(Z3), tf.log1p(tf.exp(tf.neg(tf.abs(Z3))))), tf.mul(Y, Z3))), m) as tf.Scalar;
    };
    const grads = tf.grads(cost as (...args: tf.Tensor[]) => tf.Scalar)(names.map((n) => toTensor(c[n])));
    return Object.fromEntries(names.map((n, k) => [`d${n}`, fromTensor(grads[k])]));
  });
}
