/**
 * The L2 assignment's checks: from what the student's computeCostWithRegularization and
 * backwardPropagationWithRegularization returned, as plain data, to a verdict and a message per check. The
 * public checks' rules are dropout-kit's (the notebook's public tests run them on the public cases, from data);
 * here they run on every case, with this process's own recomputations (recompute.ts, diagnoses.ts).
 *
 * Scores come from outputs only, compared with the references (the solution's outputs) or with this process's
 * own recomputations (the cross-entropy, the plain backward pass, tf.grad). A rule that a degenerate answer
 * satisfies trivially is gated, and a gate withholds credit only on evidence, which it says: a published answer
 * recalled on a hidden case (unless the reading of every case explains the numbers as a computation), or outputs
 * that stay the same on every case although the right ones differ (testing/verdicts.ts's showsWork). What is
 * wrong is said from the reading of the student's numbers on every case (dropout-kit's describe.ts), whether or
 * not it is a typical mistake, and points follow the checks passed. Expected values of hidden cases are never
 * shown: only the public cases'.
 */
import {
  all, regularizedBackwardReference, backwardGateRuns, biasesIgnored, biasGradientsPlain, biasPairs, callError, compare, costGateRuns, costReference, courseCase, backwardRunsExplained, costRunsExplained, diagnoseBackwardRuns, diagnoseCostRuns,
  fail, flatValues, gated, hidden, inputsUnchanged, isPublicCase, L2_PUBLIC_CHECKS, lambdZero, ok, overCases, PARAMETER_GRADIENTS, scoredResults, showsWork, where, withDiagnosis,
} from "dropout-kit";
import type { CheckOf, CheckResult, L2BackwardRun, L2CostRun, L2Evidence, L2FunctionName, UnavailableOf, Verdict, WireTensor } from "dropout-kit";
import type { L2ExpectedOutputs } from "../cases";
import { notebook } from "../source/settings";
import { recomputedBackwardOutcomes, recomputedCostFacts } from "./diagnoses";
import { autodiffL2Gradients } from "./recompute";

/** Each case's recomputed facts (memoized per run: several checks ask). */
const memo = <R extends object, T>(compute: (run: R) => T) => {
  const known = new WeakMap<R, T>();
  return (run: R) => known.get(run) ?? known.set(run, compute(run)).get(run)!;
};
const costFactsOf = memo((run: L2CostRun) => recomputedCostFacts(run.inputs));
const backwardOutcomesOf = memo((run: L2BackwardRun) => recomputedBackwardOutcomes(run.inputs));
const CONTEXT = { notebookLambd: notebook.LAMBD };

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

/** What the reading of every cost case says of the student's L2 term (with the references' costs as the right ones). */
/** Once per grading: every check asks about the same list of runs (the evidence's), with the same references. */
const onceFor = <R extends object, A extends unknown[], T>(compute: (runs: R[], ...rest: A) => T) => {
  const known = new WeakMap<R[], { value: T }>();
  return (runs: R[], ...rest: A) => (known.get(runs) ?? known.set(runs, { value: compute(runs, ...rest) }).get(runs)!).value;
};
const costDiagnosis = onceFor((runs: L2CostRun[], expected: L2ExpectedOutputs) => diagnoseCostRuns(runs, costFactsWithReferences(expected), CONTEXT));
const backwardDiagnosis = onceFor((runs: L2BackwardRun[]) => diagnoseBackwardRuns(runs, backwardOutcomesOf, CONTEXT));
const costFactsWithReferences = (expected: L2ExpectedOutputs) => (run: L2CostRun) => ({ ...costFactsOf(run), outcomes: { ...costFactsOf(run).outcomes, right: expectedCost(run, expected) } });

/** The answers the course and the public tests publish: recalled on a hidden case, they are no computation. */
const publishedCosts = (runs: L2CostRun[], expected: L2ExpectedOutputs) => runs.filter((r) => isPublicCase(r.spec)).map((r) => ({ where: where(r), values: [expectedCost(r, expected)] }));
const publishedGradients = (runs: L2BackwardRun[], expected: L2ExpectedOutputs) =>
  runs.filter((r) => isPublicCase(r.spec)).map((r) => ({ where: where(r), values: flatValues(PARAMETER_GRADIENTS.map((n) => expectedGradients(r, expected)[n]))! }));

/** The gates: credit withheld only on evidence (a published answer recalled on a hidden case; outputs that ignore the inputs). */
const costExplained = onceFor((runs: L2CostRun[], expected: L2ExpectedOutputs) => costRunsExplained(runs, costFactsWithReferences(expected)));
const backwardExplained = onceFor((runs: L2BackwardRun[]) => backwardRunsExplained(runs, backwardOutcomesOf));
const costShowsWork = (runs: L2CostRun[], expected: L2ExpectedOutputs, all = runs) =>
  showsWork(costGateRuns(runs, (r) => expectedCost(r, expected)), publishedCosts(all, expected), "cost", costExplained(all, expected));
const backwardShowsWork = (runs: L2BackwardRun[], expected: L2ExpectedOutputs, all = runs) =>
  showsWork(backwardGateRuns(runs, (r) => expectedGradients(r, expected)), publishedGradients(all, expected), "gradients", backwardExplained(all));

/** The cases whose expected values are not published: the hidden ones and the course's twin. */
const unpublished = (run: L2CostRun | L2BackwardRun) => !isPublicCase(run.spec);

export type L2CheckDefinition = CheckOf<L2FunctionName, L2Evidence, L2ExpectedOutputs>;

const COST = "computeCostWithRegularization";
const BACKWARD = "backwardPropagationWithRegularization";

export const L2_CHECK_DEFINITIONS: L2CheckDefinition[] = [
  // Rule: the published value. Gate: the twin (the course's inputs, another lambd) is not given the published value.
  {
    ...L2_PUBLIC_CHECKS["cost.course"],
    verdict: ({ cost }, expected) => courseCase(cost, (run, reveal) => costReference(run, expectedCost(run, expected), reveal, costDiagnosis(cost, expected)), (_course, twin) => costShowsWork([twin], expected, cost)),
  },
  // Rule (the references are the evidence): every hidden case (lambd 0, the large one and the course's twin included) equals the solution's cost.
  { id: "cost.cases", fn: COST, public: false, name: "cost: other nets, numbers of examples and lambds", verdict: ({ cost }, expected) => overCases(cost.filter(unpublished), (run) => costReference(run, expectedCost(run, expected), false, costDiagnosis(cost, expected))) },
  // Rule: at lambd = 0 the recomputed cross-entropy. Gate: not a recalled answer, and a cost that follows its inputs.
  {
    id: "cost.lambd-zero", fn: COST, public: false, name: "cost: with lambd = 0 the cost is the plain cross-entropy",
    verdict: ({ cost }, expected) => all(() => overCases(cost.filter((run) => run.inputs.lambd === 0), (run) => lambdZero(run, costFactsOf(run).outcomes["no-term"], costDiagnosis(cost, expected))), () => gated(costShowsWork(cost, expected))),
  },
  { ...L2_PUBLIC_CHECKS["cost.biases"], verdict: ({ cost }, expected) => all(() => overCases(biasPairs(cost), (pair) => biasesIgnored(pair, costDiagnosis(cost, expected))), () => gated(costShowsWork(cost, expected))) },
  { ...L2_PUBLIC_CHECKS["cost.inputs"], verdict: ({ cost }, expected) => inputsUnchanged(cost, "A3, Y or the parameters", () => costShowsWork(cost, expected)) },
  {
    ...L2_PUBLIC_CHECKS["backward.course"],
    verdict: ({ backward }, expected) =>
      courseCase(backward, (run, reveal) => regularizedBackwardReference(run, expectedGradients(run, expected), reveal, backwardDiagnosis(backward)), (_course, twin) => backwardShowsWork([twin], expected, backward)),
  },
  // Rule (the references are the evidence): every hidden case (the course's twin included) equals the solution's gradients.
  { id: "backward.cases", fn: BACKWARD, public: false, name: "backward: other nets, numbers of examples and lambds", verdict: ({ backward }, expected) => overCases(backward.filter(unpublished), (run) => regularizedBackwardReference(run, expectedGradients(run, expected), false, backwardDiagnosis(backward))) },
  { id: "backward.autodiff", fn: BACKWARD, public: false, name: "backward: gradients equal TensorFlow.js's autodiff (tf.grad) of the regularized cost", verdict: ({ backward }) => overCases(backward.filter(hidden), (run) => autodiff(run, backward)) },
  // Rule: db as the plain backward pass's, on every case. Gate: not a recalled answer, and gradients that follow their inputs.
  {
    ...L2_PUBLIC_CHECKS["backward.biases"],
    verdict: ({ backward }, expected) => all(() => overCases(backward, (run) => biasGradientsPlain(run, backwardOutcomesOf(run), backwardDiagnosis(backward))), () => gated(backwardShowsWork(backward, expected))),
  },
  { ...L2_PUBLIC_CHECKS["backward.inputs"], verdict: ({ backward }, expected) => inputsUnchanged(backward, "X, Y or the cache's tensors", () => backwardShowsWork(backward, expected)) },
];

/** Why a whole function could not be checked (missing, not implemented, crashed): every check of it fails with this. */
export type L2Unavailable = UnavailableOf<L2FunctionName>;

// ---------------------------------------------------------------------------------------------- the cost

// ---------------------------------------------------------------------------------------------- the gradients

/** autodiff's order: the output layer first, as a failure is said. */
const AUTODIFF_ORDER = ["dW3", "db3", "dW2", "db2", "dW1", "db1"];

/**
 * backward.autodiff. Rule (the recomputation is the evidence; nothing to gate): on every hidden case, whose
 * cache is the forward pass of its own X, dW1..db3 equal tf.grad of cross-entropy + (λ/2m)·ΣW². The expected
 * gradients are not zero, so zero gradients fail.
 */
function autodiff(run: L2BackwardRun, all: L2BackwardRun[]): Verdict {
  const error = callError(run, where(run));
  if (error) return fail(error);
  const expected = autodiffL2Gradients(run.inputs);
  for (const name of AUTODIFF_ORDER) {
    const c = compare(name, run.result.values[name], expected[name], false);
    if (!c.ok) return withDiagnosis(`On ${where(run)}: ${c.why} (compared with tf.grad of the regularized cost).`, backwardDiagnosis(all));
  }
  return ok();
}

// ---------------------------------------------------------------------------------------------- all

/** Each given check's verdict (the grader passes them all with their points; the public tests the public ones). */
export function runL2Checks(evidence: L2Evidence, expected: L2ExpectedOutputs, unavailable: L2Unavailable, checks: (L2CheckDefinition & { points: number })[]): CheckResult[] {
  return scoredResults(checks, unavailable, evidence, expected);
}
