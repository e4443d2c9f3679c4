/**
 * The data the L2 notebook's public tests judge from (src/assignments/l2-regularization/publicTests.json),
 * written by `npm run assign`: each public case's inputs and the solution's outputs, and what every typical
 * mistake gives there, recomputed here (diagnoses.ts). Public cases only: nothing of a hidden case (no outcome
 * that equals a hidden answer), and no code that computes the L2 term, reaches the student.
 */
import { isPublicCase } from "dropout-kit";
import type { L2BackwardInputs, L2BackwardOutcomes, L2CostInputs, L2PublicData, WireTensor } from "dropout-kit";
import { hiddenNumbers, holdsHidden } from "../../../assign/public-data";
import type { L2CaseList, L2CaseSettings, L2ExpectedOutputs } from "../cases";
import { l2BackwardInputs, l2CaseInfo, l2CostInputs } from "../cases";
import { recomputedBackwardOutcomes, recomputedCostFacts } from "./diagnoses";

/** The hidden cases' answers no public case shows: an outcome holding one is left out (grader/assign/public-data.ts). */
function hiddenOf(cases: L2CaseList, expected: L2ExpectedOutputs): Set<number> {
  const tensors = (list: L2CaseSettings[], outputs: Record<string, Record<string, WireTensor>>, hidden: boolean) => list.filter((s) => isPublicCase(s) !== hidden).flatMap((s) => Object.values(outputs[s.id] ?? {}));
  return hiddenNumbers([...tensors(cases.cost, expected.cost, true), ...tensors(cases.backward, expected.backward, true)], [...tensors(cases.cost, expected.cost, false), ...tensors(cases.backward, expected.backward, false)]);
}

export function l2PublicData(cases: L2CaseList, expected: L2ExpectedOutputs, notebookLambd: number): L2PublicData {
  const hidden = hiddenOf(cases, expected);
  const costOutcomes = (inputs: L2CostInputs) => Object.fromEntries(Object.entries(recomputedCostFacts(inputs).outcomes).filter(([, cost]) => !hidden.has(cost)));
  const backwardOutcomes = (inputs: L2BackwardInputs): L2BackwardOutcomes => {
    const outcomes = recomputedBackwardOutcomes(inputs);
    const clean = (t: WireTensor) => !holdsHidden([t], hidden);
    return {
      dW: Object.fromEntries(Object.entries(outcomes.dW).filter(([, terms]) => clean(terms.missing)).map(([name, terms]) => [name, terms.right && clean(terms.right) ? terms : { missing: terms.missing }])),
      db: Object.fromEntries(Object.entries(outcomes.db).filter(([, db]) => clean(db.plain))),
    };
  };
  const publicOf = <Inputs, Outcomes>(list: L2CaseSettings[], inputsOf: (s: L2CaseSettings) => Inputs, outputs: Record<string, Record<string, WireTensor>>, outcomesOf: (inputs: Inputs) => Outcomes) =>
    list.filter(isPublicCase).map((settings) => {
      if (!outputs[settings.id]) throw new Error(`no expected outputs for public L2 case "${settings.id}"`);
      const inputs = inputsOf(settings);
      return { spec: l2CaseInfo(settings), inputs, outputs: outputs[settings.id], outcomes: outcomesOf(inputs) };
    });
  const data = {
    notebookLambd,
    cost: publicOf(cases.cost, l2CostInputs, expected.cost, costOutcomes).map((c) => ({ ...c, statistics: recomputedCostFacts(c.inputs).statistics })),
    backward: publicOf(cases.backward, l2BackwardInputs, expected.backward, backwardOutcomes),
  };
  // Through JSON: no -0 and no undefined, the same values in memory as on disk.
  return JSON.parse(JSON.stringify(data)) as L2PublicData;
}
