/**
 * The grader's compiler and the library files it reads: a change to them (here their link counts, as a
 * hard-linked copy of node_modules made and removed elsewhere does) breaks no compile.
 * Fails without grader/sandbox/compiler.ts's unwatched sys (seen red: tslab's watch program threw "Unexpected
 * pending rebuildTimer" from the file watcher, an unhandled error, and in grading every cell compiled after it
 * "could not be compiled").
 *
 * An `.alone` test: it changes files that every other test's TypeScript reads (node_modules/@types), and the
 * tslab kernel and the headless notebook runner watch those files, as a kernel should (a student's edit of an
 * imported file is picked up). vitest.config.mts runs `.alone` files after all the others, one at a time.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { compileCell } from "../grader/sandbox/compiler";

it("the typings' link counts changing while the grader runs (a hard-linked copy made and removed elsewhere) break no compile", async () => {
  expect(compileCell("", 'import * as tf from "@tensorflow/tfjs";\nconst first: number = 1;').diagnostics).toEqual([]);
  const copy = mkdtempSync(join(tmpdir(), "linked-typings-"));
  execFileSync("cp", ["-al", resolve(__dirname, "../node_modules/@types"), join(copy, "types")]);
  rmSync(copy, { recursive: true, force: true });
  // Past the file watchers' latency, then another cell.
  await new Promise((done) => setTimeout(done, 3000));
  expect(compileCell("", "const second: number = 2;").diagnostics).toEqual([]);
}, 60_000);
