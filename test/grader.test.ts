/**
 * The autograder, end to end: the example gallery graded to its expected scores and feedback (typical
 * mistakes named, correct variants at full marks, broken and hostile notebooks each with a result and a
 * clear message), the reports, resuming, and the generated files kept in step with their source.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { gradeBatch } from "../grader/batch";
import { committedGallery, GALLERY_DIR, galleryFiles, readGalleryFile } from "../grader/examples/gallery";
import type { SubmissionResult } from "../grader/grading/grade";
import { generateReferences, readReferences, serializeReferences, REFERENCES_FILE } from "../grader/grading/references";
import { CHECKS, GRADED_CELLS, MAX_SCORE, pointsOf } from "../grader/grading/spec";
import { cellSource, readNotebook } from "../grader/notebook/notebook";
import { INSTRUCTOR_NOTEBOOK, loadReferenceSolution } from "../grader/reference-solution";
import type { SandboxLimits } from "../grader/sandbox/session";

/** Shorter than the defaults, so the hostile examples do not dominate the test's time. */
const LIMITS: SandboxLimits = { loadTimeoutMs: 25_000, callTimeoutMs: 6_000, totalTimeoutMs: 90_000, memoryMb: 1024 };

/** name -> expected score, and phrases its feedback (notes and failed checks) must contain. */
const EXPECTED: Record<string, { score: number; says?: (string | RegExp)[] }> = {
  solution: { score: 10 },
  "untouched-release": { score: 0, says: ["Not implemented yet: forwardPropagationWithDropout: Steps 1-4", "Not implemented yet: backwardPropagationWithDropout: Steps 1-2"] },
  "forward-multiplies-by-keepprob": { score: 7.5, says: ["multiplied the kept activations by keepProb instead of dividing"] },
  "forward-threshold-inverted": { score: 7, says: ["threshold is inverted", "That is 1 - keepProb"] },
  "forward-divides-by-one-minus-keepprob": { score: 6.5, says: ["You divided by 1 - keepProb"] },
  "forward-no-scaling": { score: 7.5, says: ["not divided by keepProb (step 4)"] },
  "forward-shared-mask": { score: 7, says: ["one mask shared by all examples"] },
  "forward-reseeds": { score: 8.5, says: ["reseeds the generator"] },
  "forward-drops-output": { score: 7, says: ["dropout on the output layer"] },
  "backward-no-mask": { score: 7, says: ["not multiplied by the mask from the cache (step 1)"] },
  "backward-no-scaling": { score: 6, says: ["not divided by keepProb (step 2)"] },
  "backward-fresh-mask": { score: 5.5, says: ["nonzero where the forward pass dropped the unit", "returned different"] },
  "correct-where": { score: 10 },
  "correct-reciprocal": { score: 10 },
  "correct-boolean-mask": { score: 10 },
  "correct-loops": { score: 10 },
  "correct-before-relu": { score: 10 },
  "syntax-error": { score: 5, says: ["Your cell 'forward_propagation_with_dropout' did not run"] },
  "type-error": { score: 5, says: ["Your cell 'backward_propagation_with_dropout' did not run"] },
  throws: { score: 5, says: ["your function threw Error: oops, I broke it"] },
  "infinite-loop": { score: 5, says: ["a call of forwardPropagationWithDropout did not finish within 6 s"] },
  "never-returns": { score: 5, says: ["running your notebook's graded cells did not finish within 25 s"] },
  "memory-bomb": { score: 5, says: ["more than 1024 MB of memory"] },
  "huge-output": { score: 10 },
  "missing-cell": { score: 5, says: ["The graded cell 'backward_propagation_with_dropout', which defines backwardPropagationWithDropout, is missing"] },
  "renamed-cell": { score: 10, says: ["was found in another cell and graded from there"] },
  "duplicated-cell": { score: 10, says: ["appears 2 times"] },
  "tampered-test-cell": { score: 10, says: ["The read-only cell 'forward_propagation_with_dropout_test' was edited (its nbgrader checksum no longer matches)"] },
  "forward-drops-input": { score: 7, says: ["shaped like X: dropout applied to the input features", "no dropout on the input features"] },
  "python-kernel": { score: 10, says: ["The notebook's kernel is 'python3'"] },
  "invalid-json": { score: 0, says: ["is not valid JSON"] },
  "not-a-notebook": { score: 0, says: ["not a Jupyter notebook"] },
  "nbformat-3": { score: 0, says: ["nbformat 3; only nbformat 4"] },
  "reads-references": { score: 5, says: ["ERR_ACCESS_DENIED: FileSystemRead", "reported to your instructor"] },
  "writes-file": { score: 5, says: ["ERR_ACCESS_DENIED: FileSystemWrite"] },
  "spawns-process": { score: 5, says: ["ERR_ACCESS_DENIED: ChildProcess"] },
  "opens-network": { score: 5, says: ["ERR_ACCESS_DENIED: Network connect to 127.0.0.1:9", "reach a file, a process or the network", "reported to your instructor"] },
};

function allFeedback(r: SubmissionResult): string {
  return [...r.notes, ...r.tests.filter((t) => !t.passed).map((t) => t.output)].join("\n");
}

describe("generated files are in step with their source", () => {
  it("the example gallery is what grader/examples/gallery.ts generates (run `npm run assign`)", () => {
    const generated = galleryFiles();
    expect(committedGallery()).toEqual(generated.map((f) => f.name).sort());
    for (const { name, text } of generated) expect(readGalleryFile(name), name).toBe(text);
    expect(Object.keys(EXPECTED).sort()).toEqual(generated.map((f) => f.name.replace(/\.ipynb$/, "")).sort());
  });

  it("the reference outputs are what the solution computes (run `npm run assign`)", async () => {
    const solution = await loadReferenceSolution();
    expect(readFileSync(REFERENCES_FILE, "utf8")).toBe(serializeReferences(generateReferences(solution)));
  });

  it("each graded function is worth the points of its test cell in the instructor notebook", () => {
    const nb = readNotebook(INSTRUCTOR_NOTEBOOK);
    for (const [fn, cell] of Object.entries(GRADED_CELLS)) {
      const testCell = nb.cells.find((c) => c.metadata.nbgrader?.grade_id === `${cell}_test`)!;
      expect(pointsOf(fn as keyof typeof GRADED_CELLS), fn).toBe(testCell.metadata.nbgrader!.points);
    }
    expect(MAX_SCORE).toBe(CHECKS.reduce((s, c) => s + c.points, 0));
  });
});

describe("grading the example gallery", () => {
  let results: Map<string, SubmissionResult>;
  let outDir: string;
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "grader-test-"));
    for (const f of ["/tmp/dropout-grader-was-here.txt", "/tmp/dropout-grader-spawned"]) rmSync(f, { force: true });
    const files = committedGallery().map((f) => join(GALLERY_DIR, f));
    const list = await gradeBatch(files, { outDir, jobs: 2, regrade: true, references: readReferences(), limits: LIMITS });
    results = new Map(list.map((r) => [r.submission.replace(/\.ipynb$/, ""), r]));
  }, 900_000);

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.score}/10${expected.says ? `, and says why` : ""}`, () => {
      const r = results.get(name)!;
      expect(r.score, `${name}:\n${allFeedback(r)}`).toBe(expected.score);
      for (const phrase of expected.says ?? []) expect(allFeedback(r)).toMatch(typeof phrase === "string" ? new RegExp(phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : phrase);
    });
  }

  it("a student's copy that only fills in the exercises gets no note (its read-only cells match their checksums)", () => {
    for (const name of ["solution", "correct-where", "forward-no-scaling", "untouched-release"]) expect(results.get(name)!.notes, name).toEqual([]);
  });

  it("hostile code changed nothing outside the sandbox", () => {
    expect(existsSync("/tmp/dropout-grader-was-here.txt")).toBe(false);
    expect(existsSync("/tmp/dropout-grader-spawned")).toBe(false);
  });

  it("writes a Gradescope results.json and a feedback.md per submission, and nbgrader's grades.csv", () => {
    const gradescope = JSON.parse(readFileSync(join(outDir, "forward-no-scaling", "results.json"), "utf8"));
    expect(gradescope.score).toBe(7.5);
    expect(gradescope.max_score).toBe(10);
    expect(gradescope.tests).toHaveLength(CHECKS.length);
    for (const t of gradescope.tests) {
      expect(Object.keys(t).sort()).toEqual(["max_score", "name", "output", "score", "status", "visibility"]);
      expect(["passed", "failed"]).toContain(t.status);
    }
    const feedback = readFileSync(join(outDir, "forward-no-scaling", "feedback.md"), "utf8");
    expect(feedback).toContain("**Score: 7.5 / 10**");
    expect(feedback).toContain("❌ forward: the course's published case");
    const csv = readFileSync(join(outDir, "grades.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,late_submission_value,score,max_score");
    expect(csv).toContain("dropout,,,solution,,,,10,,10,10");
    expect(csv).toHaveLength(1 + Object.keys(EXPECTED).length);
    const leftovers = readdirSync(outDir, { recursive: true }).map(String).filter((f) => f.endsWith(".tmp"));
    expect(leftovers).toEqual([]);
  });

  it("gives the same reports whatever the parallelism, and resumes without regrading unchanged submissions", async () => {
    const again = mkdtempSync(join(tmpdir(), "grader-test-serial-"));
    const names = ["solution.ipynb", "forward-reseeds.ipynb", "invalid-json.ipynb"];
    for (const n of names) copyFileSync(join(GALLERY_DIR, n), join(again, n));
    const files = names.map((n) => join(again, n));
    const out = join(again, "out");
    await gradeBatch(files, { outDir: out, jobs: 1, regrade: false, references: readReferences(), limits: LIMITS });
    for (const n of names.map((x) => x.replace(/\.ipynb$/, ""))) {
      expect(readFileSync(join(out, n, "results.json"), "utf8"), n).toBe(readFileSync(join(outDir, n, "results.json"), "utf8"));
    }
    // A second run reuses all three; after an edit, only the edited one is graded again.
    writeFileSync(files[2], "{ still not json");
    const reused: string[] = [];
    await gradeBatch(files, { outDir: out, jobs: 2, regrade: false, references: readReferences(), limits: LIMITS, onProgress: (_d, _t, r, wasReused) => wasReused && reused.push(r.submission) });
    expect(reused.sort()).toEqual(["forward-reseeds.ipynb", "solution.ipynb"]);
  }, 120_000);
});

describe("the grade command", () => {
  it("fails with a clear message, and a non-zero status, when a path does not exist", () => {
    const run = spawnSync(process.execPath, [require.resolve("tsx/cli"), join(__dirname, "../grader/cli.ts"), "/no/such/notebook.ipynb"], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("grade: /no/such/notebook.ipynb: no such file or folder");
  });

  it("the solution's graded cells are what the gallery's solution holds", () => {
    const nb = readNotebook(join(GALLERY_DIR, "solution.ipynb"));
    const forward = cellSource(nb.cells.find((c) => c.metadata.nbgrader?.grade_id === GRADED_CELLS.forwardPropagationWithDropout)!);
    expect(forward).toContain("// YOUR CODE STARTS HERE");
    expect(forward).not.toContain("BEGIN SOLUTION");
  });
});

/** A type-level computation the TypeScript compiler needs several seconds for, each time (distinct types: no cache). */
function typeCheckBomb(copies: number): string {
  const lines: string[] = [];
  for (let i = 0; i < copies; i++) {
    const letters = "abcdefghij".split("").map((c) => `"${c}${i}"`).join(" | ");
    lines.push(
      `type L${i} = ${letters};`,
      `type Rec${i}<T, N extends unknown[]> = N["length"] extends 40 ? T : Rec${i}<{ [K in L${i}]: T }, [...N, 0]>;`,
      `type Keys${i}<T> = T extends object ? { [K in keyof T]: [K, ...Keys${i}<T[K]>] }[keyof T] : [];`,
      `const bomb${i}: Keys${i}<Rec${i}<number, []>> = null as any;`,
    );
  }
  return lines.join("\n");
}

describe("inputs the gallery cannot hold", () => {
  const limits: SandboxLimits = { ...LIMITS, loadTimeoutMs: 10_000 };
  let results: Map<string, SubmissionResult>;
  let folder: string;
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "grader-test-robust-"));
    const solution = readFileSync(join(GALLERY_DIR, "solution.ipynb"), "utf8");
    copyFileSync(join(GALLERY_DIR, "solution.ipynb"), join(folder, "solution.ipynb"));
    // 100 MB: a notebook with an enormous markdown cell (valid JSON, but far beyond any honest submission).
    const nb = JSON.parse(solution);
    nb.cells.push({ cell_type: "markdown", metadata: {}, source: "x".repeat(100 * 1024 * 1024) });
    writeFileSync(join(folder, "huge-file.ipynb"), JSON.stringify(nb));
    const noKernel = JSON.parse(solution);
    delete noKernel.metadata.kernelspec;
    writeFileSync(join(folder, "no-kernelspec.ipynb"), JSON.stringify(noKernel, null, 1));
    // Types that keep the compiler busy far beyond the load limit, in the backward cell only.
    const bomb = JSON.parse(solution);
    const cell = bomb.cells.find((c: { metadata: { nbgrader?: { grade_id: string } } }) => c.metadata.nbgrader?.grade_id === GRADED_CELLS.backwardPropagationWithDropout);
    cell.source = `${typeCheckBomb(8)}\n${cellSource(cell)}`;
    writeFileSync(join(folder, "type-check-bomb.ipynb"), JSON.stringify(bomb, null, 1));
    const files = ["huge-file", "no-kernelspec", "solution", "type-check-bomb"].map((n) => join(folder, `${n}.ipynb`));
    const list = await gradeBatch(files, { outDir: join(folder, "out"), jobs: 2, regrade: true, references: readReferences(), limits });
    results = new Map(list.map((r) => [r.submission.replace(/\.ipynb$/, ""), r]));
  }, 300_000);

  it("a 100 MB file gets a result (0, with what to do) without being read into the grader, and the batch goes on", () => {
    const r = results.get("huge-file")!;
    expect(r.status).toBe("ungradable");
    expect(r.score).toBe(0);
    expect(allFeedback(r)).toContain("The file is 100 MB; this assignment's notebook is well under 3 MB. Clear the outputs");
    expect(results.get("solution")!.score).toBe(10);
  });

  it("a notebook without a kernelspec is graded as TypeScript, and says so", () => {
    const r = results.get("no-kernelspec")!;
    expect(r.score).toBe(10);
    expect(r.notes).toContain("The notebook names no kernel; it was graded as TypeScript (tslab) anyway.");
  });

  it("types that keep the compiler busy are stopped by the load limit; the other function keeps its marks", () => {
    const r = results.get("type-check-bomb")!;
    expect(r.status).toBe("graded");
    expect(r.score, allFeedback(r)).toBe(5);
    expect(allFeedback(r)).toContain("type-checking your notebook's graded cells did not finish within 10 s (types the TypeScript compiler cannot finish checking: simplify your type annotations)");
    const forward = r.tests.filter((t) => t.id.startsWith("forward."));
    expect(forward.every((t) => t.passed)).toBe(true);
  });
});
