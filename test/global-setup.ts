/**
 * Builds once per test run, so nothing the tests execute is stale: src/ into src/dist (what notebooks
 * import) and the grader's sandbox child into grader/dist (what runs student code). Both are emptied first, as
 * `npm run build` does: a module left from an older layout would still be loadable by a student's code.
 * The two builds are independent and run at the same time (every test file waits for them).
 */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";

export default async function setup(): Promise<void> {
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
}
