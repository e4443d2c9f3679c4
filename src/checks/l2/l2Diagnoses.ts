/**
 * Naming the mistake behind a wrong L2 answer, in words a student understands. Each diagnosis is an
 * experiment, not a guess: the cost (or the gradients) recomputed here with one typical mistake built in, said
 * only when that recomputation gives the student's numbers, and no other one (nor the right answer) does.
 * At lambd = 0 every mistake of the L2 term gives the right answer: nothing is said.
 */
import type { CallResult, WireTensor } from "../tensorData";
import { close, compare, tensorOf } from "../tensorData";
import type { L2BackwardInputs, L2CostInputs } from "./l2Calls";
import type { Layer, WeightStatistics } from "./l2Recompute";
import { crossEntropyOf, examplesOf, LAYERS, plainGradientsOf, plusMultiple, weightStatistics } from "./l2Recompute";

// ---------------------------------------------------------------------------------------------- the cost

const total = (perLayer: Record<Layer, number>, except?: Layer) => LAYERS.reduce((sum, l) => (l === except ? sum : sum + perLayer[l]), 0);

interface CostVariant {
  /** The L2 term this variant adds to the cross-entropy. */
  term: (w: WeightStatistics, lambd: number, m: number) => number;
  /** What the student reads when their cost is this variant's (empty for the right one). */
  explanation: string;
}

/** The cost's L2 term as the assignment asks: (1/m)·(λ/2)·(ΣW1² + ΣW2² + ΣW3²). */
const RIGHT_COST: CostVariant = { term: (w, lambd, m) => (lambd / (2 * m)) * total(w.squares), explanation: "" };

const missingLayer = (layer: Layer): CostVariant => ({
  term: (w, lambd, m) => (lambd / (2 * m)) * total(w.squares, layer),
  explanation: `Your L2 term leaves out W${layer}: sum the squared weights of all three layers, ΣW1² + ΣW2² + ΣW3², then multiply by (1/m)·(λ/2).`,
});

export const COST_VARIANTS: CostVariant[] = [
  {
    term: (w, lambd) => (lambd / 2) * total(w.squares),
    explanation: "Your L2 term is (λ/2)·ΣW², not divided by m. Like the cross-entropy, it is averaged over the m examples: (1/m)·(λ/2)·ΣW². m is the number of examples, Y.shape[1] (Y.shape[0] is 1, the number of output units).",
  },
  {
    term: (w, lambd, m) => (lambd / m) * total(w.squares),
    explanation: "Your L2 term is (λ/m)·ΣW², twice the course's: it is (1/m)·(λ/2)·ΣW². The 1/2 is there so that its derivative is the (λ/m)·W the backward pass adds to each dW.",
  },
  {
    term: (w, lambd, m) => (lambd / (2 * m)) * (total(w.squares) + total(w.biasSquares)),
    explanation: "Your L2 term also counts the squared biases. L2 regularization penalizes the weights only: sum the squares of W1, W2 and W3, and leave b1, b2 and b3 out.",
  },
  {
    term: (w, lambd, m) => (lambd / (2 * m)) * total(w.sums),
    explanation: "Your L2 term sums the weights themselves, not their squares: use tf.sum(tf.square(W1)), and likewise for W2 and W3.",
  },
  ...LAYERS.map(missingLayer),
  {
    term: () => 0,
    explanation: "Your cost is the plain cross-entropy: the L2 term (1/m)·(λ/2)·(ΣW1² + ΣW2² + ΣW3²) is not added to it.",
  },
  {
    term: (w, lambd, m) => -(lambd / (2 * m)) * total(w.squares),
    explanation: "Your L2 term is subtracted from the cross-entropy: add it. The penalty makes large weights cost more, so that gradient descent keeps them small.",
  },
];

/** The student's cost, when it is a finite number. */
export function costValueOf(result: CallResult): number | undefined {
  const t = tensorOf(result.values.cost);
  return t && t.values.length === 1 && Number.isFinite(t.values[0]) ? t.values[0] : undefined;
}

/** Which typical mistake of the L2 term the student's cost is, if exactly one recomputation gives it. */
export function diagnoseCost(result: CallResult, inputs: L2CostInputs): string | undefined {
  const cost = costValueOf(result);
  if (cost === undefined || inputs.lambd === 0) return undefined;
  const crossEntropy = crossEntropyOf(inputs);
  const w = weightStatistics(inputs.parameters);
  const m = examplesOf(inputs);
  const gives = (variant: CostVariant) => close(cost, crossEntropy + variant.term(w, inputs.lambd, m));
  if (gives(RIGHT_COST)) return undefined;
  const fitting = COST_VARIANTS.filter(gives);
  return fitting.length === 1 ? fitting[0].explanation : undefined;
}

// ---------------------------------------------------------------------------------------------- the gradients

interface WeightTermVariant {
  id: "right" | "missing" | "no-m" | "half" | "sign";
  /** The factor of W_l this variant adds to the plain dW_l. */
  factor: (lambd: number, m: number) => number;
  /** Said of the layers whose dW has this variant's term ("Your dW2 has ..."), where the right term is (λ/m)·W. */
  says: (layers: string, has: string) => string;
}

export const WEIGHT_TERM_VARIANTS: WeightTermVariant[] = [
  { id: "right", factor: (lambd, m) => lambd / m, says: () => "" },
  {
    id: "missing",
    factor: () => 0,
    says: (layers, has) => `Your ${layers} ${has} no regularization term: each dW_l is the plain backward pass's plus (λ/m)·W_l, the derivative of the cost's L2 term.`,
  },
  {
    id: "no-m",
    factor: (lambd) => lambd,
    says: (layers, has) => `Your ${layers} ${has} the regularization term λ·W, not divided by m: the cost's L2 term is averaged over the m examples, and so is its derivative, (λ/m)·W.`,
  },
  {
    id: "half",
    factor: (lambd, m) => lambd / (2 * m),
    says: (layers, has) => `Your ${layers} ${has} the regularization term (λ/(2m))·W, half of it: the derivative of (λ/(2m))·W² is (λ/m)·W (the square's 2 cancels the 1/2).`,
  },
  {
    id: "sign",
    factor: (lambd, m) => -lambd / m,
    says: (layers, has) => `Your ${layers} ${has} the regularization term subtracted: the derivative of + (λ/(2m))·ΣW² is + (λ/m)·W. Added, it makes every gradient step shrink the weights (weight decay).`,
  },
];

/** "dW2", "dW1 and dW3", "dW1, dW2 and dW3". */
function listed(names: string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** The variants whose term, added to the plain gradient, gives the student's `label` (a dW or a db). */
function fittingFactors<V extends { factor: (lambd: number, m: number) => number }>(
  variants: V[], label: string, got: WireTensor, plain: WireTensor, weight: WireTensor, lambd: number, m: number,
): V[] {
  return variants.filter((v) => compare(label, got, plusMultiple(plain, v.factor(lambd, m), weight), false).ok);
}

/** Each layer's dW explained by one term variant, or nothing said (a layer no single variant explains). */
function weightTermFinding(result: CallResult, inputs: L2BackwardInputs, plain: Record<string, WireTensor>): string | undefined {
  const m = examplesOf(inputs);
  const byLayer: WeightTermVariant["id"][] = [];
  for (const l of LAYERS) {
    const got = tensorOf(result.values[`dW${l}`]);
    if (!got) return undefined;
    const fits = fittingFactors(WEIGHT_TERM_VARIANTS, `dW${l}`, got, plain[`dW${l}`], inputs.cache[`W${l}`], inputs.lambd, m);
    if (fits.length === 0 || (fits.length > 1 && fits[0].id !== "right")) return undefined;
    byLayer.push(fits[0].id);
  }
  const sentences = WEIGHT_TERM_VARIANTS.filter((v) => v.id !== "right").flatMap((variant) => {
    const layers = LAYERS.filter((_, k) => byLayer[k] === variant.id).map((l) => `dW${l}`);
    return layers.length === 0 ? [] : [variant.says(listed(layers), layers.length === 1 ? "has" : "have")];
  });
  return sentences.length > 0 ? sentences.join(" ") : undefined;
}

const BIAS_TERM = { factor: (lambd: number, m: number) => lambd / m };

/** The biases regularized: every db is the plain one or the plain one plus (λ/m)·b, and some db is the latter only. */
function biasTermFinding(result: CallResult, inputs: L2BackwardInputs, plain: Record<string, WireTensor>): string | undefined {
  const m = examplesOf(inputs);
  const regularized: string[] = [];
  for (const l of LAYERS) {
    const got = tensorOf(result.values[`db${l}`]);
    if (!got) return undefined;
    const asPlain = compare(`db${l}`, got, plain[`db${l}`], false).ok;
    if (asPlain) continue;
    if (fittingFactors([BIAS_TERM], `db${l}`, got, plain[`db${l}`], inputs.cache[`b${l}`], inputs.lambd, m).length === 0) return undefined;
    regularized.push(`db${l}`);
  }
  if (regularized.length === 0) return undefined;
  return `Your ${listed(regularized)} ${regularized.length === 1 ? "includes" : "include"} a regularization term (λ/m)·b. The biases are not regularized (the cost's L2 term has no b), so db1, db2 and db3 are the plain backward pass's.`;
}

/**
 * Which typical mistake of the regularization terms the student's gradients are: the dW's (a term missing,
 * λ·W, (λ/(2m))·W, subtracted; per layer, so a single layer's missing term is named), and the db's (the
 * biases regularized). Each is said only when the plain backward pass recomputed here plus that term gives the
 * student's numbers.
 */
export function diagnoseRegularizedBackward(result: CallResult, inputs: L2BackwardInputs): string | undefined {
  if (inputs.lambd === 0) return undefined;
  const plain = plainGradientsOf(inputs);
  const findings = [weightTermFinding(result, inputs, plain), biasTermFinding(result, inputs, plain)].filter(Boolean);
  return findings.length > 0 ? findings.join("\n") : undefined;
}
