/**
 * Kept outputs. Execute (where the instructor asks): release cells whose metadata says
 * `"assign": {"keep_outputs": true}` ship with fresh cell outputs (notebook/cell-outputs.ts) instead of none,
 * e.g. the data-set plot, so students see it before running anything. The release is executed headless
 * through tslab's engine, up to the last such cell: a temporary copy outside the project, run in `folder` (a
 * folder inside the project, so `dropout-kit` resolves as it does for students; nothing is written there).
 * Outputs are deterministic (seeded data, plot ids from content), so two runs still give identical files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runNotebookHeadless } from "../notebook/headless";
import { cellSource, gradeIdOf, serializeNotebook } from "../notebook/notebook";
import type { Cell, Notebook } from "../notebook/notebook";
import { withCellOutputs } from "../notebook/cell-outputs";

const keepsOutputs = (cell: Cell): boolean => (cell.metadata.assign as { keep_outputs?: unknown } | undefined)?.keep_outputs === true;

export async function withKeptOutputs(release: Notebook, folder: string, name: string): Promise<Notebook> {
  const wanted = release.cells.flatMap((cell, index) => (cell.cell_type === "code" && keepsOutputs(cell) ? [index] : []));
  if (wanted.length === 0) return release;
  const upTo = Math.max(...wanted);
  const copyDir = mkdtempSync(join(tmpdir(), "assign-kept-outputs-"));
  const copy = join(copyDir, name);
  writeFileSync(copy, serializeNotebook({ ...release, cells: release.cells.slice(0, upTo + 1) }));
  let results;
  try {
    results = await runNotebookHeadless(copy, { cwd: folder });
  } finally {
    rmSync(copyDir, { recursive: true, force: true });
  }
  const kept = results.filter((r) => wanted.includes(r.cellIndex));
  for (const r of kept) {
    if (!r.ok) {
      const cell = release.cells[r.cellIndex];
      throw new Error(`${name}, cell ${r.cellIndex} (${gradeIdOf(cell) ?? "no grade_id"}): it asks to keep its outputs, but it fails when the release is executed:\n${(r.stderr || cellSource(cell)).slice(0, 1500)}`);
    }
  }
  return withCellOutputs(release, kept);
}
