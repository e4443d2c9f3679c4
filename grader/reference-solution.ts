/**
 * An assignment's reference solution, loaded from its one source of truth: the instructor notebook's graded
 * cells. They are written into a generated module under grader/.cache/ (ignored by git) and imported from there.
 */
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import type { GradedFunction } from "dropout-kit";
import type { Assignment } from "./assignment";
import { writeAtomically } from "./atomic-write";
import { moduleFromCells } from "./notebook/extract";
import { Notebook, readNotebook } from "./notebook/notebook";

/** The instructor notebook of an assignment (its graded notebook, in its source folder). */
export function instructorNotebook(assignment: Pick<Assignment, "sourceDir" | "notebook">): string {
  return join(assignment.sourceDir, assignment.notebook);
}

/**
 * Imports the graded functions of any notebook that follows the assignment's layout (its solution, a
 * variant): each graded cell by its grade_id, exported under the name of the function it defines.
 */
export async function loadGradedFunctions(assignment: Pick<Assignment, "gradedCells" | "setupCell" | "sourceDir" | "notebook">, notebook: Notebook = readNotebook(instructorNotebook(assignment))): Promise<Record<string, GradedFunction>> {
  const names = Object.keys(assignment.gradedCells);
  const source = moduleFromCells(notebook, assignment.setupCell, Object.values(assignment.gradedCells), names);
  // Named by content, so an edited notebook never meets a stale module in an import cache.
  const file = resolve(__dirname, ".cache", `reference-solution-${createHash("sha256").update(source).digest("hex").slice(0, 12)}.ts`);
  writeAtomically(file, source);
  const loaded = await import(file);
  return (loaded.default?.[names[0]] ? loaded.default : loaded) as Record<string, GradedFunction>;
}
