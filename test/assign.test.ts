/**
 * The instructor tooling: `npm run assign --check` on the project as committed, and assign's steps on their own
 * (release, settings, validations, stray notebooks, what grading needs). Runs of assign that write are in
 * test/assign-run.test.ts and test/assign-refusals.test.ts (in copies of the project); the packages it builds
 * in test/student-bundle.test.ts and test/gradescope-package.test.ts.
 * Fails when: strayNotebooks() does not skip hidden folders (seen red: .ipynb_checkpoints/ and .hidden.ipynb
 * reported), or the committed files are not what the source generates.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../grader/assign/bundle";
import { strayNotebooks } from "../grader/assign/cli";
import { dropoutAuthoring } from "../grader/assignments/dropout/authoring";
import { importClosure, shippedGraderFiles } from "../grader/assign/gradescope";
import { inlineSettings, MarkerError, releaseCellSource, releaseNotebook, tsLiteral } from "../grader/assign/release";
import { withKeptOutputs } from "../grader/assign/kept-outputs";
import { checkGradeIds, leaks, secretLines } from "../grader/assign/validate";
import { serializeNotebook } from "../grader/notebook/notebook";
import type { Notebook } from "../grader/notebook/notebook";
import { GRADED_CELLS, pointsOf } from "../grader/assignments/dropout/checks";
import { cellSource, gradeIdOf, readNotebook } from "../grader/notebook/notebook";
import { INSTRUCTOR_NOTEBOOK } from "../grader/assignments/dropout/solution";
import { notebook as notebookSettings } from "../grader/assignments/dropout/source/settings";

const TSX = require.resolve("tsx/cli");

describe("npm run assign", () => {
  it("--check: the committed notebooks, references and gallery are what the source generates, and all validations pass", () => {
    const run = spawnSync(process.execPath, [TSX, join(PROJECT_ROOT, "grader/assign/cli.ts"), "--check"], { encoding: "utf8", cwd: PROJECT_ROOT, timeout: 300_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain("up to date: notebooks/dropout.ipynb");
    expect(run.stdout).toContain("up to date: grader/assignments/dropout/references.json");
    expect(run.stdout).toContain("assign: everything generated is up to date and valid.");
  }, 300_000);
});

describe("stray notebooks", () => {
  it("are the .ipynb files in notebooks/ the source does not generate, nested ones included; hidden files and .ipynb_checkpoints/ are not", () => {
    const dir = mkdtempSync(join(tmpdir(), "stray-"));
    try {
      for (const path of ["dropout.ipynb", "experiments.ipynb", "Untitled.ipynb", "old/dropout-solved.ipynb", ".ipynb_checkpoints/dropout-checkpoint.ipynb", ".hidden.ipynb", "notes.md"]) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), "{}");
      }
      expect(strayNotebooks(["dropout.ipynb", "experiments.ipynb"], dir)).toEqual(["Untitled.ipynb", "old/dropout-solved.ipynb"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the release steps", () => {
  const source = readNotebook(INSTRUCTOR_NOTEBOOK);
  const release = releaseNotebook(source, "dropout.ipynb", dropoutAuthoring);

  it("ClearSolutions: each solution becomes a stub that throws, naming the function and the step", () => {
    const forward = cellSource(release.cells.find((c) => gradeIdOf(c) === GRADED_CELLS.forwardPropagationWithDropout)!);
    expect(forward).toContain('// YOUR CODE STARTS HERE\n  throw new NotImplementedError("forwardPropagationWithDropout: Steps 1-4 for the first hidden layer (D1, then A1)");\n  // YOUR CODE ENDS HERE');
    expect(forward).not.toMatch(/BEGIN SOLUTION|END SOLUTION|rng\.rand\(/);
  });

  it("removes hidden tests, and names the notebook, cell and line of an unmatched marker", () => {
    expect(releaseCellSource("a();\n// BEGIN HIDDEN TESTS\nsecret();\n// END HIDDEN TESTS\nb();", "nb, cell 3")).toBe("a();\nb();");
    expect(() => releaseCellSource("x();\n// BEGIN SOLUTION\ny();", "dropout.ipynb, cell 10 (forward)")).toThrow(new MarkerError("dropout.ipynb, cell 10 (forward), line 2: BEGIN SOLUTION is never closed"));
    expect(() => releaseCellSource("y();\n// END SOLUTION", "nb, cell 4")).toThrow('nb, cell 4, line 2: "// END SOLUTION" has no matching BEGIN marker above it');
  });

  it("InlineSettings: the instructor's settings import becomes constants with the values of settings.ts", () => {
    const setup = cellSource(release.cells.find((c) => gradeIdOf(c) === "setup")!);
    expect(setup).not.toContain("./settings");
    expect(setup).toContain(`const DATASET = ${tsLiteral(notebookSettings.DATASET)};`);
    expect(setup).toContain(`const KEEP_PROB = ${notebookSettings.KEEP_PROB};`);
    expect(tsLiteral({ seed: 1, noise: 0.05, dims: [2, 20], "a-b": "x" })).toBe('{ seed: 1, noise: 0.05, dims: [2, 20], "a-b": "x" }');
    const changed = inlineSettings('import { notebook as s } from "./settings";\nconst { KEEP_PROB } = s;\nrun(KEEP_PROB);', "nb", { KEEP_PROB: 0.5 });
    expect(changed).toBe("// The assignment's settings (chosen by your instructor):\nconst KEEP_PROB = 0.5;\nrun(KEEP_PROB);");
    expect(() => inlineSettings('import { notebook } from "./settings";\nconst { NOPE } = notebook;', "nb, cell 1", { KEEP_PROB: 0.5 })).toThrow('nb, cell 1: "NOPE" is not among the notebook settings (KEEP_PROB) in the assignment\'s settings.ts');
  });

  it("SetPoints, ClearOutputs, ComputeChecksums: points from the settings, no outputs, a checksum on every locked cell", () => {
    for (const [fn, gradeId] of Object.entries(GRADED_CELLS) as [keyof typeof GRADED_CELLS, string][]) {
      expect(release.cells.find((c) => gradeIdOf(c) === `${gradeId}_test`)!.metadata.nbgrader!.points).toBe(pointsOf(fn));
    }
    for (const cell of release.cells) {
      if (cell.cell_type === "code") expect(cell.outputs).toEqual([]);
      if (cell.metadata.nbgrader?.locked || cell.metadata.nbgrader?.grade) expect(cell.metadata.nbgrader.checksum).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});

describe("Execute, where the instructor asks", () => {
  const NOTEBOOKS = join(PROJECT_ROOT, "notebooks");
  const release = (): Notebook => releaseNotebook(readNotebook(INSTRUCTOR_NOTEBOOK), "dropout.ipynb", dropoutAuthoring);

  it("a cell marked keep_outputs ships with fresh, deterministic outputs; the others with none", async () => {
    const marked = release();
    const dataset = marked.cells.findIndex((c) => gradeIdOf(c) === "dataset");
    marked.cells[dataset].metadata.assign = { keep_outputs: true };
    const once = await withKeptOutputs(marked, NOTEBOOKS, "dropout.ipynb");
    const outputs = once.cells[dataset].outputs as { output_type: string; text?: string[]; data?: Record<string, unknown> }[];
    expect(outputs[0].text!.join("")).toContain(`training set: X [2, ${notebookSettings.DATASET.trainSize}]`);
    expect(outputs.some((o) => o.output_type === "display_data" && "text/html" in o.data!)).toBe(true);
    expect(once.cells.filter((c, i) => i !== dataset && c.cell_type === "code" && (c.outputs ?? []).length > 0)).toEqual([]);
    const twice = await withKeptOutputs(marked, NOTEBOOKS, "dropout.ipynb");
    expect(serializeNotebook(twice)).toBe(serializeNotebook(once));
  }, 120_000);

  it("a marked cell that fails stops assign with the notebook, the cell and the error", async () => {
    const marked = release();
    marked.cells.splice(2, 0, { cell_type: "code", metadata: { assign: { keep_outputs: true } }, source: ['throw new Error("the data server is down");'], outputs: [], execution_count: null });
    await expect(withKeptOutputs(marked, NOTEBOOKS, "dropout.ipynb")).rejects.toThrow(/dropout\.ipynb, cell 2 \(no grade_id\): it asks to keep its outputs, but it fails when the release is executed:\n[^]*the data server is down/);
  }, 120_000);
});

describe("validations", () => {
  it("a duplicated or missing grade_id is named with its notebook and cell", () => {
    const nb = readNotebook(INSTRUCTOR_NOTEBOOK);
    const copy = JSON.parse(JSON.stringify(nb.cells[10]));
    nb.cells.push(copy);
    expect(checkGradeIds(nb, "grader/assignments/dropout/source/dropout.ipynb", dropoutAuthoring)).toEqual([`grader/assignments/dropout/source/dropout.ipynb, cell ${nb.cells.length - 1}: grade_id 'forward_propagation_with_dropout' is already used by cell 10; grade_ids must be unique`]);
    nb.cells = nb.cells.filter((c) => gradeIdOf(c) !== "backward_propagation_with_dropout_test");
    expect(checkGradeIds(nb, "x.ipynb", dropoutAuthoring)).toContain("x.ipynb: no test cell with grade_id 'backward_propagation_with_dropout_test' for backwardPropagationWithDropout");
  });

  it("a solution line found in something students get is reported with where it was found", () => {
    const secrets = secretLines(readNotebook(INSTRUCTOR_NOTEBOOK));
    expect(secrets).toContain("A1 = tf.div(A1, keepProb);");
    expect(secrets.some((l) => l.startsWith("//"))).toBe(false);
    expect(leaks(secrets, [{ path: "notebooks/x.ipynb", text: "hint: A1 = tf.div(A1, keepProb);" }])).toEqual(["notebooks/x.ipynb contains a line of the solution or the hidden tests: A1 = tf.div(A1, keepProb);"]);
    expect(leaks(secrets, [{ path: "src/random.ts", text: readFileSync(join(PROJECT_ROOT, "src/random.ts"), "utf8") }])).toEqual([]);
  });
});

describe("grading needs only what assign derived for it", () => {
  it("the grading commands import nothing of the release step or the reference solution", () => {
    for (const entry of ["grader/cli.ts", "grader/check-cli.ts", "grader/gradescope/run.ts"]) {
      const files = importClosure([entry]);
      expect(files, entry).toContain("grader/grading/grade.ts");
      expect(files, entry).toContain("grader/assignments/dropout/index.ts");
      expect(files.filter((f) => f.startsWith("grader/assign/") || f === "grader/reference-solution.ts" || /assignments\/[^/]+\/(authoring|gallery|solution)\.ts$/.test(f)), entry).toEqual([]);
    }
  });

  it("the Gradescope package holds what grading reaches and the references, and nothing of the release step", () => {
    const files = shippedGraderFiles();
    for (const needed of ["grader/gradescope/run.ts", "grader/sandbox/child.ts", "grader/sandbox/compile-worker.ts", "grader/sandbox/tsconfig.json", "grader/assignments/dropout/references.json"]) expect(files).toContain(needed);
    expect(files.filter((f) => f.startsWith("grader/assign/") || f.endsWith(".ipynb") || f.includes("/gallery"))).toEqual([]);
  });
});
