/**
 * Runs a notebook headless in a child process (so its working directory, stdout patching and global
 * tfjs state never touch the caller) and returns what each code cell printed and displayed.
 */
import { fork } from "node:child_process";
import { dirname, resolve } from "node:path";
import type { CellRun } from "./execute";

export interface HeadlessCellResult extends CellRun {
  /** Index of the cell in the notebook (all cell types counted). */
  cellIndex: number;
  gradeId?: string;
}

/**
 * `cwd` is the folder the cells run in (their imports resolve from there, as in the kernel), by default the
 * notebook's own: a copy of a notebook kept elsewhere runs as if it were beside the original.
 */
export async function runNotebookHeadless(notebookPath: string, options: { timeoutMs?: number; cwd?: string } = {}): Promise<HeadlessCellResult[]> {
  const { timeoutMs = 10 * 60_000, cwd = dirname(resolve(notebookPath)) } = options;
  const child = fork(resolve(__dirname, "run-headless-child.ts"), [resolve(notebookPath), resolve(cwd)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  child.stdout!.on("data", () => {});
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${notebookPath}: headless run exceeded ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", (message: { results?: HeadlessCellResult[]; error?: string }) => {
      clearTimeout(timer);
      if (message.results) resolvePromise(message.results);
      else reject(new Error(`${notebookPath}: ${message.error}`));
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${notebookPath}: headless runner exited with code ${code} before reporting\n${stderr}`));
    });
  });
}
