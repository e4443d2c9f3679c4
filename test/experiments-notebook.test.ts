/**
 * notebooks/experiments.ipynb runs: headless through tslab's engine, through the real kernel in Jupyter,
 * and in a real browser: served by Jupyter's classic Notebook on 127.0.0.1 and opened in headless Chromium,
 * every plot must draw. The screenshot is kept in test-artifacts/browser/.
 * Fails when: src/index.ts stops exporting a function the setup cell imports (seen red: 2, headless and kernel);
 * src/experiments.ts's mask keeps with 1 - keepProb (seen red: 1, headless figures); src/plots.ts draws before FIG is set (seen red: browser).
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNotebookHeadless } from "../grader/notebook/headless";
import type { HeadlessCellResult } from "../grader/notebook/headless";
import { readNotebook, serializeNotebook } from "../grader/notebook/notebook";
import { withCellOutputs } from "../grader/notebook/cell-outputs";
import { browserMissing, expectEveryPlotDrawn, openInBrowser } from "./helpers/browser";
import type { OpenedNotebook } from "./helpers/browser";
import { describeNotebookInKernel } from "./helpers/jupyter";

const NOTEBOOK = resolve(__dirname, "../notebooks/experiments.ipynb");
const PLOTTING_CELLS = ["q1_run", "q2_run", "q3_run", "q4_run", "q5_run", "q6_run", "q7_run", "q8_run"];
/** Plots per cell: section 6 draws two. */
const PLOT_COUNT = PLOTTING_CELLS.length + 1;

let headless: HeadlessCellResult[] = [];
const byId = (id: string) => {
  const index = readNotebook(NOTEBOOK).cells.findIndex((c) => c.id === id);
  return headless.find((r) => r.cellIndex === index)!;
};

describe("notebooks/experiments.ipynb, executed headless", () => {
  beforeAll(async () => {
    headless = await runNotebookHeadless(NOTEBOOK);
  }, 600_000);

  it("runs every cell without an error or stderr output", () => {
    for (const r of headless) {
      expect(r.ok, `cell ${r.cellIndex}: ${r.stderr}`).toBe(true);
      expect(r.stderr, `cell ${r.cellIndex}`).toBe("");
    }
  });

  it("each experiment draws its plot and prints the figures its text talks about", () => {
    for (const id of PLOTTING_CELLS) expect(byId(id).displays.some((d) => "text/html" in (d.data as object)), id).toBe(true);
    expect(byId("q1_run").stdout).toMatch(/the average is 0\.8\d\d times A/);
    expect(byId("q2_run").stdout).toContain("values seen: 0, 52.5; -0.573 / 0.8 = -0.71625");
    expect(byId("q4_run").stdout).toMatch(/divide by 1 - keepProb\s+mean output \/ mean input = 3\.9\d\d|= 4\.0\d\d/);
    expect(byId("q4_run").stdout).toMatch(/multiply by keepProb\s+mean output \/ mean input = 0\.6[34]\d/);
    expect(byId("q5_run").stdout).toMatch(/: (9\d|100) different thinned networks with a mask per example, 1 with one mask per batch/);
    expect(byId("q5_run").stdout).toMatch(/from one record to the next: mask per example 0\.\d{3}, one mask per batch 0\.\d{3}/);
    expect(byId("q6_run").stdout).toMatch(/passes below \/ equal to \/ above the accuracy with dropout off: \d+ \/ \d+ \/ 0\n/);
    expect(byId("q6_run").stdout).toMatch(/largest standard deviation: 0\.\d{3}, at a mean prediction of 0\.[78]\d/);
    expect(byId("q7_run").stdout).toMatch(/training cost of the full network, no dropout: fixed 0\.\d{3}, annealed 0\.\d{3}/);
    expect(byId("q8_run").stdout).toContain("values -2 and 0.5");
  });
});

// In the kernel with its trainings cut to 1,000 iterations: the figures are the headless run's, above.
describeNotebookInKernel("notebooks/experiments.ipynb", { timeoutPerCell: 300, trainingIterations: 1000 }, (run) => {
  it("runs every cell without an error, and shows every plot as HTML", () => {
    const r = run();
    for (const cell of r.cells.filter((c) => c.status !== "empty")) expect(cell.status, `${cell.cellId}: ${cell.stderr}`).toBe("ok");
    for (const id of PLOTTING_CELLS) expect(r.cell(id).mimeTypes, id).toContain("text/html");
  });
});

const missing = browserMissing();
const CI = !!process.env.CI && process.env.CI !== "false";
if (missing && !CI) console.warn(`skipping the browser test of experiments.ipynb: ${missing}`);

describe.skipIf(!!missing && !CI)("notebooks/experiments.ipynb in a browser (Jupyter's classic Notebook, headless Chromium)", () => {
  let page: OpenedNotebook | undefined;

  beforeAll(async () => {
    if (missing) throw new Error(`the browser test needs ${missing}`);
    if (headless.length === 0) headless = await runNotebookHeadless(NOTEBOOK);
    page = await openInBrowser(serializeNotebook(withCellOutputs(readNotebook(NOTEBOOK), headless)), "experiments.ipynb");
  }, 600_000);

  afterAll(() => page?.close());

  it("draws every plot: each plot's div holds plotly's SVG", () => {
    expect(expectEveryPlotDrawn(page!.dom)).toBe(PLOT_COUNT);
  });
});
