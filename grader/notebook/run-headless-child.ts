/**
 * Child-process entry: runs every code cell of one notebook through tslab's engine, in the folder it is
 * given (the notebook's own, unless the notebook is a copy), and sends the per-cell results to the parent over IPC.
 * Usage (from headless.ts): fork with execArgv ["--import", "tsx"], argv [notebookPath, folder].
 */
import { dirname, resolve } from "node:path";
import { cellSource, gradeIdOf, readNotebook } from "./notebook";
import { createCellExecutor } from "./execute";

async function main(): Promise<void> {
  const notebookPath = resolve(process.argv[2]);
  const notebook = readNotebook(notebookPath);
  process.chdir(resolve(process.argv[3] ?? dirname(notebookPath)));
  const executor = createCellExecutor(process.cwd());
  const results = [];
  for (const [cellIndex, cell] of notebook.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    const run = await executor.run(cellSource(cell));
    results.push({ ...run, cellIndex, gradeId: gradeIdOf(cell) });
  }
  executor.close();
  process.send!({ results }, undefined, {}, () => process.exit(0));
}

main().catch((error) => {
  process.send!({ error: String(error?.stack ?? error) }, undefined, {}, () => process.exit(1));
});
