/**
 * Builds once per test run, so nothing the tests execute is stale: src/ into src/dist (what notebooks
 * import) and the grader's sandbox child into grader/dist (what runs student code). Both are emptied first, as
 * `npm run build` does: a module left from an older layout would still be loadable by a student's code.
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";

export default function setup(): void {
  const root = resolve(__dirname, "..");
  const tsc = resolve(root, "node_modules/typescript/bin/tsc");
  for (const dist of ["src/dist", "grader/dist"]) rmSync(resolve(root, dist), { recursive: true, force: true });
  for (const project of ["src/tsconfig.json", "grader/sandbox/tsconfig.json"]) {
    execFileSync(process.execPath, [tsc, "-p", project], { cwd: root, stdio: "inherit" });
  }
}
