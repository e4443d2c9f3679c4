/**
 * Executes the instructor (solution) notebook headless through tslab's engine and prints its accuracy table.
 * `--save <path>` also writes the executed notebook.
 */
import { resolve } from "node:path";
import { writeAtomically } from "../grader/atomic-write";
import { parseCommandLine } from "../grader/command-line";
import { runNotebookHeadless } from "../grader/notebook/headless";
import { readNotebook, serializeNotebook } from "../grader/notebook/notebook";
import { withCellOutputs } from "../grader/notebook/cell-outputs";
import { INSTRUCTOR_NOTEBOOK } from "../grader/assignments/dropout/solution";

const USAGE = "usage: npm run solution [-- --save <path of the executed notebook>]";

async function main(): Promise<void> {
  const { save } = parseCommandLine("solution", USAGE, { options: { save: { type: "string" } }, allowPositionals: false }).values;
  // No time estimate: it depends on the machine's load. On the same 2 cores: about 17 s idle (issue 9), and
  // 42-80 s wall (medians of 3: 46 s and 78 s; 25 s of CPU each time) while other jobs ran (load 5-14).
  // The time it took is printed at the end.
  console.log(`Executing ${INSTRUCTOR_NOTEBOOK} headless (two 30,000-iteration trainings)...`);
  const started = Date.now();
  const results = await runNotebookHeadless(INSTRUCTOR_NOTEBOOK);
  const failed = results.filter((r) => !r.ok);
  for (const r of failed) console.error(`cell ${r.cellIndex} (${r.gradeId ?? "no grade_id"}) failed:\n${r.stderr}`);
  const table = results.find((r) => r.gradeId === "results_table");
  console.log(`\n${table?.stdout.trim() ?? "(no accuracy table was printed)"}\n`);
  console.log(`${results.length} code cells, ${failed.length} failed, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (save !== undefined) {
    const target = resolve(save);
    writeAtomically(target, serializeNotebook(withCellOutputs(readNotebook(INSTRUCTOR_NOTEBOOK), results)));
    console.log(`executed notebook written to ${target}`);
  }
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 2;
});
