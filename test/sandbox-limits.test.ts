/**
 * Limits that hold for a whole submission, and the refusal to grade without an operating-system sandbox.
 * - One wall clock: a submission whose cells and calls all hang is stopped at its deadline, however many
 *   sandboxes it needs (before, each sandbox had limits of its own and one stub took 207 s against 120).
 * - No bubblewrap: `npm run grade` and `npm run check` say so and run nothing, unless the weaker isolation
 *   is named, and then every report records it (check says it on stderr).
 * - Hostile text: 300,000 blank lines and a 19 MB line in a correct notebook still grade correctly.
 * Fails when: SandboxSession ignores the deadline it is given (first test: about 3 loads and 2 calls of
 * waiting, well over the bound; seen red: 22 s against 19), a scan of cell text is quadratic (the old
 * directive regex: the blank lines time out), or the CLI grades without bubblewrap when not asked to.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dropout } from "../grader/assignments/dropout";
const GALLERY_DIR = dropout.galleryDir;
import { gradeSubmission } from "../grader/grading/grade";
import { readDropoutReferences } from "../grader/assignments/dropout";

const CLI = join(__dirname, "../grader/cli.ts");

function editedSolution(edit: (forward: string, backward: string) => [string, string]): string {
  const nb = JSON.parse(readFileSync(join(GALLERY_DIR, "solution.ipynb"), "utf8"));
  const cell = (id: string) => nb.cells.find((c: { metadata: { nbgrader?: { grade_id: string } } }) => c.metadata.nbgrader?.grade_id === id);
  const [f, b] = [cell("forward_propagation_with_dropout"), cell("backward_propagation_with_dropout")];
  [f.source, b.source] = edit(f.source.join(""), b.source.join(""));
  const dir = mkdtempSync(join(tmpdir(), "limits-"));
  writeFileSync(join(dir, "stub.ipynb"), JSON.stringify(nb));
  return join(dir, "stub.ipynb");
}

describe("one deadline per submission", () => {
  it("a notebook that hangs everywhere is stopped at its deadline, not at the sum of every limit", async () => {
    // The forward cell hangs at load (shared sandbox, then its own), the backward function never returns.
    const path = editedSolution((f, b) => [`await new Promise(() => {});\n${f}`, b.replace("assertKeepProb(keepProb);", "assertKeepProb(keepProb);\n  while (true) {}")]);
    const limits = { loadTimeoutMs: 8_000, callTimeoutMs: 6_000, totalTimeoutMs: 12_000, memoryMb: 1024 };
    // A warm compiler first, untimed: starting one (seconds on a busy machine) is the grader's own cost,
    // trusted, and not charged to a submission's deadline.
    await gradeSubmission(join(GALLERY_DIR, "untouched-release.ipynb"), { limits: limits });
    const started = Date.now();
    const result = await gradeSubmission(path, { limits: limits });
    const took = Date.now() - started;
    // Without the deadline: 8 s (shared load) + 8 s (forward alone) + 6 s per backward call, 28 s at least.
    // The bound leaves 12 s for starting processes on a busy machine (the compiler is warm): it is the
    // deadline, not this number, that is tested.
    expect(took, JSON.stringify(result.notes)).toBeLessThan(limits.totalTimeoutMs + 12_000);
    expect(result.notes.join("\n")).toContain("grading your notebook as a whole did not finish within 12 s");
    expect(result.tests.every((t) => !t.passed)).toBe(true);
  }, 240_000);
});

describe("hostile text, linear time", () => {
  it("a correct notebook with 300,000 blank lines in one graded cell and a 19 MB line in the other gets full marks", async () => {
    // The old directive regex was quadratic here (three timeouts and 0/10); the file stays under the 20 MB cap.
    const path = editedSolution((f, b) => [`${"\n".repeat(300_000)}${f}`, `// ${"x".repeat(19 * 1024 * 1024 - 300_000)}\n${b}`]);
    const result = await gradeSubmission(path);
    expect(result.tests.filter((t) => !t.passed).map((t) => `${t.id}: ${t.output}`)).toEqual([]);
    expect(result.notes).toEqual([]);
  }, 120_000);
});

describe("no operating-system sandbox", () => {
  /** A command of the grader on the gallery's solution, with no bwrap on the PATH. */
  const withoutBwrap = (script: string, args: string[]) =>
    spawnSync(process.execPath, [require.resolve("tsx/cli"), script, join(GALLERY_DIR, "solution.ipynb"), ...args], {
      encoding: "utf8",
      env: { PATH: "/nonexistent", HOME: process.env.HOME ?? "/tmp", DROPOUT_GRADER_NO_NETNS: "1" },
      timeout: 120_000,
    });
  const run = (args: string[], out: string) => withoutBwrap(CLI, ["--out", out, ...args]);

  it("without bubblewrap, `grade` refuses and names the flag; with --isolation=permission-model it grades and records it", () => {
    const out = mkdtempSync(join(tmpdir(), "no-bwrap-"));
    const refused = run([], out);
    expect(refused.status, refused.stderr).toBe(1);
    expect(refused.stderr).toContain("bubblewrap (bwrap) is not installed, so student code cannot be isolated by the operating system");
    expect(refused.stderr).toContain("--isolation=permission-model");
    const weaker = run(["--isolation=permission-model"], out);
    expect(weaker.status, weaker.stderr).toBe(0);
    expect(weaker.stderr).toContain("WARNING: student code runs under Node's permission model and network guard only");
    expect(weaker.stdout).toContain("student code ran under Node's permission model");
    const results = JSON.parse(readFileSync(join(out, "solution", "results.json"), "utf8"));
    expect(results.extra_data.isolation).toMatch(/^Node's permission model/);
    expect(results.score).toBe(results.max_score);
  }, 240_000);

  it("without bubblewrap, `check` refuses as `grade` does (exit 2, nothing run); with --isolation=permission-model it checks and says so", () => {
    const check = (args: string[]) => withoutBwrap(join(__dirname, "../grader/check-cli.ts"), args);
    const refused = check([]);
    expect(refused.status, refused.stderr).toBe(2);
    expect(refused.stderr).toContain("check: bubblewrap (bwrap) is not installed, so student code cannot be isolated by the operating system");
    expect(refused.stderr).toContain("--isolation=permission-model");
    expect(refused.stdout).toBe("");
    const weaker = check(["--isolation=permission-model"]);
    expect(weaker.status, weaker.stdout + weaker.stderr).toBe(0);
    expect(weaker.stderr).toContain("check: WARNING: the notebook's code runs under Node's permission model and network guard only");
    expect(weaker.stdout).toContain("public checks passed");
  }, 240_000);
});
