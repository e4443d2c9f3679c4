/**
 * `npm run check`, a student's self-check: public checks only, each problem said once, and an exit status
 * a script can use (0 all passed, 1 a check failed, 2 the file cannot be checked).
 * Fails when: check-cli.ts exits 0 whatever happened, lists hidden checks, repeats a shared reason, or
 * grades a missing file as 14 failed checks, or takes a mistyped flag for a notebook (each seen red before
 * the fix).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dropout } from "../grader/assignments/dropout";
const GALLERY_DIR = dropout.galleryDir;
import { PUBLIC_CHECKS } from "../grader/assignments/dropout/checks";
import { CHECKS } from "../grader/assignments/dropout/checks";

const check = (path: string) =>
  spawnSync(process.execPath, [require.resolve("tsx/cli"), join(__dirname, "../grader/check-cli.ts"), path], { encoding: "utf8", timeout: 180_000 });
const names = (ids: string[]) => ids.map((id) => CHECKS.find((c) => c.id === id)!.name);
const hidden = CHECKS.filter((c) => !PUBLIC_CHECKS.includes(c.id)).map((c) => c.name);

describe("npm run check", () => {
  it("a missing file: exit 2, the problem once, no checks listed", () => {
    const run = check("/no/such/notebook.ipynb");
    expect(run.status, run.stderr).toBe(2);
    expect(run.stdout).toContain("cannot be checked");
    expect(run.stdout).not.toMatch(/public checks|✗/);
  });

  it("a mistyped flag: exit 2 (a misuse), the usage, nothing checked", () => {
    const run = check("--publc");
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain("Unknown option '--publc'");
    expect(run.stderr).toContain("usage: npm run check -- <your notebook.ipynb>");
    expect(run.stdout).toBe("");
  });

  it("the solution: exit 0, every public check and only those", () => {
    const run = check(join(GALLERY_DIR, "solution.ipynb"));
    expect(run.status, run.stdout + run.stderr).toBe(0);
    for (const name of names(PUBLIC_CHECKS)) expect(run.stdout).toContain(`✓ ${name}`);
    for (const name of hidden) expect(run.stdout).not.toContain(name);
    expect(run.stdout).toContain(`${PUBLIC_CHECKS.length} of ${PUBLIC_CHECKS.length} public checks passed.`);
  }, 180_000);

  it("the untouched release: exit 1, and each function's 'not implemented' said once", () => {
    const run = check(join(GALLERY_DIR, "untouched-release.ipynb"));
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout.split("Not implemented yet: forwardPropagationWithDropout")).toHaveLength(2);
    expect(run.stdout.split("Not implemented yet: backwardPropagationWithDropout")).toHaveLength(2);
    expect(run.stdout).toContain("(the same reason as above)");
    expect(run.stdout).toContain(`0 of ${PUBLIC_CHECKS.length} public checks passed.`);
  }, 180_000);
});
