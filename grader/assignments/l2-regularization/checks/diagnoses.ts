/**
 * The facts dropout-kit's reading of a student's L2 numbers needs on a case (src/assignments/l2-regularization/
 * diagnoses.ts, describe.ts), recomputed here: the cross-entropy of the case's A3 and Y, the right cost, the
 * statistics of its weights (ΣW_l², ΣW_l, Σb_l² by layer), and the plain and right gradients. In grading they
 * are recomputed on every case; `npm run assign` writes them for the public cases into the public tests' data.
 */
import type { L2BackwardInputs, L2BackwardOutcomes, L2CostFacts, L2CostInputs, WeightStatistics } from "dropout-kit";
import { crossEntropyOf, examplesOf, LAYERS, plainGradientsOf, plusMultiple, regularizedCostOf, weightStatistics } from "./recompute";

/** ΣW_l², ΣW_l and Σb_l² of a case's parameters, as lists by layer (index 0 is layer 1). */
export function statisticsOf(inputs: L2CostInputs): WeightStatistics {
  const w = weightStatistics(inputs.parameters);
  return { squares: LAYERS.map((l) => w.squares[l]), sums: LAYERS.map((l) => w.sums[l]), biasSquares: LAYERS.map((l) => w.biasSquares[l]) };
}

/** A cost case's facts: "no-term", the cross-entropy computeCost(A3, Y); "right", the regularized cost; the statistics. */
export function recomputedCostFacts(inputs: L2CostInputs): L2CostFacts {
  return { outcomes: { "no-term": crossEntropyOf(inputs), right: regularizedCostOf(inputs) }, statistics: statisticsOf(inputs) };
}

/** A backward case's facts: each dW_l plain ("missing") and right (plus (λ/m)·W_l), each db_l plain. */
export function recomputedBackwardOutcomes(inputs: L2BackwardInputs): L2BackwardOutcomes {
  const plain = plainGradientsOf(inputs);
  const m = examplesOf(inputs);
  const outcomes: L2BackwardOutcomes = { dW: {}, db: {} };
  for (const l of LAYERS) {
    outcomes.dW[`dW${l}`] = { missing: plain[`dW${l}`], right: plusMultiple(plain[`dW${l}`], inputs.lambd / m, inputs.cache[`W${l}`]) };
    outcomes.db[`db${l}`] = { plain: plain[`db${l}`] };
  }
  return outcomes;
}
