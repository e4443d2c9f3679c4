/**
 * `npm run assign` in a copy of the project (test/helpers/project-copy.ts): a normal run regenerates every
 * committed file byte for byte, writes dist/, and a second run changes nothing.
 * Fails when: the references are written with other bytes (seen red: JSON indented; the hash differs), or a
 * run leaves its staging folder behind.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_NAME, EXPERIMENTS_BUNDLE_NAME } from "../grader/assign/bundle";
import { assignIn, committedOnly, output, projectCopy, snapshot, stagingLeft } from "./helpers/project-copy";

describe("npm run assign, run twice in a copy of the project", () => {
  let root = "";
  const assign = (...args: string[]) => assignIn(root, ...args);
  beforeAll(() => {
    root = projectCopy();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("a normal run writes dist/ and leaves the committed files byte-identical; a second run changes nothing", () => {
    const committed = snapshot(root);
    // Jupyter's autosaves are not notebooks to release: ignored, and never bundled.
    mkdirSync(join(root, "notebooks/.ipynb_checkpoints"), { recursive: true });
    copyFileSync(join(root, "notebooks/dropout.ipynb"), join(root, "notebooks/.ipynb_checkpoints/dropout-checkpoint.ipynb"));
    const first = assign();
    expect(first.status, output(first)).toBe(0);
    expect(first.stdout).toContain("assign: done; everything generated is valid.");
    const written = snapshot(root);
    expect(committedOnly(written)).toEqual({ ...committed, "notebooks/.ipynb_checkpoints/dropout-checkpoint.ipynb": written["notebooks/.ipynb_checkpoints/dropout-checkpoint.ipynb"] });
    expect(Object.keys(written).filter((p) => p.startsWith("dist/")).sort()).toEqual(["dist/dropout-experiments-bundle.zip", "dist/dropout-student-bundle.zip", "dist/gradescope-autograder-dropout.zip", "dist/gradescope-autograder-l2-regularization.zip"]);
    // The assignments' bundle holds the graded notebooks only; the experiments (which show how dropout is done) come in a bundle of their own.
    const bundled = Object.keys(unzipSync(readFileSync(join(root, "dist/dropout-student-bundle.zip")))).filter((p) => p.includes("/notebooks/"));
    expect(bundled).toEqual([`${BUNDLE_NAME}/notebooks/dropout.ipynb`, `${BUNDLE_NAME}/notebooks/l2-regularization.ipynb`]);
    const experiments = Object.keys(unzipSync(readFileSync(join(root, "dist/dropout-experiments-bundle.zip")))).filter((p) => p.includes("/notebooks/"));
    expect(experiments).toEqual([`${EXPERIMENTS_BUNDLE_NAME}/notebooks/experimentHelpers.ts`, `${EXPERIMENTS_BUNDLE_NAME}/notebooks/experiments.ipynb`]);
    const second = assign();
    expect(second.status, output(second)).toBe(0);
    expect(second.stdout).toContain("  nothing changed");
    expect(snapshot(root)).toEqual(written);
    expect(stagingLeft(root)).toEqual([]);
  }, 600_000);
});
