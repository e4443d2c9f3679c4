/**
 * The L2 assignment's checks: from what the student's computeCostWithRegularization and
 * backwardPropagationWithRegularization returned, as plain data, to a verdict and a message per check. The
 * public checks' rules are dropout-kit's (the notebook's public tests run them on the public cases, from data);
 * here they run on every case, with this process's own recomputations (recompute.ts, diagnoses.ts).
 *
 * Scores come from outputs only, compared with the references (the solution's outputs) or with this process's
 * own recomputations (the cross-entropy, the plain backward pass, each mistake's outcome, tf.grad). No check passes
 * vacuously: a rule that a degenerate answer satisfies trivially (a constant cost, the plain cross-entropy,
 * the plain backward pass, zero gradients, published values recalled for the published inputs) is credited only
 * together with evidence of real work, as each check's gate says. Expected values of hidden cases are never
 * shown: only the public cases'.
 */
import {
  all, regularizedBackwardReference, backwardWork, biasesIgnored, biasGradientsPlain, biasPairs, callError, compare, costReference, costWork, courseCase, diagnoseCost, diagnoseRegularizedBackward,
  fail, firstFailure, gated, hidden, inputsUnchanged, L2_PUBLIC_CHECKS, lambdZero, ok, overCases, scoredResults, where, withDiagnosis,
} from "dropout-kit";
import type { CheckOf, CheckResult, L2BackwardRun, L2CostRun, L2Evidence, L2FunctionName, UnavailableOf, Verdict, WireTensor } from "dropout-kit";
import type { L2ExpectedOutputs } from "../cases";
import { recomputedBackwardOutcomes, recomputedCostOutcomes } from "./diagnoses";
import { autodiffL2Gradients } from "./recompute";

/** What each mistake gives on a case, recomputed (memoized per run: several checks ask), and the diagnoses from it. */
const costOutcomes = new WeakMap<L2CostRun, ReturnType<typeof recomputedCostOutcomes>>();
const costOutcomesOf = (run: L2CostRun) => costOutcomes.get(run) ?? costOutcomes.set(run, recomputedCostOutcomes(run.inputs)).get(run)!;
const diagnoseCostOf = (run: L2CostRun) => diagnoseCost(run.result, run.inputs.lambd, costOutcomesOf(run));
const diagnoseBackwardOf = (run: L2BackwardRun) => diagnoseRegularizedBackward(run.result, run.inputs.lambd, recomputedBackwardOutcomes(run.inputs));

/** The solution's cost and gradients on a case (the references). */
function expectedCost(run: L2CostRun, expected: L2ExpectedOutputs): number {
  const reference = expected.cost[run.spec.id]?.cost;
  if (!reference) throw new Error(`no reference outputs for cost case "${run.spec.id}"`);
  return reference.values[0];
}
function expectedGradients(run: L2BackwardRun, expected: L2ExpectedOutputs): Record<string, WireTensor> {
  const reference = expected.backward[run.spec.id];
  if (!reference) throw new Error(`no reference outputs for backward case "${run.spec.id}"`);
  return reference;
}

export type L2CheckDefinition = CheckOf<L2FunctionName, L2Evidence, L2ExpectedOutputs>;

const COST = "computeCostWithRegularization";
const BACKWARD = "backwardPropagationWithRegularization";

export const L2_CHECK_DEFINITIONS: L2CheckDefinition[] = [
  { ...L2_PUBLIC_CHECKS["cost.course"], verdict: ({ cost }, expected) => courseCase(cost, (run, reveal) => costReference(run, expectedCost(run, expected), reveal, recomputedCostOutcomes(run.inputs))) },
  // Rule (the references are the evidence): every hidden case (lambd 0 and the large one included) equals the solution's cost.
  { id: "cost.cases", fn: COST, public: false, name: "cost: other nets, numbers of examples and lambds", verdict: ({ cost }, expected) => overCases(cost.filter(hidden), (run) => costReference(run, expectedCost(run, expected), false, recomputedCostOutcomes(run.inputs))) },
  // Rule: at lambd = 0 the recomputed cross-entropy. Gate: real work (the cross-entropy alone everywhere passes it trivially).
  { id: "cost.lambd-zero", fn: COST, public: false, name: "cost: with lambd = 0 the cost is the plain cross-entropy", verdict: ({ cost }) => all(() => overCases(cost.filter((run) => run.inputs.lambd === 0), (run) => lambdZero(run, recomputedCostOutcomes(run.inputs))), () => gated(costWork(cost, costOutcomesOf))) },
  { ...L2_PUBLIC_CHECKS["cost.biases"], verdict: ({ cost }) => all(() => overCases(biasPairs(cost), (pair) => biasesIgnored(pair, diagnoseCostOf)), () => gated(costWork(cost, costOutcomesOf))) },
  { ...L2_PUBLIC_CHECKS["cost.inputs"], verdict: ({ cost }) => inputsUnchanged(cost, "A3, Y or the parameters", () => costWork(cost, costOutcomesOf)) },
  { ...L2_PUBLIC_CHECKS["backward.course"], verdict: ({ backward }, expected) => courseCase(backward, (run, reveal) => regularizedBackwardReference(run, expectedGradients(run, expected), reveal, recomputedBackwardOutcomes(run.inputs))) },
  // Rule (the references are the evidence): every hidden case equals the solution's gradients.
  { id: "backward.cases", fn: BACKWARD, public: false, name: "backward: other nets, numbers of examples and lambds", verdict: ({ backward }, expected) => overCases(backward.filter(hidden), (run) => regularizedBackwardReference(run, expectedGradients(run, expected), false, recomputedBackwardOutcomes(run.inputs))) },
  { id: "backward.autodiff", fn: BACKWARD, public: false, name: "backward: gradients equal TensorFlow.js's autodiff (tf.grad) of the regularized cost", verdict: ({ backward }) => overCases(backward.filter(hidden), autodiff) },
  // Rule: db as the plain backward pass's, on every case. Gate: real work (the plain backward pass passes it trivially).
  { ...L2_PUBLIC_CHECKS["backward.biases"], verdict: ({ backward }) => all(() => overCases(backward, (run) => biasGradientsPlain(run, recomputedBackwardOutcomes(run.inputs))), () => gated(backwardWork(backward))) },
  { ...L2_PUBLIC_CHECKS["backward.inputs"], verdict: ({ backward }) => inputsUnchanged(backward, "X, Y or the cache's tensors", () => backwardWork(backward)) },
];

/** Why a whole function could not be checked (missing, not implemented, crashed): every check of it fails with this. */
export type L2Unavailable = UnavailableOf<L2FunctionName>;

// ---------------------------------------------------------------------------------------------- the cost

// ---------------------------------------------------------------------------------------------- the gradients

const PARAMETER_GRADIENTS = ["dW3", "db3", "dW2", "db2", "dW1", "db1"];

/**
 * backward.autodiff. Rule (the recomputation is the evidence; nothing to gate): on every hidden case, whose
 * cache is the forward pass of its own X, dW1..db3 equal tf.grad of cross-entropy + (λ/2m)·ΣW². The expected
 * gradients are not zero, so zero gradients fail.
 */
function autodiff(run: L2BackwardRun): Verdict {
  const error = callError(run, where(run));
  if (error) return fail(error);
  const expected = autodiffL2Gradients(run.inputs);
  for (const name of PARAMETER_GRADIENTS) {
    const c = compare(name, run.result.values[name], expected[name], false);
    if (!c.ok) return fail(withDiagnosis(`On ${where(run)}: ${c.why} (compared with tf.grad of the regularized cost).`, diagnoseBackwardOf(run)));
  }
  return ok();
}

// ---------------------------------------------------------------------------------------------- all

/** Each given check's verdict (the grader passes them all with their points; the public tests the public ones). */
export function runL2Checks(evidence: L2Evidence, expected: L2ExpectedOutputs, unavailable: L2Unavailable, checks: (L2CheckDefinition & { points: number })[]): CheckResult[] {
  return scoredResults(checks, unavailable, evidence, expected);
}
