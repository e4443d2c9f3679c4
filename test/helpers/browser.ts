/**
 * A notebook in a real browser: the executed notebook, trusted (Jupyter runs its outputs' scripts only in trusted
 * notebooks), served by Jupyter's classic Notebook on 127.0.0.1 from a temporary folder and opened in headless
 * Chromium; the page's DOM comes back, and a screenshot goes to test-artifacts/browser/. Needs Chromium and
 * Debian's Jupyter (`npm run setup:jupyter`); `browserMissing()` says what is missing.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { jupyterStatus, SYSTEM_PYTHON } from "./jupyter";

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

/** What the browser tests need and this machine lacks, if anything. */
export function browserMissing(): string | undefined {
  const jupyter = jupyterStatus();
  return !browser ? "Chromium is not installed (`apt-get install chromium`)" : !jupyter.available ? jupyter.reason : undefined;
}

export interface OpenedNotebook {
  /** The page's DOM after its scripts ran. */
  dom: string;
  close(): void;
}

/** Serves `executedText` (an executed notebook's JSON) as `fileName` and opens it in headless Chromium. */
export async function openInBrowser(executedText: string, fileName: string): Promise<OpenedNotebook> {
  const folder = mkdtempSync(join(tmpdir(), "browser-"));
  const executed = join(folder, fileName);
  writeFileSync(executed, executedText);
  const trust = spawnSync(SYSTEM_PYTHON, ["-c", "from nbformat.sign import TrustNotebookApp; TrustNotebookApp.launch_instance()", executed], { encoding: "utf8" });
  expect(trust.status, trust.stderr).toBe(0);
  const port = await freePort();
  const server: ChildProcess = spawn(SYSTEM_PYTHON, ["-m", "notebook", "--no-browser", "--allow-root", `--port=${port}`, "--ip=127.0.0.1", `--notebook-dir=${folder}`, "--NotebookApp.token=", "--NotebookApp.password="], { stdio: ["ignore", "pipe", "pipe"] });
  // A fresh profile, and none of Chromium's own traffic (update checks, sync, Google lookups): on a machine
  // with a closed network those connections fail, or hang, and the page's virtual time waits for them.
  const profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  const close = () => {
    server.kill("SIGTERM");
    rmSync(profile, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    let log = "";
    server.stderr!.on("data", (d) => (log += d));
    server.stdout!.on("data", (d) => (log += d));
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/api`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 120) throw new Error(`Jupyter did not start on port ${port}:\n${log}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const url = `http://127.0.0.1:${port}/notebooks/${fileName}`;
    const flags = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
      `--user-data-dir=${profile}`, "--virtual-time-budget=30000", "--window-size=1280,9000",
    ];
    const dump = spawnSync(browser!, [...flags, "--dump-dom", url], { encoding: "utf8", timeout: 180_000, maxBuffer: 200 * 1024 * 1024 });
    if (!dump.stdout) throw new Error(`Chromium printed no page (status ${dump.status}):\n${dump.stderr.slice(-2000)}`);
    const artifacts = resolve(__dirname, "../../test-artifacts/browser");
    mkdirSync(artifacts, { recursive: true });
    spawnSync(browser!, [...flags, `--screenshot=${join(artifacts, fileName.replace(/\.ipynb$/, ".png"))}`, url], { encoding: "utf8", timeout: 180_000 });
    return { dom: dump.stdout, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** What opening a page from disk needs and this machine lacks, if anything (Chromium only: no server). */
export function chromiumMissing(): string | undefined {
  return browser ? undefined : "Chromium is not installed (`apt-get install chromium`)";
}

/**
 * A page file opened from disk (file://) in headless Chromium with no network at all: its DOM after the scripts
 * ran, and a screenshot in test-artifacts/<folder>/<name>.png.
 */
export function openPageFile(file: string, folder: string, name: string): string {
  const profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  try {
    const flags = [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
      // No network: a page that needed one would show it (its charts would not draw).
      "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
      `--user-data-dir=${profile}`, "--virtual-time-budget=20000", "--window-size=1280,2400",
    ];
    const url = `file://${resolve(file)}`;
    const dump = spawnSync(browser!, [...flags, "--dump-dom", url], { encoding: "utf8", timeout: 180_000, maxBuffer: 200 * 1024 * 1024 });
    if (!dump.stdout) throw new Error(`Chromium printed no page (status ${dump.status}):\n${dump.stderr.slice(-2000)}`);
    const artifacts = resolve(__dirname, "../../test-artifacts", folder);
    mkdirSync(artifacts, { recursive: true });
    spawnSync(browser!, [...flags, `--screenshot=${join(artifacts, `${name}.png`)}`, url], { encoding: "utf8", timeout: 180_000 });
    return dump.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Every plot's div on the page holds plotly's SVG (and none says plotly.js is missing); returns how many there are. */
export function expectEveryPlotDrawn(dom: string): number {
  const divs = [...dom.matchAll(/<div id="(dropout-plot-[0-9a-f]+-\d+)"([^>]*)>/g)];
  const drawn = divs.filter((d) => /js-plotly-plot/.test(d[2]));
  expect(drawn.map((d) => d[1])).toEqual(divs.map((d) => d[1]));
  expect((dom.match(/class="main-svg"/g) ?? []).length, "plotly's SVG layers").toBeGreaterThanOrEqual(divs.length);
  // The fallback text a plot's div gets when plotly.js never arrived (the script itself also holds it).
  expect(/>plotly\.js is not on this page/.test(dom), "a plot says plotly.js is missing").toBe(false);
  return divs.length;
}
