/**
 * Deriving an assignment's references (`npm run assign`): the released set-up cell, and what the assignment's
 * deriveReferences makes of its solution (the instructor notebook's graded cells) on every case. Every expected
 * value must be a finite number, and the file holds no -0 (JSON writes it as 0): the same values in memory as
 * on disk. A test fails when the committed files differ from what the source generates.
 */
import type { Assignment, References } from "../assignment";
import { cellSource, gradeIdOf, readNotebook } from "../notebook/notebook";
import type { Notebook } from "../notebook/notebook";
import { instructorNotebook, loadGradedFunctions } from "../reference-solution";
import { releaseNotebook } from "./release";

/** The set-up cell of the release (release.ts: settings written out), from the instructor notebook. */
export function releasedSetupCell(assignment: Assignment, notebook: Notebook = readNotebook(instructorNotebook(assignment))): string {
  const cell = releaseNotebook(notebook, assignment.notebook, assignment).cells.find((c) => gradeIdOf(c) === assignment.setupCell);
  if (!cell) throw new Error(`the instructor notebook ${assignment.notebook} has no cell with grade_id '${assignment.setupCell}'`);
  return cellSource(cell);
}

/** Every tensor ({ shape, values }) anywhere in `value` holds finite numbers only; else an error naming where. */
function assertFinite(value: unknown, where: string): void {
  if (!value || typeof value !== "object") return;
  const tensor = value as { shape?: unknown; values?: unknown };
  if (Array.isArray(tensor.shape) && Array.isArray(tensor.values)) {
    if (!tensor.values.every((v) => typeof v === "number" && Number.isFinite(v))) throw new Error(`the solution's ${where} holds NaN or Infinity: an expected value must be a finite number`);
    return;
  }
  for (const [key, inner] of Object.entries(value)) assertFinite(inner, where ? `${where}.${key}` : key);
}

export async function generateReferences(assignment: Assignment): Promise<References> {
  const references = assignment.deriveReferences(await loadGradedFunctions(assignment), releasedSetupCell(assignment));
  assertFinite(references, "");
  return JSON.parse(JSON.stringify(references)) as References;
}

export function serializeReferences(data: unknown): string {
  return `${JSON.stringify(data)}\n`;
}
