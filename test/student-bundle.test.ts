/**
 * The student bundle (dist/dropout-student-bundle.zip as `npm run assign` builds it): deterministic, holding the
 * notebooks, the helper library and the set-up and nothing of the grader's, installable with `npm ci`, with a
 * working `npm run check`, and no module a student can load that returns a graded function's output.
 * Fails when: the bundle's `npm run check` passes a wrong answer or a stub (seen red: src/selfCheck.ts made to
 * always exit 0), or a module of the bundle returns a hidden-style answer (seen red on the 59beb5e bundle: 25 hits).
 */
import { spawnSync } from "node:child_process";
import type { SpawnSyncReturns } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { hiddenStyleTargets } from "./helpers/hidden-style-targets";
import { output, unpack } from "./helpers/project-copy";
import { BUNDLE_NAME, bundleEntries, studentReadme, studentBundle, studentPackageJson } from "../grader/assign/bundle";
import { gradescopePackage } from "../grader/assign/gradescope";
import { leaks, secretLines } from "../grader/assign/validate";
import { feedbackMarkdown } from "../grader/reports";
import { dropout } from "../grader/assignments/dropout";
import { l2Regularization } from "../grader/assignments/l2-regularization";
import { INSTRUCTOR_NOTEBOOK } from "../grader/assignments/dropout/solution";
import { notebook as notebookSettings } from "../grader/assignments/dropout/source/settings";
import { cellSource, readNotebook } from "../grader/notebook/notebook";

const GALLERY_DIR = dropout.galleryDir;
const L2_GALLERY = l2Regularization.galleryDir;

describe("the student bundle", () => {
  it("has every command that the grader's feedback and the bundle's README tell a student to run", () => {
    const scripts = Object.keys((JSON.parse(studentPackageJson()) as { scripts: Record<string, string> }).scripts);
    const failed = { id: "forward.course", name: "forward", score: 0, maxScore: 1, passed: false, output: "wrong" };
    const feedback = feedbackMarkdown({ submission: "a.ipynb", path: "a.ipynb", contentHash: "", assignment: "dropout", score: 0, maxScore: 1, status: "graded", notes: [], tests: [failed], durationMs: 1 });
    const named = [...`${feedback}\n${studentReadme()}`.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named).toContain("check");
    expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
  });

  it("is byte-identical from one build to the next", () => {
    expect(Buffer.from(studentBundle()).equals(Buffer.from(studentBundle()))).toBe(true);
    expect(Buffer.from(gradescopePackage("dropout")).equals(Buffer.from(gradescopePackage("dropout")))).toBe(true);
  });

  it("holds the notebooks, the helper library and the set-up, and nothing of the grader's", () => {
    const paths = bundleEntries().map((e) => e.path.replace(`${BUNDLE_NAME}/`, ""));
    expect(paths).toEqual(expect.arrayContaining(["README.md", "package.json", "package-lock.json", "notebooks/dropout.ipynb", "src/index.ts", "src/assignments/dropout/publicTests.ts", "src/assignments/dropout/publicTests.json", "scripts/setup-jupyter.sh"]));
    expect(paths.filter((p) => /experiment/i.test(p))).toEqual([]);
    expect(paths.filter((p) => /^grader\/|settings\.ts|references|\.test\.ts$/.test(p))).toEqual([]);
    const secrets = secretLines(readNotebook(INSTRUCTOR_NOTEBOOK));
    const texts = Object.entries(unzipSync(studentBundle())).map(([path, bytes]) => ({ path, text: path.endsWith(".ipynb") ? JSON.parse(strFromU8(bytes)).cells.map(cellSource).join("\n") : strFromU8(bytes) }));
    expect(leaks(secrets, texts)).toEqual([]);
  });

  /** The bundle unpacked and installed with `npm ci` once, for the tests below (removed after them). */
  let unpacked: { dir: string; root: string; install: SpawnSyncReturns<string> } | undefined;
  const installedBundle = () => {
    if (!unpacked) {
      const dir = mkdtempSync(join(tmpdir(), "bundle-"));
      unpack(studentBundle(), dir);
      const root = join(dir, BUNDLE_NAME);
      const install = spawnSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: root, encoding: "utf8", timeout: 240_000 });
      unpacked = { dir, root, install };
    }
    expect(unpacked.install.status, unpacked.install.stderr).toBe(0);
    return unpacked;
  };
  afterAll(() => {
    if (unpacked) rmSync(unpacked.dir, { recursive: true, force: true });
  });

  it("holds no function that returns a graded function's output on a hidden-style case, from any module a student can load (by path included)", async () => {
    const { root } = installedBundle();
    const targetsFile = join(root, "probe-targets.json");
    writeFileSync(targetsFile, JSON.stringify(await hiddenStyleTargets()));
    const probe = spawnSync(process.execPath, [resolve(__dirname, "helpers/bundle-probe.js"), targetsFile], { cwd: root, encoding: "utf8", timeout: 300_000 });
    expect(probe.status, probe.stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(probe.stdout.trim().split("\n").pop()!) as { modules: number; calls: number; hits: unknown[] };
    // Every module of the library, index and paths (about 30), each export called with a dozen argument lists.
    expect(report.modules).toBeGreaterThan(20);
    expect(report.calls).toBeGreaterThan(1000);
    expect(report.hits).toEqual([]);
  }, 400_000);

  it("installs with npm ci and gives a working helper library", () => {
    const { root, install } = installedBundle();
    expect(install.stderr).not.toMatch(/allowScripts|install script/i);
    const use = spawnSync(process.execPath, ["-e", 'const k = require("dropout-kit"); k.initBackend().then(() => { const d = k.load2DDataset(); console.log(d.trainX.shape.join("x"), d.testX.shape.join("x")); process.exit(0); })'], { cwd: join(root, "notebooks"), encoding: "utf8" });
    expect(use.stdout.trim(), use.stderr).toBe(`2x${notebookSettings.DATASET.trainSize} 2x${notebookSettings.DATASET.testSize}`);
  }, 300_000);

  it("npm run check -- <notebook>: the public tests on the set-up and graded cells; exit 0 passed, 1 failed or not implemented, 2 no notebook", () => {
    const { root } = installedBundle();
    for (const name of ["solution.ipynb", "forward-multiplies-by-keepprob.ipynb"]) copyFileSync(join(GALLERY_DIR, name), join(root, "notebooks", name));
    const check = (file: string, cwd = root) => spawnSync("npm", ["run", "check", "--", file], { cwd, encoding: "utf8", timeout: 120_000 });

    const solved = check("notebooks/solution.ipynb");
    expect(solved.status, output(solved)).toBe(0);
    expect(solved.stdout.split("All tests passed.").length - 1, solved.stdout).toBe(2);

    const wrong = check("notebooks/forward-multiplies-by-keepprob.ipynb");
    expect(wrong.status, output(wrong)).toBe(1);
    expect(wrong.stdout).toContain("instead of dividing");
    expect(wrong.stdout).toContain("2 of 5 public checks failed in forwardPropagationWithDropout.");
    expect(wrong.stdout.trimEnd().split("\n").length, wrong.stdout).toBeLessThanOrEqual(40);
    expect(output(wrong)).not.toContain("    at ");

    // The untouched release, named from inside notebooks/ (npm runs the script in the bundle's root).
    const untouched = check("dropout.ipynb", join(root, "notebooks"));
    expect(untouched.status, output(untouched)).toBe(1);
    expect(untouched.stdout.match(/NotImplementedError: not implemented: forwardPropagationWithDropout/g), untouched.stdout).toHaveLength(1);
    expect(untouched.stdout.match(/NotImplementedError: not implemented: backwardPropagationWithDropout/g), untouched.stdout).toHaveLength(1);
    expect(untouched.stdout.match(/delete this throw/g), untouched.stdout).toHaveLength(2); // each stub's advice once
    expect(untouched.stdout).not.toContain("All tests passed.");

    const missing = check("notebooks/no-such-notebook.ipynb");
    expect(missing.status, output(missing)).toBe(2);
    expect(missing.stderr).toContain("notebooks/no-such-notebook.ipynb: no such file.");

    // The L2 assignment's notebooks: the metadata says which public tests to run.
    for (const name of ["solution.ipynb", "cost-lambd-over-m.ipynb"]) copyFileSync(join(L2_GALLERY, name), join(root, "notebooks", `l2-${name}`));
    const l2Solved = check("notebooks/l2-solution.ipynb");
    expect(l2Solved.status, output(l2Solved)).toBe(0);
    expect(l2Solved.stdout.split("All tests passed.").length - 1, l2Solved.stdout).toBe(2);
    const l2Wrong = check("notebooks/l2-cost-lambd-over-m.ipynb");
    expect(l2Wrong.status, output(l2Wrong)).toBe(1);
    expect(l2Wrong.stdout).toContain("twice the course's");
    expect(l2Wrong.stdout).toContain("backwardPropagationWithRegularization");
    const l2Untouched = check("notebooks/l2-regularization.ipynb");
    expect(l2Untouched.status, output(l2Untouched)).toBe(1);
    expect(l2Untouched.stdout).toMatch(/NotImplementedError: not implemented: computeCostWithRegularization/);
  }, 300_000);
});
