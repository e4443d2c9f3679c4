/**
 * Builds once per test run, so nothing the tests execute is stale: src/ into src/dist (what notebooks
 * import) and the grader's sandbox child into grader/dist (what runs student code). Both are emptied first, as
 * `npm run build` does: a module left from an older layout would still be loadable by a student's code.
 * The two builds are independent and run at the same time (every test file waits for them).
 * The grader's cache of compiled cells (grader/sandbox/conversion-cache.ts) is a fresh folder for the run, shared
 * by every test file and the processes they start (the environment is inherited): a run starts cold, as on a
 * fresh clone, and never reads or fills the developer's own ~/.cache.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

export default async function setup(): Promise<() => void> {
  const cache = mkdtempSync(join(tmpdir(), "dropout-grader-cache-"));
  process.env.DROPOUT_GRADER_CACHE = cache;
  const root = resolve(__dirname, "..");
  const tsc = resolve(root, "node_modules/typescript/bin/tsc");
  for (const dist of ["src/dist", "grader/dist"]) rmSync(resolve(root, dist), { recursive: true, force: true });
  const build = async (project: string) => {
    try {
      await promisify(execFile)(process.execPath, [tsc, "-p", project], { cwd: root });
    } catch (error) {
      const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
      throw new Error(`the global set-up could not build ${project}:\n${stdout}${stderr}`);
    }
  };
  await Promise.all(["src/tsconfig.json", "grader/sandbox/tsconfig.json"].map(build));
  return () => rmSync(cache, { recursive: true, force: true });
}
