/**
 * A notebook cell's outputs (nbformat's `outputs`: streams, displays): the results of a headless run put back
 * into a notebook as Jupyter would save them. Not the cells that keep their outputs in the release
 * (assign/kept-outputs.ts), nor the expected outputs of the grader's references (grading/references.ts).
 */
import type { HeadlessCellResult } from "./headless";
import type { Notebook } from "./notebook";
import { toSourceLines } from "./notebook";

export function withCellOutputs(notebook: Notebook, results: HeadlessCellResult[]): Notebook {
  const executed: Notebook = JSON.parse(JSON.stringify(notebook));
  for (const [n, result] of results.entries()) {
    const cell = executed.cells[result.cellIndex];
    const cellOutputs: unknown[] = [];
    if (result.stdout) cellOutputs.push({ name: "stdout", output_type: "stream", text: toSourceLines(result.stdout) });
    for (const bundle of result.displays) cellOutputs.push({ output_type: "display_data", data: bundle.data, metadata: bundle.metadata ?? {} });
    if (result.stderr) cellOutputs.push({ name: "stderr", output_type: "stream", text: toSourceLines(result.stderr) });
    cell.outputs = cellOutputs;
    cell.execution_count = n + 1;
  }
  return executed;
}
