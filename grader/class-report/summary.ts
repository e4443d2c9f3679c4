/**
 * What a batch says about the class, as data (class-report.json; the page, page.ts, draws the same figures):
 * per assignment, the scores, each check's pass rate, each named misconception with the students who made it
 * and where the notebooks explain it, the failures no diagnosis named, and the submissions that could not be
 * graded, were cut short or had read-only cells edited. It counts the misconception ids the checks' results
 * carry (results.json's `tests[].extra_data.misconceptions`), never their sentences. Nothing in it depends on
 * the order or the timing of grading.
 */
import type { Section } from "dropout-kit";
import type { SubmissionResult } from "../grading/grade";
import type { GradedAssignment } from "../assignment";

/** The report's format: a tool reading class-report.json checks it. */
export const CLASS_REPORT_SCHEMA = 1;

/** How many misconceptions the page lists first, as what to re-teach. */
export const MOST_COMMON = 5;

export interface ScoreSummary {
  /** Every submission of the assignment in grades.csv (those that could not be graded score 0). */
  count: number;
  maxScore: number;
  median: number;
  mean: number;
  fullMarks: number;
  zero: number;
  /** The scores, lowest first. */
  values: number[];
  /**
   * Bins of equal width from 0 up to maxScore: [from, to) each, the last one holding maxScore itself. The width is
   * the step scores move in (the greatest common divisor of the checks' points), coarser where that would make
   * more than 40 bins.
   */
  histogram: { from: number; to: number; count: number }[];
}

export interface CheckSummary {
  id: string;
  name: string;
  fn: string;
  points: number;
  /** Over the graded submissions (not those that could not be graded at all). */
  passed: number;
  failed: number;
  /** passed / graded; null when nothing was graded. */
  passRate: number | null;
  /** Failures whose diagnosis named a misconception. */
  named: number;
  /** Failures because the function could not be checked (missing, not implemented, did not compile or load, stopped). */
  notRun: number;
  /** Lost points that no diagnosis named: where the grader's vocabulary runs out. */
  unnamed: number;
  unnamedStudents: string[];
}

export interface MisconceptionSummary {
  id: string;
  title: string;
  /** Distinct students (ids as in grades.csv), sorted. */
  students: string[];
  /** The checks whose failure named it, with how many students each. */
  checks: { id: string; students: number }[];
  /** The words students read (the diagnosis), most common first, with how many students read each. */
  sentences: { text: string; students: number }[];
  /** Where the notebooks explain it (the assignment's catalogue). */
  explainedIn: Section[];
  /** Whether the catalogue knows the id (an id of an older grader's result may be unknown). */
  known: boolean;
}

export interface AssignmentSummary {
  id: string;
  title: string;
  notebook: string;
  submissions: number;
  graded: number;
  scores: ScoreSummary;
  /** Lowest pass rate first. */
  checks: CheckSummary[];
  /** Most students first. */
  misconceptions: MisconceptionSummary[];
  ungradable: { student: string; reason: string }[];
  cutShort: { student: string; kinds: string[]; detail: string }[];
  editedReadOnly: { student: string; cells: string[] }[];
}

export interface ClassReport {
  schema: number;
  submissions: number;
  assignments: AssignmentSummary[];
  /** Submissions whose assignment could not be told (grades-left-out.csv): in no assignment's figures. */
  unassigned: { student: string; reason: string }[];
}

/** The student id, as grades.csv has it (before its spreadsheet quoting). */
export const studentOf = (r: SubmissionResult) => r.submission.replace(/\.ipynb$/, "");

const firstLine = (text: string | undefined, limit = 300) => {
  const line = (text ?? "").split("\n")[0];
  return line.length > limit ? `${line.slice(0, limit - 1)}…` : line;
};

const round = (x: number) => Math.round(x * 1000) / 1000;
const byStudent = (a: { student: string }, b: { student: string }) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0);

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The step scores move in: the greatest common divisor of the points, in hundredths (reports round scores to 0.01). */
export function scoreStep(points: number[]): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const step = points.map((p) => Math.round(p * 100)).filter((p) => p > 0).reduce(gcd, 0);
  return step > 0 ? step / 100 : 1;
}

function histogram(values: number[], maxScore: number, step: number): ScoreSummary["histogram"] {
  if (maxScore <= 0) return [{ from: 0, to: 0, count: values.length }];
  const width = step * Math.max(1, Math.ceil((maxScore / step + 1) / 40));
  // One bin per multiple of the width up to maxScore: the last one starts at or below it and holds it.
  const bins = Math.floor(maxScore / width + 1e-9) + 1;
  const result = Array.from({ length: bins }, (_, k) => ({ from: round(k * width), to: round((k + 1) * width), count: 0 }));
  for (const v of values) result[Math.min(bins - 1, Math.max(0, Math.floor(v / width + 1e-9)))].count++;
  return result;
}

function scoreSummary(rows: SubmissionResult[], maxScore: number, step: number): ScoreSummary {
  const values = rows.map((r) => r.score).sort((a, b) => a - b);
  const mean = values.length ? values.reduce((s, v) => s + v, 0) / values.length : 0;
  return {
    count: values.length, maxScore, median: round(median(values)), mean: round(mean),
    fullMarks: rows.filter((r) => r.maxScore > 0 && r.score >= r.maxScore).length,
    zero: values.filter((v) => v === 0).length,
    values, histogram: histogram(values, maxScore, step),
  };
}

function checkSummaries(assignment: GradedAssignment, graded: SubmissionResult[]): CheckSummary[] {
  const order = new Map(assignment.checks.map((c, k) => [c.id, k]));
  return assignment.checks
    .map((check) => {
      const results = graded.map((r) => ({ r, t: r.tests.find((t) => t.id === check.id) })).filter((x) => x.t);
      const failures = results.filter((x) => !x.t!.passed);
      // Each failure in one category: named first (a diagnosis said why), then not run, else unnamed.
      const isNamed = (x: (typeof failures)[number]) => (x.t!.misconceptions?.length ?? 0) > 0;
      const named = failures.filter(isNamed);
      const notRun = failures.filter((x) => !isNamed(x) && x.t!.notRun);
      const unnamed = failures.filter((x) => !isNamed(x) && !x.t!.notRun);
      const passed = results.length - failures.length;
      return {
        id: check.id, name: check.name, fn: check.fn, points: check.points, passed, failed: failures.length,
        passRate: results.length ? round(passed / results.length) : null,
        named: named.length, notRun: notRun.length, unnamed: unnamed.length,
        unnamedStudents: unnamed.map((x) => studentOf(x.r)).sort(),
      };
    })
    .sort((a, b) => (a.passRate ?? 2) - (b.passRate ?? 2) || order.get(a.id)! - order.get(b.id)!);
}

function misconceptionSummaries(assignment: GradedAssignment, rows: SubmissionResult[]): MisconceptionSummary[] {
  const found = new Map<string, { students: Set<string>; checks: Map<string, Set<string>>; sentences: Map<string, Set<string>> }>();
  for (const r of rows) {
    const student = studentOf(r);
    for (const t of r.tests) {
      if (t.passed) continue;
      for (const id of t.misconceptions ?? []) {
        const entry = found.get(id) ?? found.set(id, { students: new Set(), checks: new Map(), sentences: new Map() }).get(id)!;
        entry.students.add(student);
        (entry.checks.get(t.id) ?? entry.checks.set(t.id, new Set()).get(t.id)!).add(student);
        const text = (t.diagnosis ?? t.output).trim();
        (entry.sentences.get(text) ?? entry.sentences.set(text, new Set()).get(text)!).add(student);
      }
    }
  }
  const catalogueOrder = Object.keys(assignment.misconceptions);
  const checkOrder = new Map(assignment.checks.map((c, k) => [c.id, k]));
  return [...found.entries()]
    .map(([id, entry]) => {
      const info = assignment.misconceptions[id];
      return {
        id, title: info?.title ?? id, known: !!info, explainedIn: info?.explainedIn ?? [],
        students: [...entry.students].sort(),
        checks: [...entry.checks.entries()].map(([check, s]) => ({ id: check, students: s.size })).sort((a, b) => (checkOrder.get(a.id) ?? 1e9) - (checkOrder.get(b.id) ?? 1e9)),
        sentences: [...entry.sentences.entries()].map(([text, s]) => ({ text, students: s.size })).sort((a, b) => b.students - a.students || (a.text < b.text ? -1 : 1)).slice(0, 3),
      };
    })
    // Most students first; among equals, misconceptions about the course's content (a section explains them)
    // before findings such as a recalled answer, then the catalogue's order.
    .sort((a, b) => b.students.length - a.students.length || Number(a.explainedIn.length === 0) - Number(b.explainedIn.length === 0) || catalogueIndex(catalogueOrder, a.id) - catalogueIndex(catalogueOrder, b.id) || (a.id < b.id ? -1 : 1));
}

const catalogueIndex = (order: string[], id: string) => (order.includes(id) ? order.indexOf(id) : order.length);

function assignmentSummary(assignment: GradedAssignment, rows: SubmissionResult[]): AssignmentSummary {
  const graded = rows.filter((r) => r.status === "graded");
  const maxScore = assignment.checks.reduce((s, c) => s + c.points, 0);
  return {
    id: assignment.id, title: assignment.title, notebook: assignment.notebook,
    submissions: rows.length, graded: graded.length,
    scores: scoreSummary(rows, maxScore, scoreStep(assignment.checks.map((c) => c.points))),
    checks: checkSummaries(assignment, graded),
    misconceptions: misconceptionSummaries(assignment, graded),
    ungradable: rows.filter((r) => r.status === "ungradable").map((r) => ({ student: studentOf(r), reason: firstLine(r.notes[0]) })).sort(byStudent),
    cutShort: graded.filter((r) => r.stops && r.stops.length > 0).map((r) => ({ student: studentOf(r), kinds: [...new Set(r.stops!.map((s) => s.kind))], detail: firstLine(r.stops![0].detail) })).sort(byStudent),
    editedReadOnly: rows.filter((r) => r.editedCells && r.editedCells.length > 0).map((r) => ({ student: studentOf(r), cells: r.editedCells! })).sort(byStudent),
  };
}

/**
 * The class report of one batch: an entry per assignment the batch holds (in `assignments`' order), and the
 * submissions that belong to none.
 */
export function classReport(results: SubmissionResult[], assignments: GradedAssignment[]): ClassReport {
  const present = assignments.filter((a) => results.some((r) => r.assignment === a.id));
  // A result naming an assignment this grader was not given (it cannot happen in a batch; said rather than lost).
  const strays = results.filter((r) => r.assignment !== undefined && !assignments.some((a) => a.id === r.assignment));
  return {
    schema: CLASS_REPORT_SCHEMA,
    submissions: results.length,
    assignments: present.map((a) => assignmentSummary(a, results.filter((r) => r.assignment === a.id))),
    unassigned: [
      ...results.filter((r) => r.assignment === undefined).map((r) => ({ student: studentOf(r), reason: firstLine(r.notes[0] ?? "The grader could not tell which assignment this notebook is for.") })),
      ...strays.map((r) => ({ student: studentOf(r), reason: `graded as an assignment this grader does not have (${r.assignment})` })),
    ].sort(byStudent),
  };
}
