/**
 * Reports: per submission a Gradescope-format results.json and a feedback.md a student can read; for the
 * batch nbgrader's grades.csv and a summary table. Files are written atomically (atomic-write.ts: temporary
 * file, then rename), so an interrupted run never leaves half a report. Nothing in them depends on timing or on the
 * order of grading: a run gives the same files whatever the parallelism.
 */
import { createHash } from "node:crypto";
import type { SubmissionResult } from "./grading/grade";
import { printable } from "./notebook/notebook";
import { markdownCodeBlock, markdownInline, markdownListItem } from "./untrusted-text";
import type { GradedAssignment } from "./assignment";
import { ASSIGNMENTS } from "./assignments";

const formatScore = (n: number) => String(Math.round(n * 100) / 100);

/** Gradescope's autograder results format. */
export function gradescopeResults(result: SubmissionResult): object {
  return {
    score: result.score,
    max_score: result.maxScore,
    output: [result.status === "ungradable" ? "This submission could not be graded." : "", ...result.notes].filter(Boolean).join("\n"),
    visibility: "visible",
    stdout_visibility: "hidden",
    tests: result.tests.map((t) => ({
      name: t.name,
      score: t.score,
      max_score: t.maxScore,
      status: t.passed ? "passed" : "failed",
      output: t.output,
      visibility: "visible",
      // The check's id, and the misconceptions its diagnosis named (stable ids of the assignment's catalogue):
      // what the class report counts. not_run: the function could not be checked at all, or the file not graded.
      extra_data: { check: t.id, misconceptions: t.passed ? [] : (t.misconceptions ?? []), ...(t.notRun ? { not_run: true } : {}) },
    })),
    extra_data: {
      submission: result.submission, assignment: result.assignment, content_sha256: result.contentHash, grader_status: result.status, isolation: result.isolation,
      ...(result.editedCells ? { edited_cells: result.editedCells } : {}),
      ...(result.stops ? { stopped: result.stops.map((s) => s.kind) } : {}),
    },
  };
}

/** `assignments`: where the result's assignment is found (its title, its notebook), as grading was given them. */
export function feedbackMarkdown(result: SubmissionResult, assignments: (Pick<GradedAssignment, "id" | "title" | "notebook"> & Partial<Pick<GradedAssignment, "misconceptions">>)[] = ASSIGNMENTS): string {
  const assignment = assignments.find((a) => a.id === result.assignment);
  // Everything but the grader's own frame is quoted (untrusted-text.ts): a student's words reach the notes
  // (a kernel name, a cell id), the file name and each check's output (their error messages).
  const lines = [`# ${assignment ? `${assignment.title} assignment` : "Assignment"}: feedback for ${markdownInline(printable(result.submission, 200))}`, "", `**Score: ${formatScore(result.score)} / ${formatScore(result.maxScore)}**`, ""];
  if (result.notes.length > 0) {
    lines.push("## About your notebook", "", ...result.notes.map(markdownListItem), "");
  }
  lines.push("## Checks", "");
  for (const t of result.tests) {
    lines.push(`### ${t.passed ? "✅" : "❌"} ${markdownInline(t.name)} (${formatScore(t.score)} / ${formatScore(t.maxScore)})`, "");
    if (!t.passed) lines.push(markdownCodeBlock(t.output), "");
    const sections = !t.passed && assignment ? explainedInNotebook(t.misconceptions ?? [], assignment) : [];
    if (sections.length > 0) lines.push(`Read again: ${sections.map((h) => `${markdownInline(assignment!.notebook)}, section ${markdownInline(h)}`).join("; ")}.`, "");
  }
  // What a student has: the notebook's own test cells, and the student bundle's `npm run check` (src/selfCheck.ts),
  // both running the grader's public checks on the public cases.
  if (assignment) lines.push(`Before you submit again, run the test cell below each exercise in your notebook, or \`npm run check -- notebooks/${assignment.notebook}\` from the assignment's folder: both run the grader's public checks on the public cases.`, "");
  return lines.join("\n");
}

/**
 * The headings of the assignment's own notebook that explain the named misconceptions, in order, once each:
 * what the student has now (the experiments notebook is handed out after the deadline, so it is not pointed to).
 */
function explainedInNotebook(ids: string[], assignment: Pick<GradedAssignment, "notebook"> & Partial<Pick<GradedAssignment, "misconceptions">>): string[] {
  const headings = ids.flatMap((id) => assignment.misconceptions?.[id]?.explainedIn ?? []).filter((s) => s.notebook === assignment.notebook).map((s) => s.heading);
  return [...new Set(headings)];
}

/**
 * nbgrader's grades.csv columns; the student id is the submission's file name (without .ipynb), as it is,
 * except that a cell a spreadsheet would run as a formula is neutralised (see csvField). A submission whose
 * assignment could not be told has no row: its points out of nothing (0 of 0) would mislead a gradebook that
 * divides; leftOutCsv lists it with the reason.
 */
export function gradebookCsv(results: SubmissionResult[]): string {
  const header = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score", "late_submission_value", "score", "max_score"];
  const rows = results
    .filter((r) => r.assignment !== undefined)
    .sort((a, b) => a.submission.localeCompare(b.submission))
    .map((r) => [r.assignment ?? "", "", "", r.submission.replace(/\.ipynb$/, ""), "", "", "", formatScore(r.score), "", formatScore(r.score), formatScore(r.maxScore)]);
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\n") + "\n";
}

/**
 * One CSV cell. A value starting with =, +, -, @, a tab or a carriage return is what a spreadsheet runs as a
 * formula (CSV injection): OWASP's advice is to prefix a single quote, which shows the text as it is. Then
 * the usual quoting: a value holding a quote, a comma or a line break goes in double quotes.
 */
function csvField(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(inert) ? `"${inert.replace(/"/g, '""')}"` : inert;
}

/** The submissions grades.csv leaves out (their assignment could not be told), with why; undefined when there are none. */
export function leftOutCsv(results: SubmissionResult[]): string | undefined {
  const left = results.filter((r) => r.assignment === undefined).sort((a, b) => a.submission.localeCompare(b.submission));
  if (left.length === 0) return undefined;
  const rows = left.map((r) => [r.submission.replace(/\.ipynb$/, ""), r.notes[0] ?? "The grader could not tell which assignment this notebook is for."]);
  return [["student_id", "reason"], ...rows].map((row) => row.map(csvField).join(",")).join("\n") + "\n";
}

/** The gradebook's file name in the output folder; no report folder may take it (or its temporary files' names). */
export const GRADEBOOK = "grades.csv";
/** Beside it, the submissions it leaves out and why (written only when there are some). */
export const LEFT_OUT = "grades-left-out.csv";

/** Bytes of a report folder's name kept before its suffix (file systems allow 255). */
const MAX_FOLDER_BYTES = 100;

/**
 * Characters never in a report folder's name: path separators and what looks like one (fraction slash,
 * division slash, fullwidth and small solidus...), control and invisible formatting characters, lone
 * surrogates, private-use characters, and what Windows forbids in names.
 */
const UNSAFE_IN_NAMES = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}/\\<>:"|?*\u2044\u2215\u2216\u29f8\u29f9\ufe68\uff0f\uff3c]/gu;
const RESERVED_NAMES = /^(?:grades\.csv|grades-left-out\.csv|class-report\.(?:json|html)|(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$))/i;

/**
 * A name for a submission's report folder that is safe as one path component: NFC-normalised; unsafe
 * characters replaced by "_"; no "..", no leading dot, dash or blank, no trailing dot or blank; not the
 * gradebook's name; at most MAX_FOLDER_BYTES long. `changed` when that is not the name itself.
 */
function sanitisedName(name: string): { name: string; changed: boolean } {
  const cleaned = name.normalize("NFC").replace(UNSAFE_IN_NAMES, "_").replace(/\.{2,}/g, "_");
  let kept = "";
  let bytes = 0;
  for (const char of cleaned) {
    bytes += Buffer.byteLength(char);
    if (bytes > MAX_FOLDER_BYTES) break;
    kept += char;
  }
  const safe = kept.replace(/^[.\-\s]/u, "_").replace(/[.\s]$/u, "_") || "_";
  return { name: safe, changed: safe !== name || RESERVED_NAMES.test(safe) };
}

const suffixed = (safe: string, original: string, length: number) => `${safe}-${createHash("sha256").update(original, "utf8").digest("hex").slice(0, length)}`;

/**
 * Report folder names for a batch's submissions (file names, .ipynb and all): each the submission's name
 * without .ipynb when that is a safe, distinct folder name; otherwise its sanitised form followed by a
 * short hash of the original name, so that names which differ only in unsafe characters, in their Unicode
 * form (é composed or decomposed) or in letter case (one folder on macOS or Windows) still get folders of
 * their own. A function of the names alone: the same submissions get the same folders in every run, which
 * is what resuming relies on.
 */
export function reportFolderNames(submissions: string[]): Map<string, string> {
  const names = [...new Set(submissions)];
  const safe = new Map(names.map((n) => [n, sanitisedName(n.replace(/\.ipynb$/, ""))]));
  const folders = new Map(names.map((n) => [n, safe.get(n)!.changed ? suffixed(safe.get(n)!.name, n, 8) : safe.get(n)!.name]));
  // Two folders the same for a file system that ignores case or Unicode form: both get (longer) hashes.
  for (let length = 8; ; length = Math.min(64, length * 2)) {
    const byKey = new Map<string, string[]>();
    for (const n of names) {
      const key = folders.get(n)!.normalize("NFC").toLowerCase();
      const group = byKey.get(key);
      if (group) group.push(n);
      else byKey.set(key, [n]);
    }
    const colliding = [...byKey.values()].filter((group) => group.length > 1).flat();
    if (colliding.length === 0) return folders;
    if (length === 64 && colliding.every((n) => folders.get(n) === suffixed(safe.get(n)!.name, n, 64))) {
      throw new Error(`report folders: cannot give distinct folders to ${colliding.map((n) => JSON.stringify(n)).join(", ")}`);
    }
    for (const n of colliding) folders.set(n, suffixed(safe.get(n)!.name, n, length));
  }
}

/** The terminal's summary: one line per submission, failed checks named; the assignment too when a batch mixes them. */
export function summaryTable(results: SubmissionResult[]): string {
  const sorted = [...results].sort((a, b) => a.submission.localeCompare(b.submission));
  const shown = new Map(sorted.map((r) => [r, printable(r.submission, 60)]));
  const width = Math.max(10, ...sorted.map((r) => shown.get(r)!.length));
  const mixed = new Set(sorted.map((r) => r.assignment)).size > 1;
  const named = mixed ? Math.max(10, ...sorted.map((r) => (r.assignment ?? "?").length)) : 0;
  const column = (text: string) => (mixed ? `${text.padEnd(named)}  ` : "");
  const lines = [`${"submission".padEnd(width)}  ${column("assignment")}score   what failed`, `${"-".repeat(width)}  ${column("-".repeat(10))}------  -----------`];
  for (const r of sorted) {
    const failed = r.status === "ungradable" ? `ungradable: ${r.notes[0].split("\n")[0]}` : r.tests.filter((t) => !t.passed).map((t) => t.id).join(", ") || "-";
    lines.push(`${shown.get(r)!.padEnd(width)}  ${column(r.assignment ?? "?")}${`${formatScore(r.score)}/${formatScore(r.maxScore)}`.padStart(6)}  ${failed.length > 110 ? `${failed.slice(0, 107)}...` : failed}`);
  }
  return lines.join("\n");
}
