/**
 * The L2 notebook's public tests (its test cells, and the bundle's `npm run check`): the grader's public L2
 * checks, with the same rules and messages (rules.ts, evidence.ts), on the public cases, judged from data that
 * `npm run assign` precomputes for those cases only (publicTests.json): the inputs, the solution's outputs,
 * and what each typical mistake gives there (the cost of each wrong L2 term, each dW with each wrong term, each
 * db plain and regularized). Reported on one screen as every public test is (testing/report.ts).
 */
import { callGraded } from "../../testing/harness";
import type { GradedFunction } from "../../testing/harness";
import type { PublicSuite } from "../../testing/publicSuite";
import type { PublicReport } from "../../testing/report";
import { formatPublicReport, readPublicData, runPublicTest, stopIfNotImplemented } from "../../testing/report";
import type { WireTensor } from "../../testing/tensorData";
import type { Judged, Verdict } from "../../testing/verdicts";
import { all, publicChecksOf, fail, gated, overCases, scoredResults } from "../../testing/verdicts";
import type { BackwardWithRegularization, CostWithRegularization } from "../../types";
import { costCall, regularizedBackwardCall } from "./calls";
import type { L2BackwardInputs, L2CaseInfo, L2CostInputs, L2FunctionName } from "./calls";
import type { L2BackwardOutcomes, L2CostOutcomes } from "./diagnoses";
import { diagnoseCost } from "./diagnoses";
import type { L2BackwardRun, L2CostRun } from "./evidence";
import { biasesIgnored, biasPairs, inputsUnchanged } from "./evidence";
import { regularizedBackwardReference, backwardWork, biasGradientsPlain, costReference, costWork } from "./rules";

const COST = "computeCostWithRegularization";
const BACKWARD = "backwardPropagationWithRegularization";

/** The public checks, as the grader lists them too (its check table takes their ids and names from here). */
export const L2_PUBLIC_CHECKS = {
  "cost.course": { id: "cost.course", fn: COST, public: true, name: "cost: the course's published case" },
  "cost.biases": { id: "cost.biases", fn: COST, public: true, name: "cost: the biases are not regularized (other biases, the same cost)" },
  "cost.inputs": { id: "cost.inputs", fn: COST, public: true, name: "cost: inputs left unchanged" },
  "backward.course": { id: "backward.course", fn: BACKWARD, public: true, name: "backward: the course's published case" },
  "backward.biases": { id: "backward.biases", fn: BACKWARD, public: true, name: "backward: the biases are not regularized (db is the plain backward pass's)" },
  "backward.inputs": { id: "backward.inputs", fn: BACKWARD, public: true, name: "backward: inputs left unchanged" },
} as const satisfies Record<string, { id: string; fn: L2FunctionName; public: true; name: string }>;

/** A public case with its expected outputs and what each typical mistake gives on it. */
export interface L2PublicCase<Inputs, Outcomes> {
  spec: L2CaseInfo;
  inputs: Inputs;
  outputs: Record<string, WireTensor>;
  outcomes: Outcomes;
}

/** The public tests' data (publicTests.json beside this file): public cases only. */
export interface L2PublicData {
  cost: L2PublicCase<L2CostInputs, L2CostOutcomes>[];
  backward: L2PublicCase<L2BackwardInputs, L2BackwardOutcomes>[];
}

const publicData = () => readPublicData<L2PublicData>("l2-regularization");

type CostEvidence = Judged<L2CostRun, L2PublicData["cost"][number]>[];
type BackwardEvidence = Judged<L2BackwardRun, L2PublicData["backward"][number]>[];

/** Each run's mistakes' outcomes, from its case's data. */
function outcomesOf<R, O>(runs: Judged<R, { outcomes: O }>[]): (run: R) => O {
  const byRun = new Map(runs.map((r) => [r.run, r.data.outcomes]));
  return (run) => byRun.get(run)!;
}

const COST_RULES: Record<string, (runs: CostEvidence) => Verdict> = {
  "cost.course": (runs) => {
    const course = runs.find((r) => r.run.spec.course);
    return course ? costReference(course.run, course.data.outputs.cost.values[0], true, course.data.outcomes) : fail("The course's case was not run.");
  },
  "cost.biases": (runs) => {
    const outcomes = outcomesOf(runs);
    const costs = runs.map((r) => r.run);
    return all(() => overCases(biasPairs(costs), (pair) => biasesIgnored(pair, (run) => diagnoseCost(run.result, run.inputs.lambd, outcomes(run)))), () => gated(costWork(costs, outcomes)));
  },
  "cost.inputs": (runs) => inputsUnchanged(runs.map((r) => r.run), "A3, Y or the parameters", () => costWork(runs.map((r) => r.run), outcomesOf(runs))),
};

const BACKWARD_RULES: Record<string, (runs: BackwardEvidence) => Verdict> = {
  "backward.course": (runs) => {
    const course = runs.find((r) => r.run.spec.course);
    return course ? regularizedBackwardReference(course.run, course.data.outputs, true, course.data.outcomes) : fail("The course's case was not run.");
  },
  "backward.biases": (runs) => all(() => overCases(runs, ({ run, data }) => biasGradientsPlain(run, data.outcomes)), () => gated(backwardWork(runs.map((r) => r.run)))),
  "backward.inputs": (runs) => inputsUnchanged(runs.map((r) => r.run), "X, Y or the cache's tensors", () => backwardWork(runs.map((r) => r.run))),
};


/** One graded function's public report: each public case called as the grader calls it, the stub said once, the checks' verdicts. */
function reportOf<Inputs, Outcomes, Run extends { spec: L2CaseInfo; inputs: Inputs; result: import("../../testing/tensorData").CallResult }>(
  fn: L2FunctionName, target: unknown, cases: L2PublicCase<Inputs, Outcomes>[], call: (inputs: Inputs) => import("../../testing/harness").CallRequest, rules: Record<string, (runs: Judged<Run, L2PublicCase<Inputs, Outcomes>>[]) => Verdict>,
): PublicReport {
  const runs = cases.map((data, id) => ({ data, run: { spec: data.spec, inputs: data.inputs, result: callGraded(target as GradedFunction, call(data.inputs), { id }) } as Run }));
  stopIfNotImplemented(runs.map((r) => r.run.result));
  const results = scoredResults(publicChecksOf(L2_PUBLIC_CHECKS, fn, rules), {}, runs, null);
  return formatPublicReport(fn, results, runs.map(({ run }) => ({ description: run.spec.description, result: run.result, course: run.spec.course })));
}

/** The cost's public report (the test cell's, and the bundle's `npm run check`'s). */
export function costPublicReport(target: CostWithRegularization): PublicReport {
  return reportOf<L2CostInputs, L2CostOutcomes, L2CostRun>(COST, target, publicData().cost, costCall, COST_RULES);
}

/** The regularized backward pass's public report. */
export function regularizedBackwardPublicReport(target: BackwardWithRegularization): PublicReport {
  return reportOf<L2BackwardInputs, L2BackwardOutcomes, L2BackwardRun>(BACKWARD, target, publicData().backward, regularizedBackwardCall, BACKWARD_RULES);
}

export function computeCostWithRegularizationTest(target: CostWithRegularization): void {
  runPublicTest(COST, target, costPublicReport, ["cost"]);
}

export function backwardPropagationWithRegularizationTest(target: BackwardWithRegularization): void {
  runPublicTest(BACKWARD, target, regularizedBackwardPublicReport, ["dW1", "dW2", "dW3"]);
}

/** The L2 notebook's public tests, for the bundle's self-check and the grader's assignment definition. */
export const L2_SUITE: PublicSuite = {
  assignment: "l2-regularization",
  setupCell: "setup",
  gradedCells: { computeCostWithRegularization: "compute_cost_with_regularization", backwardPropagationWithRegularization: "backward_propagation_with_regularization" },
  report: (fn, target) => (fn === COST ? costPublicReport(target as CostWithRegularization) : regularizedBackwardPublicReport(target as BackwardWithRegularization)),
};
