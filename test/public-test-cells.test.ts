/**
 * The notebook's public test cells as a student sees them: the released test cells run through tslab's own
 * engine (the kernel's), after the set-up cell and the graded cells of gallery notebooks with typical
 * mistakes. A failed test prints one screen with the mistake named, and its error carries no stack through
 * the library or tfjs; the solution prints "All tests passed.".
 * Fails when: the public tests print whole matrices or more than 25 lines, lose a diagnosis, or a failure
 * shows library source (seen red: with a writable stack, Node's vm printed the throwing line of publicTests.ts; and the
 * test cell's own direct call of a throwing function printed tfjs's stack, before the test cells called the tests only).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGalleryFile } from "../grader/assign/gallery";
import { dropout } from "../grader/assignments/dropout";
import { runNotebookHeadless } from "../grader/notebook/headless";
import type { HeadlessCellResult } from "../grader/notebook/headless";
import { gradeIdOf, serializeNotebook } from "../grader/notebook/notebook";
import type { Notebook } from "../grader/notebook/notebook";
import { PROJECT_ROOT } from "../grader/sandbox/isolation";

/** A folder inside the project, so that `dropout-kit` resolves as it does for notebooks/. */
const FOLDER = join(PROJECT_ROOT, `.public-test-cells-${process.pid}`);
const CELLS = ["setup", "forward_propagation_with_dropout", "forward_propagation_with_dropout_test", "backward_propagation_with_dropout", "backward_propagation_with_dropout_test"];

afterAll(() => rmSync(FOLDER, { recursive: true, force: true }));

/** The gallery notebook's set-up, graded and public test cells (no training), run headless. */
async function testCells(name: string): Promise<Record<string, HeadlessCellResult>> {
  mkdirSync(FOLDER, { recursive: true });
  const notebook = JSON.parse(readGalleryFile(dropout.galleryDir, `${name}.ipynb`)) as Notebook;
  notebook.cells = notebook.cells.filter((c) => CELLS.includes(gradeIdOf(c) ?? ""));
  const path = join(FOLDER, `${name}.ipynb`);
  writeFileSync(path, serializeNotebook(notebook));
  const results = await runNotebookHeadless(path, { timeoutMs: 120_000 });
  return Object.fromEntries(results.map((r) => [r.gradeId ?? String(r.cellIndex), r]));
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");

describe("the public test cells, run by tslab's engine", () => {
  it("print 'All tests passed.' for the solution", async () => {
    const cells = await testCells("solution");
    for (const id of ["forward_propagation_with_dropout_test", "backward_propagation_with_dropout_test"]) {
      expect(cells[id].ok, cells[id].stderr).toBe(true);
      expect(plain(cells[id].stdout)).toMatch(/All tests passed\.\s*$/);
    }
  }, 180_000);

  const mistakes: [string, string, RegExp][] = [
    ["forward-multiplies-by-keepprob", "forward_propagation_with_dropout_test", /multiplied the kept activations by keepProb instead of dividing/],
    ["forward-masks-wrong-order", "forward_propagation_with_dropout_test", /you drew D2's mask before D1's/],
    ["forward-ignores-keepprob", "forward_propagation_with_dropout_test", /does not use its keepProb argument/],
    ["backward-swapped-masks", "backward_propagation_with_dropout_test", /one layer's gradient met the other layer's mask/],
  ];
  it.each(mistakes)("%s: one screen naming the mistake, and a failed test, not a crash", async (name, cell, diagnosis) => {
    const run = (await testCells(name))[cell];
    expect(run.ok).toBe(false);
    const out = plain(run.stdout);
    expect(out.replace(/\n\s+/g, " ")).toMatch(diagnosis);
    expect(out).toMatch(/The first failure: /);
    expect(out.trim().split("\n").length, out).toBeLessThanOrEqual(25);
    // tslab prints the error as Node inspects it: in brackets, when it has no stack frames.
    expect(plain(run.stderr).trim()).toMatch(/^\[?PublicTestsFailed: \d+ of \d+ public checks failed in \w+: see the messages above\.\]?$/);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at |tf-core|dist\/publicTests/);
  }, 180_000);
});
