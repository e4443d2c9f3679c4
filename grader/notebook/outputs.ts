/** Puts the results of a headless run back into a notebook as nbformat outputs (as Jupyter would save them). */
import type { HeadlessCellResult } from "./headless";
import type { Notebook } from "./notebook";
import { toSourceLines } from "./notebook";

export function withOutputs(notebook: Notebook, results: HeadlessCellResult[]): Notebook {
  const executed: Notebook = JSON.parse(JSON.stringify(notebook));
  for (const [n, result] of results.entries()) {
    const cell = executed.cells[result.cellIndex];
    const outputs: unknown[] = [];
    if (result.stdout) outputs.push({ name: "stdout", output_type: "stream", text: toSourceLines(result.stdout) });
    for (const bundle of result.displays) outputs.push({ output_type: "display_data", data: bundle.data, metadata: bundle.metadata ?? {} });
    if (result.stderr) outputs.push({ name: "stderr", output_type: "stream", text: toSourceLines(result.stderr) });
    cell.outputs = outputs;
    cell.execution_count = n + 1;
  }
  return executed;
}
