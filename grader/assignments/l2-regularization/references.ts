/**
 * The L2 assignment's references (`npm run assign`): the solution (the instructor notebook's graded cells)
 * called on every case exactly as the grader calls a student's functions, and the public cases the notebook's
 * public tests run.
 */
import { l2ExpectedOutputsOf, l2PublicCasesOf } from "dropout-kit";
import type { GradedFunction, L2ExpectedOutputs, L2FunctionName, L2PublicCases } from "dropout-kit";
import type { References } from "../../assignment";
import { cases } from "./source/settings";

export interface L2References extends References, L2ExpectedOutputs {}

export function deriveReferences(solution: Record<string, GradedFunction>, setupCell: string): L2References {
  return { assignment: "l2-regularization", setupCell, ...l2ExpectedOutputsOf(cases, solution as Record<L2FunctionName, GradedFunction>) };
}

export function publicCasesOf(references: L2References): L2PublicCases {
  return l2PublicCasesOf(cases, references);
}
