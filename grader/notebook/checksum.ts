/**
 * nbgrader's cell checksum (nbgrader/utils.py, compute_checksum): the MD5 of the cell's source, its type,
 * whether it is a grade / solution / locked cell ("True"/"False", by nbgrader's rules), its grade_id, and
 * for a grade cell its points as Python prints a float ("5.0"). Computed on release (ComputeChecksums:
 * grade, solution and locked cells); the grader checks it on the locked cells, to report tampering.
 */
import { createHash } from "node:crypto";
import type { Cell, NbgraderMetadata } from "./notebook";
import { cellSource } from "./notebook";

const pyBool = (b: unknown) => (b ? "True" : "False");

/** Python's str(float(x)) for the point values a notebook uses (integers and simple decimals). */
function pyFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

const isGrade = (cell: Cell) => !!cell.metadata.nbgrader?.grade;
const isSolution = (cell: Cell) => !!cell.metadata.nbgrader?.solution;
/** nbgrader's is_locked: never a solution cell, always a grade cell, otherwise the `locked` flag. */
export const isLocked = (cell: Cell) => (isSolution(cell) ? false : isGrade(cell) ? true : !!cell.metadata.nbgrader?.locked);

export function computeChecksum(cell: Cell): string {
  const nb: Partial<NbgraderMetadata> = cell.metadata.nbgrader ?? {};
  const md5 = createHash("md5");
  md5.update(cellSource(cell), "utf8");
  md5.update(cell.cell_type, "utf8");
  md5.update(pyBool(isGrade(cell)), "utf8");
  md5.update(pyBool(isSolution(cell)), "utf8");
  md5.update(pyBool(isLocked(cell)), "utf8");
  md5.update(String(nb.grade_id ?? ""), "utf8");
  if (isGrade(cell)) md5.update(pyFloat(Number(nb.points ?? 0)), "utf8");
  return md5.digest("hex");
}

/** ComputeChecksums: every grade, solution or locked cell gets its checksum (and its cell_type), as nbgrader does. */
export function withChecksums<T extends { cells: Cell[] }>(notebook: T): T {
  for (const cell of notebook.cells) {
    if (!cell.metadata.nbgrader || !(isGrade(cell) || isSolution(cell) || isLocked(cell))) continue;
    cell.metadata.nbgrader = { ...cell.metadata.nbgrader, checksum: computeChecksum(cell), cell_type: cell.cell_type };
  }
  return notebook;
}
