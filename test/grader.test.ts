/**
 * The autograder, end to end: the example gallery graded to its expected scores and feedback (typical
 * mistakes named, correct variants at full marks, broken and hostile notebooks each with a result and a
 * clear message), the reports, resuming, and the generated files kept in step with their source.
 * Fails when: a check passes or fails other than its row says (each row lists exactly the failing checks),
 * a diagnosis changes its words or disappears, or reports depend on parallelism (seen red: a changed
 * compile budget blamed the compiler for never-returns; a nondeterministic diagnosis for backward-fresh-mask).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { gradeBatch } from "../grader/batch";
import { committedGallery as committedIn, readGalleryFile as readIn } from "../grader/assign/gallery";
import { dropoutAuthoring } from "../grader/assignments/dropout/authoring";
import { dropout } from "../grader/assignments/dropout";
const GALLERY_DIR = dropout.galleryDir;
import type { SubmissionResult } from "../grader/grading/grade";
import { generateReferences, serializeReferences } from "../grader/assign/references";
import { readDropoutReferences } from "../grader/assignments/dropout";
import { CHECKS, GRADED_CELLS, MAX_SCORE, pointsOf } from "../grader/assignments/dropout/checks";
import { cellSource, readNotebook } from "../grader/notebook/notebook";
import { INSTRUCTOR_NOTEBOOK, loadReferenceSolution } from "../grader/assignments/dropout/solution";
import type { SandboxLimits } from "../grader/sandbox/session";
import type { ClassReport } from "../grader/class-report";
import { chromiumMissing, openPageFile } from "./helpers/browser";

/** The report's data as the class report's page carries it. */
function pageData(html: string): ClassReport {
  const match = /<script type="application\/json" id="class-report-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(match![1]) as ClassReport;
}

/** Shorter than the defaults, so the hostile examples do not dominate the test's time. */
const LIMITS: SandboxLimits = { loadTimeoutMs: 25_000, callTimeoutMs: 6_000, totalTimeoutMs: 90_000, memoryMb: 1024 };

/** The checks of one graded function (spec.ts), each expected to fail with the same phrase. */
const FORWARD = CHECKS.filter((c) => c.fn === "forwardPropagationWithDropout").map((c) => c.id);
const BACKWARD = CHECKS.filter((c) => c.fn === "backwardPropagationWithDropout").map((c) => c.id);
const every = (ids: string[], why: string | RegExp): Record<string, string | RegExp> => Object.fromEntries(ids.map((id) => [id, why]));

/**
 * name -> exactly which checks fail, and a phrase each failed check's feedback must contain ("" when the
 * check's own wording is not the point); `notes`: phrases the notes about the notebook must contain. The
 * score is not listed: it must be the sum of the points of the checks that passed (asserted for every row),
 * so a change of points in the settings breaks nothing here, and a wrong check cannot hide behind a sum.
 */
const EXPECTED: Record<string, { fails: Record<string, string | RegExp>; notes?: string[] }> = {
  solution: { fails: {} },
  "untouched-release": { fails: { ...every(FORWARD, "Not implemented yet: forwardPropagationWithDropout: Steps 1-4"), ...every(BACKWARD, "Not implemented yet: backwardPropagationWithDropout: Steps 1-2") } },
  // A borrowed answer (the checks' old recomputation modules, the grader's own): every check fails, saying the module is not there.
  "borrows-recompute": { fails: { ...every(FORWARD, "your function tried to load a module that is not there (Cannot find module 'dropout-kit/dist/checks/recompute')"), ...every(BACKWARD, "your function tried to load a module that is not there (Cannot find module '../grader/assignments/dropout/checks/recompute')") } },
  "forward-multiplies-by-keepprob": {
    fails: every(["forward.course", "forward.cases", "forward.scaling"], "multiplied the kept activations by keepProb instead of dividing"),
  },
  "forward-threshold-inverted": {
    fails: { ...every(["forward.course", "forward.cases", "forward.masks"], "threshold is inverted"), "forward.kept-fraction": "That is 1 - keepProb", "forward.keep-all": "must equal the plain forward pass" },
  },
  "forward-divides-by-one-minus-keepprob": {
    // At keepProb 1 its A1 is Infinity and NaN: named where it starts, and the output layer is not blamed.
    fails: { ...every(["forward.course", "forward.cases", "forward.scaling"], "You divided by 1 - keepProb"), "forward.keep-all": "A1[0, 0] is Infinity, from a finite Z1: you divided by 1 - keepProb, which is 0 at keepProb = 1" },
  },
  "forward-ignores-keepprob": {
    fails: {
      // Right on the course's case, whose keepProb it has written in: that check counts; the others' cases do not.
      ...every(["forward.cases", "forward.scaling"], /does not use its keepProb argument/),
      "forward.masks": /keeps a unit where its draw is below (about 0\.7|a number other than keepProb), but keepProb is 0\.8 here/,
      "forward.keep-all": "must equal the plain forward pass",
    },
  },
  "forward-masks-wrong-order": { fails: every(["forward.course", "forward.cases", "forward.masks"], "you drew D2's mask before D1's") },
  // Reusing one mask at every iteration, as reseeding does: it costs what forward-reseeds costs.
  "forward-own-generator": { fails: every(["forward.cases", "forward.masks"], "made inside your function (new RandomState(1))") },
  "forward-datasync-writes": { fails: every(["forward.course", "forward.cases", "forward.scaling"], "those writes had no effect: the kept activations are not divided by keepProb") },
  "backward-swapped-masks": {
    fails: {
      ...every(["backward.course", "backward.cases", "backward.autodiff", "backward.deterministic", "backward.inputs"], "one layer's gradient met the other layer's mask"),
      "backward.masks": "the masks are swapped between the layers",
    },
  },
  "forward-no-scaling": { fails: every(["forward.course", "forward.cases", "forward.scaling"], "not divided by keepProb (step 4)") },
  "forward-shared-mask": { fails: { ...every(["forward.course", "forward.cases", "forward.masks"], "one mask shared by all examples"), "forward.kept-fraction": "" } },
  "forward-reseeds": { fails: every(["forward.cases", "forward.masks"], "reseeds the generator") },
  "forward-drops-output": { fails: { ...every(["forward.course", "forward.cases"], ""), "forward.layers": "dropout on the output layer" } },
  "forward-drops-input": {
    fails: { ...every(["forward.course", "forward.cases", "forward.masks"], /shaped like X(: |, \[\d+, \d+\], came before it, )dropout applied to the input features/), "forward.layers": "no dropout on the input features" },
  },
  "backward-no-mask": { fails: every(["backward.course", "backward.cases", "backward.masks"], "not multiplied by the mask from the cache (step 1)") },
  "backward-no-scaling": { fails: every(["backward.course", "backward.cases", "backward.masks", "backward.autodiff"], "not divided by keepProb (step 2)") },
  "backward-fresh-mask": {
    // Its fresh masks come from tf.randomUniform without a seed: one that happens to keep every unit of the
    // small course case reads as "no mask at all", which is also what the code does with the cache's mask.
    fails: {
      ...every(["backward.course", "backward.cases", "backward.masks", "backward.autodiff"], /nonzero where the forward pass dropped the unit|not multiplied by the mask from the cache/),
      "backward.deterministic": "returned different",
      // dA2 differs first, unless its 15 fresh draws happen to agree in both calls (about 0.68^15, 0.3%): then dA1.
      "backward.inputs": /returned a different dA[12]/,
    },
  },
  "correct-where": { fails: {} },
  "correct-reciprocal": { fails: {} },
  "correct-boolean-mask": { fails: {} },
  "correct-loops": { fails: {} },
  "correct-before-relu": { fails: {} },
  "syntax-error": { fails: every(FORWARD, "Your cell 'forward_propagation_with_dropout' did not run") },
  "type-error": { fails: every(BACKWARD, "Your cell 'backward_propagation_with_dropout' did not run") },
  throws: { fails: every(FORWARD, "your function threw Error: oops, I broke it") },
  "infinite-loop": { fails: every(FORWARD, "a call of forwardPropagationWithDropout did not finish within 6 s") },
  "never-returns": { fails: every(BACKWARD, "running your notebook's graded cells did not finish within 25 s") },
  "memory-bomb": { fails: every(FORWARD, "more than 1024 MB of memory") },
  "huge-output": { fails: {} },
  "missing-cell": { fails: every(BACKWARD, "The graded cell 'backward_propagation_with_dropout', which defines backwardPropagationWithDropout, is missing") },
  "renamed-cell": { fails: {}, notes: ["was found in another cell and graded from there"] },
  "duplicated-cell": { fails: {}, notes: ["appears 2 times"] },
  "tampered-test-cell": { fails: {}, notes: ["The read-only cell 'forward_propagation_with_dropout_test' was edited (its nbgrader checksum no longer matches)"] },
  "python-kernel": { fails: {}, notes: ["The notebook's kernel is 'python3'"] },
  "invalid-json": { fails: every([...FORWARD, ...BACKWARD], "is not valid JSON") },
  "not-a-notebook": { fails: every([...FORWARD, ...BACKWARD], "not a Jupyter notebook") },
  "nbformat-3": { fails: every([...FORWARD, ...BACKWARD], "nbformat 3; only nbformat 4") },
  "reads-references": { fails: every(FORWARD, "ERR_ACCESS_DENIED: FileSystemRead"), notes: ["reported to your instructor"] },
  "writes-file": { fails: every(FORWARD, "ERR_ACCESS_DENIED: FileSystemWrite") },
  "spawns-process": { fails: every(FORWARD, "ERR_ACCESS_DENIED: ChildProcess") },
  "opens-network": { fails: every(FORWARD, "reach a file, a process or the network"), notes: ["ERR_ACCESS_DENIED: Network connect to 127.0.0.1:9", "reported to your instructor"] },
  "zero-masks-zero-gradients": {
    fails: {
      ...every(["forward.course", "forward.cases", "backward.course", "backward.cases"], ""),
      "forward.masks": "not the mask the generator you are given makes",
      "forward.kept-fraction": "keeps 0.0% of the units",
      "forward.scaling": "Nothing to judge: over every case with keepProb below 1, your D1 keeps no unit whose Z1 is positive",
      "forward.keep-all": "must equal the plain forward pass",
      "backward.masks": "Nothing to judge: your dZ3 is 0 on every case",
      ...every(["backward.deterministic", "backward.inputs"], "Not credited: your gradients are the same on every case"),
      "backward.autodiff": "compared with tf.grad",
    },
  },
  "course-outputs-hardcoded": {
    fails: {
      ...every(["forward.course", "forward.inputs"], "Not credited: on the course's inputs with a generator of the grader's own"),
      "backward.course": "Not credited: on the course's X and cache with other labels",
      ...every(["forward.cases", "forward.masks", "forward.scaling", "backward.cases", "backward.masks", "backward.autodiff"], ""),
      "forward.kept-fraction": "keeps 100.0% of the units",
      ...every(["backward.deterministic", "backward.inputs"], "your gradients are exactly the published answer"),
    },
  },
  "nan-in-cache": { fails: every(FORWARD.filter((id) => id !== "forward.keep-all" && id !== "forward.inputs"), "NaN") },
  "malformed-cell": { fails: every(FORWARD, "is malformed: its source is an object") },
  "malformed-metadata": { fails: {}, notes: ["is malformed: it is null, not a cell", "could not be identified (the metadata of cell"] },
  "throws-its-inputs": { fails: every([...FORWARD, ...BACKWARD].filter((id) => !id.endsWith(".course")), "your function threw Error") },
};

/**
 * name -> the misconceptions its results name (the union over its checks, by id, exactly), for every entry
 * that names any: each typical mistake names its own, and nothing else does. `maybe`: ids a result may name
 * besides (a fresh unseeded mask can keep every unit of the small course case: "not masked" there).
 */
const NAMED: Record<string, { ids: string[]; maybe?: string[] }> = {
  "backward-fresh-mask": { ids: ["backward-fresh-mask"], maybe: ["backward-no-mask"] },
  "backward-no-mask": { ids: ["backward-no-mask"] },
  "backward-no-scaling": { ids: ["backward-no-scaling"] },
  "backward-swapped-masks": { ids: ["masks-swapped"] },
  // Its twin's published masks are a generator seeded like the course's, one it never makes (it draws nothing: not
  // "own-generator"); its masks of 1s elsewhere keep everything; the rest is recall, and no dropout in the backward pass.
  "course-outputs-hardcoded": { ids: ["recalled-published-answer", "other-generator", "never-draws-from-generator", "mask-keeps-everything", "backward-no-mask", "backward-no-scaling"] },
  "forward-datasync-writes": { ids: ["writes-into-datasync-copy"] },
  "forward-divides-by-one-minus-keepprob": { ids: ["one-minus-keepprob"] },
  "forward-drops-input": { ids: ["dropout-on-input"] },
  "forward-drops-output": { ids: ["dropout-on-output"] },
  "forward-ignores-keepprob": { ids: ["ignores-keepprob"] },
  "forward-masks-wrong-order": { ids: ["masks-drawn-in-wrong-order"] },
  "forward-multiplies-by-keepprob": { ids: ["times-keepprob"] },
  "forward-no-scaling": { ids: ["no-scaling"] },
  "forward-own-generator": { ids: ["own-generator"] },
  "forward-reseeds": { ids: ["reseeds-generator"] },
  "forward-shared-mask": { ids: ["mask-shared-by-examples"] },
  "forward-threshold-inverted": { ids: ["threshold-inverted"] },
  "nan-in-cache": { ids: ["non-finite-values"] },
  "zero-masks-zero-gradients": { ids: ["never-draws-from-generator", "mask-drops-everything", "ignores-inputs"] },
};

/** name -> the graded functions whose checks all fail as not run (could not be checked at all); none for every other entry. */
const BOTH = ["forwardPropagationWithDropout", "backwardPropagationWithDropout"];
const NOT_RUN: Record<string, string[]> = {
  "untouched-release": BOTH, "invalid-json": BOTH, "not-a-notebook": BOTH, "nbformat-3": BOTH,
  ...Object.fromEntries(["syntax-error", "malformed-cell", "infinite-loop", "memory-bomb", "reads-references", "writes-file", "spawns-process", "opens-network"].map((n) => [n, [BOTH[0]]])),
  ...Object.fromEntries(["type-error", "missing-cell", "never-returns"].map((n) => [n, [BOTH[1]]])),
};

/**
 * name -> the checks it fails with no misconception named and not as not run: where the grader's vocabulary
 * runs out (a function's own error, such as "throws", is an answer judged as such, not a function not run).
 * Every other failure of the gallery is named or not run.
 */
const UNNAMED: Record<string, string[]> = {
  "backward-fresh-mask": ["backward.deterministic", "backward.inputs"],
  "borrows-recompute": [...FORWARD, ...BACKWARD],
  "course-outputs-hardcoded": ["forward.scaling"],
  "forward-ignores-keepprob": ["forward.keep-all"],
  "forward-threshold-inverted": ["forward.kept-fraction", "forward.keep-all"],
  "nan-in-cache": ["forward.masks"],
  "throws-its-inputs": [...FORWARD, ...BACKWARD].filter((id) => !id.endsWith(".course")),
  throws: FORWARD,
  "zero-masks-zero-gradients": ["forward.scaling", "forward.keep-all", "backward.course", "backward.cases", "backward.masks", "backward.autodiff"],
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The score a result must have: the points of the checks it passed, nothing else. */
function earned(r: SubmissionResult): number {
  return r.tests.filter((t) => t.passed).reduce((sum, t) => sum + CHECKS.find((c) => c.id === t.id)!.points, 0);
}

function allFeedback(r: SubmissionResult): string {
  return [...r.notes, ...r.tests.filter((t) => !t.passed).map((t) => t.output)].join("\n");
}

describe("generated files are in step with their source", () => {
  it("the example gallery is what grader/assignments/dropout/gallery.ts generates (run `npm run assign`)", () => {
    const generated = dropoutAuthoring.gallery();
    expect(committedIn(GALLERY_DIR)).toEqual(generated.map((f) => f.name).sort());
    for (const { name, text } of generated) expect(readIn(GALLERY_DIR, name), name).toBe(text);
    expect(Object.keys(EXPECTED).sort()).toEqual(generated.map((f) => f.name.replace(/\.ipynb$/, "")).sort());
  });

  it("the reference outputs are what the solution computes (run `npm run assign`)", async () => {
    expect(readFileSync(dropout.referencesFile, "utf8")).toBe(serializeReferences(await generateReferences(dropoutAuthoring)));
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

const WAITING = ["never-returns.ipynb", "infinite-loop.ipynb", "memory-bomb.ipynb"];
const waitsFirst = (name: string) => (WAITING.includes(name) ? WAITING.indexOf(name) - WAITING.length : 0);

describe("grading the example gallery", () => {
  let results: Map<string, SubmissionResult>;
  let outDir: string;
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "grader-test-"));
    for (const f of ["/tmp/dropout-grader-was-here.txt", "/tmp/dropout-grader-spawned"]) rmSync(f, { force: true });
    // The notebooks that wait for a time limit first (never-returns waits for the load limit twice: shared, then
    // alone), so that their waiting overlaps the grading of the rest instead of ending the batch.
    const files = committedIn(GALLERY_DIR).sort((a, b) => waitsFirst(a) - waitsFirst(b)).map((f) => join(GALLERY_DIR, f));
    const list = await gradeBatch(files, { outDir, jobs: 2, regrade: true, limits: LIMITS, assignment: dropout } /* as npm run grade grades a gallery */);
    results = new Map(list.map((r) => [r.submission.replace(/\.ipynb$/, ""), r]));
  }, 900_000);

  for (const [name, expected] of Object.entries(EXPECTED)) {
    const failing = Object.keys(expected.fails);
    it(`${name}: ${failing.length ? `fails ${failing.length === FORWARD.length + BACKWARD.length ? "everything" : failing.join(", ")}, and says why` : "passes every check"}`, () => {
      const r = results.get(name)!;
      const failed = r.tests.filter((t) => !t.passed).map((t) => t.id);
      expect(failed.sort(), `${name}:\n${allFeedback(r)}`).toEqual([...failing].sort());
      for (const [id, phrase] of Object.entries(expected.fails)) expect(r.tests.find((t) => t.id === id)!.output, `${name}, ${id}`).toMatch(typeof phrase === "string" ? new RegExp(escape(phrase)) : phrase);
      for (const phrase of expected.notes ?? []) expect(r.notes.join("\n"), name).toContain(phrase);
      expect(r.score, name).toBe(earned(r));
      expect(r.maxScore).toBe(MAX_SCORE);
      // The misconceptions named, by id: exactly the entry's own (a passed check names none).
      const named = new Set(r.tests.flatMap((t) => t.misconceptions ?? []));
      const { ids = [], maybe = [] } = NAMED[name] ?? {};
      expect([...named].filter((id) => !maybe.includes(id)).sort(), `${name}:\n${allFeedback(r)}`).toEqual([...ids].sort());
      for (const t of r.tests) if (t.passed) expect(t.misconceptions, `${name}, ${t.id}`).toBeUndefined();
      for (const id of named) expect(dropout.misconceptions[id], `${id} is in the catalogue`).toBeDefined();
      // Not run: every check of exactly those functions, and only failed ones.
      const notRun = new Set(r.tests.filter((t) => t.notRun).map((t) => CHECKS.find((c) => c.id === t.id)!.fn));
      expect([...notRun].sort(), name).toEqual([...(NOT_RUN[name] ?? [])].sort());
      for (const t of r.tests) if (t.notRun) expect(t.passed).toBe(false);
      for (const fn of notRun) expect(r.tests.filter((t) => CHECKS.find((c) => c.id === t.id)!.fn === fn).every((t) => t.notRun), `${name}: every check of ${fn} not run`).toBe(true);
      const unnamed = r.tests.filter((t) => !t.passed && !t.notRun && !t.misconceptions).map((t) => t.id);
      expect(unnamed.sort(), `${name}: failed with nothing named`).toEqual([...(UNNAMED[name] ?? [])].sort());
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
    expect(gradescope.score).toBe(results.get("forward-no-scaling")!.score);
    expect(gradescope.max_score).toBe(MAX_SCORE);
    expect(gradescope.tests.filter((t: { status: string }) => t.status === "failed").map((t: { name: string }) => t.name)).toEqual(
      results.get("forward-no-scaling")!.tests.filter((t) => !t.passed).map((t) => t.name),
    );
    expect(gradescope.tests).toHaveLength(CHECKS.length);
    for (const t of gradescope.tests) {
      expect(Object.keys(t).sort()).toEqual(["extra_data", "max_score", "name", "output", "score", "status", "visibility"]);
      expect(["passed", "failed"]).toContain(t.status);
      expect(t.extra_data.misconceptions, t.name).toEqual(t.status === "failed" ? ["no-scaling"] : []);
    }
    expect(gradescope.tests.map((t: { extra_data: { check: string } }) => t.extra_data.check)).toEqual(CHECKS.map((c) => c.id));
    const feedback = readFileSync(join(outDir, "forward-no-scaling", "feedback.md"), "utf8");
    expect(feedback).toContain(`**Score: ${results.get("forward-no-scaling")!.score} / ${MAX_SCORE}**`);
    expect(feedback).toContain("❌ forward: the course's published case");
    // Below each failure that names a misconception: where the student's own notebook explains it (not the
    // experiments notebook, which students get after the deadline).
    expect(feedback.match(/^Read again: dropout\.ipynb, section 3\\\.1 - Forward propagation with dropout\.$/gm)).toHaveLength(3);
    expect(feedback).not.toContain("experiments.ipynb");
    expect(readFileSync(join(outDir, "throws", "feedback.md"), "utf8")).not.toContain("Read again");
    const csv = readFileSync(join(outDir, "grades.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,late_submission_value,score,max_score");
    expect(csv).toContain(`dropout,,,solution,,,,${MAX_SCORE},,${MAX_SCORE},${MAX_SCORE}`);
    expect(csv).toHaveLength(1 + Object.keys(EXPECTED).length);
    const leftovers = readdirSync(outDir, { recursive: true }).map(String).filter((f) => f.endsWith(".tmp"));
    expect(leftovers).toEqual([]);
  });

  it("writes the class report over the gallery: its counts are the gallery's known mistakes", () => {
    const report = JSON.parse(readFileSync(join(outDir, "class-report.json"), "utf8")) as ClassReport;
    expect(pageData(readFileSync(join(outDir, "class-report.html"), "utf8"))).toEqual(report);
    const names = Object.keys(EXPECTED);
    expect(report.submissions).toBe(names.length);
    expect(report.unassigned).toEqual([]);
    const [a] = report.assignments;
    expect(a.id).toBe("dropout");
    const ungradableNames = ["invalid-json", "nbformat-3", "not-a-notebook"];
    expect(a.ungradable.map((u) => u.student)).toEqual(ungradableNames);
    for (const u of a.ungradable) expect(u.reason.length, u.student).toBeGreaterThan(10);
    const gradedNames = names.filter((n) => !ungradableNames.includes(n));
    expect(a.graded).toBe(gradedNames.length);
    // Scores: full marks where nothing fails, 0 where everything does (from the table above, not from the results).
    const all = FORWARD.length + BACKWARD.length;
    expect(a.scores.fullMarks).toBe(names.filter((n) => Object.keys(EXPECTED[n].fails).length === 0).length);
    expect(a.scores.zero).toBe(names.filter((n) => Object.keys(EXPECTED[n].fails).length === all).length);
    expect(a.scores.count).toBe(names.length);
    // Each check: passed by the graded entries that do not list it; not run where NOT_RUN says so.
    for (const check of a.checks) {
      const fn = CHECKS.find((c) => c.id === check.id)!.fn;
      expect(check.passed, check.id).toBe(gradedNames.filter((n) => !(check.id in EXPECTED[n].fails)).length);
      expect(check.notRun, check.id).toBe(gradedNames.filter((n) => NOT_RUN[n]?.includes(fn)).length);
      expect(check.unnamed, check.id).toBe(gradedNames.filter((n) => UNNAMED[n]?.includes(check.id)).length);
      expect(check.unnamedStudents, check.id).toEqual(gradedNames.filter((n) => UNNAMED[n]?.includes(check.id)).sort());
      expect(check.named, check.id).toBe(check.failed - check.unnamed - check.notRun);
    }
    expect(a.checks.map((c) => c.passRate)).toEqual([...a.checks.map((c) => c.passRate)].sort((x, y) => x! - y!));
    // Each misconception: exactly the entries that name it (NAMED), with its catalogue title and sections.
    for (const m of a.misconceptions) {
      const certain = Object.keys(NAMED).filter((n) => NAMED[n].ids.includes(m.id));
      const possible = Object.keys(NAMED).filter((n) => NAMED[n].maybe?.includes(m.id));
      expect(m.students.filter((s) => !possible.includes(s)), m.id).toEqual(certain.sort());
      expect(m.title).toBe(dropout.misconceptions[m.id].title);
      expect(m.sentences.length, m.id).toBeGreaterThan(0);
    }
    expect(new Set(a.misconceptions.map((m) => m.id))).toEqual(new Set(Object.values(NAMED).flatMap((n) => n.ids)));
    expect(a.editedReadOnly).toEqual([{ student: "tampered-test-cell", cells: ["forward_propagation_with_dropout_test"] }]);
    expect(a.cutShort.map((c) => c.student)).toEqual(expect.arrayContaining(["infinite-loop", "memory-bomb", "never-returns"]));
    expect(a.cutShort.find((c) => c.student === "memory-bomb")!.kinds).toEqual(["memory"]);
  });

  it.skipIf(chromiumMissing())("the gallery's class report draws its charts in headless Chromium (test-artifacts/class-report/dropout-gallery.png)", () => {
    const dom = openPageFile(join(outDir, "class-report.html"), "class-report", "dropout-gallery");
    expect(dom.match(/class="[^"]*js-plotly-plot/g) ?? []).toHaveLength(3);
    expect(statSync(join(__dirname, "../test-artifacts/class-report/dropout-gallery.png")).size).toBeGreaterThan(10_000);
  }, 240_000);

  it("gives the same reports whatever the parallelism, and resumes without regrading unchanged submissions", async () => {
    const again = mkdtempSync(join(tmpdir(), "grader-test-serial-"));
    const names = ["solution.ipynb", "forward-reseeds.ipynb", "invalid-json.ipynb"];
    for (const n of names) copyFileSync(join(GALLERY_DIR, n), join(again, n));
    const files = names.map((n) => join(again, n));
    const out = join(again, "out");
    await gradeBatch(files, { outDir: out, jobs: 1, regrade: false, limits: LIMITS, assignment: dropout });
    for (const n of names.map((x) => x.replace(/\.ipynb$/, ""))) {
      expect(readFileSync(join(out, n, "results.json"), "utf8"), n).toBe(readFileSync(join(outDir, n, "results.json"), "utf8"));
    }
    // A second run reuses all three; after an edit, only the edited one is graded again.
    writeFileSync(files[2], "{ still not json");
    const reused: string[] = [];
    await gradeBatch(files, { outDir: out, jobs: 2, regrade: false, limits: LIMITS, assignment: dropout, onProgress: (_d, _t, r, wasReused) => wasReused && reused.push(r.submission) });
    expect(reused.sort()).toEqual(["forward-reseeds.ipynb", "solution.ipynb"]);
    // The class report covers the whole batch, the two it did not grade again included.
    const report = JSON.parse(readFileSync(join(out, "class-report.json"), "utf8")) as ClassReport;
    expect(report.submissions).toBe(3);
    expect(report.assignments[0].misconceptions.map((m) => [m.id, m.students])).toEqual([["reseeds-generator", ["forward-reseeds"]]]);
    expect(report.assignments[0].ungradable.map((u) => u.student)).toEqual(["invalid-json"]);
    // A record of an older shape (no schema, no misconception ids), or made by another grader (other sources or
    // references: another fingerprint), is graded again, not trusted; the others are reused.
    const record = (n: string) => join(out, n, "result.json");
    const { schema: _schema, ...older } = JSON.parse(readFileSync(record("solution"), "utf8"));
    writeFileSync(record("solution"), JSON.stringify(older));
    const other = JSON.parse(readFileSync(record("forward-reseeds"), "utf8"));
    expect(other.grader).toMatch(/^[0-9a-f]{16}$/);
    writeFileSync(record("forward-reseeds"), JSON.stringify({ ...other, grader: "0123456789abcdef" }));
    const regraded: string[] = [];
    await gradeBatch(files, { outDir: out, jobs: 2, regrade: false, limits: LIMITS, assignment: dropout, onProgress: (_d, _t, r, wasReused) => !wasReused && regraded.push(r.submission) });
    expect(regraded.sort()).toEqual(["forward-reseeds.ipynb", "solution.ipynb"]);
  }, 180_000);
});

describe("the grade command", () => {
  it("a mistyped flag is an error with the usage (status 1), not a run that ignores it", () => {
    const run = spawnSync(process.execPath, [require.resolve("tsx/cli"), join(__dirname, "../grader/cli.ts"), "--regrde"], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("grade: Unknown option '--regrde'");
    expect(run.stderr).toContain("usage: npm run grade -- ");
    expect(run.stdout).toBe("");
  });

  it("an empty folder of submissions is an empty batch: status 0, said on stderr, and reports that say so", () => {
    const empty = mkdtempSync(join(tmpdir(), "grade-empty-"));
    const out = join(empty, "out");
    const run = spawnSync(process.execPath, [require.resolve("tsx/cli"), join(__dirname, "../grader/cli.ts"), empty, "--out", out, "--isolation=permission-model"], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`grade: no .ipynb files in ${empty}: nothing to grade`);
    expect(readFileSync(join(out, "class-report.html"), "utf8")).toContain("This batch had no submissions");
    expect(readFileSync(join(out, "grades.csv"), "utf8").trim().split("\n")).toHaveLength(1);
  }, 60_000);

  it("prints the batch's most common misconceptions under the table, and where the class report is", () => {
    const folder = mkdtempSync(join(tmpdir(), "grade-cli-"));
    for (const n of ["solution.ipynb", "forward-no-scaling.ipynb"]) copyFileSync(join(GALLERY_DIR, n), join(folder, n));
    const out = join(folder, "out");
    const run = spawnSync(process.execPath, [require.resolve("tsx/cli"), join(__dirname, "../grader/cli.ts"), folder, "--out", out, "--isolation=permission-model"], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`most common misconceptions, of 2 graded:\n    1 student   ${dropout.misconceptions["no-scaling"].title} (no-scaling)\n`);
    expect(run.stdout).toContain(`class report: ${join(out, "class-report.html")}`);
  }, 120_000);

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

/**
 * Types the compiler cannot finish, whatever the machine: `copies` blocks that take it seconds each (distinct
 * types: no cache), then a type it always gives up on (TS2589). A slow machine reaches the grader's time
 * limit first, a fast one the compiler's own limit; the student must get the same single message either way.
 */
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
  lines.push(`type Deep<T, N extends unknown[] = []> = N["length"] extends 5000 ? T : Deep<[T], [...N, 0]>;`, `const gaveUp: Deep<1> = null as any;`);
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
    const list = await gradeBatch(files, { outDir: join(folder, "out"), jobs: 2, regrade: true, limits });
    results = new Map(list.map((r) => [r.submission.replace(/\.ipynb$/, ""), r]));
  }, 300_000);

  it("a 100 MB file gets a result (0, with what to do) without being read into the grader, and the batch goes on", () => {
    const r = results.get("huge-file")!;
    expect(r.status).toBe("ungradable");
    expect(r.score).toBe(0);
    expect(allFeedback(r)).toContain("The file is 100 MB; an assignment's notebook is well under 3 MB. Clear the outputs");
    expect(results.get("solution")!.tests.every((t) => t.passed)).toBe(true);
  });

  it("a notebook without a kernelspec is graded as TypeScript, and says so", () => {
    const r = results.get("no-kernelspec")!;
    expect(r.tests.filter((t) => !t.passed)).toEqual([]);
    expect(r.notes).toContain("The notebook names no kernel; it was graded as TypeScript (tslab) anyway.");
  });

  it("types the compiler cannot finish: one message, once, whichever limit stops it; the other function keeps its marks", () => {
    const r = results.get("type-check-bomb")!;
    expect(r.status).toBe("graded");
    const message = "The TypeScript compiler could not finish checking the types in your cell 'backward_propagation_with_dropout'";
    expect(r.notes.filter((n) => n.includes(message)), allFeedback(r)).toHaveLength(1);
    expect(r.notes.join("\n")).toMatch(/\((it gave up: "Type instantiation is excessively deep and possibly infinite\.?"|it was still working after [\d.]+ s)\), so the cell was not run\. Simplify its type annotations/);
    const backward = r.tests.filter((t) => t.id.startsWith("backward."));
    for (const t of backward) expect(t.output).toBe("Not checked: your cell 'backward_propagation_with_dropout' could not be type-checked (see the note about your notebook above).");
    expect(allFeedback(r).split(message)).toHaveLength(2); // said once in all the feedback
    expect(r.tests.filter((t) => t.id.startsWith("forward.")).every((t) => t.passed), allFeedback(r)).toBe(true);
  });
});
