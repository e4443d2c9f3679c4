/**
 * The notebooks are code: the instructor (solution) notebook and the student release are executed
 * headless through tslab's own engine, the same converter and executor the kernel runs.
 * Fails when: grader/assign/release.ts keeps the solutions in the release (seen red: 1, the generated-release test), or
 * src/format.ts pads negative numbers like positive ones (seen red: "prints the expected outputs that its markdown shows").
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { releasedNotebooks } from "../grader/assign/cli";
import { runNotebookHeadless, HeadlessCellResult } from "../grader/notebook/headless";
import { cellSource, readNotebook, serializeNotebook } from "../grader/notebook/notebook";
import { withCellOutputs } from "../grader/notebook/cell-outputs";
import { INSTRUCTOR_NOTEBOOK } from "../grader/assignments/dropout/solution";
import { notebook as dropoutSettings } from "../grader/assignments/dropout/source/settings";
import { accuracyRows, stripAnsi } from "./helpers/console";
import { shortTrainingCopy, trainedShort } from "./helpers/short-training";

const STUDENT_NOTEBOOK = resolve(__dirname, "../notebooks/dropout.ipynb");
const byId = (results: HeadlessCellResult[], id: string) => results.find((r) => r.gradeId === id)!;

describe("the student release is generated from the instructor notebook", () => {
  it("notebooks/ holds exactly what the assignments' sources generate (run `npm run assign` after editing the source)", async () => {
    for (const { name, text } of await releasedNotebooks()) {
      expect(readFileSync(resolve(__dirname, "../notebooks", name), "utf8"), name).toBe(text);
    }
  });

  it("no solution line and no marker reaches the release", () => {
    const source = readNotebook(INSTRUCTOR_NOTEBOOK);
    const release = readFileSync(STUDENT_NOTEBOOK, "utf8");
    expect(release).not.toMatch(/BEGIN SOLUTION|END SOLUTION|HIDDEN TESTS/);
    for (const cell of source.cells.filter((c) => c.metadata.nbgrader?.solution)) {
      const regions = cellSource(cell).match(/BEGIN SOLUTION\n([\s\S]*?)\/\/ END SOLUTION/g) ?? [];
      expect(regions.length).toBeGreaterThan(0);
      for (const line of regions.flatMap((r) => r.split("\n").slice(1, -1)).map((l) => l.trim()).filter(Boolean)) {
        expect(release, `solution line leaked: ${line}`).not.toContain(JSON.stringify(line).slice(1, -1));
      }
    }
  });

  it("every code and markdown cell carries nbgrader metadata with a unique grade_id", () => {
    const ids = readNotebook(STUDENT_NOTEBOOK).cells.map((c) => c.metadata.nbgrader?.grade_id);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("instructor notebook, executed headless", () => {
  let results: HeadlessCellResult[];
  beforeAll(async () => {
    results = await runNotebookHeadless(INSTRUCTOR_NOTEBOOK);
  }, 600_000);

  it("runs every code cell without an error and without stderr output", () => {
    for (const r of results) {
      expect(r.ok, `cell ${r.gradeId}: ${r.stderr}`).toBe(true);
      expect(r.stderr, `cell ${r.gradeId}`).toBe("");
    }
  });

  it("passes every public test", () => {
    expect(stripAnsi(byId(results, "forward_propagation_with_dropout_test").stdout)).toMatch(/the grader.s 5 public checks, on 2 public cases[^]*All tests passed\./);
    expect(stripAnsi(byId(results, "backward_propagation_with_dropout_test").stdout)).toMatch(/the grader.s 3 public checks, on 2 public cases[^]*All tests passed\./);
  });

  it("prints the expected outputs that its markdown shows", () => {
    const notebook = readNotebook(INSTRUCTOR_NOTEBOOK);
    for (const [testId, expectedId] of [["forward_propagation_with_dropout_test", "forward_expected"], ["backward_propagation_with_dropout_test", "backward_expected"]]) {
      const markdown = cellSource(notebook.cells.find((c) => c.metadata.nbgrader?.grade_id === expectedId)!);
      const block = /```\n([\s\S]*?)```/.exec(markdown)![1].trim();
      const printed = stripAnsi(byId(results, testId).stdout).trim();
      expect(printed).toBe(block);
    }
  });

  it("shows the overfitting and the benefit of dropout in its accuracy table", () => {
    const table = byId(results, "results_table").stdout;
    const rows = accuracyRows(table).map((row) => row.map(Number));
    expect(rows).toHaveLength(2);
    const [[plainTrain, plainTest], [dropoutTrain, dropoutTest]] = rows;
    expect(plainTrain).toBeGreaterThan(plainTest);
    expect(dropoutTest).toBeGreaterThan(plainTest);
    expect(dropoutTrain - dropoutTest).toBeLessThan(plainTrain - plainTest);
  });

  it("quotes in its markdown the accuracies that the table prints", () => {
    const notes = cellSource(readNotebook(INSTRUCTOR_NOTEBOOK).cells.find((c) => c.metadata.nbgrader?.grade_id === "dropout_notes")!);
    const [[plainTrain, plainTest], [dropoutTrain, dropoutTest]] = accuracyRows(byId(results, "results_table").stdout);
    expect(notes).toContain(`${plainTrain}% train / ${plainTest}% test without dropout`);
    expect(notes).toContain(`${dropoutTrain}% / ${dropoutTest}% with it`);
  });

  it("README.md's table quotes the accuracies its table prints with dropout", () => {
    const readme = readFileSync(resolve(__dirname, "../README.md"), "utf8");
    const [, [dropoutTrain, dropoutTest]] = accuracyRows(byId(results, "results_table").stdout);
    expect(readme).toContain(`| dropout, keepProb ${dropoutSettings.KEEP_PROB} | ${dropoutTrain}% | ${dropoutTest}% |`);
  });

  it("draws its plots as HTML that renders in the classic Notebook, and stays under 3 MB once saved", () => {
    const plotCells = ["dataset", "train_plain", "boundary_plain", "train_dropout", "boundary_dropout"];
    for (const id of plotCells) {
      const html = byId(results, id).displays.map((d) => String(d.data["text/html"] ?? "")).join("");
      expect(html, id).toContain("Plotly.newPlot");
    }
    const saved = serializeNotebook(withCellOutputs(readNotebook(INSTRUCTOR_NOTEBOOK), results));
    expect(Buffer.byteLength(saved)).toBeLessThan(3 * 1024 * 1024);
  });
});

// With its one training (before the exercises) cut short: what is tested here does not depend on its length.
describe("student notebook, executed headless (its training cut to 2,001 iterations)", () => {
  let results: HeadlessCellResult[];
  beforeAll(async () => {
    const copy = shortTrainingCopy(STUDENT_NOTEBOOK, 2001);
    try {
      results = await runNotebookHeadless(copy, { cwd: dirname(STUDENT_NOTEBOOK) });
    } finally {
      rmSync(dirname(copy), { recursive: true, force: true });
    }
  }, 600_000);

  it("runs every cell before the exercises, and the exercise definitions themselves", () => {
    for (const id of ["setup", "dataset", "train_plain", "boundary_plain", "forward_propagation_with_dropout", "backward_propagation_with_dropout"]) {
      const r = byId(results, id);
      expect(r.ok, `${id}: ${r.stderr}`).toBe(true);
    }
    expect(trainedShort(byId(results, "train_plain").stdout), byId(results, "train_plain").stdout).toBe(true);
  });

  it("fails the cells that exercise the functions with the stub's 'not implemented' message", () => {
    expect(byId(results, "forward_propagation_with_dropout_test").stderr).toMatch(/not implemented: forwardPropagationWithDropout: Steps 1-4 for the first hidden layer/);
    expect(byId(results, "backward_propagation_with_dropout_test").stderr).toMatch(/not implemented: backwardPropagationWithDropout: Steps 1-2 for dA2/);
    expect(byId(results, "train_dropout").ok).toBe(false);
    expect(byId(results, "train_dropout").stderr).toMatch(/not implemented/);
  });
});
