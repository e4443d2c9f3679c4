/**
 * What each typical L2 mistake gives on a case, recomputed: the evidence dropout-kit's L2 diagnoses compare a
 * student's numbers with (in grading on every case; `npm run assign` writes it for the public cases into the
 * public tests' data). The mistakes' words are the library's (COST_MISTAKES, WEIGHT_TERMS).
 */
import { COST_MISTAKES, WEIGHT_TERMS } from "dropout-kit";
import type { L2BackwardInputs, L2BackwardOutcomes, L2CostInputs, L2CostOutcomes } from "dropout-kit";
import type { Layer, WeightStatistics } from "./recompute";
import { crossEntropyOf, examplesOf, LAYERS, plainGradientsOf, plusMultiple, weightStatistics } from "./recompute";

const total = (perLayer: Record<Layer, number>, except?: Layer) => LAYERS.reduce((sum, l) => (l === except ? sum : sum + perLayer[l]), 0);

type Term = (w: WeightStatistics, lambd: number, m: number) => number;

/** The L2 term each cost mistake adds to the cross-entropy ("right": the course's (1/m)·(λ/2)·ΣW²). */
const COST_TERMS: Record<string, Term> = {
  right: (w, lambd, m) => (lambd / (2 * m)) * total(w.squares),
  "no-m": (w, lambd) => (lambd / 2) * total(w.squares),
  "lambd-over-m": (w, lambd, m) => (lambd / m) * total(w.squares),
  biases: (w, lambd, m) => (lambd / (2 * m)) * (total(w.squares) + total(w.biasSquares)),
  sums: (w, lambd, m) => (lambd / (2 * m)) * total(w.sums),
  ...Object.fromEntries(LAYERS.map((layer) => [`missing-W${layer}`, ((w, lambd, m) => (lambd / (2 * m)) * total(w.squares, layer)) as Term])),
  "no-term": () => 0,
  subtracted: (w, lambd, m) => -(lambd / (2 * m)) * total(w.squares),
};
{
  const missing = COST_MISTAKES.filter((m) => !COST_TERMS[m.id]).map((m) => m.id);
  if (missing.length) throw new Error(`L2 cost mistakes without a recomputation: ${missing.join(", ")}`);
}

/** The cost every mistake gives on a case. */
export function recomputedCostOutcomes(inputs: L2CostInputs): L2CostOutcomes {
  const crossEntropy = crossEntropyOf(inputs);
  const w = weightStatistics(inputs.parameters);
  const m = examplesOf(inputs);
  return Object.fromEntries(Object.entries(COST_TERMS).map(([id, term]) => [id, crossEntropy + term(w, inputs.lambd, m)]));
}

/** The factor of W_l each weight term adds to the plain dW_l. */
const WEIGHT_FACTORS: Record<(typeof WEIGHT_TERMS)[number]["id"], (lambd: number, m: number) => number> = {
  right: (lambd, m) => lambd / m,
  missing: () => 0,
  "no-m": (lambd) => lambd,
  half: (lambd, m) => lambd / (2 * m),
  sign: (lambd, m) => -lambd / m,
};

/** Each dW_l with each weight term, and each db_l plain and regularized, on a case. */
export function recomputedBackwardOutcomes(inputs: L2BackwardInputs): L2BackwardOutcomes {
  const plain = plainGradientsOf(inputs);
  const m = examplesOf(inputs);
  const outcomes: L2BackwardOutcomes = { dW: {}, db: {} };
  for (const l of LAYERS) {
    outcomes.dW[`dW${l}`] = Object.fromEntries(WEIGHT_TERMS.map((t) => [t.id, plusMultiple(plain[`dW${l}`], WEIGHT_FACTORS[t.id](inputs.lambd, m), inputs.cache[`W${l}`])]));
    outcomes.db[`db${l}`] = { plain: plain[`db${l}`], regularized: plusMultiple(plain[`db${l}`], inputs.lambd / m, inputs.cache[`b${l}`]) };
  }
  return outcomes;
}
