/**
 * An assignment's example gallery, as students would hand it in: the instructor notebook with its solution
 * regions turned into filled-in student regions, then edited as a student would (text substitutions in the
 * graded cells), with the metadata of the released copy (points, checksums, the assignment's name). Each
 * assignment's gallery.ts lists its examples; `npm run assign` writes them to its gallery folder.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Assignment } from "../assignment";
import type { Notebook } from "../notebook/notebook";
import { cellSource, gradeIdOf, readNotebook, serializeNotebook, toSourceLines } from "../notebook/notebook";
import { instructorNotebook } from "../reference-solution";
import { inlineSettings, releaseCellSource, releaseNotebook } from "./release";

/** [grade_id of a graded cell, text to find in it, text to put instead]. */
export type Edit = [gradeId: string, from: string, to: string];

export interface Example {
  /** File name without .ipynb. */
  name: string;
  description: string;
  /** A notebook as a student would hand it in (solution edited), or raw file text for broken files. */
  build: () => string;
}

/** The assignment's student notebook as released (stubs, no solution). */
export function releasedCopy(assignment: Assignment): Notebook {
  return releaseNotebook(readNotebook(instructorNotebook(assignment)), assignment.notebook, assignment);
}

/** The instructor notebook with its solution regions turned into filled-in student regions, edited. */
export function studentNotebook(assignment: Assignment, edits: Edit[] = [], transform?: (nb: Notebook) => void): Notebook {
  const nb = readNotebook(instructorNotebook(assignment));
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    let source = cellSource(cell);
    for (const [gradeId, from, to] of edits) {
      if (gradeIdOf(cell) !== gradeId) continue;
      if (!source.includes(from)) throw new Error(`gallery: "${from}" not found in cell ${gradeId}`);
      source = source.split(from).join(to);
    }
    // Everything else as the student's copy has it: no hidden tests, the settings written out.
    const where = `gallery, cell ${gradeIdOf(cell) ?? "no grade_id"}`;
    source = inlineSettings(releaseCellSource(source, where, { keepSolutions: true }), where, assignment.notebookSettings);
    cell.source = toSourceLines(source);
    cell.outputs = [];
    cell.execution_count = null;
  }
  // The metadata a student's copy carries: the released cells' (points from the settings, checksums) and the notebook's.
  const released = releasedCopy(assignment);
  const meta = new Map(released.cells.map((c) => [gradeIdOf(c), c.metadata.nbgrader]));
  for (const cell of nb.cells) {
    const m = meta.get(gradeIdOf(cell));
    if (m && cell.metadata.nbgrader) cell.metadata.nbgrader = { ...m };
  }
  nb.metadata = released.metadata;
  transform?.(nb);
  return nb;
}

/** An example built from the solution with these edits. */
export const editedSubmission = (assignment: Assignment, edits: Edit[] = [], transform?: (nb: Notebook) => void) => () => serializeNotebook(studentNotebook(assignment, edits, transform));

export function galleryFilesOf(examples: Example[]): { name: string; text: string }[] {
  return examples.map((e) => ({ name: `${e.name}.ipynb`, text: e.build() }));
}

/** The gallery's committed files, by name. */
export function committedGallery(galleryDir: string): string[] {
  return readdirSync(galleryDir).filter((f) => f.endsWith(".ipynb")).sort();
}

export function readGalleryFile(galleryDir: string, name: string): string {
  return readFileSync(join(galleryDir, name), "utf8");
}
