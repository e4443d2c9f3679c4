/**
 * The dropout exercises recomputed, on the grader's side only: the masked forward pass with a typical mistake
 * built in (or none), the generator's masks in any draw order, the plain forward pass, the versions of the
 * backward step from a student's own Wᵀ·dZ, and the gradients by tfjs's autodiff with the masks held fixed.
 * The checks and the diagnoses compute with these on every case; `npm run assign` runs them on the public
 * cases to write the data the notebook's public tests read (publicData.ts). None of this reaches a student.
 */
import { RandomState, forwardPropagation, fromTensor, scoped, tf, toTensor } from "dropout-kit";
import type { BackwardInputs, BackwardStepCandidates, DrawOrder, ForwardInputs, ForwardMistake, ForwardOutcomes, WireTensor } from "dropout-kit";

interface ForwardVariant {
  /** Kept where the draw is below keepProb (correct) or at/above it (inverted). */
  keep: "below" | "above";
  /** The factor the kept activations are multiplied by. */
  factor: (keepProb: number) => number;
}

/** Each whole-pass mistake as a recomputation (dropout-kit's FORWARD_MISTAKES says it in words). */
const VARIANTS: Record<Exclude<ForwardMistake, "plain">, ForwardVariant> = {
  correct: { keep: "below", factor: (p) => 1 / p },
  "times-keepprob": { keep: "below", factor: (p) => p },
  inverted: { keep: "above", factor: (p) => 1 / p },
  "one-minus-keepprob": { keep: "below", factor: (p) => 1 / (1 - p) },
  "no-scaling": { keep: "below", factor: () => 1 },
};

/**
 * The masked forward pass, with one mistake built in, on the same inputs and generator as the student's: the
 * one place the grader computes a whole pass with dropout (the correct one included). `usedKeepProb` is the keep
 * probability the function really used (a number written into it, say).
 */
export function forwardWith(mistake: Exclude<ForwardMistake, "plain">, inputs: ForwardInputs, usedKeepProb = inputs.keepProb): { A3: WireTensor; A1: WireTensor } {
  const variant = VARIANTS[mistake];
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

/** The forward pass without dropout: what keepProb = 1 must give. */
export function plainForward(inputs: ForwardInputs): WireTensor {
  return scoped(() => {
    const parameters = Object.fromEntries(Object.entries(inputs.parameters).map(([k, w]) => [k, toTensor(w)]));
    return fromTensor(forwardPropagation(toTensor(inputs.X), parameters as never)[0]);
  });
}

export interface GeneratorMasks {
  /** The uniform draws: rng.rand shaped like A1, then like A2, from a generator seeded as the student's was. */
  draws1: WireTensor;
  draws2: WireTensor;
  D1: WireTensor;
  D2: WireTensor;
}

const masksMemo = new WeakMap<ForwardInputs, GeneratorMasks>();

/** The masks the contract gives on a case (README): D1 = rand(rows of A1, m) < keepProb, then D2 likewise. */
export function generatorMasks(inputs: ForwardInputs): GeneratorMasks {
  const memo = masksMemo.get(inputs);
  if (memo) return memo;
  const masks = scoped(() => {
    const rng = new RandomState(inputs.seed);
    const m = inputs.X.shape[1];
    const draws1 = rng.rand(inputs.parameters.W1.shape[0], m);
    const draws2 = rng.rand(inputs.parameters.W2.shape[0], m);
    const keep = (d: tf.Tensor) => fromTensor(tf.cast(tf.less(d, inputs.keepProb), "float32"));
    return { draws1: fromTensor(draws1), draws2: fromTensor(draws2), D1: keep(draws1), D2: keep(draws2) };
  });
  masksMemo.set(inputs, masks);
  return masks;
}

/** The masks a generator seeded `seed` gives, drawn in the order given (D1 then D2, D2 first, or a draw shaped like X first). */
export function masksFrom(seed: number, inputs: ForwardInputs, order: DrawOrder): { D1: number[]; D2: number[] } {
  return scoped(() => {
    const rng = new RandomState(seed);
    const m = inputs.X.shape[1];
    const [n1, n2] = [inputs.parameters.W1.shape[0], inputs.parameters.W2.shape[0]];
    const keep = (rows: number) => Array.from(tf.cast(tf.less(rng.rand(rows, m), inputs.keepProb), "float32").dataSync() as Float32Array, Number);
    if (order === "X first") rng.rand(inputs.X.shape[0], m);
    if (order !== "D2 first") {
      const D1 = keep(n1);
      return { D1, D2: keep(n2) };
    }
    const D2 = keep(n2);
    return { D1: keep(n1), D2 };
  });
}

/** The first `count` draws of the case's generator, as rng.rand gives them (float32). */
export function streamOf(inputs: ForwardInputs, count: number): number[] {
  return scoped(() => Array.from(new RandomState(inputs.seed).rand(1, count).dataSync() as Float32Array, Number));
}

/** What every typical mistake gives on a case, recomputed: the diagnoses' evidence in grading. */
export function recomputedOutcomes(inputs: ForwardInputs): ForwardOutcomes {
  return {
    pass: (mistake, keepProb) => (mistake === "plain" ? { A3: plainForward(inputs) } : forwardWith(mistake, inputs, keepProb)),
    masks: (seed, order) => masksFrom(seed, inputs, order),
    stream: (count) => streamOf(inputs, count),
  };
}

/**
 * The versions of dropout's backward step for one dA, from Wᵀ·dZ (the student's own dZ), the layer's mask D
 * and the other layer's (swapped, where the shapes allow it and the masks differ): what diagnoseBackwardStep
 * compares the student's dA with.
 */
export function stepCandidates(WTdZ: tf.Tensor2D, D: tf.Tensor2D, keepProb: number, otherD?: tf.Tensor2D): BackwardStepCandidates {
  return scoped(() => {
    const differ = otherD && otherD.shape.join() === D.shape.join() && !sameValues(otherD.dataSync(), D.dataSync());
    const options: [BackwardStepCandidates[number][0], tf.Tensor][] = [
      ["correct", tf.div(tf.mul(WTdZ, D), keepProb)],
      ...(differ ? [["swapped", tf.div(tf.mul(WTdZ, otherD!), keepProb)] as [BackwardStepCandidates[number][0], tf.Tensor]] : []),
      ["no-mask", tf.div(WTdZ, keepProb)],
      ["no-scaling", tf.mul(WTdZ, D)],
      ["neither", WTdZ],
      ["times-keepprob", tf.mul(tf.mul(WTdZ, D), keepProb)],
      ["one-minus-keepprob", tf.div(tf.mul(WTdZ, D), 1 - keepProb)],
    ];
    return options.map(([variant, t]) => [variant, fromTensor(t)] as BackwardStepCandidates[number]);
  });
}

const sameValues = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, k: number) => v === b[k]);

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
