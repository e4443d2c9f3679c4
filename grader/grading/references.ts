/**
 * Reference outputs, as grading reads them: each assignment's references file, derived by `npm run assign`
 * (grader/assign/references.ts and the assignment's deriveReferences) and read by the grader's parent process
 * only. Grading needs this file and nothing of the instructor notebook or the release step.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import type { GradedAssignment, References } from "../assignment";
import { PROJECT_ROOT } from "../sandbox/isolation";

const cache = new Map<string, { mtimeMs: number; size: number; references: References }>();

/** The set-up cell to run before a student's graded cells: derived data, from the references. */
export function setupCellOf(references: References, file = "the references"): string {
  if (typeof references.setupCell !== "string" || references.setupCell.trim() === "") {
    throw new Error(`${file} holds no set-up cell: run \`npm run assign\` to regenerate it`);
  }
  return references.setupCell;
}

/** An assignment's references (read once per file version): they must say they are that assignment's. */
export function readReferences<R extends References>(assignment: Pick<GradedAssignment<R>, "id" | "referencesFile">, file = assignment.referencesFile): R {
  const shown = relative(PROJECT_ROOT, file);
  if (!existsSync(file)) throw new Error(`${shown} is missing: run \`npm run assign\` to generate it from the solution`);
  const { mtimeMs, size } = statSync(file);
  const known = cache.get(file);
  if (known && known.mtimeMs === mtimeMs && known.size === size) return known.references as R;
  const references = JSON.parse(readFileSync(file, "utf8")) as R;
  if (references?.assignment !== assignment.id) {
    throw new Error(`${shown} holds the references of '${String(references?.assignment)}', not of '${assignment.id}': run \`npm run assign\` to regenerate it`);
  }
  setupCellOf(references, shown);
  cache.set(file, { mtimeMs, size, references });
  return references;
}
