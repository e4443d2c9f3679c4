/**
 * The reference solutions, loaded from their one source of truth: the instructor notebooks' graded cells.
 * One loader for every assignment (`loadGradedFunctions`): the cells, picked by grade_id, are written into
 * a generated module under grader/.cache/ (ignored by git) and imported from there.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { BackwardWithDropout, BackwardWithRegularization, CostWithRegularization, ForwardWithDropout } from "dropout-kit";
import { writeAtomically } from "./atomic-write";
import { GRADED_CELLS, SETUP_CELL } from "./grading/spec";
import { moduleFromCells } from "./notebook/extract";
import { Notebook, readNotebook } from "./notebook/notebook";

export const INSTRUCTOR_NOTEBOOK = resolve(__dirname, "source/dropout.ipynb");
export const L2_INSTRUCTOR_NOTEBOOK = resolve(__dirname, "assignments/l2-regularization/source/l2-regularization.ipynb");

export interface DropoutFunctions {
  forwardPropagationWithDropout: ForwardWithDropout;
  backwardPropagationWithDropout: BackwardWithDropout;
}

export interface L2Functions {
  computeCostWithRegularization: CostWithRegularization;
  backwardPropagationWithRegularization: BackwardWithRegularization;
}

/**
 * The L2 notebook's graded cells and the functions they define. (The dropout assignment's are grading/spec.ts's
 * GRADED_CELLS; these join an L2 spec once the grader knows more than one assignment.)
 */
export const L2_GRADED_CELLS: Record<keyof L2Functions, string> = {
  computeCostWithRegularization: "compute_cost_with_regularization",
  backwardPropagationWithRegularization: "backward_propagation_with_regularization",
};

export async function loadReferenceSolution(notebookPath = INSTRUCTOR_NOTEBOOK): Promise<DropoutFunctions> {
  return loadDropoutFunctions(readNotebook(notebookPath));
}

/** Imports the graded functions of any notebook that follows the course's layout (a solution, a variant). */
export async function loadDropoutFunctions(notebook: Notebook): Promise<DropoutFunctions> {
  return loadGradedFunctions<DropoutFunctions>(notebook, GRADED_CELLS);
}

export async function loadL2ReferenceSolution(notebookPath = L2_INSTRUCTOR_NOTEBOOK): Promise<L2Functions> {
  return loadL2Functions(readNotebook(notebookPath));
}

export async function loadL2Functions(notebook: Notebook): Promise<L2Functions> {
  return loadGradedFunctions<L2Functions>(notebook, L2_GRADED_CELLS);
}

/**
 * Imports the functions that a notebook's graded cells define: `gradedCells` maps each function's name to the
 * grade_id of its cell. The module starts with the imports of the set-up cell.
 */
export async function loadGradedFunctions<Functions>(notebook: Notebook, gradedCells: Record<string, string>, setupCell = SETUP_CELL): Promise<Functions> {
  const names = Object.keys(gradedCells);
  const source = moduleFromCells(notebook, setupCell, Object.values(gradedCells), names);
  // Named by content, so an edited notebook never meets a stale module in an import cache.
  const file = resolve(__dirname, ".cache", `reference-solution-${createHash("sha256").update(source).digest("hex").slice(0, 12)}.ts`);
  writeAtomically(file, source);
  const loaded = await import(file);
  return (loaded.default?.[names[0]] ? loaded.default : loaded) as Functions;
}
