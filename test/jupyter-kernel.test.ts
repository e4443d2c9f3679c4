/**
 * Notebooks through the real tslab kernel in Jupyter (not tslab's executor called from Node): what a student
 * gets when they press "Run All". Needs Debian's Jupyter and the registered kernel (`npm run setup:jupyter`);
 * without them these tests are skipped, except under CI=true where they fail.
 * Fails when: src/backend.ts's initBackend defaults to cpu (seen red: 2 smoke tests: stderr banner, backend name), or
 * src/dropout.ts's NotImplementedError drops its "not implemented:" prefix (seen red: the student notebook's exercise test; the L2
 * student notebook's test relies on the same prefix).
 */
import { expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describeNotebookInKernel, PROJECT_ROOT, summarize } from "./helpers/jupyter";
import { trainedShort, withShortTraining } from "./helpers/short-training";

describeNotebookInKernel("test/fixtures/kernel-smoke.ipynb", { timeoutPerCell: 60 }, (run) => {
  it("imports the built dropout-kit package and starts the wasm backend", () => {
    const r = run();
    expect(r.cell("import").status, summarize(r)).toBe("ok");
    expect(r.cell("backend").status, summarize(r)).toBe("ok");
    // wasm prints no "running TensorFlow.js in Node.js" banner; nothing else should land on stderr either.
    expect(r.cell("backend").stderr).toBe("");
  });

  it("prints numpy's seed-1 draws from RandomState", () => {
    const rand = run().cell("rand");
    expect(rand.status).toBe("ok");
    expect(rand.stdout).toContain("0.417022");
    expect(rand.stdout).toContain("0.7203245");
    expect(rand.stderr).toBe("");
  });

  it("shows rich output as display_data", () => {
    const display = run().cell("display");
    expect(display.status).toBe("ok");
    expect(display.mimeTypes).toEqual(["text/html"]);
  });

  it("reports a throwing cell as an error with its message on stderr", () => {
    const throws = run().cell("throws");
    expect(throws.status).toBe("error");
    expect(throws.stderr).toContain("Error: kernel-smoke: deliberate failure");
    expect(throws.stdout).toBe("");
  });

  it("still runs the cell after an error, in the same kernel", () => {
    const r = run();
    const after = r.cell("after-error");
    expect(after.status, summarize(r)).toBe("ok");
    expect(after.stdout).toContain("still running after the error, backend: wasm");
    // Every code cell got an execution count: none was dropped by tslab's 200 ms after-error window.
    expect(r.cells.map((c) => c.executionCount)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

// The course notebooks themselves, as students and instructors open them, with their trainings cut to
// SHORT_TRAINING iterations: what these tests hold (every cell runs in the real kernel, nothing on stderr, the
// public tests pass, the plots arrive as HTML) does not depend on how long the model trains. The full-length
// results (the accuracy tables, the figures the markdown quotes) are test/notebooks.test.ts's and
// test/l2-notebook.test.ts's, through the kernel's own engine.
const SHORT_TRAINING = 2001;
const SHORT = { timeoutPerCell: 300, trainingIterations: SHORT_TRAINING };
it("the short copies shorten every training of the course notebooks (a renamed setting would leave one full length)", () => {
  for (const notebook of ["grader/assignments/dropout/source/dropout.ipynb", "notebooks/dropout.ipynb", "grader/assignments/l2-regularization/source/l2-regularization.ipynb", "notebooks/l2-regularization.ipynb"]) {
    const text = readFileSync(resolve(PROJECT_ROOT, notebook), "utf8");
    const cells = (JSON.parse(text) as { cells: { cell_type: string; source: string[] }[] }).cells;
    const trainings = cells.flatMap((c, i) => (c.cell_type === "code" && /\bmodel\(/.test(c.source.join("")) ? [i] : []));
    expect(trainings.length, notebook).toBeGreaterThanOrEqual(notebook.startsWith("notebooks/") ? 1 : 2);
    const { text: short, changed } = withShortTraining(text, SHORT_TRAINING);
    const shortCells = (JSON.parse(short) as { cells: { source: string }[] }).cells;
    for (const i of trainings) {
      const source = shortCells[i].source;
      expect(changed, `${notebook}, cell ${i}`).toContain(i);
      expect(source, `${notebook}, cell ${i}`).toContain(`numIterations: ${SHORT_TRAINING}`);
    }
  }
  expect(() => withShortTraining(JSON.stringify({ cells: [{ cell_type: "code", source: "model(X, Y, { rng });" }] }), 10)).toThrow(/no training could be shortened/);
});

describeNotebookInKernel("grader/assignments/dropout/source/dropout.ipynb", SHORT, (run) => {
  it("runs every cell of the solution notebook without an error or stderr output", () => {
    const r = run();
    for (const cell of r.cells.filter((c) => c.status !== "empty")) {
      expect(cell.status, summarize(r)).toBe("ok");
      expect(cell.stderr, `${cell.gradeId}: ${cell.stderr}`).toBe("");
    }
  });

  it("passes both public tests and draws its plots as HTML", () => {
    const r = run();
    expect(r.cell("forward_propagation_with_dropout_test").stdout).toMatch(/All tests passed/);
    expect(r.cell("backward_propagation_with_dropout_test").stdout).toMatch(/All tests passed/);
    for (const id of ["dataset", "boundary_plain", "boundary_dropout"]) expect(r.cell(id).mimeTypes).toContain("text/html");
    expect(r.cell("results_table").stdout).toMatch(/with dropout \(keepProb 0\.86\)/);
    for (const id of ["train_plain", "train_dropout"]) expect(trainedShort(r.cell(id).stdout), `${id}: ${r.cell(id).stdout}`).toBe(true);
  });
});

describeNotebookInKernel("notebooks/dropout.ipynb", SHORT, (run) => {
  it("runs the cells before the exercises in the student notebook", () => {
    const r = run();
    for (const id of ["setup", "dataset", "train_plain", "boundary_plain", "forward_propagation_with_dropout", "backward_propagation_with_dropout"]) {
      expect(r.cell(id).status, summarize(r)).toBe("ok");
    }
  });

  it("fails the exercise cells with the stub's 'not implemented' message, and keeps going", () => {
    const r = run();
    for (const id of ["forward_propagation_with_dropout_test", "backward_propagation_with_dropout_test", "train_dropout"]) {
      expect(r.cell(id).status).toBe("error");
      expect(r.cell(id).stderr).toMatch(/not implemented: \w+PropagationWithDropout: Steps/);
    }
  });
});

describeNotebookInKernel("grader/assignments/l2-regularization/source/l2-regularization.ipynb", SHORT, (run) => {
  it("runs every cell of the L2 solution notebook without an error or stderr output, passing both public tests", () => {
    const r = run();
    for (const cell of r.cells.filter((c) => c.status !== "empty")) {
      expect(cell.status, summarize(r)).toBe("ok");
      expect(cell.stderr, `${cell.gradeId}: ${cell.stderr}`).toBe("");
    }
    expect(r.cell("compute_cost_with_regularization_test").stdout).toMatch(/All tests passed/);
    expect(r.cell("backward_propagation_with_regularization_test").stdout).toMatch(/All tests passed/);
    for (const id of ["boundary_plain", "boundary_l2", "weight_norms"]) expect(r.cell(id).mimeTypes).toContain("text/html");
    for (const id of ["train_plain", "train_l2"]) expect(trainedShort(r.cell(id).stdout), `${id}: ${r.cell(id).stdout}`).toBe(true);
  });
});

describeNotebookInKernel("notebooks/l2-regularization.ipynb", SHORT, (run) => {
  it("the L2 student notebook runs up to its exercises, whose test cells fail with the stub's message", () => {
    const r = run();
    for (const id of ["setup", "dataset", "train_plain", "compute_cost_with_regularization", "backward_propagation_with_regularization"]) expect(r.cell(id).status, summarize(r)).toBe("ok");
    for (const id of ["compute_cost_with_regularization_test", "backward_propagation_with_regularization_test"]) {
      expect(r.cell(id).status).toBe("error");
      expect(r.cell(id).stderr).toMatch(/not implemented: \w+WithRegularization/);
    }
  });
});
