/**
 * The L2 assignment's public tests, the notebook's test cells after each exercise: the grader's public L2
 * checks and diagnoses (src/checks/l2/), on the public cases (src/checks/l2/publicCases.json), reported on one
 * screen as the dropout tests are (src/publicTests.ts: a line per check, the first failure with its diagnosis
 * and a window of the tensor, the count; an error without a stack; "All tests passed.").
 */
import type { L2CheckDefinition, L2Evidence, L2Run } from "./checks/l2/l2Checks";
import { L2_CHECK_DEFINITIONS, runL2Checks } from "./checks/l2/l2Checks";
import { costCall, regularizedBackwardCall } from "./checks/l2/l2Calls";
import type { L2FunctionName } from "./checks/l2/l2Calls";
import type { L2PublicCase, L2PublicCases } from "./checks/l2/l2Cases";
import { callGraded } from "./checks/harness";
import type { CallRequest, GradedFunction } from "./checks/harness";
import type { CheckResult } from "./checks/verdicts";
import { formatPublicReport, readPublicCases, runPublicTest, stopIfNotImplemented } from "./publicTests";
import type { PublicReport } from "./publicTests";
import type { BackwardWithRegularization, CostWithRegularization } from "./types";
import type { PublicSuite } from "./checks/publicSuite";

const l2PublicCases = () => readPublicCases<L2PublicCases>("l2", "publicCases.json");

function publicChecks(fn: L2FunctionName): (L2CheckDefinition & { points: number })[] {
  return L2_CHECK_DEFINITIONS.filter((c) => c.public && c.fn === fn).map((c) => ({ ...c, points: 1 }));
}

/**
 * One graded function's public checks on its public cases: each case called as the grader calls it, a stub
 * that is not implemented said once, and the checks' verdicts.
 */
function publicResults<Inputs>(
  fn: L2FunctionName, target: unknown, cases: L2PublicCase<Inputs>[], call: (inputs: Inputs) => CallRequest, evidence: (runs: L2Run<Inputs>[]) => L2Evidence,
): { results: CheckResult[]; runs: L2Run<Inputs>[] } {
  const runs = cases.map((c, id) => ({ spec: c.spec, inputs: c.inputs, result: callGraded(target as GradedFunction, call(c.inputs), { id }) }));
  stopIfNotImplemented(runs.map((r) => r.result));
  const outputs = Object.fromEntries(cases.map((c) => [c.spec.id, c.outputs]));
  const expected = fn === "computeCostWithRegularization" ? { cost: outputs, backward: {} } : { cost: {}, backward: outputs };
  return { results: runL2Checks(evidence(runs), expected, {}, publicChecks(fn)), runs };
}

function reportOf<Inputs>(fn: L2FunctionName, made: { results: CheckResult[]; runs: L2Run<Inputs>[] }): PublicReport {
  const described = made.runs.map((r) => ({ description: r.spec.description, result: r.result }));
  const report = formatPublicReport(fn, described.map((r) => r.description), made.results, described);
  return { ...report, total: made.results.length, course: made.runs.find((r) => r.spec.course)?.result };
}

/** The cost's public report (the test cell's, and the bundle's `npm run check`'s), and what it ran. */
export function costPublicReport(target: CostWithRegularization): PublicReport {
  const fn = "computeCostWithRegularization";
  return reportOf(fn, publicResults(fn, target, l2PublicCases().cost, costCall, (runs) => ({ cost: runs, backward: [] })));
}

/** The regularized backward pass's public report, and what it ran. */
export function regularizedBackwardPublicReport(target: BackwardWithRegularization): PublicReport {
  const fn = "backwardPropagationWithRegularization";
  return reportOf(fn, publicResults(fn, target, l2PublicCases().backward, regularizedBackwardCall, (runs) => ({ cost: [], backward: runs })));
}

export function computeCostWithRegularizationTest(target: CostWithRegularization): void {
  runPublicTest("computeCostWithRegularization", target, costPublicReport, ["cost"]);
}

export function backwardPropagationWithRegularizationTest(target: BackwardWithRegularization): void {
  runPublicTest("backwardPropagationWithRegularization", target, regularizedBackwardPublicReport, ["dW1", "dW2", "dW3"]);
}

/** The L2 notebook's public tests, for the bundle's self-check and the grader's assignment definition. */
export const L2_SUITE: PublicSuite = {
  assignment: "l2-regularization",
  setupCell: "setup",
  gradedCells: { computeCostWithRegularization: "compute_cost_with_regularization", backwardPropagationWithRegularization: "backward_propagation_with_regularization" },
  report: (fn, target) => (fn === "computeCostWithRegularization" ? costPublicReport(target as CostWithRegularization) : regularizedBackwardPublicReport(target as BackwardWithRegularization)),
};
