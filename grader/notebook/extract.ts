/**
 * Turns the graded cells of a notebook into an importable TypeScript module: the import statements of
 * the set-up cell, then the cells picked by grade_id, then an export of the named functions.
 * The cells are picked by nbgrader metadata, never by looking at what a student's test cells do.
 */
import { cellSource, gradeIdOf, Notebook } from "./notebook";

export const SETUP_CELL_ID = "setup";

/** Keeps only `import ... from "...";` statements (possibly spanning lines) of a cell. */
export function importStatements(source: string): string {
  const statements = source.match(/^import\s[\s\S]*?from\s+["'][^"']+["'];?/gm) ?? [];
  return statements.join("\n");
}

export function moduleFromCells(notebook: Notebook, gradeIds: string[], exportNames: string[]): string {
  const byId = new Map(notebook.cells.map((cell) => [gradeIdOf(cell), cell] as const));
  const setup = byId.get(SETUP_CELL_ID);
  if (!setup) throw new Error(`the notebook has no cell with grade_id "${SETUP_CELL_ID}" (the import cell)`);
  const parts = [importStatements(cellSource(setup))];
  for (const id of gradeIds) {
    const cell = byId.get(id);
    if (!cell) throw new Error(`the notebook has no cell with grade_id "${id}"`);
    parts.push(`// --- cell ${id}\n${cellSource(cell)}`);
  }
  parts.push(`export { ${exportNames.join(", ")} };`);
  return `${parts.join("\n\n")}\n`;
}
