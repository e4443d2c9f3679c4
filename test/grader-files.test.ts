/**
 * The grader and hostile files (tracker issue 10, items 5 and 6): a submission is data, never a path to
 * follow (links, pipes, folders named like notebooks are refused, one result each, and the batch goes on);
 * report folders get safe, distinct names inside the output folder; grades.csv cannot carry a formula;
 * malformed cells get a message in the student's words; huge lines and runs of blank lines are read.
 * Each test has a control: the same input made honest is accepted, or the unsafe name really was unsafe.
 * Most tests call the steps directly (no sandbox); one batch runs end to end.
 * Fails when: reading follows links or opens a FIFO blocking, report folders keep unsafe or colliding
 * names, grades.csv cells are not neutralised, or the cell-shape checks are dropped (each seen red once).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { expandPaths, gradeBatch, GRADER_FAILED } from "../grader/batch";
import type { BatchResult } from "../grader/batch";
import { dropout } from "../grader/assignments/dropout";
const GALLERY_DIR = dropout.galleryDir;
import type { SubmissionResult } from "../grader/grading/grade";
import { readDropoutReferences } from "../grader/assignments/dropout";
import { GRADED_CELLS, MAX_SCORE } from "../grader/assignments/dropout/checks";
import type { GradedFunctionName } from "dropout-kit";
import { MAX_NOTEBOOK_BYTES, readSubmission } from "../grader/grading/submission";
import { gradebookCsv, LEFT_OUT, leftOutCsv, reportFolderNames } from "../grader/reports";
import { INSTRUCTOR_NOTEBOOK } from "../grader/assignments/dropout/solution";
import type { SandboxLimits } from "../grader/sandbox/session";

// The grader failing on one submission (a bug of its own): gradeSubmission throws, with a stack that names
// this machine's paths, for files whose name starts with "grader-crash".
vi.mock("../grader/grading/grade", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../grader/grading/grade")>();
  return {
    ...actual,
    gradeSubmission: (path: string, ...rest: Parameters<typeof actual.gradeSubmission> extends [unknown, ...infer R] ? R : never) =>
      basename(path).startsWith("grader-crash") ? Promise.reject(new Error(`cannot read property of undefined while grading ${path}`)) : actual.gradeSubmission(path, ...rest),
  };
});

const LIMITS: SandboxLimits = { loadTimeoutMs: 25_000, callTimeoutMs: 6_000, totalTimeoutMs: 90_000, memoryMb: 1024 };
const SOLUTION = join(GALLERY_DIR, "solution.ipynb");
const INVALID_JSON = join(GALLERY_DIR, "invalid-json.ipynb");
const FORWARD = GRADED_CELLS.forwardPropagationWithDropout;
const BACKWARD = GRADED_CELLS.backwardPropagationWithDropout;
const REFUSED = /Submit the notebook file itself/;

type Json = Record<string, unknown> & { cells: Record<string, unknown>[]; metadata: Record<string, unknown> };
const solutionJson = (): Json => JSON.parse(readFileSync(SOLUTION, "utf8"));
const indexOfCell = (nb: Json, gradeId: string) => nb.cells.findIndex((c) => (c.metadata as { nbgrader?: { grade_id?: string } }).nbgrader?.grade_id === gradeId);
const sha = (text: string) => createHash("sha256").update(text).digest("hex");
/** The graded sources of the gallery's solution, as readSubmission returns them. */
const solutionSources = () => readSubmission(SOLUTION).gradedSources;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "grader-files-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh folder under the test's temporary folder. */
function folder(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  return dir;
}

/**
 * readSubmission in a child process, for inputs that could make a broken reader block for good (a named
 * pipe) or run for hours (a backtracking scan): the child is killed after a generous limit, and the test
 * fails saying so, instead of hanging the test run. This asserts nothing about speed.
 */
function readInChild(paths: string[]): { fatal?: string; notes: string[]; missing: Record<string, string>; sources: Record<string, { length: number; sha256: string }> }[] {
  const script = join(work, `read-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    script,
    `import { createHash } from "node:crypto";
import { readSubmission } from ${JSON.stringify(resolve(__dirname, "../grader/grading/submission"))};
const out = ${JSON.stringify(paths)}.map((p: string) => {
  const r = readSubmission(p);
  const sources = Object.fromEntries(Object.entries(r.gradedSources).map(([fn, s]) => [fn, { length: s!.length, sha256: createHash("sha256").update(s!).digest("hex") }]));
  return { fatal: r.fatal, notes: r.notes, missing: r.missing, sources };
});
process.stdout.write(JSON.stringify(out));
`,
  );
  const run = spawnSync(process.execPath, [require.resolve("tsx/cli"), script], { encoding: "utf8", timeout: 100_000, maxBuffer: 1 << 26 });
  const hung = (run.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT";
  if (run.status !== 0) throw new Error(`the reader did not finish (${hung ? "stopped after the limit: it hung" : `status ${run.status}`}): ${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe("files are data, never paths to follow", () => {
  it("a symbolic link is refused, even to the instructor notebook or a solution; the same notebooks as regular files are read (control)", () => {
    const dir = folder("links");
    symlinkSync(INSTRUCTOR_NOTEBOOK, join(dir, "instructor-link.ipynb"));
    symlinkSync(SOLUTION, join(dir, "solution-link.ipynb"));
    symlinkSync(join(dir, "nowhere"), join(dir, "dangling-link.ipynb"));
    for (const name of ["instructor-link.ipynb", "solution-link.ipynb", "dangling-link.ipynb"]) {
      const r = readSubmission(join(dir, name));
      expect(r.fatal, name).toMatch(/^This submission is a symbolic link .*never follows links\. Submit the notebook file itself/);
      expect(r.gradedSources, name).toEqual({});
      expect(r.fatal).not.toContain(dir);
    }
    // Control: the targets themselves, copied as regular files, are read, with both graded cells.
    copyFileSync(INSTRUCTOR_NOTEBOOK, join(dir, "instructor-copy.ipynb"));
    for (const path of [join(dir, "instructor-copy.ipynb"), SOLUTION]) {
      const r = readSubmission(path);
      expect(r.fatal).toBeUndefined();
      expect(Object.keys(r.gradedSources).sort()).toEqual(Object.keys(GRADED_CELLS).sort());
    }
  });

  it("a named pipe (FIFO) is refused without hanging the reader; a regular file beside it is read (control)", () => {
    const dir = folder("fifo");
    const fifo = join(dir, "pipe.ipynb");
    const made = spawnSync("mkfifo", [fifo]);
    expect(made.status, String(made.stderr)).toBe(0);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    copyFileSync(SOLUTION, join(dir, "regular.ipynb"));
    const [pipe, regular] = readInChild([fifo, join(dir, "regular.ipynb")]);
    expect(pipe.fatal).toMatch(/^This submission is a named pipe \(FIFO\), not a notebook file\. Submit the notebook file itself/);
    expect(regular.fatal).toBeUndefined();
    expect(Object.keys(regular.sources).sort()).toEqual(Object.keys(GRADED_CELLS).sort());
  });

  it("a folder named like a notebook is listed as a submission and refused; a notebook file beside it is read (control)", () => {
    const dir = folder("dir-named-ipynb");
    mkdirSync(join(dir, "x.ipynb"));
    copyFileSync(SOLUTION, join(dir, "x.ipynb", "inside.ipynb"));
    copyFileSync(SOLUTION, join(dir, "y.ipynb"));
    // Listed (so it gets a result of its own), not descended into.
    expect(expandPaths([dir])).toEqual([join(dir, "x.ipynb"), join(dir, "y.ipynb")]);
    const r = readSubmission(join(dir, "x.ipynb"));
    expect(r.fatal).toMatch(/^This submission is a folder .*Submit the notebook file itself/);
    expect(readSubmission(join(dir, "y.ipynb")).fatal).toBeUndefined();
  });

  it("a folder is listed without following the links in it, and a link named on the command line is a submission (refused later)", () => {
    const dir = folder("listing");
    const elsewhere = folder("elsewhere");
    copyFileSync(SOLUTION, join(elsewhere, "hidden.ipynb"));
    symlinkSync(elsewhere, join(dir, "linked-folder.ipynb"));
    symlinkSync(SOLUTION, join(dir, "link.ipynb"));
    expect(expandPaths([dir])).toEqual([join(dir, "link.ipynb"), join(dir, "linked-folder.ipynb")]);
    expect(expandPaths([join(dir, "linked-folder.ipynb")])).toEqual([join(dir, "linked-folder.ipynb")]);
    expect(readSubmission(join(dir, "linked-folder.ipynb")).fatal).toMatch(/symbolic link/);
    // Control: the instructor's own folder, named on the command line, is listed.
    expect(expandPaths([elsewhere])).toEqual([join(elsewhere, "hidden.ipynb")]);
  });
});

describe("report folders: safe, distinct names inside the output folder", () => {
  const composed = "\u00e9l\u00e8ve";
  const decomposed = "e\u0301le\u0300ve";
  const hostile = [
    "...ipynb", "..ipynb", ".ipynb", ".hidden.ipynb", "grades.csv.ipynb", "GRADES.CSV.ipynb", "class-report.html.ipynb", "Class-Report.JSON.ipynb", "a\u2215b.ipynb", "a\u2044b.ipynb", "a\uff0fb.ipynb", "a\\b.ipynb",
    `${composed}.ipynb`, `${decomposed}.ipynb`, "Alice.ipynb", "alice.ipynb", "line\nbreak.ipynb", "\u001b[2Jclear.ipynb", "-rf.ipynb", `${"long".repeat(60)}.ipynb`, "=HYPERLINK(1).ipynb",
  ];

  it("no folder name has a separator, '..', a control character or a leading dot, nor is grades.csv; all are distinct even ignoring case and Unicode form", () => {
    // Control: the names really are hostile as folder names (the old rule: the name without .ipynb).
    const naive = hostile.map((n) => n.replace(/\.ipynb$/, ""));
    expect(naive).toContain("..");
    expect(naive).toContain("grades.csv");
    expect(naive).toContain("class-report.html");
    expect(composed).not.toBe(decomposed);
    expect(composed.normalize("NFC")).toBe(decomposed.normalize("NFC"));
    const folders = reportFolderNames([...hostile, "plain.ipynb", "dropout (1).ipynb"]);
    const names = hostile.map((n) => folders.get(n)!);
    for (const f of names) {
      expect(f).not.toMatch(/[/\\\u0000-\u001f\u007f\u2215\u2044\uff0f]|\.\.|^\./);
      expect(["grades.csv", "class-report.html", "class-report.json"]).not.toContain(f.toLowerCase());
      expect(Buffer.byteLength(f)).toBeLessThan(200);
    }
    expect(new Set(names.map((f) => f.normalize("NFC").toLowerCase())).size).toBe(hostile.length);
    // Names that need no change keep it (the folders of earlier runs stay where they were).
    expect(folders.get("plain.ipynb")).toBe("plain");
    expect(folders.get("dropout (1).ipynb")).toBe("dropout (1)");
    // A function of the names alone: any order gives the same folders.
    expect(reportFolderNames([...hostile].reverse())).toEqual(new Map(hostile.map((n) => [n, folders.get(n)])));
  });

  it("end to end: a batch of hostile names writes every report inside the output folder, one folder each, grades.csv intact, and resumes", async () => {
    const parent = folder("hostile-names");
    const inputs = join(parent, "submissions");
    mkdirSync(inputs);
    const out = join(parent, "out");
    const onDisk = hostile.filter((n) => !n.includes("/"));
    for (const name of [...onDisk, "plain.ipynb"]) copyFileSync(INVALID_JSON, join(inputs, name));
    const files = expandPaths([inputs]);
    expect(files.length).toBe(onDisk.length + 1);
    const first = await gradeBatch(files, { outDir: out, jobs: 4, regrade: false, assignment: dropout });
    expect(first.every((r) => r.status === "ungradable" && /not valid JSON/.test(r.notes[0]))).toBe(true);
    // Nothing written beside the output folder (the old rule put "...ipynb"'s reports in the parent).
    expect(readdirSync(parent).sort()).toEqual(["out", "submissions"]);
    const entries = readdirSync(out);
    expect(entries.filter((e) => e === "grades.csv")).toHaveLength(1);
    expect(lstatSync(join(out, "grades.csv")).isFile()).toBe(true);
    // Beside them, the batch's class report (a submission named like it has a folder of its own, as for grades.csv).
    expect(entries.filter((e) => e === "class-report.html" || e === "class-report.json").sort()).toEqual(["class-report.html", "class-report.json"]);
    expect(lstatSync(join(out, "class-report.json")).isFile()).toBe(true);
    const folders = entries.filter((e) => e !== "grades.csv" && e !== "class-report.html" && e !== "class-report.json");
    expect(folders).toHaveLength(files.length);
    for (const f of folders) expect(readdirSync(join(out, f)).sort(), f).toEqual(["feedback.md", "result.json", "results.json"]);
    // Control: a plain name is filed under itself.
    expect(existsSync(join(out, "plain", "result.json"))).toBe(true);
    // The gradebook has one row per submission, its student id the file's name (quoted where CSV needs it).
    const csv = readFileSync(join(out, "grades.csv"), "utf8");
    expect(csv).toContain('\ndropout,,,"line\nbreak",');
    expect(csv).toContain("\ndropout,,,'=HYPERLINK(1),");
    // Resuming finds every report again under the new names.
    const reused: string[] = [];
    await gradeBatch(files, { outDir: out, jobs: 4, regrade: false, assignment: dropout, onProgress: (_d, _t, r, wasReused) => wasReused && reused.push(r.submission) });
    expect(reused.sort()).toEqual(files.map((f) => basename(f)).sort());
  });
});

describe("grades.csv", () => {
  it("leaves out a submission whose assignment could not be told (not 0 of 0 points); grades-left-out.csv says why, and goes when none is left", async () => {
    const folder = mkdtempSync(join(tmpdir(), "left-out-"));
    const nb = JSON.parse(readFileSync(join(GALLERY_DIR, "solution.ipynb"), "utf8"));
    nb.metadata.course_kit.assignment = "gamma";
    writeFileSync(join(folder, "=unknown.ipynb"), JSON.stringify(nb));
    copyFileSync(join(GALLERY_DIR, "solution.ipynb"), join(folder, "known.ipynb"));
    const out = join(folder, "out");
    const files = [join(folder, "=unknown.ipynb"), join(folder, "known.ipynb")];
    await gradeBatch(files, { outDir: out, jobs: 2, regrade: true });
    const csv = readFileSync(join(out, "grades.csv"), "utf8").split("\n");
    expect(csv.slice(1, -1)).toEqual([`dropout,,,known,,,,${MAX_SCORE},,${MAX_SCORE},${MAX_SCORE}`]);
    const left = readFileSync(join(out, LEFT_OUT), "utf8").split("\n");
    expect(left[0]).toBe("student_id,reason");
    expect(left[1]).toMatch(/^'=unknown,"?The notebook says it is the assignment 'gamma', which this grader does not grade/);
    expect(left).toHaveLength(3);
    // Its own report still says what is wrong.
    expect(readFileSync(join(out, "=unknown", "feedback.md"), "utf8")).toContain("which this grader does not grade");
    // Once it is graded as its assignment, nothing is left out, and the old list is gone.
    await gradeBatch(files, { outDir: out, jobs: 2, regrade: true, assignment: dropout });
    expect(existsSync(join(out, LEFT_OUT))).toBe(false);
    expect(readFileSync(join(out, "grades.csv"), "utf8").split("\n").slice(1, -1)).toHaveLength(2);
    expect(leftOutCsv([])).toBeUndefined();
  }, 240_000);

  const result = (submission: string): SubmissionResult => ({ submission, path: `/x/${submission}`, contentHash: "", assignment: "dropout", score: 3, maxScore: MAX_SCORE, status: "graded", notes: [], tests: [], durationMs: 0 });
  const rows = (names: string[]) => gradebookCsv(names.map(result)).split("\n").slice(1, -1);

  it("a student id a spreadsheet would run as a formula is neutralised with a leading quote; quoting stays correct", () => {
    const csv = gradebookCsv(["=1+2.ipynb", "+SUM(A1).ipynb", "-3.ipynb", "@cmd.ipynb", "\tx.ipynb", "\rx.ipynb", '=HYPERLINK("http://x","a,b").ipynb'].map(result));
    const ids = csv.split("\n").slice(1).map((row) => row.slice("dropout,,,".length));
    for (const expected of ["'=1+2,", "'+SUM(A1),", "'-3,", "'@cmd,", "'\tx,", "\"'\rx\",", '"\'=HYPERLINK(""http://x"",""a,b"")",']) {
      expect(ids.some((id) => id.startsWith(expected)), JSON.stringify(expected)).toBe(true);
    }
    // Control: names that start with anything else are the names as they are.
    expect(rows(["alice.ipynb", "a-b=c.ipynb", "o'brien.ipynb"])).toEqual([
      `dropout,,,a-b=c,,,,3,,3,${MAX_SCORE}`,
      `dropout,,,alice,,,,3,,3,${MAX_SCORE}`,
      `dropout,,,o'brien,,,,3,,3,${MAX_SCORE}`,
    ]);
  });
});

describe("malformed cells", () => {
  type Variant = { name: string; edit: (nb: Json) => void; cell: RegExp; graded?: GradedFunctionName };
  const forward = (nb: Json) => nb.cells[indexOfCell(nb, FORWARD)];
  const variants: Variant[] = [
    { name: "source is an object", edit: (nb) => (forward(nb).source = { code: "x" }), cell: /its source is an object/, graded: "forwardPropagationWithDropout" },
    { name: "source is a nested list", edit: (nb) => (forward(nb).source = [["function forwardPropagationWithDropout() {}"]]), cell: /its source is a list whose item 1 is a list/, graded: "forwardPropagationWithDropout" },
    { name: "source is a number", edit: (nb) => (forward(nb).source = 42), cell: /its source is a number/, graded: "forwardPropagationWithDropout" },
    { name: "source is a list with a non-string", edit: (nb) => (forward(nb).source = [...(forward(nb).source as string[]), null]), cell: /its source is a list whose item \d+ is null/, graded: "forwardPropagationWithDropout" },
    { name: "a cell that is not an object", edit: (nb) => nb.cells.splice(1, 0, "print('hi')" as never), cell: /Cell 2 of your notebook is malformed: it is text, not a cell/ },
    { name: "cells containing null", edit: (nb) => nb.cells.splice(0, 0, null as never), cell: /Cell 1 of your notebook is malformed: it is null, not a cell/ },
    { name: "metadata that is not an object", edit: (nb) => (nb.cells[0].metadata = "x" as never), cell: /Cell 1 of your notebook is malformed: its metadata is text, not an object/ },
    { name: "nbgrader metadata that is not an object", edit: (nb) => (nb.cells[0].metadata = { nbgrader: [1, 2] }), cell: /its nbgrader metadata is a list, not an object/ },
    {
      name: "nbgrader metadata of the wrong types (grade_id a number)",
      edit: (nb) => ((forward(nb).metadata as { nbgrader: Record<string, unknown> }).nbgrader.grade_id = 7),
      cell: /its nbgrader metadata is malformed \(grade_id is a number where nbgrader writes text\)/,
    },
    {
      name: "nbgrader metadata of the wrong types (points text, locked a list)",
      edit: (nb) => Object.assign((nb.cells[indexOfCell(nb, `${BACKWARD}_test`)].metadata as { nbgrader: Record<string, unknown> }).nbgrader, { points: "5", locked: [] }),
      cell: /\(the cell 'backward_propagation_with_dropout_test'\) is malformed: its nbgrader metadata is malformed \(locked is a list where nbgrader writes true or false; points is text where nbgrader writes a number\)/,
    },
    { name: "the notebook's metadata is not an object", edit: (nb) => (nb.metadata = [] as never), cell: /The notebook's metadata is malformed \(it is a list, not an object\)/ },
  ];

  it("control: the unedited solution has no malformed cell, and both graded functions", () => {
    const r = readSubmission(SOLUTION);
    expect(r.notes.join("\n")).not.toMatch(/malformed/);
    expect(Object.keys(r.gradedSources).sort()).toEqual(Object.keys(GRADED_CELLS).sort());
  });

  for (const v of variants) {
    it(`${v.name}: "this cell is malformed", which cell, what to do; no grader bug, stack or server path; the rest is graded`, () => {
      const dir = folder(`malformed-${v.name.replace(/\W+/g, "-")}`);
      const nb = solutionJson();
      v.edit(nb);
      const path = join(dir, "student.ipynb");
      writeFileSync(path, JSON.stringify(nb, null, 1));
      const r = readSubmission(path);
      expect(r.fatal).toBeUndefined();
      const said = [...r.notes, ...Object.values(r.missing)].join("\n");
      expect(said).toMatch(v.cell);
      expect(said).toMatch(/malformed/);
      if (!v.cell.source.startsWith("The notebook")) expect(said).toContain("Download a fresh copy of the assignment, paste your code back into its cells");
      expect(said).not.toMatch(/grader bug|\n\s+at |TypeError|\.ts:\d|node:internal/);
      expect(said).not.toContain(dir);
      expect(said).not.toContain(resolve(__dirname, ".."));
      const solution = solutionSources();
      if (v.graded) {
        expect(r.missing[v.graded]).toMatch(/is malformed: .* So forwardPropagationWithDropout, which that cell defines, could not be graded/);
        expect(r.gradedSources[v.graded]).toBeUndefined();
      } else expect(r.gradedSources.forwardPropagationWithDropout).toBe(solution.forwardPropagationWithDropout);
      // The other graded function is untouched (the control within each variant).
      expect(r.gradedSources.backwardPropagationWithDropout).toBe(solution.backwardPropagationWithDropout);
    });
  }

  it("many malformed cells: ten named, the rest counted (the notes stay readable)", () => {
    const nb = solutionJson();
    nb.cells.push(...(Array.from({ length: 5000 }, () => null) as never[]));
    const path = join(folder("many-malformed"), "student.ipynb");
    writeFileSync(path, JSON.stringify(nb));
    const r = readSubmission(path);
    expect(r.notes.filter((n) => /is malformed: it is null/.test(n))).toHaveLength(10);
    expect(r.notes).toContain("4990 more cells are malformed as well. Download a fresh copy of the assignment, paste your code back into its cells, save it in Jupyter, and submit that.");
    expect(Object.keys(r.gradedSources)).toHaveLength(2);
  });
});

describe("long inputs are read whole (every scan of the student's text is linear)", () => {
  /**
   * The solution with the forward cell's source prefixed by `prefix`. Renamed: its grade_id changed (it is
   * found by its definition instead), and a scratch code cell (`scratch`, then a line of code) put before
   * it, which the search must read through without finding anything.
   */
  function withPrefix(name: string, prefix: string[], renamed: boolean, scratch = prefix): { path: string; expected: string } {
    const nb = solutionJson();
    const at = indexOfCell(nb, FORWARD);
    const cell = nb.cells[at];
    const source = [...prefix, ...(cell.source as string[])];
    cell.source = source;
    if (renamed) {
      (cell.metadata as { nbgrader: { grade_id: string } }).nbgrader.grade_id = "my_forward";
      nb.cells.splice(at, 0, { cell_type: "code", metadata: {}, source: [...scratch, "let scratch = 1;\n"], outputs: [], execution_count: null });
    }
    const path = join(work, `${name}.ipynb`);
    writeFileSync(path, JSON.stringify(nb));
    return { path, expected: source.join("") };
  }

  it("300,000 blank lines before the solution: the graded sources are read, in the graded cell or found in a renamed one", () => {
    const blank = Array.from({ length: 300_000 }, () => "\n");
    const cases = [withPrefix("blank-lines", blank, false), withPrefix("blank-lines-renamed", blank, true), withPrefix("blank-spaces-renamed", [" \t".repeat(300_000)], true)];
    const read = readInChild(cases.map((c) => c.path));
    for (const [k, c] of cases.entries()) {
      expect(read[k].fatal).toBeUndefined();
      expect(read[k].sources.forwardPropagationWithDropout, c.path).toEqual({ length: c.expected.length, sha256: sha(c.expected) });
      expect(read[k].sources.backwardPropagationWithDropout.sha256).toBe(sha(solutionSources().backwardPropagationWithDropout!));
    }
    expect(read[1].notes.join("\n")).toContain("forwardPropagationWithDropout was found in another cell and graded from there");
    // Control: the prefix made the cell far longer than the solution's.
    expect(cases[0].expected.length).toBeGreaterThan(solutionSources().forwardPropagationWithDropout!.length + 299_000);
  });

  it("a 19 MB line (a huge comment) in a graded cell: read whole, just under the 20 MB limit; 1 MB more is refused (control)", () => {
    const line = `// ${"x".repeat(19 * 1024 * 1024)}\n`;
    const cases = [withPrefix("huge-line", [line], false), withPrefix("huge-line-renamed", [line], true, ["// notes\n"])];
    for (const c of cases) expect(lstatSync(c.path).size).toBeLessThan(MAX_NOTEBOOK_BYTES);
    const over = withPrefix("over-limit", [line, `// ${"y".repeat(1024 * 1024)}\n`], false);
    expect(lstatSync(over.path).size).toBeGreaterThan(MAX_NOTEBOOK_BYTES);
    const read = readInChild([...cases.map((c) => c.path), over.path]);
    for (const [k, c] of cases.entries()) {
      expect(read[k].fatal).toBeUndefined();
      expect(read[k].sources.forwardPropagationWithDropout).toEqual({ length: c.expected.length, sha256: sha(c.expected) });
    }
    expect(read[2].fatal).toMatch(/^The file is 20 MB; an assignment's notebook is well under 3 MB/);
  });
});

describe("a batch end to end: refused files, a malformed cell, a grader failure; the batch goes on", () => {
  let results: Map<string, BatchResult>;
  let out: string;
  let stderr: string;
  beforeAll(async () => {
    const dir = folder("batch");
    symlinkSync(INSTRUCTOR_NOTEBOOK, join(dir, "link-to-instructor.ipynb"));
    symlinkSync(SOLUTION, join(dir, "link-to-solution.ipynb"));
    mkdirSync(join(dir, "folder.ipynb"));
    copyFileSync(INSTRUCTOR_NOTEBOOK, join(dir, "instructor-copy.ipynb"));
    copyFileSync(INVALID_JSON, join(dir, "grader-crash.ipynb"));
    const nb = solutionJson();
    nb.cells[indexOfCell(nb, FORWARD)].source = { not: "a source" };
    writeFileSync(join(dir, "malformed-forward.ipynb"), JSON.stringify(nb, null, 1));
    out = join(work, "batch-out");
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    try {
      const list = await gradeBatch(expandPaths([dir]), { outDir: out, jobs: 2, regrade: true, limits: LIMITS });
      results = new Map(list.map((r) => [r.submission.replace(/\.ipynb$/, ""), r]));
    } finally {
      spy.mockRestore();
    }
    stderr = written.join("");
  }, 300_000);

  it("links to the instructor notebook and to a solution score 0, refused; the instructor notebook as a file scores full marks (control)", () => {
    for (const name of ["link-to-instructor", "link-to-solution"]) {
      const r = results.get(name)!;
      expect(r.status, name).toBe("ungradable");
      expect(r.score, name).toBe(0);
      expect(r.notes[0]).toMatch(/symbolic link.*Submit the notebook file itself/);
      expect(readFileSync(join(out, name, "feedback.md"), "utf8")).toMatch(REFUSED);
    }
    const control = results.get("instructor-copy")!;
    expect(control.score, control.tests.filter((t) => !t.passed).map((t) => t.output).join("\n")).toBe(MAX_SCORE);
  });

  it("a folder named like a notebook gets a result of its own: refused, score 0", () => {
    const r = results.get("folder")!;
    expect([r.status, r.score]).toEqual(["ungradable", 0]);
    expect(r.notes[0]).toMatch(/^This submission is a folder/);
  });

  it("a malformed graded cell: its checks say so in the student's words, the other function keeps its marks", () => {
    const r = results.get("malformed-forward")!;
    expect(r.status).toBe("graded");
    for (const t of r.tests.filter((t) => t.id.startsWith("forward."))) {
      expect(t.passed).toBe(false);
      expect(t.output).toMatch(/^Cell \d+ of your notebook \(the cell 'forward_propagation_with_dropout'\) is malformed: its source is an object/);
    }
    expect(r.tests.filter((t) => t.id.startsWith("backward.")).every((t) => t.passed)).toBe(true);
    const feedback = readFileSync(join(out, "malformed-forward", "feedback.md"), "utf8");
    expect(feedback).not.toMatch(/grader bug|\n\s+at |\.ts:\d/);
  });

  it("the grader failing on one submission: the student reads a plain sentence; the stack goes to stderr and a grader-only field, never to a report", () => {
    const r = results.get("grader-crash")!;
    expect([r.status, r.score]).toEqual(["ungradable", 0]);
    expect(r.notes).toEqual([GRADER_FAILED]);
    expect(r.tests.every((t) => t.output === GRADER_FAILED)).toBe(true);
    // Control: the failure did carry a server path and a stack, which is what must not reach the student.
    expect(r.graderError).toContain(join(work, "batch", "grader-crash.ipynb"));
    expect(r.graderError).toMatch(/\n\s+at /);
    expect(stderr).toContain(r.graderError);
    for (const file of ["results.json", "feedback.md", "result.json"]) {
      const text = readFileSync(join(out, "grader-crash", file), "utf8");
      expect(text, file).not.toContain(work);
      expect(text, file).not.toMatch(/\n\s+at |cannot read property|graderError/);
    }
    expect(readFileSync(join(out, "grader-crash", "feedback.md"), "utf8")).toContain(GRADER_FAILED);
  });
});
