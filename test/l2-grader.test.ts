/**
 * The L2 assignment through the unchanged engine: its example gallery graded as `npm run grade` does (under
 * bubblewrap), each example's exact failing checks and the diagnosis its feedback names; its generated files in
 * step with its source; and one batch mixing both assignments, each notebook graded as the assignment its
 * metadata names.
 * Fails when: a mistake's diagnosis or checks change (seen red: the gallery's lambd/m cost edited to lambd/(2m),
 * i.e. right, made cost-lambd-over-m score 10 and its row fail), the gallery or references drift from the source,
 * or a mixed batch grades a notebook as the other assignment (seen red: gradeBatch forcing the first assignment), or
 * resuming with --assignment reuses a result graded as another assignment (seen red: previous() comparing the hash only).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "dropout-kit";
import { gradeBatch } from "../grader/batch";
import { committedGallery, readGalleryFile } from "../grader/assign/gallery";
import { generateReferences, serializeReferences } from "../grader/assign/references";
import { dropout } from "../grader/assignments/dropout";
import { l2Regularization } from "../grader/assignments/l2-regularization";
import { l2RegularizationAuthoring } from "../grader/assignments/l2-regularization/authoring";
import { MAX_SCORE as DROPOUT_MAX } from "../grader/assignments/dropout/checks";
import type { BatchResult } from "../grader/batch";
import type { ClassReport } from "../grader/class-report";

const GALLERY = l2Regularization.galleryDir;
const LIMITS = { loadTimeoutMs: 60_000, callTimeoutMs: 30_000, totalTimeoutMs: 240_000, memoryMb: 1024 };

/** Each example: its score out of 10, the checks that must fail (exactly), and what its feedback must say. */
const EXPECTED: Record<string, { score: number; failed: string[]; says?: RegExp }> = {
  solution: { score: 10, failed: [] },
  "correct-cost-loops": { score: 10, failed: [] },
  "correct-backward-divided-later": { score: 10, failed: [] },
  "untouched-release": { score: 0, failed: l2Regularization.checks.map((c) => c.id), says: /Not implemented yet: computeCostWithRegularization/ },
  // A borrowed answer (the checks' old recomputation modules by path): 0, saying the module is not there.
  "borrows-recompute": { score: 0, failed: l2Regularization.checks.map((c) => c.id), says: /your function tried to load a module that is not there \(Cannot find module 'dropout-kit\/dist\/checks\/l2\/l2Recompute'\)/ },
  "cost-no-division-by-m": { score: 7, failed: ["cost.course", "cost.cases"], says: /Your L2 term \(your cost minus the cross-entropy computeCost\(A3, Y\), on every case\) is \(λ\/2\)·ΣW²: it is not divided by m/ },
  "cost-lambd-over-m": { score: 7, failed: ["cost.course", "cost.cases"], says: /is \(λ\/m\)·ΣW²: its factor is twice the course's λ\/2/ },
  "cost-regularizes-biases": { score: 6, failed: ["cost.course", "cost.cases", "cost.biases"], says: /is \(λ\/\(2m\)\)·Σ\(W² \+ b²\): it also counts the squared biases/ },
  "cost-sum-not-squared": { score: 7, failed: ["cost.course", "cost.cases"], says: /is \(λ\/\(2m\)\)·ΣW: it sums the weights themselves, not their squares/ },
  "cost-misses-a-layer": { score: 7, failed: ["cost.course", "cost.cases"], says: /is \(λ\/\(2m\)\)·\(ΣW1² \+ ΣW2²\): it leaves out W3/ },
  "backward-no-weight-term": { score: 6.5, failed: ["backward.course", "backward.cases", "backward.autodiff"], says: /Your dW1, dW2 and dW3 have no regularization term/ },
  "backward-lambd-without-m": { score: 6.5, failed: ["backward.course", "backward.cases", "backward.autodiff"], says: /have the regularization term λ·W where the course's is \(λ\/m\)·W: it is not divided by m/ },
  "backward-half-factor": { score: 6.5, failed: ["backward.course", "backward.cases", "backward.autodiff"], says: /have the regularization term \(λ\/\(2m\)\)·W where the course's is \(λ\/m\)·W: it is half of it/ },
  "backward-wrong-sign": { score: 6.5, failed: ["backward.course", "backward.cases", "backward.autodiff"], says: /have the regularization term −\(λ\/m\)·W where the course's is \(λ\/m\)·W: it is subtracted/ },
  "backward-misses-layer-1": { score: 6.5, failed: ["backward.course", "backward.cases", "backward.autodiff"], says: /Your dW1 has no regularization term/ },
  "backward-regularizes-biases": { score: 5.5, failed: ["backward.course", "backward.cases", "backward.autodiff", "backward.biases"], says: /Your db1, db2 and db3 include a regularization term/ },
};

/** Each example's misconceptions by id (the union over its checks), exactly; none for every other example. */
const NAMED: Record<string, string[]> = {
  "cost-no-division-by-m": ["cost-not-divided-by-m"],
  "cost-lambd-over-m": ["cost-missing-half"],
  "cost-regularizes-biases": ["cost-counts-biases"],
  "cost-sum-not-squared": ["cost-sums-weights"],
  "cost-misses-a-layer": ["cost-misses-layers"],
  "backward-no-weight-term": ["gradient-no-term"],
  "backward-lambd-without-m": ["gradient-not-divided-by-m"],
  "backward-half-factor": ["gradient-half-factor"],
  "backward-wrong-sign": ["gradient-term-subtracted"],
  "backward-misses-layer-1": ["gradient-misses-layers"],
  "backward-regularizes-biases": ["gradient-regularizes-biases"],
};
/** Examples whose every check fails as not run (nothing of them could be checked: the stubs as released). */
const NOT_RUN = ["untouched-release"];
/** Examples whose failures name no misconception: a borrowed answer fails on its own error ("Cannot find module"), which is an answer, judged. */
const UNNAMED = ["borrows-recompute"];

let out: string;
let results: BatchResult[];
beforeAll(async () => {
  await initBackend();
  out = mkdtempSync(join(tmpdir(), "l2-grader-"));
  results = await gradeBatch(committedGallery(GALLERY).map((f) => join(GALLERY, f)), { outDir: out, jobs: 2, regrade: true, limits: LIMITS });
}, 600_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the L2 gallery, graded by the engine as the notebooks' metadata says", () => {
  it("holds every example and nothing else", () => {
    expect(committedGallery(GALLERY).map((f) => f.replace(/\.ipynb$/, "")).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.score} / 10, failing ${expected.failed.length ? expected.failed.join(", ") : "nothing"}`, () => {
      const result = results.find((r) => r.submission === `${name}.ipynb`)!;
      expect(result.assignment).toBe("l2-regularization");
      expect(result.maxScore).toBe(10);
      expect(result.tests.filter((t) => !t.passed).map((t) => t.id).sort(), result.tests.map((t) => `${t.id}: ${t.output}`).join("\n")).toEqual([...expected.failed].sort());
      expect(result.score).toBe(expected.score);
      if (expected.says) expect(readFileSync(join(out, name, "feedback.md"), "utf8")).toMatch(expected.says);
      expect(readFileSync(join(out, name, "feedback.md"), "utf8")).toMatch(/^# L2 regularization assignment: feedback/);
      expect([...new Set(result.tests.flatMap((t) => t.misconceptions ?? []))].sort(), name).toEqual([...(NAMED[name] ?? [])].sort());
      expect(result.tests.filter((t) => t.notRun).length, name).toBe(NOT_RUN.includes(name) ? result.tests.length : 0);
      expect(result.tests.filter((t) => !t.passed && !t.notRun && !t.misconceptions).length, name).toBe(UNNAMED.includes(name) ? result.tests.length : 0);
      const gradescope = JSON.parse(readFileSync(join(out, name, "results.json"), "utf8"));
      expect(gradescope.tests.map((t: { extra_data: { misconceptions: string[] } }) => t.extra_data.misconceptions), name).toEqual(result.tests.map((t) => t.misconceptions ?? []));
    });
  }

  it("the class report counts the gallery's known mistakes", () => {
    const report = JSON.parse(readFileSync(join(out, "class-report.json"), "utf8")) as ClassReport;
    const [a] = report.assignments;
    expect([report.submissions, a.id, a.graded, a.ungradable]).toEqual([Object.keys(EXPECTED).length, "l2-regularization", Object.keys(EXPECTED).length, []]);
    expect(Object.fromEntries(a.misconceptions.map((m) => [m.id, m.students]))).toEqual(
      Object.fromEntries([...new Set(Object.values(NAMED).flat())].map((id) => [id, Object.keys(NAMED).filter((n) => NAMED[n].includes(id)).sort()])),
    );
    for (const m of a.misconceptions) expect(m.explainedIn.map((s) => s.notebook), m.id).toContain("l2-regularization.ipynb");
    for (const check of a.checks) {
      expect(check.passed, check.id).toBe(Object.values(EXPECTED).filter((e) => !e.failed.includes(check.id)).length);
      expect(check.notRun, check.id).toBe(NOT_RUN.length);
      // Every other failure of this gallery is a named mistake (the L2 reading has a word for each), but the borrowed answer's.
      expect(check.unnamed, check.id).toBe(UNNAMED.length);
      expect(check.named, check.id).toBe(Object.entries(EXPECTED).filter(([n, e]) => e.failed.includes(check.id) && !NOT_RUN.includes(n) && !UNNAMED.includes(n)).length);
    }
    expect(a.scores.fullMarks).toBe(Object.values(EXPECTED).filter((e) => e.score === 10).length);
    expect(a.scores.zero).toBe(Object.values(EXPECTED).filter((e) => e.score === 0).length);
  });
});

describe("the L2 assignment's generated files are in step with its source (run `npm run assign`)", () => {
  it("the gallery is what its gallery.ts generates", () => {
    const generated = l2RegularizationAuthoring.gallery();
    expect(committedGallery(GALLERY)).toEqual(generated.map((f) => f.name).sort());
    for (const { name, text } of generated) expect(readGalleryFile(GALLERY, name), name).toBe(text);
  });

  it("the references are what the notebook's solution computes", async () => {
    expect(readFileSync(l2Regularization.referencesFile, "utf8")).toBe(serializeReferences(await generateReferences(l2RegularizationAuthoring)));
  }, 120_000);
});

describe("one batch may mix the assignments", () => {
  it("each notebook is graded as its own assignment; the gradebook says which", async () => {
    const mixed = mkdtempSync(join(tmpdir(), "mixed-"));
    try {
      const files = [join(dropout.galleryDir, "solution.ipynb"), join(GALLERY, "cost-lambd-over-m.ipynb"), join(dropout.galleryDir, "forward-no-scaling.ipynb"), join(dropout.galleryDir, "invalid-json.ipynb")];
      const list = await gradeBatch(files, { outDir: mixed, jobs: 2, regrade: true, limits: LIMITS });
      const by = (name: string) => list.find((r) => r.submission === name)!;
      expect([by("solution.ipynb").assignment, by("solution.ipynb").score, by("solution.ipynb").maxScore]).toEqual(["dropout", DROPOUT_MAX, DROPOUT_MAX]);
      expect([by("cost-lambd-over-m.ipynb").assignment, by("cost-lambd-over-m.ipynb").score]).toEqual(["l2-regularization", 7]);
      expect(by("forward-no-scaling.ipynb").assignment).toBe("dropout");
      // A file that is no notebook belongs to no assignment: its own result says what it is, with no checks to fail.
      const broken = by("invalid-json.ipynb");
      expect([broken.status, broken.assignment, broken.maxScore, broken.tests]).toEqual(["ungradable", undefined, 0, []]);
      expect(broken.notes[0]).toMatch(/not valid JSON/);
      const csv = readFileSync(join(mixed, "grades.csv"), "utf8");
      expect(csv).toContain("\ndropout,,,solution,");
      expect(csv).toContain("\nl2-regularization,,,cost-lambd-over-m,");
      // It has no row in the gradebook (0 of 0 would mislead one that divides); the list beside it says why.
      expect(csv).not.toContain("invalid-json");
      expect(readFileSync(join(mixed, "grades-left-out.csv"), "utf8")).toMatch(/^student_id,reason\ninvalid-json,"?The file is not valid JSON/);
      // The class report: a part per assignment, and the file of none apart (as grades-left-out.csv has it).
      const report = JSON.parse(readFileSync(join(mixed, "class-report.json"), "utf8")) as ClassReport;
      expect(report.assignments.map((a) => [a.id, a.submissions, a.misconceptions.map((m) => [m.id, m.students])])).toEqual([
        ["l2-regularization", 1, [["cost-missing-half", ["cost-lambd-over-m"]]]],
        ["dropout", 2, [["no-scaling", ["forward-no-scaling"]]]],
      ]);
      expect(report.unassigned).toEqual([{ student: "invalid-json", reason: expect.stringMatching(/not valid JSON/) }]);
      // Resuming with --assignment: a result graded as another assignment is not "unchanged" for this one.
      const reused: string[] = [];
      const again = await gradeBatch(files, { outDir: mixed, jobs: 2, regrade: false, limits: LIMITS, assignment: dropout, onProgress: (_d, _t, r, wasReused) => wasReused && reused.push(r.submission) });
      expect(reused.sort()).toEqual(["forward-no-scaling.ipynb", "solution.ipynb"]);
      expect(again.find((r) => r.submission === "cost-lambd-over-m.ipynb")!.assignment).toBe("dropout");
    } finally {
      rmSync(mixed, { recursive: true, force: true });
    }
  }, 600_000);
});
