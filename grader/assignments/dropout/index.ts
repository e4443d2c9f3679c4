/**
 * The dropout assignment as grading sees it (grader/assignment.ts's GradedAssignment): the course's dropout
 * exercises (forwardPropagationWithDropout, backwardPropagationWithDropout), the calls grading makes on their
 * cases and how their results are judged. What `npm run assign` adds is in authoring.ts.
 */
import { resolve } from "node:path";
import { backwardCall, DROPOUT_SUITE, forwardCall, isPublicCase, runChecks } from "dropout-kit";
import type { BackwardRun, CheckDefinition, ForwardRun } from "dropout-kit";
import type { CompletedCall, GradedAssignment, PlannedCall } from "../../assignment";
import { BACKWARD_CASES, courseBackwardInputs, FORWARD_CASES, forwardInputs, STATISTICS_CASE } from "./cases";
import type { BackwardCaseSpec, ForwardCaseSpec } from "./cases";
import { CHECKS, GRADED_CELLS } from "./checks";
import type { DropoutReferences } from "./references";
import { readReferences } from "../../grading/references";

const FORWARD = "forwardPropagationWithDropout";
const BACKWARD = "backwardPropagationWithDropout";

/** A forward call's key names its case: "forward/<case id>". */
const forwardKey = (spec: ForwardCaseSpec) => `forward/${spec.id}`;
const backwardKey = (spec: BackwardCaseSpec) => `backward/${spec.id}`;

function plan(references: DropoutReferences, { publicOnly }: { publicOnly: boolean }): PlannedCall[] {
  const forward = (publicOnly ? FORWARD_CASES.filter(isPublicCase) : [...FORWARD_CASES, STATISTICS_CASE]).map((spec) => ({ key: forwardKey(spec), request: forwardCall(forwardInputs(spec)) }));
  const backward = (publicOnly ? BACKWARD_CASES.filter(isPublicCase) : BACKWARD_CASES).map((spec, k) => ({
    key: backwardKey(spec),
    request: backwardCall(spec.course ? courseBackwardInputs() : references.backward[spec.id].inputs),
    // The first two cases a second time: the same inputs must give the same gradients.
    twice: k < 2,
  }));
  return [...forward, ...backward];
}

export const dropout: GradedAssignment<DropoutReferences> = {
  id: "dropout",
  title: "Dropout",
  notebook: "dropout.ipynb",
  gradedCells: GRADED_CELLS,
  setupCell: DROPOUT_SUITE.setupCell,
  checks: CHECKS,
  referencesFile: resolve(__dirname, "references.json"),
  galleryDir: resolve(__dirname, "gallery"),
  plan,
  judge({ calls, references, unavailable, sources, checks }) {
    const byKey = new Map<string, CompletedCall>(calls.map((c) => [c.key, c]));
    const forward: ForwardRun[] = [];
    let statistics: ForwardRun | undefined;
    for (const spec of [...FORWARD_CASES, STATISTICS_CASE]) {
      const call = byKey.get(forwardKey(spec));
      if (!call) continue;
      const run: ForwardRun = { spec, inputs: forwardInputs(spec), result: call.result, source: sources[FORWARD] };
      if (spec === STATISTICS_CASE) statistics = run;
      else forward.push(run);
    }
    const backward: BackwardRun[] = [];
    for (const spec of BACKWARD_CASES) {
      const call = byKey.get(backwardKey(spec));
      if (!call) continue;
      const inputs = spec.course ? courseBackwardInputs() : references.backward[spec.id].inputs;
      backward.push({ id: spec.id, description: spec.description, public: spec.public, courseInputs: spec.courseInputs, inputs, result: call.result, again: call.second, source: sources[BACKWARD] });
    }
    return runChecks({ forward, statistics, backward }, references, unavailable, checks as (CheckDefinition & { points: number })[]);
  },
};

/** The dropout references, typed (grading reads them through readReferences; the tests and benchmarks through this). */
export const readDropoutReferences = (): DropoutReferences => readReferences<DropoutReferences>(dropout);
