/**
 * The Gradescope package (dist/gradescope-autograder-dropout.zip): unpacked as Gradescope does, set up with
 * its setup.sh, it grades a submission into results/results.json, and refuses another assignment's notebook.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unpack } from "./helpers/project-copy";
import { gradescopePackage } from "../grader/assign/gradescope";
import { dropout } from "../grader/assignments/dropout";
import { l2Regularization } from "../grader/assignments/l2-regularization";

const GALLERY_DIR = dropout.galleryDir;
const L2_GALLERY = l2Regularization.galleryDir;

describe("the Gradescope package", () => {
  it("unpacked as Gradescope does, set up with its setup.sh, grades a submission into results/results.json", () => {
    const root = mkdtempSync(join(tmpdir(), "autograder-"));
    const source = join(root, "source");
    unpack(gradescopePackage("dropout"), source);
    for (const script of ["setup.sh", "run_autograder"]) chmodSync(join(source, script), 0o755);
    expect(existsSync(join(source, "grader/assignments/dropout/references.json"))).toBe(true);
    expect(existsSync(join(source, "grader/assignments/dropout/gallery"))).toBe(false);
    const env = { ...process.env, AUTOGRADER_ROOT: root, npm_config_prefer_offline: "true" };
    const setup = spawnSync("bash", [join(source, "setup.sh")], { env, encoding: "utf8", timeout: 300_000 });
    expect(setup.status, setup.stderr).toBe(0);
    // Gradescope copies run_autograder to /autograder and runs it there, per submission.
    copyFileSync(join(source, "run_autograder"), join(root, "run_autograder"));
    const grade = (notebook: string, gallery = GALLERY_DIR) => {
      rmSync(join(root, "submission"), { recursive: true, force: true });
      mkdirSync(join(root, "submission"), { recursive: true });
      copyFileSync(join(gallery, notebook), join(root, "submission", "submitted.ipynb"));
      const run = spawnSync("bash", [join(root, "run_autograder")], { env, encoding: "utf8", timeout: 180_000 });
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(readFileSync(join(root, "results", "results.json"), "utf8"));
    };
    const solution = grade("solution.ipynb");
    expect(solution.score).toBe(10);
    expect(solution.max_score).toBe(10);
    expect(solution.tests.every((t: { status: string }) => t.status === "passed")).toBe(true);
    const wrong = grade("forward-no-scaling.ipynb");
    expect(wrong.score).toBe(7.5);
    expect(JSON.stringify(wrong.tests)).toContain("not divided by keepProb (step 4)");
    expect(solution.extra_data.assignment).toBe("dropout");
    // The package is the dropout assignment's: another assignment's notebook is refused, never graded as that one.
    const other = grade("solution.ipynb", L2_GALLERY);
    expect([other.score, other.max_score]).toEqual([0, 10]);
    expect(JSON.stringify(other.tests)).toContain("The notebook says it is the assignment 'l2-regularization', which this grader does not grade (it grades: dropout)");
  }, 600_000);
});
