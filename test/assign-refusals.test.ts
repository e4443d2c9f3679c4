/**
 * `npm run assign` puts nothing in place unless every validation passes (each test in a copy of its own,
 * test/helpers/project-copy.ts). Each was seen red once, on purpose:
 * - cli.ts putting the staged files in place before the validations (`staging.commit()` before the problems
 *   are counted, as the old code wrote each file at once): the stray and the failing-validation tests fail
 *   (files changed);
 * - the stray check switched off: the stray test fails (exit 0 / no message naming Untitled.ipynb).
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serializeNotebook } from "../grader/notebook/notebook";
import type { Notebook } from "../grader/notebook/notebook";
import { assignIn, output, projectCopy, snapshot, stagingLeft } from "./helpers/project-copy";

/** A copy of the project for one test, removed after it. */
function withProjectCopy(test: (root: string) => void): () => void {
  return () => {
    const root = projectCopy();
    try {
      test(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

const SOURCE = (root: string) => join(root, "grader/assignments/dropout/source/dropout.ipynb");
/** Edits the copy's instructor notebook: `edit` gets its parsed JSON. */
function editSource(root: string, edit: (nb: Notebook) => void): void {
  const nb = JSON.parse(readFileSync(SOURCE(root), "utf8")) as Notebook;
  edit(nb);
  writeFileSync(SOURCE(root), serializeNotebook(nb));
}

describe("npm run assign puts nothing in place unless every validation passes (in a copy of the project)", () => {

  it("a stray notebooks/Untitled.ipynb: --check and assign exit 1 naming it, and change no file (dist/ included)", withProjectCopy((root) => {
    // A harmless edit of the source, so that assign has changes it would write if it wrote before validating.
    editSource(root, (nb) => nb.cells.push({ cell_type: "markdown", metadata: {}, source: ["A closing note."] }));
    const stray = join(root, "notebooks/Untitled.ipynb");
    copyFileSync(join(root, "grader/assignments/dropout/gallery/solution.ipynb"), stray); // a solved copy, say
    const before = snapshot(root);
    for (const args of [["--check"], []]) {
      const run = assignIn(root, ...args);
      expect(run.status, output(run)).toBe(1);
      expect(run.stderr).toContain("notebooks/Untitled.ipynb is not generated from an assignment's source");
      expect(run.stderr).toContain("move it out of notebooks/ or delete it");
      expect(snapshot(root), args.join(" ") || "assign").toEqual(before);
      if (args.length === 0) expect(run.stderr).toContain("nothing was written");
      expect(stagingLeft(root)).toEqual([]);
      // Besides the stray, the edit is only out of date (--check) or valid, and there was something to write:
      // it was the stray that stopped the run.
      const [count, problems] = [/assign: (\d+) problem\(s\)/.exec(run.stderr)?.[1], run.stderr.split("\n").filter((l) => l.startsWith("  - "))];
      expect(count, run.stderr).toBe(args.length ? "2" : "1");
      expect(problems[0]).toMatch(/^ {2}- notebooks\/Untitled\.ipynb is not generated/);
      if (args.length) expect(problems[1]).toMatch(/^ {2}- out of date \(run `npm run assign` and commit\): notebooks\/dropout\.ipynb/);
      else expect(run.stdout).toContain("changed: notebooks/dropout.ipynb");
    }
  }), 600_000);


  it("a failing validation (a solution line in a markdown cell of the source) stops the run, and no file changes", withProjectCopy((root) => {
    editSource(root, (nb) => nb.cells.splice(1, 0, { cell_type: "markdown", metadata: {}, source: ["Hint: `A1 = tf.div(A1, keepProb);`"] }));
    const before = snapshot(root);
    const run = assignIn(root);
    expect(run.status, output(run)).toBe(1);
    expect(run.stderr).toContain("notebooks/dropout.ipynb contains a line of the solution or the hidden tests: A1 = tf.div(A1, keepProb);");
    expect(run.stderr).toContain("nothing was written");
    expect(run.stdout).toContain("changed: notebooks/dropout.ipynb"); // there was something to write
    expect(snapshot(root)).toEqual(before);
    expect(stagingLeft(root)).toEqual([]);
  }), 600_000);


  it("a mistyped flag is an error, not a run that writes", withProjectCopy((root) => {
    const before = snapshot(root);
    const run = assignIn(root, "--chek");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Unknown option '--chek'");
    expect(run.stderr).toContain("npm run assign -- --check");
    expect(snapshot(root)).toEqual(before);
  }));
});
