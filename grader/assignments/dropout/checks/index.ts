/**
 * The dropout assignment's checks: the check definitions (rules.ts; the public ones' rules are dropout-kit's,
 * which the notebook's public tests run too) with each check's points from the settings (source/settings.ts). A graded function is
 * worth the sum of its checks, which the release writes into its test cell's nbgrader points.
 */
import { DROPOUT_SUITE } from "dropout-kit";
import { maxScoreOf, pointsOf as pointsOfChecks, withPoints } from "../../../assignment";
import { points } from "../source/settings";
import { CHECK_DEFINITIONS } from "./rules";

export const CHECKS = withPoints(CHECK_DEFINITIONS, points, "grader/assignments/dropout/source/settings.ts");

/** The graded cells and the functions they define (the library's, which the bundle's self-check reads too). */
export const GRADED_CELLS: Record<string, string> = DROPOUT_SUITE.gradedCells;

/** The checks' totals, for the tests and the benchmarks. */
export const MAX_SCORE = maxScoreOf({ checks: CHECKS });
export const PUBLIC_CHECKS = CHECKS.filter((c) => c.public).map((c) => c.id);
export const pointsOf = (fn: string) => pointsOfChecks({ checks: CHECKS }, fn);
