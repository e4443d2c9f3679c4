/**
 * The L2 checks' rules, shared by the grader (every case) and the notebook's public tests (the public cases):
 * each compares the student's outputs with the expected ones or the plain parts the course gives (recomputed in
 * grading, read from data in the public tests), with what the reading of every case says is wrong
 * (diagnoses.ts); and the gates' view of the runs (testing/verdicts.ts's showsWork). Never the L2 term.
 */
import { GRADIENT_NAMES } from "../../types";
import { isPublicCase } from "../../testing/cases";
import type { WireTensor } from "../../testing/tensorData";
import { close, compare, round, tensorOf } from "../../testing/tensorData";
import type { Diagnosis, GateRun, Verdict } from "../../testing/verdicts";
import { callError, fail, flatValues, ok } from "../../testing/verdicts";
import type { L2BackwardOutcomes } from "./diagnoses";
import type { L2BackwardRun, L2CostRun } from "./evidence";
import { revealed, studentCost, where, withDiagnosis } from "./evidence";

const LAYERS = [1, 2, 3] as const;

// ---------------------------------------------------------------------------------------------- the cost

/** The cost equals the solution's (the references); `diagnosis`: what the reading of every case says is wrong. */
export function costReference(run: L2CostRun, expected: number, reveal: boolean, diagnosis: Diagnosis | undefined): Verdict {
  const cost = studentCost(run);
  if (!cost.ok) return fail(cost.why);
  if (close(cost.value, expected)) return ok();
  const shown = reveal ? `; expected ${round(expected)}` : ", which is not the right value";
  return withDiagnosis(`On ${where(run)}: the cost is ${round(cost.value)}${shown}.`, diagnosis);
}

/** lambd = 0: nothing to regularize, so the cost is the library's cross-entropy, computeCost(A3, Y). */
export function lambdZero(run: L2CostRun, crossEntropy: number, diagnosis?: Diagnosis): Verdict {
  const cost = studentCost(run);
  if (!cost.ok) return fail(cost.why);
  if (close(cost.value, crossEntropy)) return ok();
  return withDiagnosis(`On ${where(run)}: with lambd = 0 the L2 term is 0, so the cost must be the plain cross-entropy, computeCost(A3, Y); yours is ${round(cost.value)}, which is not it.`, diagnosis);
}

/** The gate's view of cost runs: each cost (or nothing, when it is not a number) with its expected one. */
export function costGateRuns(runs: L2CostRun[], expectedOf: (run: L2CostRun) => number | undefined): GateRun[] {
  return runs.map((run) => {
    const cost = studentCost(run);
    const expected = expectedOf(run);
    return { where: where(run), hidden: !isPublicCase(run.spec), values: cost.ok ? [cost.value] : undefined, expected: expected === undefined ? undefined : [expected] };
  });
}

// ---------------------------------------------------------------------------------------------- the gradients

/** All eleven gradients equal the solution's (the references). */
export function regularizedBackwardReference(run: L2BackwardRun, expected: Record<string, WireTensor>, reveal: boolean, diagnosis: Diagnosis | undefined): Verdict {
  const error = callError(run, where(run));
  if (error) return fail(error);
  for (const name of GRADIENT_NAMES) {
    const c = compare(name, run.result.values[name], expected[name], reveal);
    if (!c.ok) return withDiagnosis(`On ${where(run)}: ${c.why}.`, diagnosis);
  }
  return ok();
}

/** backward.biases' rule: db1, db2, db3 are the plain backward pass's (recomputed, or from data), whatever lambd. */
export function biasGradientsPlain(run: L2BackwardRun, outcomes: L2BackwardOutcomes, diagnosis: Diagnosis | undefined): Verdict {
  const error = callError(run, where(run));
  if (error) return fail(error);
  for (const l of LAYERS) {
    const c = compare(`db${l}`, run.result.values[`db${l}`], outcomes.db[`db${l}`].plain, revealed(run));
    if (!c.ok) {
      const why = `On ${where(run)}: db${l} should be the plain backward pass's, (1/m)·Σ dZ${l} over the examples, since the biases are not regularized; ${c.why}.`;
      return withDiagnosis(why, diagnosis);
    }
  }
  return ok();
}

/** The gate's view of backward runs: the gradients dW1..db1 flattened (or nothing, on an error) with the expected ones. */
export function backwardGateRuns(runs: L2BackwardRun[], expectedOf: (run: L2BackwardRun) => Record<string, WireTensor> | undefined): GateRun[] {
  return runs.map((run) => {
    const given = expectedOf(run);
    return {
      where: where(run),
      hidden: !isPublicCase(run.spec),
      values: run.result.ok ? flatValues(PARAMETER_GRADIENTS.map((name) => tensorOf(run.result.values[name]))) : undefined,
      expected: given ? flatValues(PARAMETER_GRADIENTS.map((name) => given[name])) : undefined,
    };
  });
}

/** The gradients of the parameters, as a gate compares them. */
export const PARAMETER_GRADIENTS = ["dW1", "db1", "dW2", "db2", "dW3", "db3"];
