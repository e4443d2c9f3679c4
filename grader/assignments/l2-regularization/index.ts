/**
 * The L2 regularization assignment as grading sees it (grader/assignment.ts's GradedAssignment): the course's
 * L2 exercises (computeCostWithRegularization, backwardPropagationWithRegularization), the calls grading makes
 * on their cases and how their results are judged. What `npm run assign` adds is in authoring.ts.
 */
import { resolve } from "node:path";
import { costCall, isPublicCase, L2_CATALOGUE, L2_SUITE, regularizedBackwardCall } from "dropout-kit";
import type { L2BackwardRun, L2CostRun } from "dropout-kit";
import { l2BackwardInputs, l2CaseInfo, l2CostInputs } from "./cases";
import type { L2CaseSettings } from "./cases";
import { runL2Checks } from "./checks/rules";
import type { L2CheckDefinition } from "./checks/rules";
import type { GradedAssignment, PlannedCall } from "../../assignment";
import { readReferences } from "../../grading/references";
import { CHECKS, GRADED_CELLS } from "./checks";
import type { L2References } from "./references";
import { cases } from "./source/settings";

const costKey = (id: string) => `cost/${id}`;
const backwardKey = (id: string) => `backward/${id}`;

export const l2Regularization: GradedAssignment<L2References> = {
  id: L2_SUITE.assignment,
  title: "L2 regularization",
  notebook: "l2-regularization.ipynb",
  gradedCells: GRADED_CELLS,
  setupCell: L2_SUITE.setupCell,
  checks: CHECKS,
  misconceptions: L2_CATALOGUE,
  referencesFile: resolve(__dirname, "references.json"),
  galleryDir: resolve(__dirname, "gallery"),
  plan(_references, { publicOnly }): PlannedCall[] {
    const chosen = <T extends L2CaseSettings>(list: T[]) => (publicOnly ? list.filter(isPublicCase) : list);
    // Each call's context is its run without the result (the inputs made once, for the request and the judge).
    return [
      ...chosen(cases.cost).map((s) => {
        const inputs = l2CostInputs(s);
        return { key: costKey(s.id), request: costCall(inputs), context: { spec: l2CaseInfo(s), inputs } };
      }),
      ...chosen(cases.backward).map((s) => {
        const inputs = l2BackwardInputs(s);
        return { key: backwardKey(s.id), request: regularizedBackwardCall(inputs), context: { spec: l2CaseInfo(s), inputs } };
      }),
    ];
  },
  judge({ calls, references, unavailable, checks }) {
    const runOf = <R>(call: (typeof calls)[number]) => ({ ...(call.context as Omit<R, "result">), result: call.result }) as R;
    const cost = calls.filter((c) => c.request.fn === "computeCostWithRegularization").map((c) => runOf<L2CostRun>(c));
    const backward = calls.filter((c) => c.request.fn === "backwardPropagationWithRegularization").map((c) => runOf<L2BackwardRun>(c));
    return runL2Checks({ cost, backward }, references, unavailable, checks as (L2CheckDefinition & { points: number })[]);
  },
};

/** The L2 references, typed (for the tests). */
export const readL2References = (): L2References => readReferences<L2References>(l2Regularization);
