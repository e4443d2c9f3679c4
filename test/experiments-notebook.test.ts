/**
 * notebooks/experiments.ipynb runs: headless through tslab's engine, through the real kernel in Jupyter,
 * and in a real browser: served by Jupyter's classic Notebook on 127.0.0.1 and opened in headless Chromium,
 * every plot must draw. The screenshot is kept in test-artifacts/browser/.
 * Fails when: src/index.ts stops exporting a function the setup cell imports (seen red: 2, headless and kernel);
 * src/experiments.ts's mask keeps with 1 - keepProb (seen red: 1, headless figures); src/plots.ts draws before FIG is set (seen red: browser).
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNotebookHeadless } from "../grader/notebook/headless";
import type { HeadlessCellResult } from "../grader/notebook/headless";
import { readNotebook, serializeNotebook } from "../grader/notebook/notebook";
import { withCellOutputs } from "../grader/notebook/cell-outputs";
import { describeNotebookInKernel, jupyterStatus, SYSTEM_PYTHON } from "./helpers/jupyter";

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

describeNotebookInKernel("notebooks/experiments.ipynb", { timeoutPerCell: 300 }, (run) => {
  it("runs every cell without an error, and shows every plot as HTML", () => {
    const r = run();
    for (const cell of r.cells.filter((c) => c.status !== "empty")) expect(cell.status, `${cell.cellId}: ${cell.stderr}`).toBe("ok");
    for (const id of PLOTTING_CELLS) expect(r.cell(id).mimeTypes, id).toContain("text/html");
  });
});

function chromium(): string | undefined {
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    const found = spawnSync("bash", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
    if (found) return found;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
    server.on("error", reject);
  });
}

const browser = chromium();
const jupyter = jupyterStatus();
const CI = !!process.env.CI && process.env.CI !== "false";
const missing = !browser ? "Chromium is not installed (`apt-get install chromium`)" : !jupyter.available ? jupyter.reason : undefined;
if (missing && !CI) console.warn(`skipping the browser test of experiments.ipynb: ${missing}`);

describe.skipIf(!!missing && !CI)("notebooks/experiments.ipynb in a browser (Jupyter's classic Notebook, headless Chromium)", () => {
  let server: ChildProcess | undefined;
  let profile: string | undefined;
  let dom = "";
  const artifacts = resolve(__dirname, "../test-artifacts/browser");

  beforeAll(async () => {
    if (missing) throw new Error(`the browser test needs ${missing}`);
    if (headless.length === 0) headless = await runNotebookHeadless(NOTEBOOK);
    // The executed notebook, trusted (Jupyter runs the outputs' scripts only in trusted notebooks), served from a temporary folder.
    const folder = mkdtempSync(join(tmpdir(), "browser-"));
    const executed = join(folder, "experiments.ipynb");
    writeFileSync(executed, serializeNotebook(withCellOutputs(readNotebook(NOTEBOOK), headless)));
    const trust = spawnSync(SYSTEM_PYTHON, ["-c", "from nbformat.sign import TrustNotebookApp; TrustNotebookApp.launch_instance()", executed], { encoding: "utf8" });
    expect(trust.status, trust.stderr).toBe(0);
    const port = await freePort();
    server = spawn(SYSTEM_PYTHON, ["-m", "notebook", "--no-browser", "--allow-root", `--port=${port}`, "--ip=127.0.0.1", `--notebook-dir=${folder}`, "--NotebookApp.token=", "--NotebookApp.password="], { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    server.stderr!.on("data", (d) => (log += d));
    server.stdout!.on("data", (d) => (log += d));
    const url = `http://127.0.0.1:${port}/notebooks/experiments.ipynb`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/api`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 120) throw new Error(`Jupyter did not start on port ${port}:\n${log}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // A fresh profile, and none of Chromium's own traffic (update checks, sync, Google lookups): on a machine
    // with a closed network those connections fail, or hang, and the page's virtual time waits for them.
    profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
    const flags = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
      `--user-data-dir=${profile}`, "--virtual-time-budget=30000", "--window-size=1280,9000",
    ];
    const dump = spawnSync(browser!, [...flags, "--dump-dom", url], { encoding: "utf8", timeout: 180_000, maxBuffer: 200 * 1024 * 1024 });
    dom = dump.stdout;
    if (!dom) throw new Error(`Chromium printed no page (status ${dump.status}):\n${dump.stderr.slice(-2000)}`);
    mkdirSync(artifacts, { recursive: true });
    spawnSync(browser!, [...flags, `--screenshot=${join(artifacts, "experiments.png")}`, url], { encoding: "utf8", timeout: 180_000 });
  }, 600_000);

  afterAll(() => {
    server?.kill("SIGTERM");
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("draws every plot: each plot's div holds plotly's SVG", () => {
    const divs = [...dom.matchAll(/<div id="(dropout-plot-[0-9a-f]+-\d+)"([^>]*)>/g)];
    expect(divs.length).toBe(PLOT_COUNT);
    const drawn = divs.filter((d) => /js-plotly-plot/.test(d[2]));
    expect(drawn.map((d) => d[1])).toEqual(divs.map((d) => d[1]));
    expect((dom.match(/class="main-svg"/g) ?? []).length, "plotly's SVG layers").toBeGreaterThanOrEqual(PLOT_COUNT);
    // The fallback text a plot's div gets when plotly.js never arrived (the script itself also holds it).
    expect(/>plotly\.js is not on this page/.test(dom), "a plot says plotly.js is missing").toBe(false);
  });
});
