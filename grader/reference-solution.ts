/**
 * The reference solution, loaded from its one source of truth: the instructor notebook's graded cells.
 * It is written into a generated module under grader/.cache/ (ignored by git) and imported from there.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { BackwardWithDropout, ForwardWithDropout } from "dropout-kit";
import { writeAtomically } from "./atomic-write";
import { GRADED_CELLS, SETUP_CELL } from "./grading/spec";
import { moduleFromCells } from "./notebook/extract";
import { Notebook, readNotebook } from "./notebook/notebook";

export const INSTRUCTOR_NOTEBOOK = resolve(__dirname, "source/dropout.ipynb");

export interface DropoutFunctions {
  forwardPropagationWithDropout: ForwardWithDropout;
  backwardPropagationWithDropout: BackwardWithDropout;
}

export async function loadReferenceSolution(notebookPath = INSTRUCTOR_NOTEBOOK): Promise<DropoutFunctions> {
  return loadDropoutFunctions(readNotebook(notebookPath));
}

/** Imports the graded functions of any notebook that follows the course's layout (a solution, a variant). */
export async function loadDropoutFunctions(notebook: Notebook): Promise<DropoutFunctions> {
  // Each graded cell by its grade_id, exported under the name of the function it defines.
  const source = moduleFromCells(notebook, SETUP_CELL, Object.values(GRADED_CELLS), Object.keys(GRADED_CELLS));
  // Named by content, so an edited notebook never meets a stale module in an import cache.
  const file = resolve(__dirname, ".cache", `reference-solution-${createHash("sha256").update(source).digest("hex").slice(0, 12)}.ts`);
  writeAtomically(file, source);
  const loaded = await import(file);
  return (loaded.default?.forwardPropagationWithDropout ? loaded.default : loaded) as DropoutFunctions;
}
