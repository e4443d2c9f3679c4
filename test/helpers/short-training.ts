/**
 * Copies of a notebook whose trainings are short, for tests whose claims do not depend on how long a model
 * trains (every cell runs, the stub's message, plots arrive as HTML). The full-length results (the accuracy
 * tables, the figures the markdown quotes) are checked on the notebooks themselves, by the headless tests.
 *
 * Two forms are shortened, in code cells: a spread of the settings' TRAINING (`...TRAINING,` becomes
 * `...TRAINING, numIterations: N,`, the form the instructor notebooks use) and a written-out
 * `numIterations: 30000` (the release's inlined settings, the experiments' own `training`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

/** The notebook's JSON with its trainings shortened, and the indexes of the cells that changed. Throws when none did. */
export function withShortTraining(notebookText: string, iterations: number): { text: string; changed: number[] } {
  const nb = JSON.parse(notebookText) as { cells: { cell_type: string; source: string | string[] }[] };
  const changed: number[] = [];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    const shortened = source
      .replace(/\.\.\.TRAINING,/g, `...TRAINING, numIterations: ${iterations},`)
      .replace(/\bnumIterations: \d[\d_]*/g, `numIterations: ${iterations}`);
    if (shortened !== source) {
      cell.source = shortened;
      changed.push(index);
    }
  });
  if (changed.length === 0) throw new Error("short training: no code cell spreads ...TRAINING or writes numIterations, so no training could be shortened");
  return { text: JSON.stringify(nb, null, 1), changed };
}

/** Writes the shortened copy into a new temporary folder (under the same file name) and returns its path. */
export function shortTrainingCopy(notebookPath: string, iterations: number): string {
  const copy = join(mkdtempSync(join(tmpdir(), "short-training-")), basename(notebookPath));
  writeFileSync(copy, withShortTraining(readFileSync(notebookPath, "utf8"), iterations).text);
  return copy;
}

/** A training cell's printed costs show the short schedule: the cost at iteration 0, and none at 10,000. */
export const trainedShort = (stdout: string): boolean => /Cost after iteration 0:/.test(stdout) && !/Cost after iteration 10000:/.test(stdout);
