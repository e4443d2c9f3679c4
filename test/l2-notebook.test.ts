/**
 * The L2 regularization instructor notebook (grader/assignments/l2-regularization/source/): its nbgrader layout,
 * what the release step makes of its graded cells, and the notebook executed headless through tslab's engine
 * (the kernel's converter and executor), as test/notebooks.test.ts does for the dropout notebook.
 * The executed part needs dropout-kit's computeCostWithRegularizationTest and backwardPropagationWithRegularizationTest
 * (src/checks/l2/, written on another branch): until they are merged the set-up cell cannot import them and
 * that part fails at its first test.
 * Fails when: the notes quote 94.0% where the table prints 93.8%, and the expected dW3 block reads -1.7769135 where the
 * test prints -1.7769136 (seen red in one run: 2 tests, with a local stand-in for the two public tests), or the comment
 * above a solution, which the release turns into the stub's message, makes the stub longer than 90 characters (seen
 * red: 1). Without the two public tests in dropout-kit (the l2-notebook branch alone), the six executed tests are red, the
 * set-up cell's error naming the missing exports; merged with the l2-checks branch, all pass.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { releaseCellSource } from "../grader/assign/release";
import { runNotebookHeadless, HeadlessCellResult } from "../grader/notebook/headless";
import { BEGIN_SOLUTION, END_SOLUTION } from "../grader/notebook/markers";
import { cellSource, readNotebook, serializeNotebook } from "../grader/notebook/notebook";
import { withCellOutputs } from "../grader/notebook/cell-outputs";
import { GRADED_CELLS as L2_GRADED_CELLS } from "../grader/assignments/l2-regularization/checks";
import { L2_INSTRUCTOR_NOTEBOOK } from "../grader/assignments/l2-regularization/solution";
import { notebook as l2Settings } from "../grader/assignments/l2-regularization/source/settings";
import { browserMissing, expectEveryPlotDrawn, openInBrowser } from "./helpers/browser";
import { accuracyRows, stripAnsi } from "./helpers/console";

/** The classic Notebook's code width, as test/notebook-style.test.ts checks it on the released notebooks. */
const MAX_CODE_LINE = 90;
/** The plots it draws: dataset, two cost curves, three decision boundaries, the weight norms. */
const PLOTS = 7;

const notebook = readNotebook(L2_INSTRUCTOR_NOTEBOOK);
const cellById = (id: string) => notebook.cells.find((c) => c.metadata.nbgrader?.grade_id === id)!;
const byId = (results: HeadlessCellResult[], id: string) => results.find((r) => r.gradeId === id)!;

/** The accuracies the table cell printed, one [train, test] pair per row. */
const tableRows = (results: HeadlessCellResult[]) => accuracyRows(byId(results, "results_table").stdout);

describe("the L2 instructor notebook's layout", () => {
  it("says which assignment it is, and runs on the tslab kernel", () => {
    expect(notebook.metadata.course_kit).toEqual({ assignment: "l2-regularization" });
    expect(notebook.metadata.kernelspec?.name).toBe("tslab");
  });

  it("every cell carries nbgrader metadata with a unique grade_id; only the graded cells are editable", () => {
    const ids = notebook.cells.map((c) => c.metadata.nbgrader?.grade_id);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const editable = notebook.cells.filter((c) => !c.metadata.nbgrader!.locked).map((c) => c.metadata.nbgrader!.grade_id);
    expect(editable).toEqual(Object.values(L2_GRADED_CELLS));
    for (const id of editable) expect(cellById(id).metadata.nbgrader).toMatchObject({ solution: true, grade: false, schema_version: 3 });
  });

  it("each graded cell defines its function and is followed by a graded test cell `<grade_id>_test` that calls the public test", () => {
    for (const [fn, id] of Object.entries(L2_GRADED_CELLS)) {
      expect(cellSource(cellById(id))).toMatch(new RegExp(`^function ${fn}\\(`, "m"));
      const index = notebook.cells.indexOf(cellById(id));
      const test = notebook.cells[index + 1];
      expect(test.metadata.nbgrader).toMatchObject({ grade_id: `${id}_test`, grade: true, locked: true, solution: false });
      expect(cellSource(test)).toContain(`${fn}Test(${fn});`);
    }
  });

  it("the set-up cell imports from dropout-kit and the settings beside the notebook, as the dropout notebook does", () => {
    const setup = cellSource(cellById("setup"));
    expect(setup).toMatch(/\} from "dropout-kit";/);
    expect(setup).toContain('import { notebook as settings } from "./settings";');
    expect(setup).toContain("const { DATASET, TRAINING, INIT_SEED, LAMBD } = settings;");
  });

  it("the release turns each solution into a stub that throws NotImplementedError naming the function, within the code width", () => {
    for (const [fn, id] of Object.entries(L2_GRADED_CELLS)) {
      const source = cellSource(cellById(id));
      const solutionLines: string[] = [];
      let inside = false;
      for (const line of source.split("\n")) {
        if (BEGIN_SOLUTION.test(line) || END_SOLUTION.test(line)) inside = BEGIN_SOLUTION.test(line);
        else if (inside && line.trim() !== "") solutionLines.push(line);
      }
      expect(solutionLines.length, id).toBeGreaterThan(0);
      const released = releaseCellSource(source, id);
      expect(released).not.toMatch(/BEGIN SOLUTION|END SOLUTION/);
      for (const line of solutionLines) expect(released, `solution line kept: ${line}`).not.toContain(line.trim());
      const stubs = released.split("\n").filter((line) => line.includes("throw new NotImplementedError("));
      expect(stubs.length, id).toBe(source.split("\n").filter((l) => BEGIN_SOLUTION.test(l)).length);
      for (const stub of stubs) {
        expect(stub).toContain(`NotImplementedError("${fn}: `);
        expect([...stub].length, stub).toBeLessThanOrEqual(MAX_CODE_LINE);
      }
    }
  });

  it("no code line is longer than the classic Notebook shows", () => {
    for (const cell of notebook.cells.filter((c) => c.cell_type === "code")) {
      for (const line of cellSource(cell).split("\n")) expect([...line].length, `${cell.id}: ${line}`).toBeLessThanOrEqual(MAX_CODE_LINE);
    }
  });
});

describe("the L2 instructor notebook, executed headless", () => {
  let results: HeadlessCellResult[];
  beforeAll(async () => {
    results = await runNotebookHeadless(L2_INSTRUCTOR_NOTEBOOK);
  }, 600_000);

  it("runs every code cell without an error and without stderr output", () => {
    for (const r of results) {
      expect(r.ok, `cell ${r.gradeId}: ${r.stderr}`).toBe(true);
      expect(r.stderr, `cell ${r.gradeId}`).toBe("");
    }
  });

  it("passes both public tests", () => {
    for (const id of Object.values(L2_GRADED_CELLS)) expect(stripAnsi(byId(results, `${id}_test`).stdout), id).toMatch(/All tests passed\.\s*$/);
  });

  it("prints, in order, the expected output lines that its markdown shows", () => {
    for (const [testId, expectedId] of [["compute_cost_with_regularization_test", "cost_expected"], ["backward_propagation_with_regularization_test", "backward_expected"]]) {
      const block = /```\n([\s\S]*?)```/.exec(cellSource(cellById(expectedId)))![1].trim().split("\n");
      const printed = stripAnsi(byId(results, testId).stdout).split("\n").map((l) => l.trimEnd());
      let from = 0;
      for (const line of block) {
        const at = printed.indexOf(line.trimEnd(), from);
        expect(at, `${testId} did not print "${line}" (after line ${from}):\n${printed.join("\n")}`).toBeGreaterThanOrEqual(0);
        from = at + 1;
      }
    }
  });

  it("its table shows the overfitting, L2's gain on the test set, and a far too large lambd's collapse", () => {
    const [[plainTrain, plainTest], [l2Train, l2Test], [largeTrain, largeTest]] = tableRows(results).map((row) => row.map(Number));
    expect(plainTrain).toBeGreaterThan(plainTest);
    expect(l2Test).toBeGreaterThan(plainTest);
    expect(l2Train - l2Test).toBeLessThan(plainTrain - plainTest);
    expect(largeTrain).toBeLessThan(60);
    expect(largeTest).toBeLessThan(60);
    expect(byId(results, "train_large").stdout).toContain("Weight norms: W1 0.0000, W2 0.0000, W3 0.0000");
  });

  it("L2 shrinks every weight matrix to less than half its norm, W1 and W2 to less than a quarter, all to one size (its text says so)", () => {
    const printed = byId(results, "weight_norms").stdout;
    const norms = Object.fromEntries([...printed.matchAll(/‖(W\d)‖ ([\d.]+) without regularization, ([\d.]+) with L2/g)].map((m) => [m[1], { plain: Number(m[2]), l2: Number(m[3]) }]));
    expect(Object.keys(norms), printed).toEqual(["W1", "W2", "W3"]);
    for (const name of ["W1", "W2", "W3"]) expect(norms[name].l2 / norms[name].plain, name).toBeLessThan(0.5);
    for (const name of ["W1", "W2"]) expect(norms[name].l2 / norms[name].plain, name).toBeLessThan(0.25);
    for (const name of ["W2", "W3"]) expect(Math.abs(norms[name].l2 / norms.W1.l2 - 1), name).toBeLessThan(0.01);
  });

  it("README.md's table quotes the accuracies its table prints, without regularization and with L2", () => {
    const readme = readFileSync(resolve(__dirname, "../README.md"), "utf8");
    const [[plainTrain, plainTest], [l2Train, l2Test]] = tableRows(results);
    expect(readme).toContain(`| without regularization | ${plainTrain}% | ${plainTest}% |`);
    expect(readme).toContain(`| L2 regularization, lambd ${l2Settings.LAMBD} | ${l2Train}% | ${l2Test}% |`);
  });

  it("quotes in its markdown the accuracies that the table prints", () => {
    const [[plainTrain, plainTest], [l2Train, l2Test], [largeTrain, largeTest]] = tableRows(results);
    const text = (id: string) => cellSource(cellById(id)).replace(/\s+/g, " ");
    expect(text("l2_notes")).toContain(`${plainTrain}% train / ${plainTest}% test without regularization`);
    expect(text("l2_notes")).toContain(`${l2Train}% / ${l2Test}% with L2`);
    expect(text("large_notes")).toContain(`${largeTrain}% on the training set and ${largeTest}% on the test set`);
  });

  it("draws its plots as HTML that renders in the classic Notebook, and stays under 3 MB once saved", () => {
    for (const id of ["dataset", "train_plain", "boundary_plain", "train_l2", "boundary_l2", "weight_norms", "train_large"]) {
      const html = byId(results, id).displays.map((d) => String(d.data["text/html"] ?? "")).join("");
      expect(html, id).toContain("Plotly.newPlot");
    }
    const saved = serializeNotebook(withCellOutputs(notebook, results));
    expect(Buffer.byteLength(saved)).toBeLessThan(3 * 1024 * 1024);
  });

  // The same executed notebook in a real browser: Jupyter's classic Notebook, headless Chromium (skipped with a
  // message where either is missing, except under CI=true).
  const missing = browserMissing();
  const CI = !!process.env.CI && process.env.CI !== "false";
  it.skipIf(!!missing && !CI)("in a browser, every plot draws (plotly's SVG in each plot's div): one figure in each of its seven plotting cells", async () => {
    if (missing) throw new Error(`the browser test needs ${missing}`);
    const page = await openInBrowser(serializeNotebook(withCellOutputs(notebook, results)), "l2-regularization.ipynb");
    try {
      expect(expectEveryPlotDrawn(page.dom)).toBe(PLOTS);
    } finally {
      page.close();
    }
  }, 600_000);
});
