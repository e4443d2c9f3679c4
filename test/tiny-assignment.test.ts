/**
 * A third assignment, defined only in test/fixtures/tiny-assignment/, assigned and graded by the engine as it
 * is: the proof that adding an assignment is adding a folder (docs/adding-an-assignment.md). Assigned here with
 * the engine's own steps (releaseNotebook, generateReferences, the gallery) into a temporary folder, then
 * graded end to end under the default sandbox (bubblewrap), one notebook at a time and as a batch.
 * Fails when: the engine hard-wires the dropout assignment (its registry, its folders) on these paths; the
 * release keeps a solution line or loses the assignment's name; a call carries a hidden expected value; the
 * judge passes a stub, a mistake or an unrun check, or fails the solution. Each seen red once: release.ts
 * keeping solutions by default (a leak, the stub gone); the peaks check comparing a peak with itself (the
 * mistake kept a hidden check); the judge not knowing NotImplementedError (the stub's feedback); the plan
 * adding the reference output as an argument; references derived with factor + 1 (the solution failed);
 * whichAssignment taking the first assignment instead of the one named; the judge without its no-call guard;
 * feedback.md titled from the registry alone (red before batch.ts passed reports the batch's assignments).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { round } from "dropout-kit";
import { maxScoreOf } from "../grader/assignment";
import type { GradedAssignment } from "../grader/assignment";
import { dropout } from "../grader/assignments/dropout";
import { releaseNotebook } from "../grader/assign/release";
import { generateReferences, serializeReferences } from "../grader/assign/references";
import { leaks, secretLines } from "../grader/assign/validate";
import { gradeBatch } from "../grader/batch";
import { gradeSubmission } from "../grader/grading/grade";
import type { SubmissionResult } from "../grader/grading/grade";
import { readSubmission, whichAssignment } from "../grader/grading/submission";
import { GRADEBOOK } from "../grader/reports";
import { cellSource, gradeIdOf, readNotebook } from "../grader/notebook/notebook";
import type { Notebook } from "../grader/notebook/notebook";
import { instructorNotebook } from "../grader/reference-solution";
import { tinyAssignment } from "./fixtures/tiny-assignment";
import type { ScaleReferences } from "./fixtures/tiny-assignment";
import { CASES, inputsOf } from "./fixtures/tiny-assignment/cases";

const outDir = mkdtempSync(join(tmpdir(), "tiny-assignment-"));
const tiny = tinyAssignment(outDir);
const source = readNotebook(instructorNotebook(tiny));
const GALLERY = ["solution", "untouched-release", "forgets-absolute-value", "correct-reciprocal"];
const galleryPath = (name: string) => join(tiny.galleryDir, `${name}.ipynb`);
const codeOf = (nb: Notebook) => nb.cells.filter((c) => c.cell_type === "code").map(cellSource).join("\n");

/** A hidden case's expected values that only the solution knows (each row's peak is ±factor, an input). */
const secretValues = (id: string) => {
  const factor = CASES.find((c) => c.id === id)!.factor;
  return references.outputs[id].values.filter((v) => Math.abs(v) !== factor);
};

let released: Notebook;
let references: ScaleReferences;

/** `npm run assign`'s steps for one assignment, into outDir (the pipeline itself writes into the project). */
beforeAll(async () => {
  released = releaseNotebook(source, tiny.notebook, tiny);
  references = (await generateReferences(tiny)) as ScaleReferences;
  writeFileSync(tiny.referencesFile, serializeReferences(references));
  writeFileSync(tiny.publicCasesFile, serializeReferences(tiny.publicCases(references)));
  mkdirSync(tiny.galleryDir, { recursive: true });
  for (const { name, text } of tiny.gallery()) writeFileSync(join(tiny.galleryDir, name), text);
});

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("assigning the tiny assignment", () => {
  it("releases a stub naming the step, no solution line, and the assignment's name in the metadata", () => {
    const secrets = secretLines(source);
    expect(secrets).toEqual(["const peak = tf.max(tf.abs(X), 1, true);", "return tf.mul(tf.div(X, peak), factor) as Matrix;"]);
    expect(leaks(secrets, [{ path: tiny.notebook, text: codeOf(released) }])).toEqual([]);
    expect(codeOf(released)).toContain('throw new NotImplementedError("scaleRows: Divide each row by its largest absolute value, then multiply by factor");');
    expect(released.metadata.course_kit).toEqual({ assignment: "scale-rows" });
    // The settings written out; the test cell worth its checks' points.
    expect(codeOf(released)).toContain("const EXAMPLE = { seed: 0, rows: 2, cols: 4, factor: 3 };");
    expect(released.cells.find((c) => gradeIdOf(c) === "scale_rows_test")!.metadata.nbgrader!.points).toBe(maxScoreOf(tiny));
  });

  it("derives references for every case, public cases with nothing hidden, and no expected value in a call", () => {
    expect(references.assignment).toBe("scale-rows");
    expect(references.setupCell).toContain("const EXAMPLE =");
    expect(Object.keys(references.outputs)).toEqual(CASES.map((c) => c.id));
    const published = JSON.parse(readFileSync(tiny.publicCasesFile, "utf8")) as { id: string }[];
    expect(published.map((c) => c.id)).toEqual(["positive"]);
    // What crosses into the sandbox: the inputs rebuilt from seeds, never a hidden output.
    const requests = JSON.stringify(tiny.plan(references, { publicOnly: false }).map((c) => c.request));
    for (const spec of CASES.filter((c) => !c.public)) {
      for (const value of secretValues(spec.id)) expect(requests).not.toContain(String(value));
      expect(requests).toContain(JSON.stringify(inputsOf(spec).X.values));
    }
  });

  it("writes the gallery: the solution, the untouched release and a mistake", () => {
    expect(tiny.gallery().map((f) => f.name)).toEqual(GALLERY.map((n) => `${n}.ipynb`));
    expect(codeOf(readNotebook(galleryPath("solution")))).toContain("const peak = tf.max(tf.abs(X), 1, true);");
    expect(codeOf(readNotebook(galleryPath("forgets-absolute-value")))).toContain("const peak = tf.max(X, 1, true);");
  });
});

describe("grading it with the engine as it is", () => {
  const grade = (name: string) => gradeSubmission(galleryPath(name), { assignment: tiny, references });
  const failed = (r: SubmissionResult) => r.tests.filter((t) => !t.passed).map((t) => t.id);

  it("gives the solution full marks, in the bubblewrap sandbox", async () => {
    const result = await grade("solution");
    expect(result.notes).toEqual([]);
    expect(failed(result)).toEqual([]);
    expect(result.score).toBe(4);
    expect(result.maxScore).toBe(4);
    expect(result.assignment).toBe("scale-rows");
    expect(result.isolation).toMatch(/bubblewrap/);
  });

  it("gives the untouched release 0, saying Not implemented yet", async () => {
    const result = await grade("untouched-release");
    expect(result.score).toBe(0);
    expect(result.tests).toHaveLength(3);
    for (const test of result.tests) expect(test.output).toMatch(/^Not implemented yet: scaleRows: Divide each row by its largest absolute value/);
  });

  it("takes from the mistake exactly the hidden checks, with a message that says what to fix and hides the expected values", async () => {
    const result = await grade("forgets-absolute-value");
    expect(failed(result)).toEqual(["scale.hidden", "scale.peaks"]);
    expect(result.score).toBe(1);
    const byId = Object.fromEntries(result.tests.map((t) => [t.id, t.output]));
    expect(byId["scale.hidden"]).toMatch(/^On a 5 x 6 matrix of numbers of either sign, factor 3: Y\[\d+, \d+\] is -?[\d.]+, which is not the right value\.$/);
    expect(byId["scale.peaks"]).toMatch(/the largest magnitude in row \d+ of Y is [\d.]+, not the factor 3\. Divide each row by its largest absolute value/);
    for (const output of Object.values(byId)) for (const value of secretValues("mixed-signs")) expect(output).not.toContain(round(value));
  });

  it("fails every check that saw no call (a check passes only on outputs it has seen)", () => {
    const verdicts = tiny.judge({ calls: [], references, unavailable: {}, sources: {}, checks: tiny.checks });
    expect(verdicts.map((v) => [v.id, v.passed, v.output])).toEqual(tiny.checks.map((c) => [c.id, false, "Not checked: the grader made no call of scaleRows for this check."]));
  });

  it("grades the gallery as a batch, every notebook as the tiny assignment, with reports and a gradebook", async () => {
    const results = await gradeBatch(GALLERY.map(galleryPath), { outDir: join(outDir, "reports"), jobs: 2, regrade: true, assignment: tiny });
    expect(Object.fromEntries(results.map((r) => [r.submission, r.score]))).toEqual({
      "solution.ipynb": 4,
      "untouched-release.ipynb": 0,
      "forgets-absolute-value.ipynb": 1,
      "correct-reciprocal.ipynb": 4,
    });
    const gradebook = readFileSync(join(outDir, "reports", GRADEBOOK), "utf8").split("\n");
    expect(gradebook[1]).toBe("scale-rows,,,correct-reciprocal,,,,4,,4,4");
    // The student's feedback names the assignment it was graded as, and its self-check.
    const feedback = readFileSync(join(outDir, "reports", "forgets-absolute-value", "feedback.md"), "utf8");
    expect(feedback).toMatch(/^# Scaling rows assignment: feedback for forgets-absolute-value\.ipynb\n/);
    expect(feedback).toContain("`npm run check -- notebooks/scale-rows.ipynb`");
  });
});

describe("telling the tiny assignment's notebooks apart", () => {
  const known: GradedAssignment[] = [dropout, tiny];

  it("identifies a notebook whose metadata names it", () => {
    expect(whichAssignment(released.metadata, released.cells, known).assignment?.id).toBe("scale-rows");
    expect(readSubmission(galleryPath("forgets-absolute-value"), known).assignment?.id).toBe("scale-rows");
    const dropoutRelease = readNotebook(join(dropout.galleryDir, "untouched-release.ipynb"));
    expect(whichAssignment(dropoutRelease.metadata, dropoutRelease.cells, known).assignment?.id).toBe("dropout");
  });

  it("says plainly when the grader does not know it", () => {
    const other: GradedAssignment[] = [dropout];
    expect(whichAssignment(released.metadata, released.cells, other).problem).toMatch(/the assignment 'scale-rows', which this grader does not grade/);
  });
});
