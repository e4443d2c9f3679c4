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
import { all, publicChecksOf, fail, gated, overCases, scoredResults, showsWork } from "../../testing/verdicts";
import type { BackwardWithRegularization, CostWithRegularization } from "../../types";
import { costCall, regularizedBackwardCall } from "./calls";
import type { L2BackwardInputs, L2CaseInfo, L2CostInputs, L2FunctionName } from "./calls";
import type { L2BackwardOutcomes, L2CostOutcomes } from "./diagnoses";
import { diagnoseBackwardRuns, diagnoseCostRuns } from "./diagnoses";
import type { WeightStatistics } from "./describe";
import type { L2BackwardRun, L2CostRun } from "./evidence";
import { biasesIgnored, biasPairs, inputsUnchanged } from "./evidence";
import { backwardGateRuns, biasGradientsPlain, costGateRuns, costReference, regularizedBackwardReference } from "./rules";

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

/** A public case with its expected outputs and the facts the reading of a student's numbers needs (diagnoses.ts). */
export interface L2PublicCase<Inputs, Outcomes> {
  spec: L2CaseInfo;
  inputs: Inputs;
  outputs: Record<string, WireTensor>;
  outcomes: Outcomes;
}

/** The public tests' data (publicTests.json beside this file): public cases only. */
export interface L2PublicData {
  /** The notebook's own lambd (settings' LAMBD): named when a student's term uses it instead of the argument. */
  notebookLambd: number;
  cost: (L2PublicCase<L2CostInputs, L2CostOutcomes> & { statistics: WeightStatistics })[];
  backward: L2PublicCase<L2BackwardInputs, L2BackwardOutcomes>[];
}

const publicData = () => readPublicData<L2PublicData>("l2-regularization");

type CostEvidence = Judged<L2CostRun, L2PublicData["cost"][number]>[];
type BackwardEvidence = Judged<L2BackwardRun, L2PublicData["backward"][number]>[];

/** Each run's case data. */
function dataOf<R, D>(runs: Judged<R, D>[]): (run: R) => D {
  const byRun = new Map(runs.map((r) => [r.run, r.data]));
  return (run) => byRun.get(run)!;
}

/** What the reading of every public case says of the student's cost, and the gate's view of the runs (no case here is hidden). */
function costReading(runs: CostEvidence) {
  const data = dataOf(runs);
  const costs = runs.map((r) => r.run);
  const diagnosis = diagnoseCostRuns(costs, (run) => ({ outcomes: { ...data(run).outcomes, right: data(run).outputs.cost.values[0] }, statistics: data(run).statistics }), { notebookLambd: publicData().notebookLambd });
  return { costs, diagnosis, shows: () => showsWork(costGateRuns(costs, (run) => data(run).outputs.cost.values[0]), [], "cost") };
}

const COST_RULES: Record<string, (runs: CostEvidence) => Verdict> = {
  "cost.course": (runs) => {
    const course = runs.find((r) => r.run.spec.course);
    return course ? costReference(course.run, course.data.outputs.cost.values[0], true, costReading(runs).diagnosis) : fail("The course's case was not run.");
  },
  "cost.biases": (runs) => {
    const { costs, diagnosis, shows } = costReading(runs);
    return all(() => overCases(biasPairs(costs), (pair) => biasesIgnored(pair, diagnosis)), () => gated(shows()));
  },
  "cost.inputs": (runs) => inputsUnchanged(runs.map((r) => r.run), "A3, Y or the parameters", costReading(runs).shows),
};

function backwardReading(runs: BackwardEvidence) {
  const data = dataOf(runs);
  const backward = runs.map((r) => r.run);
  const diagnosis = diagnoseBackwardRuns(backward, (run) => data(run).outcomes, { notebookLambd: publicData().notebookLambd });
  return { backward, diagnosis, shows: () => showsWork(backwardGateRuns(backward, (run) => data(run).outputs), [], "gradients") };
}

const BACKWARD_RULES: Record<string, (runs: BackwardEvidence) => Verdict> = {
  "backward.course": (runs) => {
    const course = runs.find((r) => r.run.spec.course);
    return course ? regularizedBackwardReference(course.run, course.data.outputs, true, backwardReading(runs).diagnosis) : fail("The course's case was not run.");
  },
  "backward.biases": (runs) => {
    const { diagnosis, shows } = backwardReading(runs);
    return all(() => overCases(runs, ({ run, data }) => biasGradientsPlain(run, data.outcomes, diagnosis)), () => gated(shows()));
  },
  "backward.inputs": (runs) => inputsUnchanged(runs.map((r) => r.run), "X, Y or the cache's tensors", backwardReading(runs).shows),
};


/** One graded function's public report: each public case called as the grader calls it, the stub said once, the checks' verdicts. */
function reportOf<Inputs, Case extends L2PublicCase<Inputs, unknown>, Run extends { spec: L2CaseInfo; inputs: Inputs; result: import("../../testing/tensorData").CallResult }>(
  fn: L2FunctionName, target: unknown, cases: Case[], call: (inputs: Inputs) => import("../../testing/harness").CallRequest, rules: Record<string, (runs: Judged<Run, Case>[]) => Verdict>,
): PublicReport {
  const runs = cases.map((data, id) => ({ data, run: { spec: data.spec, inputs: data.inputs, result: callGraded(target as GradedFunction, call(data.inputs), { id }) } as Run }));
  stopIfNotImplemented(runs.map((r) => r.run.result));
  const results = scoredResults(publicChecksOf(L2_PUBLIC_CHECKS, fn, rules), {}, runs, null);
  return formatPublicReport(fn, results, runs.map(({ run }) => ({ description: run.spec.description, result: run.result, course: run.spec.course })));
}

/** The cost's public report (the test cell's, and the bundle's `npm run check`'s). */
export function costPublicReport(target: CostWithRegularization): PublicReport {
  return reportOf<L2CostInputs, L2PublicData["cost"][number], L2CostRun>(COST, target, publicData().cost, costCall, COST_RULES);
}

/** The regularized backward pass's public report. */
export function regularizedBackwardPublicReport(target: BackwardWithRegularization): PublicReport {
  return reportOf<L2BackwardInputs, L2PublicData["backward"][number], L2BackwardRun>(BACKWARD, target, publicData().backward, regularizedBackwardCall, BACKWARD_RULES);
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
