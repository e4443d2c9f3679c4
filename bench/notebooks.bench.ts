/**
 * Run All, timed: each notebook executed headless through tslab's own engine (grader/notebook/headless.ts: the
 * converter and executor the kernel runs, in a child process started in the notebook's folder), one after the
 * other, with the wall time of the whole run and of its slowest cells.
 *
 *   npm run bench:notebooks                         the three instructor notebooks (solutions filled in), once
 *   npm run bench:notebooks -- --reps 3             three runs each (rotated order), medians
 *   npm run bench:notebooks -- path/to/a.ipynb ...  other notebooks
 *
 * The instructor notebooks are the ones that run from top to bottom (the student releases stop at their stubs).
 * It prints figures and asserts nothing: the time depends on the machine and on what else runs on it.
 */
import { resolve } from "node:path";
import { parseCommandLine } from "../grader/command-line";
import { runNotebookHeadless, HeadlessCellResult } from "../grader/notebook/headless";

const ROOT = resolve(__dirname, "..");
const DEFAULT_NOTEBOOKS = [
  "grader/assignments/l2-regularization/source/l2-regularization.ipynb",
  "grader/assignments/dropout/source/dropout.ipynb",
  "grader/assignments/dropout/source/experiments.ipynb",
];
const USAGE = "usage: npm run bench:notebooks -- [--reps N] [--slowest N] [notebook.ipynb ...]";

interface Timing {
  seconds: number;
  cells: HeadlessCellResult[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine("bench:notebooks", USAGE, {
    options: { reps: { type: "string", default: "1" }, slowest: { type: "string", default: "4" } },
    allowPositionals: true,
  });
  const reps = Number(values.reps);
  const slowest = Number(values.slowest);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps needs a positive integer, got ${values.reps}`);
  if (!Number.isInteger(slowest) || slowest < 0) throw new Error(`--slowest needs a non-negative integer, got ${values.slowest}`);
  const notebooks = (positionals.length ? positionals : DEFAULT_NOTEBOOKS).map((p) => resolve(ROOT, p));

  console.log(`Run All, headless through tslab's engine: ${notebooks.length} notebooks, ${reps} run(s) each`);
  const timings = new Map<string, Timing[]>();
  for (let rep = 0; rep < reps; rep++) {
    const order = notebooks.map((_, k) => notebooks[(k + rep) % notebooks.length]);
    for (const notebook of order) {
      const started = performance.now();
      const cells = await runNotebookHeadless(notebook);
      const seconds = (performance.now() - started) / 1000;
      timings.set(notebook, [...(timings.get(notebook) ?? []), { seconds, cells }]);
      const failed = cells.filter((c) => !c.ok).length;
      console.log(`  run ${rep + 1}/${reps}  ${notebook.slice(ROOT.length + 1).padEnd(70)} ${seconds.toFixed(1).padStart(6)} s  (${cells.length} code cells${failed ? `, ${failed} FAILED` : ""})`);
    }
  }

  console.log(`\nnotebook${" ".repeat(62)}  median s   min s   slowest cells (median s)`);
  for (const notebook of notebooks) {
    const runs = timings.get(notebook)!;
    const seconds = runs.map((r) => r.seconds);
    const cellMedians = runs[0].cells.map((cell, k) => ({
      id: cell.gradeId ?? `cell ${cell.cellIndex}`,
      seconds: median(runs.map((r) => (r.cells[k]?.durationMs ?? 0) / 1000)),
    }));
    const top = [...cellMedians].sort((a, b) => b.seconds - a.seconds).slice(0, slowest);
    const name = notebook.slice(ROOT.length + 1).padEnd(70);
    console.log(`${name}  ${median(seconds).toFixed(1).padStart(8)}  ${Math.min(...seconds).toFixed(1).padStart(6)}   ${top.map((c) => `${c.id} ${c.seconds.toFixed(1)}`).join(", ")}`);
  }
  console.log(`\n(wall time of each whole run: the child's start, the compiler's warm-up and every cell; "slowest cells" are the cells' own times)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
