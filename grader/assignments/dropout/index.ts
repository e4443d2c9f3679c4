/**
 * The dropout assignment as grading sees it (grader/assignment.ts's GradedAssignment): the course's dropout
 * exercises (forwardPropagationWithDropout, backwardPropagationWithDropout), the calls grading makes on their
 * cases and how their results are judged. What `npm run assign` adds is in authoring.ts.
 */
import { resolve } from "node:path";
import { backwardCall, DROPOUT_CATALOGUE, DROPOUT_SUITE, forwardCall, isPublicCase } from "dropout-kit";
import type { BackwardRun, ForwardRun } from "dropout-kit";
import { runChecks } from "./checks/rules";
import type { CheckDefinition } from "./checks/rules";
import type { GradedAssignment, PlannedCall } from "../../assignment";
import { BACKWARD_CASES, courseBackwardInputs, FORWARD_CASES, forwardInputs, STATISTICS_CASE } from "./cases";
import type { BackwardCaseSpec, BackwardInputs, ForwardCaseSpec, ForwardInputs } from "./cases";
import { CHECKS, GRADED_CELLS } from "./checks";
import type { DropoutReferences } from "./references";
import { readReferences } from "../../grading/references";

const FORWARD = "forwardPropagationWithDropout";
const BACKWARD = "backwardPropagationWithDropout";

/** A forward call's key names its case: "forward/<case id>". */
const forwardKey = (spec: ForwardCaseSpec) => `forward/${spec.id}`;
const backwardKey = (spec: BackwardCaseSpec) => `backward/${spec.id}`;

/** What a call's context holds (PlannedCall.context): its case and the inputs made for it. */
type ForwardContext = { spec: ForwardCaseSpec; inputs: ForwardInputs };
type BackwardContext = { spec: BackwardCaseSpec; inputs: BackwardInputs };

function plan(references: DropoutReferences, { publicOnly }: { publicOnly: boolean }): PlannedCall[] {
  const forward = (publicOnly ? FORWARD_CASES.filter(isPublicCase) : [...FORWARD_CASES, STATISTICS_CASE]).map((spec) => {
    const inputs = forwardInputs(spec);
    return { key: forwardKey(spec), request: forwardCall(inputs), context: { spec, inputs } satisfies ForwardContext };
  });
  const backward = (publicOnly ? BACKWARD_CASES.filter(isPublicCase) : BACKWARD_CASES).map((spec, k) => {
    const inputs = spec.course ? courseBackwardInputs() : references.backward[spec.id].inputs;
    // The first two cases a second time: the same inputs must give the same gradients.
    return { key: backwardKey(spec), request: backwardCall(inputs), twice: k < 2, context: { spec, inputs } satisfies BackwardContext };
  });
  return [...forward, ...backward];
}

export const dropout: GradedAssignment<DropoutReferences> = {
  id: "dropout",
  title: "Dropout",
  notebook: "dropout.ipynb",
  gradedCells: GRADED_CELLS,
  setupCell: DROPOUT_SUITE.setupCell,
  checks: CHECKS,
  misconceptions: DROPOUT_CATALOGUE,
  referencesFile: resolve(__dirname, "references.json"),
  galleryDir: resolve(__dirname, "gallery"),
  plan,
  judge({ calls, references, unavailable, sources, checks }) {
    const forward: ForwardRun[] = [];
    let statistics: ForwardRun | undefined;
    const backward: BackwardRun[] = [];
    for (const call of calls) {
      if (call.request.fn === FORWARD) {
        const { spec, inputs } = call.context as ForwardContext;
        const run: ForwardRun = { spec, inputs, result: call.result, source: sources[FORWARD] };
        if (spec === STATISTICS_CASE) statistics = run;
        else forward.push(run);
      } else {
        const { spec, inputs } = call.context as BackwardContext;
        backward.push({ id: spec.id, description: spec.description, public: spec.public, courseInputs: spec.courseInputs, inputs, result: call.result, again: call.second, source: sources[BACKWARD] });
      }
    }
    return runChecks({ forward, statistics, backward }, references, unavailable, checks as (CheckDefinition & { points: number })[]);
  },
};

/** The dropout references, typed (grading reads them through readReferences; the tests and benchmarks through this). */
export const readDropoutReferences = (): DropoutReferences => readReferences<DropoutReferences>(dropout);
