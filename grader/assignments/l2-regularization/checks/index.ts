/**
 * The L2 assignment's checks: the check definitions (rules.ts; the public ones' rules are dropout-kit's, which
 * the notebook's public tests run too) with each check's points from the settings (source/settings.ts).
 */
import { L2_SUITE } from "dropout-kit";
import { withPoints } from "../../../assignment";
import { points } from "../source/settings";
import { L2_CHECK_DEFINITIONS } from "./rules";

export const CHECKS = withPoints(L2_CHECK_DEFINITIONS, points, "grader/assignments/l2-regularization/source/settings.ts");

/** The graded cells and the functions they define (the library's, which the bundle's self-check reads too). */
export const GRADED_CELLS: Record<string, string> = L2_SUITE.gradedCells;
