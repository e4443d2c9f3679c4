/**
 * Naming the mistake behind a wrong L2 answer, in words a student understands. Each diagnosis is an
 * experiment, not a guess: a mistake is named only when what it gives on the case (its outcome) equals the
 * student's numbers, and no other mistake's outcome (nor the right answer) does. At lambd = 0 every mistake
 * of the L2 term gives the right answer: nothing is said.
 *
 * Nothing here computes the L2 term or its gradient: the outcomes come from outside. The grader recomputes them
 * on every case (grader/assignments/l2-regularization/checks/); the notebook's public tests read them from the
 * data `npm run assign` wrote for the public cases.
 */
import type { CallResult, WireTensor } from "../../testing/tensorData";
import { close, compare, tensorOf } from "../../testing/tensorData";

// ---------------------------------------------------------------------------------------------- the cost

/** The typical mistakes of the cost's L2 term, by id, and what a student reads when their cost is one. */
export const COST_MISTAKES: { id: string; explanation: string }[] = [
  { id: "no-m", explanation: "Your L2 term is (λ/2)·ΣW², not divided by m. Like the cross-entropy, it is averaged over the m examples: (1/m)·(λ/2)·ΣW². m is the number of examples, Y.shape[1] (Y.shape[0] is 1, the number of output units)." },
  { id: "lambd-over-m", explanation: "Your L2 term is (λ/m)·ΣW², twice the course's: it is (1/m)·(λ/2)·ΣW². The 1/2 is there so that its derivative is the (λ/m)·W the backward pass adds to each dW." },
  { id: "biases", explanation: "Your L2 term also counts the squared biases. L2 regularization penalizes the weights only: sum the squares of W1, W2 and W3, and leave b1, b2 and b3 out." },
  { id: "sums", explanation: "Your L2 term sums the weights themselves, not their squares: use tf.sum(tf.square(W1)), and likewise for W2 and W3." },
  ...[1, 2, 3].map((layer) => ({ id: `missing-W${layer}`, explanation: `Your L2 term leaves out W${layer}: sum the squared weights of all three layers, ΣW1² + ΣW2² + ΣW3², then multiply by (1/m)·(λ/2).` })),
  { id: "no-term", explanation: "Your cost is the plain cross-entropy: the L2 term (1/m)·(λ/2)·(ΣW1² + ΣW2² + ΣW3²) is not added to it." },
  { id: "subtracted", explanation: "Your L2 term is subtracted from the cross-entropy: add it. The penalty makes large weights cost more, so that gradient descent keeps them small." },
];

/** The cost each mistake gives on a case ("right": the right cost; "no-term": the plain cross-entropy), by COST_MISTAKES id. */
export type L2CostOutcomes = Record<string, number>;

/** The student's cost, when it is a finite number. */
export function costValueOf(result: CallResult): number | undefined {
  const t = tensorOf(result.values.cost);
  return t && t.values.length === 1 && Number.isFinite(t.values[0]) ? t.values[0] : undefined;
}

/** Which typical mistake of the L2 term the student's cost is, if exactly one outcome gives it. */
export function diagnoseCost(result: CallResult, lambd: number, outcomes: L2CostOutcomes): string | undefined {
  const cost = costValueOf(result);
  if (cost === undefined || lambd === 0) return undefined;
  const gives = (id: string) => outcomes[id] !== undefined && close(cost, outcomes[id]);
  if (gives("right")) return undefined;
  const fitting = COST_MISTAKES.filter((m) => gives(m.id));
  return fitting.length === 1 ? fitting[0].explanation : undefined;
}

// ---------------------------------------------------------------------------------------------- the gradients

/** The terms a dW_l may have, in the order they are tried ("right" first), and what is said of the layers that have a wrong one. */
export const WEIGHT_TERMS: { id: "right" | "missing" | "no-m" | "half" | "sign"; says: (layers: string, has: string) => string }[] = [
  { id: "right", says: () => "" },
  { id: "missing", says: (layers, has) => `Your ${layers} ${has} no regularization term: each dW_l is the plain backward pass's plus (λ/m)·W_l, the derivative of the cost's L2 term.` },
  { id: "no-m", says: (layers, has) => `Your ${layers} ${has} the regularization term λ·W, not divided by m: the cost's L2 term is averaged over the m examples, and so is its derivative, (λ/m)·W.` },
  { id: "half", says: (layers, has) => `Your ${layers} ${has} the regularization term (λ/(2m))·W, half of it: the derivative of (λ/(2m))·W² is (λ/m)·W (the square's 2 cancels the 1/2).` },
  { id: "sign", says: (layers, has) => `Your ${layers} ${has} the regularization term subtracted: the derivative of + (λ/(2m))·ΣW² is + (λ/m)·W. Added, it makes every gradient step shrink the weights (weight decay).` },
];

/**
 * What the typical mistakes give on a backward case: each dW_l with each term of WEIGHT_TERMS (the plain
 * gradient plus that multiple of W_l), and each db_l plain and with (λ/m)·b_l added.
 */
export interface L2BackwardOutcomes {
  dW: Record<string, Partial<Record<(typeof WEIGHT_TERMS)[number]["id"], WireTensor>>>;
  db: Record<string, { plain: WireTensor; regularized: WireTensor }>;
}

const LAYERS = [1, 2, 3] as const;

/** "dW2", "dW1 and dW3", "dW1, dW2 and dW3". */
function listed(names: string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Each layer's dW explained by one term, or nothing said (a layer no single term explains). */
function weightTermFinding(result: CallResult, outcomes: L2BackwardOutcomes): string | undefined {
  const byLayer: string[] = [];
  for (const l of LAYERS) {
    const got = tensorOf(result.values[`dW${l}`]);
    const terms = outcomes.dW[`dW${l}`];
    if (!got || !terms) return undefined;
    const fits = WEIGHT_TERMS.filter((t) => terms[t.id] && compare(`dW${l}`, got, terms[t.id]!, false).ok);
    if (fits.length === 0 || (fits.length > 1 && fits[0].id !== "right")) return undefined;
    byLayer.push(fits[0].id);
  }
  const sentences = WEIGHT_TERMS.filter((t) => t.id !== "right").flatMap((term) => {
    const layers = LAYERS.filter((_, k) => byLayer[k] === term.id).map((l) => `dW${l}`);
    return layers.length === 0 ? [] : [term.says(listed(layers), layers.length === 1 ? "has" : "have")];
  });
  return sentences.length > 0 ? sentences.join(" ") : undefined;
}

/** The biases regularized: every db is the plain one or the plain one plus (λ/m)·b, and some db is the latter only. */
function biasTermFinding(result: CallResult, outcomes: L2BackwardOutcomes): string | undefined {
  const regularized: string[] = [];
  for (const l of LAYERS) {
    const got = tensorOf(result.values[`db${l}`]);
    const db = outcomes.db[`db${l}`];
    if (!got || !db) return undefined;
    if (compare(`db${l}`, got, db.plain, false).ok) continue;
    if (!compare(`db${l}`, got, db.regularized, false).ok) return undefined;
    regularized.push(`db${l}`);
  }
  if (regularized.length === 0) return undefined;
  return `Your ${listed(regularized)} ${regularized.length === 1 ? "includes" : "include"} a regularization term (λ/m)·b. The biases are not regularized (the cost's L2 term has no b), so db1, db2 and db3 are the plain backward pass's.`;
}

/**
 * Which typical mistake of the regularization terms the student's gradients are: the dW's (a term missing,
 * λ·W, (λ/(2m))·W, subtracted; per layer, so a single layer's missing term is named), and the db's (the
 * biases regularized). Each is said only when that mistake's outcome gives the student's numbers.
 */
export function diagnoseRegularizedBackward(result: CallResult, lambd: number, outcomes: L2BackwardOutcomes): string | undefined {
  if (lambd === 0) return undefined;
  const findings = [weightTermFinding(result, outcomes), biasTermFinding(result, outcomes)].filter(Boolean);
  return findings.length > 0 ? findings.join("\n") : undefined;
}
