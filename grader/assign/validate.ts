import { readFileSync } from "node:fs";
/**
 * Validations `npm run assign` runs on every regeneration; each problem names the notebook and the cell.
 * (Markers are checked as the release is made: release.ts throws MarkerError.)
 */
import { SECRET_REGIONS } from "../notebook/markers";
import { cellSource, gradeIdOf } from "../notebook/notebook";
import type { Notebook } from "../notebook/notebook";
import type { Assignment } from "../assignment";
import { pointsOf } from "../assignment";

/** Every nbgrader cell has a grade_id, unique in its notebook; every graded function has its cell and test cell. */
export function checkGradeIds(notebook: Notebook, name: string, assignment: Assignment): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  notebook.cells.forEach((cell, index) => {
    const meta = cell.metadata.nbgrader;
    if (!meta) return;
    if (!meta.grade_id) {
      problems.push(`${name}, cell ${index}: nbgrader metadata without a grade_id`);
      return;
    }
    if (seen.has(meta.grade_id)) problems.push(`${name}, cell ${index}: grade_id '${meta.grade_id}' is already used by cell ${seen.get(meta.grade_id)}; grade_ids must be unique`);
    else seen.set(meta.grade_id, index);
  });
  // An ungraded notebook (the experiments) needs no graded cells.
  const graded = notebook.cells.some((c) => c.metadata.nbgrader?.solution || c.metadata.nbgrader?.grade);
  for (const [fn, gradeId] of graded ? Object.entries(assignment.gradedCells) : []) {
    if (!seen.has(gradeId)) problems.push(`${name}: no cell with grade_id '${gradeId}' (where students write ${fn})`);
    const test = notebook.cells.find((c) => gradeIdOf(c) === `${gradeId}_test`);
    if (!test) problems.push(`${name}: no test cell with grade_id '${gradeId}_test' for ${fn}`);
    else if (!test.metadata.nbgrader?.grade) problems.push(`${name}: cell '${gradeId}_test' must be a grade cell (nbgrader "grade": true)`);
  }
  return problems;
}

/** Points in the source that differ from the settings: the release follows the settings; say so. */
export function pointsNotices(notebook: Notebook, name: string, assignment: Assignment): string[] {
  const notices: string[] = [];
  for (const [fn, gradeId] of Object.entries(assignment.gradedCells)) {
    const test = notebook.cells.find((c) => gradeIdOf(c) === `${gradeId}_test`);
    const stated = test?.metadata.nbgrader?.points;
    if (test && stated !== pointsOf(assignment, fn)) {
      notices.push(`${name}, cell '${gradeId}_test': its nbgrader points say ${String(stated)}, the settings give ${fn} ${pointsOf(assignment, fn)}; the release uses ${pointsOf(assignment, fn)}`);
    }
  }
  return notices;
}

/** The lines between solution and hidden-test markers (trimmed; blank and comment-only lines left out). */
export function secretLines(notebook: Notebook): string[] {
  const lines = new Set<string>();
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    let inside: RegExp | undefined;
    for (const line of cellSource(cell).split("\n")) {
      const opened = SECRET_REGIONS.find(([begin]) => begin.test(line));
      if (!inside && opened) {
        inside = opened[1];
        continue;
      }
      if (inside?.test(line)) {
        inside = undefined;
        continue;
      }
      const text = line.trim();
      if (inside && text && !text.startsWith("//")) lines.add(text);
    }
  }
  return [...lines];
}

/** Where a secret line appears in the given texts (path -> text). */
export function leaks(secrets: string[], texts: { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of texts) {
    for (const line of secrets) if (text.includes(line)) found.push(`${path} contains a line of the solution or the hidden tests: ${line}`);
  }
  return found;
}

/**
 * The lines of the grader's recomputations (an assignment's `recomputations` files) that would give a graded
 * function's output away if a student had them: code lines (no comments, imports or punctuation) of 40
 * characters or more that compute with tfjs. A file a student gets that holds one is refused, as a solution line is.
 */
export function recomputationLines(files: string[]): { file: string; line: string }[] {
  const found: { file: string; line: string }[] = [];
  for (const file of files) {
    for (const raw of readFileSync(file, "utf8").split("\n")) {
      const line = raw.trim();
      if (line.length >= 40 && /\btf\.\w+\(/.test(line) && !/^(\/\/|\*|\/\*|import |export \{)/.test(line)) found.push({ file, line });
    }
  }
  return found;
}

/** Where a recomputation's line appears in the given texts (path -> text). */
export function recomputationLeaks(lines: { file: string; line: string }[], texts: { path: string; text: string }[], shown: (file: string) => string): string[] {
  const found: string[] = [];
  for (const { path, text } of texts) {
    const hit = lines.find(({ line }) => text.includes(line));
    if (hit) found.push(`${path} holds the grader's recomputation (a line of ${shown(hit.file)}): ${hit.line}. Students must not get it: move that code to the grader, or the public tests' data.`);
  }
  return found;
}
