/**
 * The notebooks students open fit the classic Notebook's code cells: about 85 characters show at the
 * default font before a line scrolls sideways, so no code line of the generated notebooks/*.ipynb is
 * longer than 90 characters (counted as characters, not bytes: `×` and `·` count one each).
 * Fails when: a code line longer than 90 characters reaches notebooks/ (seen red: 20 lines in
 * dropout.ipynb and 51 in experiments.ipynb before they were wrapped; then one 96-character comment
 * added to grader/assignments/dropout/source/experiments.ipynb and released with `npm run assign`).
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cellSource, readNotebook } from "../grader/notebook/notebook";

const NOTEBOOKS = resolve(__dirname, "../notebooks");
export const MAX_CODE_LINE = 90;

/**
 * Longer lines that the release step writes itself, not the instructor: the stub that replaces a solution
 * is one line, `throw new NotImplementedError("<function>: <the comment above the solution>");`
 * (grader/assign/release.ts), and its text is pinned by test/assign.test.ts and test/notebooks.test.ts.
 */
const WRITTEN_BY_THE_RELEASE = new Set([
  '  throw new NotImplementedError("forwardPropagationWithDropout: Steps 1-4 for the first hidden layer (D1, then A1)");',
  '  throw new NotImplementedError("forwardPropagationWithDropout: Steps 1-4 for the second hidden layer (D2, then A2)");',
]);

export function longCodeLines(path: string, max = MAX_CODE_LINE): string[] {
  const found: string[] = [];
  readNotebook(path).cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    cellSource(cell).split("\n").forEach((line, k) => {
      const length = [...line].length;
      if (length > max && !WRITTEN_BY_THE_RELEASE.has(line)) found.push(`cell ${index} (${cell.id ?? "no id"}), line ${k + 1}: ${length} characters: ${line}`);
    });
  });
  return found;
}

describe("the generated notebooks fit the classic Notebook's code width", () => {
  const notebooks = readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb")).sort();

  it("finds the notebooks", () => {
    expect(notebooks).toEqual(["dropout.ipynb", "experiments.ipynb", "l2-regularization.ipynb"]);
  });

  it.each(notebooks)(`no code line of notebooks/%s is longer than ${MAX_CODE_LINE} characters`, (name) => {
    expect(longCodeLines(join(NOTEBOOKS, name)), "wrap these lines in the assignment's source/, then `npm run assign`").toEqual([]);
  });
});
