/**
 * Turns the graded cells of a notebook into an importable TypeScript module: the import statements of
 * the set-up cell, then the cells picked by grade_id, then an export of the named functions.
 * The cells are picked by nbgrader metadata, never by looking at what a student's test cells do.
 */
import { cellSource, gradeIdOf, Notebook } from "./notebook";

/** Keeps only `import ... from "...";` statements (possibly spanning lines) of a cell. */
function importStatements(source: string): string {
  const statements = source.match(/^import\s[\s\S]*?from\s+["'][^"']+["'];?/gm) ?? [];
  return statements.join("\n");
}

/** `setupId`: the grade_id of the cell whose imports the module starts with (grading/spec.ts's SETUP_CELL). */
export function moduleFromCells(notebook: Notebook, setupId: string, gradeIds: string[], exportNames: string[]): string {
  const byId = new Map(notebook.cells.map((cell) => [gradeIdOf(cell), cell] as const));
  const setup = byId.get(setupId);
  if (!setup) throw new Error(`the notebook has no cell with grade_id "${setupId}" (the import cell)`);
  const parts = [importStatements(cellSource(setup))];
  for (const id of gradeIds) {
    const cell = byId.get(id);
    if (!cell) throw new Error(`the notebook has no cell with grade_id "${id}"`);
    parts.push(`// --- cell ${id}\n${cellSource(cell)}`);
  }
  parts.push(`export { ${exportNames.join(", ")} };`);
  return `${parts.join("\n\n")}\n`;
}
