/**
 * Running notebooks through the real tslab kernel in Jupyter, from vitest.
 *
 * The work is done by test/jupyter/run_notebook.py (Debian's /usr/bin/python3 with jupyter_client): it starts
 * the kernel in the notebook's folder, sends the code cells one by one, and reports per cell the reply status,
 * stdout, stderr and the MIME types shown. This module checks that Jupyter is there, runs that script, and
 * gives tests a typed report. Adding a notebook to the tests is a few lines:
 *
 *   describeNotebookInKernel("notebooks/dropout.ipynb", { timeoutPerCell: 180 }, (run) => {
 *     it("the setup cell runs", () => expect(run().cell("setup").status).toBe("ok"));
 *   });
 *
 * Skip rule: without Jupyter the tests are skipped with a note saying to run `npm run setup:jupyter`; with
 * CI=true they fail with that note instead, so CI can never pass by skipping them.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { beforeAll, beforeEach, describe } from "vitest";
import { shortTrainingCopy } from "./short-training";

export const PROJECT_ROOT = resolve(__dirname, "../..");
export const SYSTEM_PYTHON = "/usr/bin/python3";
export const KERNEL_NAME = "tslab";
const RUNNER = resolve(PROJECT_ROOT, "test/jupyter/run_notebook.py");
/** This checkout's tslab: the tests run it even if the registered kernelspec points at another checkout. */
const PROJECT_TSLAB = resolve(PROJECT_ROOT, "node_modules/.bin/tslab");
const SETUP_HINT = "run `npm run setup:jupyter` (installs Debian's Jupyter and registers the tslab kernel)";

/** Reply status of a cell, or what the runner made of it (see run_notebook.py). */
export type CellStatus = "ok" | "error" | "abort" | "timeout" | "dead" | "not_run" | "empty";

export interface CellReport {
  /** Position in the notebook's cell list (markdown cells count). */
  index: number;
  /** The cell's nbformat id, if any. */
  cellId: string | null;
  /** metadata.nbgrader.grade_id, if any. */
  gradeId: string | null;
  status: CellStatus;
  executionCount: number | null;
  stdout: string;
  /** Exceptions and type errors land here: tslab sends no `error` output. */
  stderr: string;
  /** MIME types of display_data / execute_result outputs, in order of first appearance. */
  mimeTypes: string[];
  /** Their text/plain payloads, if any (tslab's display.* calls send none). */
  text: string[];
  durationMs: number | null;
}

export interface NotebookRun {
  notebook: string;
  cells: CellReport[];
  /** The runner's progress log (kernel start time, one line per cell). */
  log: string;
  /** Wall time of the whole run, kernel start included. */
  durationMs: number;
  /** The code cell with this grade_id or cell id; throws, listing the known ids, if there is none. */
  cell(id: string): CellReport;
}

export interface RunOptions {
  /** Seconds a cell may run before the kernel is interrupted (the cell then reports "timeout"). Default 120. */
  timeoutPerCell?: number;
  /** Seconds for the kernel to start. Default 60. */
  startupTimeout?: number;
  /** Also write the executed notebook, with its outputs, here. */
  outputPath?: string;
  /** Kernel binary; default this checkout's node_modules/.bin/tslab. */
  kernelBinary?: string;
  /**
   * Run a copy of the notebook whose trainings take this many iterations (test/helpers/short-training.ts);
   * the kernel still starts in the notebook's own folder, so its imports resolve as they do.
   */
  trainingIterations?: number;
}

export interface JupyterStatus {
  available: boolean;
  /** Why not, with what to do about it; empty when available. */
  reason: string;
}

let cachedStatus: JupyterStatus | undefined;

/** Can notebooks run here: Debian's Python with jupyter_client, nbclient, nbformat, and a `tslab` kernelspec. */
export function jupyterStatus(): JupyterStatus {
  if (cachedStatus) return cachedStatus;
  cachedStatus = probeJupyter();
  return cachedStatus;
}

export function jupyterAvailable(): boolean {
  return jupyterStatus().available;
}

function probeJupyter(): JupyterStatus {
  const unavailable = (why: string): JupyterStatus => ({
    available: false,
    reason: `Jupyter is not available for the notebook tests: ${why}; ${SETUP_HINT}.`,
  });
  if (!existsSync(SYSTEM_PYTHON)) return unavailable(`${SYSTEM_PYTHON} does not exist`);
  if (!existsSync(PROJECT_TSLAB)) return unavailable(`${PROJECT_TSLAB} is missing (run npm ci)`);
  const probe = [
    "import os, sys",
    'os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")',
    "try:",
    "    import jupyter_client, nbclient, nbformat",
    "except ImportError as e:",
    '    print(f"{sys.executable} cannot import {e.name}"); sys.exit(0)',
    "from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel",
    "try:",
    `    KernelSpecManager().get_kernel_spec(${JSON.stringify(KERNEL_NAME)})`,
    "except NoSuchKernel:",
    `    print("no Jupyter kernelspec named ${KERNEL_NAME}"); sys.exit(0)`,
    'print("OK")',
  ].join("\n");
  const result = spawnSync(SYSTEM_PYTHON, ["-c", probe], { encoding: "utf8", timeout: 30_000 });
  if (result.error) return unavailable(`${SYSTEM_PYTHON} failed to run: ${result.error.message}`);
  const answer = result.stdout.trim();
  if (result.status !== 0 || answer === "") return unavailable(`the probe failed: ${result.stderr.trim()}`);
  return answer === "OK" ? { available: true, reason: "" } : unavailable(answer);
}

/** True when CI=true (or any value but "" / "false" / "0"): then missing Jupyter is a failure, not a skip. */
export function isCI(): boolean {
  const ci = (process.env.CI ?? "").trim().toLowerCase();
  return ci !== "" && ci !== "false" && ci !== "0";
}

/** Runs `notebookPath` (relative to the project root, or absolute) through the tslab kernel, cell by cell. */
export function runNotebookInKernel(notebookPath: string, options: RunOptions = {}): Promise<NotebookRun> {
  const original = resolve(PROJECT_ROOT, notebookPath);
  // The report goes to a file, not through a pipe shared with anything else.
  const reportDir = mkdtempSync(join(tmpdir(), "run-notebook-"));
  const reportFile = join(reportDir, "report.json");
  const notebook = options.trainingIterations === undefined ? original : shortTrainingCopy(original, options.trainingIterations);
  const timeoutPerCell = options.timeoutPerCell ?? 120;
  const startupTimeout = options.startupTimeout ?? 60;
  const args = [
    RUNNER,
    notebook,
    "--timeout", String(timeoutPerCell),
    "--startup-timeout", String(startupTimeout),
    "--kernel-name", KERNEL_NAME,
    "--kernel-binary", options.kernelBinary ?? PROJECT_TSLAB,
    "--cwd", dirname(original),
  ];
  if (options.outputPath) args.push("--output", resolve(PROJECT_ROOT, options.outputPath));
  args.push("--report", reportFile);
  // A hard limit for the runner as a whole, in case it hangs: every cell at its limit plus the interrupt grace.
  const hardLimitMs = (startupTimeout + 30 + countCodeCells(notebook) * (timeoutPerCell + 16)) * 1000;

  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(SYSTEM_PYTHON, args, { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    // SIGTERM, not SIGKILL: the runner then shuts its kernel down (the kernel runs in its own session).
    const timer = setTimeout(() => child.kill("SIGTERM"), hardLimitMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${SYSTEM_PYTHON} ${RUNNER}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (notebook !== original) rmSync(dirname(notebook), { recursive: true, force: true });
      const durationMs = Date.now() - started;
      if (code !== 0) {
        rmSync(reportDir, { recursive: true, force: true });
        const why = signal ? `signal ${signal}` : `exit status ${code}`;
        const limit = durationMs >= hardLimitMs ? ` (stopped after its hard limit of ${hardLimitMs / 1000} s)` : "";
        reject(new Error(`running ${notebookPath} in the ${KERNEL_NAME} kernel failed: ${why}${limit}\n${stderr}`));
        return;
      }
      let report = "";
      try {
        report = readFileSync(reportFile, "utf8");
        const cells = (JSON.parse(report) as RawCellReport[]).map(fromRaw);
        resolvePromise(makeRun(original, cells, stderr, durationMs));
      } catch (error) {
        reject(new Error(`unreadable report from ${RUNNER}: ${(error as Error).message}\n${report}\n${stdout}\n${stderr}`));
      } finally {
        rmSync(reportDir, { recursive: true, force: true });
      }
    });
  });
}

/**
 * A describe block around one notebook run: the notebook is executed once (in beforeAll), the tests inside
 * read `run()`. Without Jupyter every test is skipped with a note, or fails under CI (see the skip rule above).
 * The executed notebook is kept in test-artifacts/kernel/ for a look at its outputs.
 */
function artifactName(notebookPath: string): string {
  const relative = resolve(PROJECT_ROOT, notebookPath).slice(PROJECT_ROOT.length + 1);
  return relative.replace(/\.ipynb$/, "").replace(/[\\/]/g, "--");
}

export function describeNotebookInKernel(
  notebookPath: string,
  options: RunOptions,
  body: (run: () => NotebookRun) => void,
): void {
  const status = jupyterStatus();
  const runOptions: RunOptions = {
    // Named after the notebook's path, so grader/assignments/dropout/source/dropout.ipynb and notebooks/dropout.ipynb do not collide.
    outputPath: `test-artifacts/kernel/${artifactName(notebookPath)}.executed.ipynb`,
    ...options,
  };
  // The default reporter shows no skip notes, so say it once where it is seen.
  if (!status.available && !isCI()) console.warn(`skipping ${notebookPath}: ${status.reason}`);
  describe(`${notebookPath} in the ${KERNEL_NAME} kernel`, () => {
    let result: NotebookRun | undefined;
    let failure: Error | undefined;
    beforeAll(async () => {
      if (!status.available) return;
      try {
        result = await runNotebookInKernel(notebookPath, runOptions);
      } catch (error) {
        failure = error as Error; // reported by every test below, not as a hook failure with no test name
      }
    }, hookBudgetMs(notebookPath, runOptions));
    beforeEach((context) => {
      if (status.available) return;
      if (isCI()) throw new Error(`${status.reason} (CI is set, so this is a failure, not a skip)`);
      context.skip(status.reason);
    });
    body(() => {
      if (failure) throw failure;
      if (!result) throw new Error(`${notebookPath} was not run`);
      return result;
    });
  });
}

/** Time for beforeAll: the runner's own hard limit plus a margin, so the runner's limits fire first. */
function hookBudgetMs(notebookPath: string, options: RunOptions): number {
  const cells = countCodeCells(resolve(PROJECT_ROOT, notebookPath));
  return ((options.startupTimeout ?? 60) + 60 + cells * ((options.timeoutPerCell ?? 120) + 16)) * 1000;
}

function countCodeCells(notebook: string): number {
  try {
    const nb = JSON.parse(readFileSync(notebook, "utf8")) as { cells?: { cell_type?: string }[] };
    return (nb.cells ?? []).filter((c) => c.cell_type === "code").length;
  } catch {
    return 50; // unreadable here; the runner will say why
  }
}

interface RawCellReport {
  index: number;
  cell_id: string | null;
  grade_id: string | null;
  status: CellStatus;
  execution_count: number | null;
  stdout: string;
  stderr: string;
  mime_types: string[];
  text: string[];
  duration_ms: number | null;
}

function fromRaw(raw: RawCellReport): CellReport {
  return {
    index: raw.index,
    cellId: raw.cell_id,
    gradeId: raw.grade_id,
    status: raw.status,
    executionCount: raw.execution_count,
    stdout: raw.stdout,
    stderr: raw.stderr,
    mimeTypes: raw.mime_types,
    text: raw.text,
    durationMs: raw.duration_ms,
  };
}

function makeRun(notebook: string, cells: CellReport[], log: string, durationMs: number): NotebookRun {
  return {
    notebook,
    cells,
    log,
    durationMs,
    cell(id: string): CellReport {
      const found = cells.find((c) => c.gradeId === id) ?? cells.find((c) => c.cellId === id);
      if (found) return found;
      const known = cells.map((c) => c.gradeId ?? c.cellId ?? `#${c.index}`).join(", ");
      throw new Error(`no code cell with grade_id or id "${id}" in ${notebook} (code cells: ${known})`);
    },
  };
}

/** One line per cell (index, id, status, seconds, first stderr line): handy in assertion messages. */
export function summarize(run: NotebookRun): string {
  return run.cells
    .map((c) => {
      const id = c.gradeId ?? c.cellId ?? "";
      const seconds = c.durationMs === null ? "-" : (c.durationMs / 1000).toFixed(2);
      const lines = c.stderr.split("\n").map((line) => line.trim()).filter(Boolean);
      // An exception's "Error: message" line, else the first line (a type error is "1:5 - Cannot find ...").
      const firstError = lines.find((line) => /^\w*Error\b/.test(line)) ?? lines[0] ?? "";
      return `#${c.index} ${id} ${c.status} ${seconds}s ${firstError}`.trimEnd();
    })
    .join("\n");
}
