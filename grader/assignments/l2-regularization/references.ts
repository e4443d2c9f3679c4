/**
 * The L2 assignment's references (`npm run assign`): the solution (the instructor notebook's graded cells)
 * called on every case exactly as the grader calls a student's functions. The public tests' data is derived
 * from them at assign time (checks/publicData.ts, which authoring.ts uses).
 */
import type { GradedFunction, L2FunctionName } from "dropout-kit";
import type { References } from "../../assignment";
import { l2ExpectedOutputsOf } from "./cases";
import type { L2ExpectedOutputs } from "./cases";
import { cases } from "./source/settings";

export interface L2References extends References, L2ExpectedOutputs {}

export function deriveReferences(solution: Record<string, GradedFunction>, setupCell: string): L2References {
  return { assignment: "l2-regularization", setupCell, ...l2ExpectedOutputsOf(cases, solution as Record<L2FunctionName, GradedFunction>) };
}
