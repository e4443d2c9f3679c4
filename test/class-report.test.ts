/**
 * The class report (grader/class-report/), from results made here: the figures (scores, pass rates, named
 * misconceptions, unnamed failures, ungradable, cut short, edited), a batch with nothing in it or nothing
 * gradable, names with HTML in them, and the page drawn in headless Chromium from disk with no network.
 * The gallery's own report is checked against the gallery's known mistakes in grader.test.ts and
 * l2-grader.test.ts. Fails when: a count is off, a student is listed under the wrong misconception, the page
 * lets a name's HTML through or its JSON end early, a chart is not drawn, or a catalogue's section names a
 * heading its notebook does not have.
 */
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckResult } from "dropout-kit";
import { classReport, classReportPage, escapeHtml, writeClassReport } from "../grader/class-report";
import { gradeBatch } from "../grader/batch";
import type { ClassReport } from "../grader/class-report";
import { scoreStep } from "../grader/class-report/summary";
import type { SubmissionResult } from "../grader/grading/grade";
import { dropout } from "../grader/assignments/dropout";
import { l2Regularization } from "../grader/assignments/l2-regularization";
import { readNotebook } from "../grader/notebook/notebook";
import { chromiumMissing, openPageFile } from "./helpers/browser";

const CHECKS = dropout.checks;
const MAX = CHECKS.reduce((s, c) => s + c.points, 0);

/** A graded result: every check passes but those named in `fails` (check id -> misconceptions, or "not run", or [] for unnamed). */
function graded(student: string, fails: Record<string, string[] | "not run"> = {}, extra: Partial<SubmissionResult> = {}): SubmissionResult {
  const tests: CheckResult[] = CHECKS.map((c) => {
    const f = fails[c.id];
    if (f === undefined) return { id: c.id, name: c.name, score: c.points, maxScore: c.points, passed: true, output: "Passed." };
    const t: CheckResult = { id: c.id, name: c.name, score: 0, maxScore: c.points, passed: false, output: `On a case: wrong.${f === "not run" || f.length === 0 ? "" : `\nDiagnosis of ${f.join(" and ")}.`}` };
    if (f === "not run") t.notRun = true;
    else if (f.length > 0) Object.assign(t, { misconceptions: f, diagnosis: `Diagnosis of ${f.join(" and ")}.` });
    return t;
  });
  return { submission: `${student}.ipynb`, path: `/x/${student}.ipynb`, contentHash: "h", assignment: "dropout", score: tests.reduce((s, t) => s + t.score, 0), maxScore: MAX, status: "graded", notes: [], tests, durationMs: 1, ...extra };
}

/** `assignment` null: a file whose assignment could not be told (a default parameter would take undefined for "dropout"). */
function ungradable(student: string, reason: string, known: string | null = "dropout"): SubmissionResult {
  const assignment = known ?? undefined;
  const tests = assignment ? CHECKS.map((c) => ({ id: c.id, name: c.name, score: 0, maxScore: c.points, passed: false, output: reason, notRun: true })) : [];
  return { submission: `${student}.ipynb`, path: `/x/${student}.ipynb`, contentHash: "", assignment, score: 0, maxScore: assignment ? MAX : 0, status: "ungradable", notes: [reason], tests, durationMs: 0 };
}

const FORWARD = CHECKS.filter((c) => c.fn === "forwardPropagationWithDropout").map((c) => c.id);

/** A small class: two share a misconception, one has another, one loses points no diagnosis names, one has a stub, one is not a notebook. */
function aClass(): SubmissionResult[] {
  return [
    graded("ada"),
    graded("bob", { "forward.course": ["times-keepprob"], "forward.cases": ["times-keepprob"], "forward.scaling": ["times-keepprob"] }),
    graded("cy", { "forward.course": ["times-keepprob"], "forward.scaling": ["times-keepprob"] }, { editedCells: ["forward_propagation_with_dropout_test"] }),
    graded("dee", { "forward.masks": ["mask-shared-by-examples"], "forward.kept-fraction": [] }),
    graded("eve", { "backward.masks": [] }, { stops: [{ kind: "timeout", detail: "a call of backwardPropagationWithDropout did not finish within 6 s (...), so it was stopped" }] }),
    graded("fay", Object.fromEntries(FORWARD.map((id) => [id, "not run"]))),
    ungradable("gus", "The file is not valid JSON, so it is not a notebook Jupyter saved."),
    ungradable("hal", "The grader could not tell which assignment this notebook is for.", null),
  ];
}

describe("the class report's figures", () => {
  const report = classReport(aClass(), [l2Regularization, dropout]);
  const [a] = report.assignments;

  it("one entry per assignment in the batch; the submissions of no assignment apart", () => {
    expect(report.submissions).toBe(8);
    expect(report.assignments.map((x) => x.id)).toEqual(["dropout"]);
    expect(report.unassigned).toEqual([{ student: "hal", reason: "The grader could not tell which assignment this notebook is for." }]);
    expect(a.submissions).toBe(7);
    expect(a.graded).toBe(6);
  });

  it("scores: over every submission of the assignment in grades.csv, with a histogram from 0 to the maximum", () => {
    const scores = aClass().filter((r) => r.assignment === "dropout").map((r) => r.score).sort((x, y) => x - y);
    expect(a.scores.values).toEqual(scores);
    expect(a.scores.count).toBe(7);
    expect(a.scores.maxScore).toBe(MAX);
    expect(a.scores.fullMarks).toBe(1);
    expect(a.scores.zero).toBe(1);
    expect(a.scores.median).toBe(scores[3]);
    expect(a.scores.mean).toBeCloseTo(scores.reduce((s, v) => s + v, 0) / 7, 3);
    const bins = a.scores.histogram;
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(7);
    // One bin per step of the checks' points (0.5 here), from 0 to the maximum, the last one starting at it.
    const step = scoreStep(CHECKS.map((c) => c.points));
    expect(bins.map((b) => b.from)).toEqual(Array.from({ length: MAX / step + 1 }, (_, k) => Math.round(k * step * 1000) / 1000));
    for (const b of bins) expect(b.to - b.from).toBeCloseTo(step, 9);
    for (const b of bins) expect(b.count, `the bin at ${b.from}`).toBe(scores.filter((v) => v >= b.from - 1e-9 && v < b.to - 1e-9).length);
  });

  it("checks: pass rates over the graded submissions, lowest first, each failure named, unnamed or not run", () => {
    const rates = a.checks.map((c) => c.passRate!);
    expect(rates).toEqual([...rates].sort((x, y) => x - y));
    const of = (id: string) => a.checks.find((c) => c.id === id)!;
    expect(of("forward.course")).toMatchObject({ passed: 3, failed: 3, named: 2, notRun: 1, unnamed: 0, passRate: 0.5 });
    expect(of("forward.kept-fraction")).toMatchObject({ passed: 4, failed: 2, named: 0, notRun: 1, unnamed: 1, unnamedStudents: ["dee"] });
    expect(of("backward.masks")).toMatchObject({ passed: 5, failed: 1, unnamed: 1, unnamedStudents: ["eve"] });
    expect(of("backward.course")).toMatchObject({ passed: 6, failed: 0, passRate: 1 });
    expect(a.checks).toHaveLength(CHECKS.length);
  });

  it("misconceptions: counted by id, by student (not by check), most common first, with the sentence read and where it is explained", () => {
    expect(a.misconceptions.map((m) => [m.id, m.students])).toEqual([["times-keepprob", ["bob", "cy"]], ["mask-shared-by-examples", ["dee"]]]);
    const times = a.misconceptions[0];
    expect(times.title).toBe(dropout.misconceptions["times-keepprob"].title);
    expect(times.checks).toEqual([{ id: "forward.course", students: 2 }, { id: "forward.cases", students: 1 }, { id: "forward.scaling", students: 2 }]);
    expect(times.sentences).toEqual([{ text: "Diagnosis of times-keepprob.", students: 2 }]);
    expect(times.explainedIn.length).toBeGreaterThan(0);
    expect(times.known).toBe(true);
  });

  it("the step of the scores: the greatest common divisor of the points (hundredths), 1 when there are none", () => {
    expect(scoreStep([1, 1.5, 0.5, 2])).toBe(0.5);
    expect(scoreStep([2, 4, 6])).toBe(2);
    expect(scoreStep([0.25, 1])).toBe(0.25);
    expect(scoreStep([])).toBe(1);
    // Many steps: bins are coarser (at most 40), and still cover 0 to the maximum.
    const many = classReport([graded("x")], [{ ...dropout, checks: Array.from({ length: 100 }, (_, k) => ({ id: `c${k}`, fn: "f", name: `c${k}`, public: false, points: 1 })) }]);
    const bins = many.assignments[0].scores.histogram;
    expect(bins.length).toBeLessThanOrEqual(41);
    expect(bins[0].from).toBe(0);
    expect(bins.at(-1)!.from).toBeLessThanOrEqual(100);
    expect(bins.at(-1)!.to).toBeGreaterThan(100);
  });

  it("among misconceptions of as many students, the course's content first; 'what to go over again' lists only those", () => {
    const r = classReport([graded("a", { "forward.inputs": ["recalled-published-answer"] }), graded("b", { "forward.scaling": ["no-scaling"] })], [dropout]);
    expect(r.assignments[0].misconceptions.map((m) => m.id)).toEqual(["no-scaling", "recalled-published-answer"]);
    const reteach = /<h3>What to go over again<\/h3><ol class="reteach">([\s\S]*?)<\/ol>/.exec(classReportPage(r))![1];
    expect(reteach).toContain(escapeHtml(dropout.misconceptions["no-scaling"].title));
    expect(reteach).not.toContain(escapeHtml(dropout.misconceptions["recalled-published-answer"].title));
    const onlyFindings = classReportPage(classReport([graded("a", { "forward.inputs": ["recalled-published-answer"] })], [dropout]));
    expect(onlyFindings).toContain("No diagnosis named a misconception about the course's content in this batch");
  });

  it("an id the catalogue does not know (an older grader's) is counted under its id, and said to be unknown", () => {
    const r = classReport([graded("zed", { "forward.course": ["some-old-id"] })], [dropout]);
    expect(r.assignments[0].misconceptions).toEqual([expect.objectContaining({ id: "some-old-id", title: "some-old-id", known: false, students: ["zed"], explainedIn: [] })]);
  });

  it("ungradable, cut short and edited submissions are listed with why", () => {
    expect(a.ungradable).toEqual([{ student: "gus", reason: "The file is not valid JSON, so it is not a notebook Jupyter saved." }]);
    expect(a.cutShort).toEqual([{ student: "eve", kinds: ["timeout"], detail: expect.stringContaining("did not finish within 6 s") }]);
    expect(a.editedReadOnly).toEqual([{ student: "cy", cells: ["forward_propagation_with_dropout_test"] }]);
  });

  it("does not depend on the order of the results", () => {
    expect(classReport([...aClass()].reverse(), [l2Regularization, dropout])).toEqual(report);
  });
});

/** The report's data as the page carries it for its charts. */
function pageData(html: string): ClassReport {
  const match = /<script type="application\/json" id="class-report-data">([\s\S]*?)<\/script>/.exec(html);
  expect(match, "the page's data block").not.toBeNull();
  return JSON.parse(match![1]) as ClassReport;
}

describe("the page", () => {
  it("an empty batch says so, and draws nothing", () => {
    const report = classReport([], [dropout]);
    expect(report).toEqual({ schema: 1, submissions: 0, assignments: [], unassigned: [] });
    const html = classReportPage(report);
    expect(html).toContain("This batch had no submissions: nothing was graded.");
    expect(html).not.toContain("data-chart=");
    expect(pageData(html)).toEqual(report);
  });

  it("a batch of only ungradable files says that none could be graded, and why each", () => {
    const report = classReport([ungradable("a", "The file is not valid JSON."), ungradable("b", "This submission is a symbolic link.")], [dropout]);
    expect(report.assignments[0]).toMatchObject({ graded: 0, submissions: 2, misconceptions: [], ungradable: [{ student: "a" }, { student: "b" }] });
    const html = classReportPage(report);
    expect(html).toContain("None of this assignment's 2 submissions could be graded");
    expect(html).toContain("This submission is a symbolic link.");
    expect(html).not.toContain("data-chart=");
    const unassignedOnly = classReportPage(classReport([ungradable("c", "Not a notebook.", null)], [dropout]));
    expect(unassignedOnly).toContain("None of the 1 submission could be told to belong to an assignment");
    expect(unassignedOnly).toContain("Not a notebook.");
  });

  it("a name or a sentence with HTML in it is text: no tag, no attribute, no early end of the data block", () => {
    const hostile = `<img src=x onerror="alert(1)"></script><script>alert(2)</script><!--`;
    const results = [graded(hostile, { "forward.course": ["times-keepprob"] }), graded(`a&b'"`, { "backward.masks": [] }), ungradable(`${hostile}2`, `Reason ${hostile}`)];
    results[0].tests[0].diagnosis = `Said: ${hostile}`;
    const report = classReport(results, [dropout]);
    const html = classReportPage(report);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain(`a&b'"`);
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;/script&gt;");
    expect(html).toContain("a&amp;b&#39;&quot;");
    // The page's own scripts only: the data block, plotly, the drawing script.
    expect((html.match(/<script/g) ?? []).length).toBe(3);
    expect(pageData(html)).toEqual(report);
  });
});

describe("a batch's report, end to end (gradeBatch)", () => {
  it("an empty batch writes a report that says so; a batch of only ungradable files, one that says none could be graded and why", async () => {
    const empty = mkdtempSync(join(tmpdir(), "class-report-empty-"));
    await gradeBatch([], { outDir: empty, jobs: 1, regrade: true, assignment: dropout });
    expect(JSON.parse(readFileSync(join(empty, "class-report.json"), "utf8"))).toEqual({ schema: 1, submissions: 0, assignments: [], unassigned: [] });
    expect(readFileSync(join(empty, "class-report.html"), "utf8")).toContain("This batch had no submissions");
    const broken = mkdtempSync(join(tmpdir(), "class-report-broken-"));
    const files = ["invalid-json.ipynb", "not-a-notebook.ipynb"].map((n) => join(dropout.galleryDir, n));
    await gradeBatch(files, { outDir: join(broken, "out"), jobs: 1, regrade: true, assignment: dropout });
    const report = JSON.parse(readFileSync(join(broken, "out", "class-report.json"), "utf8")) as ClassReport;
    expect(report.assignments[0]).toMatchObject({ submissions: 2, graded: 0, misconceptions: [] });
    expect(report.assignments[0].ungradable.map((u) => [u.student, u.reason])).toEqual([
      ["invalid-json", expect.stringContaining("not valid JSON")],
      ["not-a-notebook", expect.stringContaining("not a Jupyter notebook")],
    ]);
    expect(readFileSync(join(broken, "out", "class-report.html"), "utf8")).toContain("None of this assignment's 2 submissions could be graded");
    // Without --assignment they belong to none: the report says that instead.
    await gradeBatch(files, { outDir: join(broken, "any"), jobs: 1, regrade: true });
    expect(readFileSync(join(broken, "any", "class-report.html"), "utf8")).toContain("None of the 2 submissions could be told to belong to an assignment");
  });
});

describe("the catalogues", () => {
  it("every section a misconception points to is a heading of that notebook, as released", () => {
    for (const assignment of [dropout, l2Regularization]) {
      for (const [id, info] of Object.entries(assignment.misconceptions)) {
        for (const section of info.explainedIn) {
          const nb = readNotebook(resolve(__dirname, "../notebooks", section.notebook));
          const headings = nb.cells.filter((c) => c.cell_type === "markdown").flatMap((c) => (Array.isArray(c.source) ? c.source.join("") : c.source).split("\n")).filter((l) => /^#+ /.test(l)).map((l) => l.replace(/^#+ /, "").trim());
          expect(headings, `${assignment.id}: ${id} points to "${section.heading}" in ${section.notebook}`).toContain(section.heading);
        }
      }
    }
  });

  it("every misconception about the course's content says where it is explained", () => {
    const common = ["recalled-published-answer", "ignores-inputs", "changes-inputs"];
    for (const assignment of [dropout, l2Regularization]) {
      for (const [id, info] of Object.entries(assignment.misconceptions)) if (!common.includes(id)) expect(info.explainedIn.length, `${assignment.id}: ${id}`).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(chromiumMissing())("the page in a browser", () => {
  it("opened from disk with no network, it draws its charts (a screenshot in test-artifacts/class-report/)", () => {
    // A class of 30: some share each of a few misconceptions, so the charts have something to show.
    const names = Array.from({ length: 30 }, (_, k) => `student-${String(k + 1).padStart(2, "0")}`);
    const results = names.map((n, k) =>
      k % 5 === 0 ? graded(n)
        : k % 5 === 1 ? graded(n, { "forward.course": ["times-keepprob"], "forward.scaling": ["times-keepprob"] })
          : k % 5 === 2 ? graded(n, { "forward.masks": ["mask-shared-by-examples"], "forward.kept-fraction": ["mask-shared-by-examples"], "backward.masks": [] })
            : k % 5 === 3 ? graded(n, { "backward.course": ["backward-no-scaling"], "backward.masks": ["backward-no-scaling"], "backward.autodiff": [] })
              : graded(n, Object.fromEntries(FORWARD.map((id) => [id, "not run"]))),
    );
    const folder = mkdtempSync(join(tmpdir(), "class-report-"));
    writeClassReport(folder, results, [dropout]);
    const file = join(folder, "class-report.html");
    const dom = openPageFile(file, "class-report", "synthetic-class");
    expect(statSync(resolve(__dirname, "../test-artifacts/class-report/synthetic-class.png")).size, "the screenshot").toBeGreaterThan(10_000);
    const charts = [...dom.matchAll(/<div class="chart[^"]*" id="(chart-[^"]+)"([^>]*)>/g)];
    expect(charts.map((c) => c[1])).toEqual(["chart-0-scores", "chart-0-checks", "chart-0-misconceptions"]);
    // plotly marks each div it drew into, and each holds its SVG.
    expect(dom.match(/class="[^"]*js-plotly-plot/g) ?? []).toHaveLength(3);
    expect((dom.match(/class="main-svg"/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(/>plotly\.js did not load/.test(dom), "a chart says plotly.js did not load").toBe(false);
    // The JSON beside it is the page's data.
    expect(pageData(readFileSync(file, "utf8"))).toEqual(JSON.parse(readFileSync(join(folder, "class-report.json"), "utf8")));
  }, 240_000);
});
