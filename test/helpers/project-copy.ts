/**
 * A copy of the project for tests that run `npm run assign` in it, and what they compare: the hashes of the
 * files assign writes. Shared by the assign-run and assign-refusals tests.
 */
import { spawnSync } from "node:child_process";
import type { SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { unzipSync } from "fflate";
import { PROJECT_ROOT } from "../../grader/assign/bundle";

/**
 * A copy of the project to run `npm run assign` in, so these tests never touch the real notebooks/, grader/
 * or dist/: the files assign reads and writes, and node_modules, copied. Built output (src/dist, grader/dist)
 * comes along: the grader's sandbox needs it. node_modules is copied, not hard-linked (about 2 s): a hard link
 * changes the link count of every library file, and tslab's kernel and headless runner, in the notebook tests
 * running beside these files, watch those files (a change to them left a rebuild pending that failed their next cell).
 */
export function projectCopy(): string {
  const root = mkdtempSync(join(tmpdir(), "assign-project-"));
  const copy = spawnSync("cp", ["-a", "package.json", "package-lock.json", "tsconfig.json", "src", "grader", "notebooks", "scripts", "node_modules", `${root}/`], { cwd: PROJECT_ROOT, encoding: "utf8" });
  if (copy.status !== 0) throw new Error(`copying the project failed: ${copy.stderr}`);
  return root;
}

/** `npm run assign` with these arguments, in the copy at `root`. */
export const assignIn = (root: string, ...args: string[]): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "grader/assign/cli.ts"), ...args], { cwd: root, encoding: "utf8", timeout: 300_000 });

/** sha256 of every file under the folders assign writes (the committed outputs and dist/), by relative path. */
export function snapshot(root: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hashes[relative(root, path)] = createHash("sha256").update(readFileSync(path)).digest("hex");
    }
  };
  for (const dir of ["notebooks", "grader/assignments", "src/assignments", "dist"]) walk(join(root, dir));
  return hashes;
}

export const committedOnly = (hashes: Record<string, string>) => Object.fromEntries(Object.entries(hashes).filter(([path]) => !path.startsWith("dist/")));
export const output = (run: SpawnSyncReturns<string>) => `${run.stdout}\n${run.stderr}`;
export const stagingLeft = (root: string) => readdirSync(root).filter((name) => name.startsWith(".assign-staging-"));

/** Writes every entry of a zip under `into`, as Gradescope and a student unpack it. */
export function unpack(zip: Uint8Array, into: string): void {
  for (const [path, bytes] of Object.entries(unzipSync(zip))) {
    const target = join(into, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
}
