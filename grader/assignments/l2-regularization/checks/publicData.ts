/**
 * The data the L2 notebook's public tests judge from (src/assignments/l2-regularization/publicTests.json),
 * written by `npm run assign`: each public case's inputs and the solution's outputs, and what every typical
 * mistake gives there, recomputed here (diagnoses.ts). Public cases only: nothing of a hidden case, and no
 * code that computes the L2 term, reaches the student.
 */
import { isPublicCase } from "dropout-kit";
import type { L2PublicData, WireTensor } from "dropout-kit";
import type { L2CaseList, L2CaseSettings, L2ExpectedOutputs } from "../cases";
import { l2BackwardInputs, l2CaseInfo, l2CostInputs } from "../cases";
import { recomputedBackwardOutcomes, recomputedCostOutcomes } from "./diagnoses";

export function l2PublicData(cases: L2CaseList, expected: L2ExpectedOutputs): L2PublicData {
  const publicOf = <Inputs, Outcomes>(list: L2CaseSettings[], inputsOf: (s: L2CaseSettings) => Inputs, outputs: Record<string, Record<string, WireTensor>>, outcomesOf: (inputs: Inputs) => Outcomes) =>
    list.filter(isPublicCase).map((settings) => {
      if (!outputs[settings.id]) throw new Error(`no expected outputs for public L2 case "${settings.id}"`);
      const inputs = inputsOf(settings);
      return { spec: l2CaseInfo(settings), inputs, outputs: outputs[settings.id], outcomes: outcomesOf(inputs) };
    });
  const data = {
    cost: publicOf(cases.cost, l2CostInputs, expected.cost, recomputedCostOutcomes),
    backward: publicOf(cases.backward, l2BackwardInputs, expected.backward, recomputedBackwardOutcomes),
  };
  // Through JSON: no -0 and no undefined, the same values in memory as on disk.
  return JSON.parse(JSON.stringify(data)) as L2PublicData;
}
