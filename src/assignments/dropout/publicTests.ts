/**
 * The dropout notebook's public tests (its test cells, and the bundle's `npm run check`): the grader's public
 * checks, with the same rules and messages (rules.ts), on the public cases, judged from data that
 * `npm run assign` precomputes for those cases only (publicTests.json): the inputs, the solution's outputs,
 * the generator's draws, and what each typical mistake gives there (its outcome: masks, A3, the backward step).
 * A student's output that equals a mistake's outcome gets that mistake's explanation; the rest is read from
 * their own tensors. Nothing here computes a pass with dropout.
 */
import type { CaseInfo } from "../../testing/cases";
import { callGraded } from "../../testing/harness";
import type { GradedFunction } from "../../testing/harness";
import type { PublicSuite } from "../../testing/publicSuite";
import type { PublicReport } from "../../testing/report";
import { formatPublicReport, readPublicData, runPublicTest, stopIfNotImplemented } from "../../testing/report";
import type { WireTensor } from "../../testing/tensorData";
import type { Judged, Verdict } from "../../testing/verdicts";
import { all, publicChecksOf, callError, changedInputs, fail, failed, firstFailure, gated, ok, overCases, repeatsItself, scoredResults, showsWork } from "../../testing/verdicts";
import type { Diagnosis } from "../../testing/verdicts";
import type { BackwardWithDropout, ForwardWithDropout } from "../../types";
import { backwardCall, forwardCall } from "./calls";
import type { BackwardInputs, ForwardInputs } from "./calls";
import type { BackwardStepCandidates, DrawOrder, ForwardMistake, ForwardOutcomes } from "./diagnoses";
import type { BackwardRun, ForwardRun, GradedFunctionName } from "./evidence";
import { backwardCallError, scalingSeen } from "./evidence";
import type { BackwardSteps, ForwardOracle } from "./rules";
import { backwardGateRun, backwardReference, backwardStep, forwardGateRun, forwardReference, linearLayer, masksOf, outputLayer, scalingOf, stepSeen } from "./rules";

const FORWARD = "forwardPropagationWithDropout";
const BACKWARD = "backwardPropagationWithDropout";

/** The public checks, as the grader lists them too (its check table takes their ids and names from here). */
export const DROPOUT_PUBLIC_CHECKS = {
  "forward.course": { id: "forward.course", fn: FORWARD, public: true, name: "forward: the course's published case" },
  "forward.masks": { id: "forward.masks", fn: FORWARD, public: true, name: "forward: the masks are the generator's: rng.rand shaped like A1, then like A2, kept where the draw is below keepProb" },
  "forward.scaling": { id: "forward.scaling", fn: FORWARD, public: true, name: "forward: kept units are divided by keepProb, dropped ones are 0" },
  "forward.layers": { id: "forward.layers", fn: FORWARD, public: true, name: "forward: no dropout on the input or the output layer" },
  "forward.inputs": { id: "forward.inputs", fn: FORWARD, public: true, name: "forward: inputs left unchanged" },
  "backward.course": { id: "backward.course", fn: BACKWARD, public: true, name: "backward: the course's published case" },
  "backward.masks": { id: "backward.masks", fn: BACKWARD, public: true, name: "backward: the forward pass's masks re-applied, and the division by keepProb" },
  "backward.inputs": { id: "backward.inputs", fn: BACKWARD, public: true, name: "backward: inputs left unchanged" },
} as const satisfies Record<string, { id: string; fn: GradedFunctionName; public: true; name: string }>;

// ---------------------------------------------------------------------------------------------- the data

/** What the typical forward mistakes give on a public case, as data (ForwardOutcomes, precomputed). */
export interface ForwardOutcomeData {
  /** passKey(mistake, keepProb) -> A3 (and A1) of the pass with that mistake. */
  passes: Record<string, { A3: WireTensor; A1?: WireTensor }>;
  /** masksKey(seed, order) -> the masks a generator seeded so gives, drawn in that order. */
  masks: Record<string, { D1: number[]; D2: number[] }>;
  /** The first draws of the case's generator (float32), as many as streamLength says. */
  stream: number[];
}

export interface ForwardPublicCase {
  spec: CaseInfo & { keepProb: number };
  inputs: ForwardInputs;
  /** The solution's A3 and cache.<name>. */
  outputs: Record<string, WireTensor>;
  outcomes: ForwardOutcomeData;
}

export interface BackwardPublicCase {
  id: string;
  description: string;
  public: true;
  inputs: BackwardInputs;
  /** The solution's gradients. */
  outputs: Record<string, WireTensor>;
  /** The versions of dropout's backward step: dA2's from the right dZ3, dA1's from the right dA2 (and so dZ2). */
  steps: { dA2: BackwardStepCandidates; dA1: BackwardStepCandidates };
}

/** The public tests' data (publicTests.json beside this file): public cases only. */
export interface DropoutPublicData {
  forward: ForwardPublicCase[];
  backward: BackwardPublicCase[];
}

/** The key of a pass's outcome: the mistake and the keep probability it used (6 significant digits). */
export const passKey = (mistake: ForwardMistake, keepProb: number) => `${mistake}@${Number(keepProb.toPrecision(6))}`;
export const masksKey = (seed: number, order: DrawOrder) => `${seed}/${order}`;

/** ForwardOutcomes read from a public case's data: what was not precomputed is unknown (undefined). */
export function outcomesFromData(c: ForwardPublicCase): ForwardOutcomes {
  return {
    pass: (mistake, keepProb = c.inputs.keepProb) => {
      if (mistake === "correct" && keepProb === c.inputs.keepProb) return { A3: c.outputs.A3, A1: c.outputs["cache.A1"] };
      return c.outcomes.passes[passKey(mistake, keepProb)];
    },
    masks: (seed, order) => c.outcomes.masks[masksKey(seed, order)],
    stream: (count) => (count <= c.outcomes.stream.length ? c.outcomes.stream.slice(0, count) : undefined),
  };
}

/** A public forward case's oracle: its expected outputs and masks from the data, the draws from its stream. */
function forwardOracleOf(c: ForwardPublicCase): ForwardOracle {
  const m = c.inputs.X.shape[1];
  const [n1, n2] = [c.inputs.parameters.W1.shape[0], c.inputs.parameters.W2.shape[0]];
  const stream = c.outcomes.stream;
  return {
    outputs: () => c.outputs,
    masks: () => ({
      draws1: { shape: [n1, m], values: stream.slice(0, n1 * m) },
      draws2: { shape: [n2, m], values: stream.slice(n1 * m, (n1 + n2) * m) },
      D1: c.outputs["cache.D1"],
      D2: c.outputs["cache.D2"],
    }),
    outcomes: outcomesFromData(c),
  };
}

/** A public backward case's versions of the step, from the data. */
const stepsOf = (c: BackwardPublicCase): BackwardSteps => (label) => c.steps[label];

/** The data, read once per test (the notebook may be re-run after `npm run assign`). */
const publicData = () => readPublicData<DropoutPublicData>("dropout");

// ---------------------------------------------------------------------------------------------- the checks

type ForwardEvidence = Judged<ForwardRun, ForwardPublicCase>[];
type BackwardEvidence = Judged<BackwardRun, BackwardPublicCase>[];

const dropping = (runs: ForwardEvidence) => runs.filter((r) => r.run.spec.keepProb < 1);
const callErrors = (errors: (string | Diagnosis | undefined)[]) => firstFailure(errors.filter(Boolean).map((e) => (typeof e === "string" ? fail(e) : failed(e!))));
// The gates: on the public cases only (nothing hidden, so no recall to see), outputs that follow the inputs.
const forwardFollowsInputs = (runs: ForwardEvidence) => gated(showsWork(runs.map(({ run, data }) => forwardGateRun(run, false, data.outputs.A3)), [], "A3"));
const backwardFollowsInputs = (runs: BackwardEvidence) => gated(showsWork(runs.map(({ run, data }) => backwardGateRun(run, false, data.outputs)), [], "gradients"));

/** The public checks' rules on the public cases: the grader's (rules.ts), their gates read from the same data. */
const FORWARD_RULES: Record<string, (runs: ForwardEvidence) => Verdict> = {
  "forward.course": (runs) => {
    const course = runs.find((r) => r.run.spec.course);
    return course ? forwardReference(course.run, forwardOracleOf(course.data), true) : fail("The course's case was not run.");
  },
  "forward.masks": (runs) => overCases(runs, ({ run, data }) => masksOf(run, forwardOracleOf(data), true)),
  // Relative to the student's own Z and D: what the grader shows of a hidden case (nothing of a value worked out here).
  "forward.scaling": (runs) =>
    all(
      () => firstFailure(dropping(runs).map(({ run, data }) => scalingOf(run, outcomesFromData(data), false))),
      () => scalingSeen(dropping(runs).map((r) => r.run), dropping(runs)[0]?.run.spec.description ?? ""),
    ),
  "forward.layers": (runs) => firstFailure(runs.map(({ run }) => all(() => linearLayer(run, true), () => outputLayer(run, false)))),
  "forward.inputs": (runs) =>
    all(
      () => callErrors(runs.map(({ run }) => callError(run, run.spec.description))),
      () =>
        firstFailure(
          runs.map(({ run }) =>
            repeatsItself(run, run.spec.description, () =>
              run.result.mutated.length > 0
                ? changedInputs(run.result.mutated)
                : "Either it changed its inputs (X or the parameters: write results into new tensors, never into the inputs), or it draws randomness from something other than the rng it is given (Math.random, tf.randomUniform).",
            ),
          ),
        ),
      () => forwardFollowsInputs(runs),
    ),
};

const BACKWARD_RULES: Record<string, (runs: BackwardEvidence) => Verdict> = {
  "backward.course": (runs) => {
    const course = runs.find((r) => r.run.id === "course");
    return course ? backwardReference(course.run, course.data.outputs, true, stepsOf(course.data)) : fail("The course's case was not run.");
  },
  "backward.masks": (runs) =>
    all(
      () =>
        firstFailure(
          [...runs].sort((a, b) => Number(!a.run.result.ok) - Number(!b.run.result.ok)).map(({ run, data }) => {
            const error = backwardCallError(run);
            if (error) return failed(error);
            const step = backwardStep(run, stepsOf(data));
            return step ? fail(`On ${run.description}: ${step.text}`, step.misconceptions, step.naming ?? step.text) : ok();
          }),
        ),
      () => stepSeen(runs.map((r) => r.run)),
    ),
  "backward.inputs": (runs) =>
    all(
      () => callErrors(runs.map(({ run }) => backwardCallError(run))),
      () =>
        firstFailure(
          runs.map(({ run }) =>
            repeatsItself(run, run.description, () =>
              run.result.mutated.length > 0 ? changedInputs(run.result.mutated) : "Either it changed its inputs (X, Y or the cache's tensors: write results into new tensors), or it draws randomness, which the backward pass never does.",
            ),
          ),
        ),
      () => backwardFollowsInputs(runs),
    ),
};


// ---------------------------------------------------------------------------------------------- the reports

/** The forward pass's public report (the test cell's and the bundle's `npm run check`'s). */
export function forwardPublicReport(target: ForwardWithDropout): PublicReport {
  const runs: ForwardEvidence = publicData().forward.map((data, id) => ({
    data,
    run: { spec: data.spec, inputs: data.inputs, result: callGraded(target as unknown as GradedFunction, forwardCall(data.inputs), { id }), source: String(target) },
  }));
  stopIfNotImplemented(runs.map((r) => r.run.result));
  const results = scoredResults(publicChecksOf(DROPOUT_PUBLIC_CHECKS, FORWARD, FORWARD_RULES), {}, runs, null);
  return formatPublicReport(FORWARD, results, runs.map(({ run }) => ({ description: run.spec.description, result: run.result, course: run.spec.course })));
}

/** The backward pass's public report. */
export function backwardPublicReport(target: BackwardWithDropout): PublicReport {
  const runs: BackwardEvidence = publicData().backward.map((data, id) => ({
    data,
    run: { id: data.id, description: data.description, public: true, inputs: data.inputs, result: callGraded(target as unknown as GradedFunction, backwardCall(data.inputs), { id }), source: String(target) },
  }));
  stopIfNotImplemented(runs.map((r) => r.run.result));
  const results = scoredResults(publicChecksOf(DROPOUT_PUBLIC_CHECKS, BACKWARD, BACKWARD_RULES), {}, runs, null);
  return formatPublicReport(BACKWARD, results, runs.map(({ run }) => ({ description: run.description, result: run.result, course: run.id === "course" })));
}

export function forwardPropagationWithDropoutTest(target: ForwardWithDropout): void {
  runPublicTest(FORWARD, target, forwardPublicReport, ["A3"]);
}

export function backwardPropagationWithDropoutTest(target: BackwardWithDropout): void {
  runPublicTest(BACKWARD, target, backwardPublicReport, ["dA1", "dA2"]);
}

/** The dropout notebook's public tests, for the bundle's self-check and the grader's assignment definition. */
export const DROPOUT_SUITE: PublicSuite = {
  assignment: "dropout",
  setupCell: "setup",
  gradedCells: { forwardPropagationWithDropout: "forward_propagation_with_dropout", backwardPropagationWithDropout: "backward_propagation_with_dropout" },
  report: (fn, target) => (fn === FORWARD ? forwardPublicReport(target as ForwardWithDropout) : backwardPublicReport(target as BackwardWithDropout)),
};
