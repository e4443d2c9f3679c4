/**
 * What the grader checks: the shared check definitions (dropout-kit's src/checks/) with each check's points
 * from the settings (grader/source/settings.ts). A graded function is worth the sum of its checks, which the
 * release writes into its test cell's nbgrader points.
 */
import { CHECK_DEFINITIONS } from "dropout-kit";
import type { CheckDefinition, GradedFunctionName } from "dropout-kit";
import { points } from "../source/settings";

export type { GradedFunctionName };

export interface CheckSpec extends CheckDefinition {
  /** From the settings (grader/source/settings.ts). */
  points: number;
}

export const CHECKS: CheckSpec[] = CHECK_DEFINITIONS.map((check) => {
  const value = points[check.id];
  if (typeof value !== "number" || !(value >= 0)) throw new Error(`grader/source/settings.ts: points["${check.id}"] must be a number >= 0, got ${String(value)}`);
  return { ...check, points: value };
});
for (const id of Object.keys(points)) {
  if (!CHECKS.some((c) => c.id === id)) throw new Error(`grader/source/settings.ts: points["${id}"] names no check; the checks are ${CHECKS.map((c) => c.id).join(", ")}`);
}

/** The checks a self-check runs (`npm run check`, the notebook's public tests): public inputs only. */
export const PUBLIC_CHECKS = CHECKS.filter((c) => c.public).map((c) => c.id);

/** The graded cells and the functions they define. */
export const GRADED_CELLS: Record<GradedFunctionName, string> = {
  forwardPropagationWithDropout: "forward_propagation_with_dropout",
  backwardPropagationWithDropout: "backward_propagation_with_dropout",
};

/** The instructor's cell that the graded cells need first (imports, backend). */
export const SETUP_CELL = "setup";

export function pointsOf(fn: GradedFunctionName): number {
  return CHECKS.filter((c) => c.fn === fn).reduce((sum, c) => sum + c.points, 0);
}

export const MAX_SCORE = CHECKS.reduce((sum, c) => sum + c.points, 0);
