/**
 * Reports: per submission a Gradescope-format results.json and a feedback.md a student can read; for the
 * batch nbgrader's grades.csv and a summary table. Files are written atomically (temporary file, then
 * rename), so an interrupted run never leaves half a report. Nothing in them depends on timing or on the
 * order of grading: a run gives the same files whatever the parallelism.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { SubmissionResult } from "./grading/grade";

export function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

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
    })),
    extra_data: { submission: result.submission, content_sha256: result.contentHash, grader_status: result.status, isolation: result.isolation },
  };
}

export function feedbackMarkdown(result: SubmissionResult): string {
  const lines = [`# Dropout assignment: feedback for ${result.submission}`, "", `**Score: ${formatScore(result.score)} / ${formatScore(result.maxScore)}**`, ""];
  if (result.notes.length > 0) {
    lines.push("## About your notebook", "", ...result.notes.map((n) => `- ${n.replace(/\n/g, "\n  ")}`), "");
  }
  lines.push("## Checks", "");
  for (const t of result.tests) {
    lines.push(`### ${t.passed ? "✅" : "❌"} ${t.name} (${formatScore(t.score)} / ${formatScore(t.maxScore)})`, "");
    if (!t.passed) lines.push("```", t.output, "```", "");
  }
  lines.push("Run `npm run check -- <your notebook>` to see what the public cases say before you submit.", "");
  return lines.join("\n");
}

/** nbgrader's grades.csv columns; the student id is the submission's file name. */
export function gradebookCsv(results: SubmissionResult[], assignment = "dropout"): string {
  const header = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email", "raw_score", "late_submission_value", "score", "max_score"];
  const rows = [...results]
    .sort((a, b) => a.submission.localeCompare(b.submission))
    .map((r) => [assignment, "", "", r.submission.replace(/\.ipynb$/, ""), "", "", "", formatScore(r.score), "", formatScore(r.score), formatScore(r.maxScore)]);
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\n") + "\n";
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The terminal's summary: one line per submission, failed checks named. */
export function summaryTable(results: SubmissionResult[]): string {
  const sorted = [...results].sort((a, b) => a.submission.localeCompare(b.submission));
  const width = Math.max(10, ...sorted.map((r) => r.submission.length));
  const lines = [`${"submission".padEnd(width)}  score   what failed`, `${"-".repeat(width)}  ------  -----------`];
  for (const r of sorted) {
    const failed = r.status === "ungradable" ? `ungradable: ${r.notes[0].split("\n")[0]}` : r.tests.filter((t) => !t.passed).map((t) => t.id).join(", ") || "-";
    lines.push(`${r.submission.padEnd(width)}  ${`${formatScore(r.score)}/${formatScore(r.maxScore)}`.padStart(6)}  ${failed.length > 110 ? `${failed.slice(0, 107)}...` : failed}`);
  }
  return lines.join("\n");
}
