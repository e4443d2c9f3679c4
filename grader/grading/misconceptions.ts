/**
 * Naming the misconception behind a wrong answer, in words a student understands. Each diagnosis is an
 * experiment, not a guess: the grader recomputes the pass with one typical mistake built in and says so
 * only when the student's numbers match it; or it reads how the student used the generator.
 */
import { RandomState, tf } from "dropout-kit";
import type { CallResult, WireTensor } from "../sandbox/protocol";
import type { ForwardInputs } from "./cases";
import { compare, fromTensor, scoped, tensorOf, toTensor } from "./wire";

export interface ForwardVariant {
  /** What the student reads when their output matches this variant. */
  explanation: string;
  /** Kept where the draw is below keepProb (correct) or at/above it (inverted). */
  keep: "below" | "above";
  /** The factor the kept activations are multiplied by. */
  factor: (keepProb: number) => number;
}

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

/** The forward pass with one variant's mistake, on the same inputs and masks as the student's. */
function forwardWith(variant: ForwardVariant, inputs: ForwardInputs): { A3: WireTensor; A1: WireTensor } {
  return scoped(() => {
    const p = Object.fromEntries(Object.entries(inputs.parameters).map(([k, v]) => [k, toTensor(v)]));
    const X = toTensor(inputs.X);
    const rng = new RandomState(inputs.seed);
    const mask = (A: tf.Tensor2D) => {
      const D = rng.rand(A.shape[0], A.shape[1]);
      return tf.cast(variant.keep === "below" ? tf.less(D, inputs.keepProb) : tf.greaterEqual(D, inputs.keepProb), "float32");
    };
    const factor = variant.factor(inputs.keepProb);
    const A1raw = tf.relu(tf.add(tf.matMul(p.W1, X), p.b1)) as tf.Tensor2D;
    const A1 = tf.mul(tf.mul(A1raw, mask(A1raw)), factor) as tf.Tensor2D;
    const Z2 = tf.add(tf.matMul(p.W2, A1), p.b2) as tf.Tensor2D;
    const A2 = tf.mul(tf.mul(tf.relu(Z2), mask(Z2)), factor) as tf.Tensor2D;
    const A3 = tf.sigmoid(tf.add(tf.matMul(p.W3, A2), p.b3));
    return { A3: fromTensor(A3), A1: fromTensor(A1) };
  });
}

/** Reads the generator's use: the most specific explanation of a wrong pattern, if any. */
export function diagnoseRngUse(result: CallResult, inputs: ForwardInputs, hiddenSizes: [number, number]): string | undefined {
  const calls = result.rng?.calls ?? [];
  const m = inputs.X.shape[1];
  const [n0] = inputs.X.shape;
  const [n1, n2] = hiddenSizes;
  if (calls.some((c) => c.method === "seed")) {
    return "Your function reseeds the generator (rng.seed). Then every call, and so every training iteration, draws the same masks, and dropout stops being random. Use the rng you are given as it is.";
  }
  const rands = calls.filter((c) => c.method === "rand").map((c) => c.args as number[]);
  const others = calls.filter((c) => c.method !== "rand");
  if (calls.length === 0) {
    return "Your function never draws from the generator it is given. Draw the masks with rng.rand(rows, cols) (not Math.random or tf.randomUniform), so that results are reproducible and match the course's.";
  }
  if (others.length > 0 && rands.length === 0) {
    return `Draw the masks with rng.rand(rows, cols), uniform in [0, 1); your function used rng.${others[0].method}${others[0].method === "randn" ? " (normal values, which are not probabilities)" : ""}.`;
  }
  if (rands.some(([r, c]) => (c === 1 && m > 1) || (r === 1 && c === m && rands.length === 2 && n1 > 1))) {
    return "Your masks are shaped [units, 1] (or [1, examples]): one mask shared by all examples, or by all units. Each example needs its own mask: draw D1 with rng.rand(A1.shape[0], A1.shape[1]).";
  }
  if (rands.length >= 1 && rands[0][0] === n0 && rands[0][1] === m && n0 !== n1) {
    return "Your first mask is shaped like X: dropout applied to the input features. In this assignment only the two hidden layers are dropped out.";
  }
  if (rands.length === 3 && rands[2][0] === 1 && rands[2][1] === m) {
    return "You drew a third mask shaped like A3: dropout on the output layer. The output unit is never dropped; only A1 and A2 are.";
  }
  if (rands.length !== 2 || rands[0][0] !== n1 || rands[0][1] !== m || rands[1][0] !== n2 || rands[1][1] !== m) {
    const seen = rands.map(([r, c]) => `rand(${r}, ${c})`).join(", ") || "none";
    return `Draw exactly two masks, D1 with rng.rand(${n1}, ${m}) (shaped like A1) and then D2 with rng.rand(${n2}, ${m}) (shaped like A2). Your function called: ${seen}.`;
  }
  return undefined;
}

/** Which typical mistake the student's forward output matches, if any. */
export function diagnoseForwardValues(result: CallResult, inputs: ForwardInputs): string | undefined {
  const A3 = tensorOf(result.values.A3);
  const A1 = tensorOf(result.values["cache.A1"]);
  if (!A3 || inputs.keepProb === 1) return undefined;
  for (const variant of FORWARD_VARIANTS) {
    const expected = forwardWith(variant, inputs);
    if (compare("A3", A3, expected.A3, false).ok && (!A1 || compare("A1", A1, expected.A1, false).ok)) return variant.explanation;
  }
  return undefined;
}

/**
 * Which typical mistake a wrong mask is, read from the mask itself (outputs, not the child's report): the
 * draws are the generator's (the parent's own recomputation), `kept` the student's 0/1 values.
 */
export function diagnoseMask(label: "D1" | "D2", kept: number[], draws: number[], shape: number[], inputs: ForwardInputs): string | undefined {
  const [rows, cols] = shape;
  const keepProb = inputs.keepProb;
  if (kept.length !== draws.length || kept.length === 0) return undefined;
  if (keepProb < 1 && kept.every((v, k) => v === (draws[k] >= keepProb ? 1 : 0))) return FORWARD_VARIANTS[1].explanation;
  const sameAlong = (step: number, count: number, lines: number, start: (line: number) => number) => {
    for (let line = 0; line < lines; line++) for (let j = 1; j < count; j++) if (kept[start(line) + j * step] !== kept[start(line)]) return false;
    return true;
  };
  const degenerate = kept.every((v) => v === kept[0]);
  if (!degenerate && cols > 1 && sameAlong(1, cols, rows, (i) => i * cols)) {
    return `Your ${label} is the same for every example (each row constant): one mask shared by all examples. Each example needs its own mask: draw ${label} with rng.rand(rows, cols), shaped like the activations, not [units, 1].`;
  }
  if (!degenerate && rows > 1 && sameAlong(cols, rows, cols, (j) => j)) {
    return `Your ${label} is the same for every unit (each column constant): one mask shared by all units of an example. Draw ${label} with rng.rand(rows, cols), shaped like the activations.`;
  }
  // The masks of a generator seeded otherwise: the function reseeds the one it is given (the original course did).
  for (const seed of [0, 1, 2, 3, 42]) {
    if (seed === inputs.seed) continue;
    const masks = scoped(() => {
      const rng = new RandomState(seed);
      const D1 = rng.rand(inputs.parameters.W1.shape[0], cols);
      const D2 = rng.rand(inputs.parameters.W2.shape[0], cols);
      return (label === "D1" ? D1 : D2).dataSync();
    });
    if (kept.every((v, k) => v === (masks[k] < keepProb ? 1 : 0))) {
      return `Your ${label} is the mask of a generator seeded with ${seed}, not of the one you are given: your function reseeds the generator (rng.seed(${seed})). Then every call, and so every training iteration, draws the same masks. Use the rng you are given as it is.`;
    }
  }
  return undefined;
}

/** A mask that keeps nothing, or everything while keepProb < 1. */
export function diagnoseDegenerateMask(label: string, kept: number[], keepProb: number): string | undefined {
  if (kept.length > 0 && kept.every((v) => v === 0)) return `Your ${label} drops every unit: a unit is kept where its draw is below keepProb, which with keepProb ${keepProb} happens to about ${Math.round(100 * keepProb)}% of them.`;
  if (kept.length > 0 && kept.every((v) => v === 1) && keepProb < 1) return `Your ${label} keeps every unit: draw ${label} with rng.rand(rows, cols) and keep a unit only where its draw is below keepProb.`;
  return undefined;
}

/** Dropout's step in the backward pass, as the student did it: dA from Wᵀ·dZ (their own dZ) and the cache's mask. */
export type BackwardStepVariant = "correct" | "no-mask" | "no-scaling" | "neither" | "times-keepprob" | "one-minus-keepprob";

const BACKWARD_EXPLANATIONS: Record<Exclude<BackwardStepVariant, "correct">, (label: string) => string> = {
  "no-mask": (label) => `${label} is not multiplied by the mask from the cache (step 1): the gradient must flow only through the units the forward pass kept, so a dropped unit gets a zero gradient.`,
  "no-scaling": (label) => `${label} is not divided by keepProb (step 2). The forward pass divided the kept activations by keepProb, so their gradient carries the same factor.`,
  neither: (label) => `${label} is neither masked nor divided by keepProb: the backward pass must apply the forward pass's mask (from the cache) and divide by keepProb.`,
  "times-keepprob": (label) => `${label} is multiplied by keepProb instead of divided by it.`,
  "one-minus-keepprob": (label) => `${label} is divided by 1 - keepProb instead of keepProb.`,
};

/** Which variant of the step the student's dA is, if any (compared with the variants built from their own Wᵀ·dZ). */
export function backwardStepVariant(label: string, received: WireTensor, WTdZ: tf.Tensor2D, D: tf.Tensor2D, keepProb: number): BackwardStepVariant | undefined {
  return scoped(() => {
    const options: [BackwardStepVariant, tf.Tensor][] = [
      ["correct", tf.div(tf.mul(WTdZ, D), keepProb)],
      ["no-mask", tf.div(WTdZ, keepProb)],
      ["no-scaling", tf.mul(WTdZ, D)],
      ["neither", WTdZ],
      ["times-keepprob", tf.mul(tf.mul(WTdZ, D), keepProb)],
      ["one-minus-keepprob", tf.div(tf.mul(WTdZ, D), 1 - keepProb)],
    ];
    for (const [variant, candidate] of options) {
      const wire = fromTensor(candidate);
      if (!wire.values.every(Number.isFinite)) continue; // 1 / (1 - keepProb) at keepProb 1
      if (compare(label, received, wire, false).ok) return variant;
    }
    return undefined;
  });
}

/**
 * Backward: dropout's part of one step, checked against the student's own numbers: dA = Wᵀ·dZ (from
 * their dZ) times the mask, divided by keepProb. Returns an explanation of the first mismatch.
 */
export function diagnoseBackwardStep(
  label: "dA1" | "dA2",
  received: WireTensor,
  WTdZ: tf.Tensor2D,
  D: tf.Tensor2D,
  keepProb: number,
): string | undefined {
  const variant = backwardStepVariant(label, received, WTdZ, D, keepProb);
  if (variant === "correct") return undefined;
  if (variant) return BACKWARD_EXPLANATIONS[variant](label);
  // Nonzero where the forward pass dropped the unit: a different mask.
  const d = D.dataSync();
  if (received.values.some((v, k) => d[k] === 0 && v !== 0)) {
    return `${label} is nonzero where the forward pass dropped the unit: use the masks stored in the cache (D1, D2); drawing a fresh mask in the backward pass sends gradient through units that were never used.`;
  }
  return `${label} does not equal Wᵀ·dZ (from your own dZ) times the mask from the cache, divided by keepProb.`;
}
