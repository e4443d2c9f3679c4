/**
 * The assignments this grader knows, as grading sees them: each a folder here whose index.ts exports one
 * GradedAssignment (grader/assignment.ts); authoring.ts lists them as `npm run assign` makes them. Adding an
 * assignment is adding its folder and a line in each list; the engine needs no change.
 */
import type { GradedAssignment } from "../assignment";
import { dropout } from "./dropout";
import { l2Regularization } from "./l2-regularization";

export const ASSIGNMENTS: GradedAssignment[] = [l2Regularization, dropout];

export function assignmentById<A extends GradedAssignment>(id: string, known: A[] = ASSIGNMENTS as A[]): A {
  const found = known.find((a) => a.id === id);
  if (!found) throw new Error(`no assignment named '${id}'; the assignments are ${known.map((a) => a.id).join(", ")}`);
  return found;
}
