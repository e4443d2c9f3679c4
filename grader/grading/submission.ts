/**
 * Reading a submitted .ipynb: everything that can be wrong with the file itself is found here and said
 * plainly, before any code runs. A problem that makes grading impossible is `fatal`; others are notes
 * shown with the result (the submission is still graded).
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { computeChecksum, isLocked } from "../notebook/checksum";
import type { Cell, Notebook } from "../notebook/notebook";
import { cellSource, gradeIdOf } from "../notebook/notebook";
import { GRADED_CELLS } from "./spec";
import type { GradedFunctionName } from "./spec";

/** Far above any honest submission (the executed course notebook is about 2 MB). */
export const MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024;

export interface ReadSubmission {
  contentHash: string;
  /** Set when the submission cannot be graded at all. */
  fatal?: string;
  notes: string[];
  /** The source of each graded function's cell, when found. */
  gradedSources: Partial<Record<GradedFunctionName, string>>;
  /** Why a graded function's cell is not there, when it is not. */
  missing: Partial<Record<GradedFunctionName, string>>;
}

/** SHA-256 of a file, read in chunks (a submission may be far too big to hold in memory). */
export function hashFile(path: string): string {
  const hash = createHash("sha256");
  const chunk = Buffer.alloc(1 << 20);
  const fd = openSync(path, "r");
  try {
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

export function readSubmission(path: string): ReadSubmission {
  const empty = { notes: [], gradedSources: {}, missing: {} };
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    return { ...empty, contentHash: "", fatal: `The file cannot be read: ${(error as Error).message}` };
  }
  if (size > MAX_NOTEBOOK_BYTES) {
    return {
      ...empty,
      contentHash: hashFile(path),
      fatal: `The file is ${(size / 1024 / 1024).toFixed(0)} MB; this assignment's notebook is well under 3 MB. Clear the outputs (Cell > All Output > Clear), save, and submit again.`,
    };
  }
  const bytes = readFileSync(path);
  const contentHash = createHash("sha256").update(bytes).digest("hex");
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    return { ...empty, contentHash, fatal: `The file is not valid JSON, so it is not a notebook Jupyter saved (${(error as Error).message}). Was it edited in a text editor, or cut short? Download it again from Jupyter (File > Download as > Notebook).` };
  }
  const nb = data as Partial<Notebook> & { nbformat?: unknown };
  if (!nb || typeof nb !== "object" || Array.isArray(nb) || !Array.isArray(nb.cells)) {
    return { ...empty, contentHash, fatal: "The file is JSON but not a Jupyter notebook (it has no list of cells). Submit the .ipynb file of the assignment." };
  }
  if (nb.nbformat !== 4) {
    return { ...empty, contentHash, fatal: `The notebook's format is nbformat ${String(nb.nbformat)}; only nbformat 4 (what Jupyter writes today) can be graded. Open it in Jupyter and save it again.` };
  }
  const notes: string[] = [];
  const kernel = (nb.metadata as { kernelspec?: { name?: string } } | undefined)?.kernelspec?.name;
  if (!kernel) notes.push("The notebook names no kernel; it was graded as TypeScript (tslab) anyway.");
  else if (kernel !== "tslab") notes.push(`The notebook's kernel is '${kernel}', not 'tslab' (TypeScript); it was graded as TypeScript anyway.`);

  const cells = nb.cells as Cell[];
  // Tampering: a read-only cell (tests, given code) whose checksum no longer matches. The grader runs its
  // own tests and the instructor's set-up, so this changes no score; it is reported.
  for (const cell of cells) {
    const meta = cell?.metadata?.nbgrader;
    if (!meta?.checksum || !isLocked(cell)) continue;
    if (computeChecksum(cell) !== meta.checksum) {
      notes.push(`The read-only cell '${meta.grade_id}' was edited (its nbgrader checksum no longer matches). That changes nothing here: the grader runs its own tests. It is reported to your instructor.`);
    }
  }
  const gradedSources: ReadSubmission["gradedSources"] = {};
  const missing: ReadSubmission["missing"] = {};
  for (const [fn, gradeId] of Object.entries(GRADED_CELLS) as [GradedFunctionName, string][]) {
    const matches = cells.filter((c) => c.cell_type === "code" && gradeIdOf(c) === gradeId);
    if (matches.length > 1) notes.push(`The graded cell '${gradeId}' appears ${matches.length} times (a copied cell?); the first one was graded.`);
    if (matches.length > 0) {
      gradedSources[fn] = cellSource(matches[0]);
      continue;
    }
    // Renamed or re-created cells: look for the function's definition in any code cell.
    const definition = new RegExp(`(function\\s+${fn}\\b|\\b(const|let|var)\\s+${fn}\\s*=)`);
    const found = cells.find((c) => c.cell_type === "code" && definition.test(cellSource(c)));
    if (found) {
      gradedSources[fn] = cellSource(found);
      notes.push(`The graded cell '${gradeId}' is missing (its metadata was changed or the cell re-created); ${fn} was found in another cell and graded from there.`);
    } else {
      missing[fn] = `The graded cell '${gradeId}', which defines ${fn}, is missing from your notebook (deleted, or its metadata changed). Copy that cell from a fresh copy of the assignment, write your code in it, and submit again.`;
    }
  }
  return { contentHash, notes, gradedSources, missing };
}
