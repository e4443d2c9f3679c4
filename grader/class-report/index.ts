/**
 * The class report a batch writes beside grades.csv: class-report.json (the figures, summary.ts) and
 * class-report.html (the page, page.ts), each written atomically.
 */
import { join } from "node:path";
import { writeAtomically } from "../atomic-write";
import type { GradedAssignment } from "../assignment";
import type { SubmissionResult } from "../grading/grade";
import { classReportPage } from "./page";
import { classReport } from "./summary";

export const CLASS_REPORT_JSON = "class-report.json";
export const CLASS_REPORT_HTML = "class-report.html";
/** Names no report folder may take. */
export const CLASS_REPORT_FILES = [CLASS_REPORT_JSON, CLASS_REPORT_HTML];

export function writeClassReport(outDir: string, results: SubmissionResult[], assignments: GradedAssignment[]): void {
  const report = classReport(results, assignments);
  writeAtomically(join(outDir, CLASS_REPORT_JSON), `${JSON.stringify(report, null, 2)}\n`);
  writeAtomically(join(outDir, CLASS_REPORT_HTML), classReportPage(report));
}

export { classReport } from "./summary";
export type { ClassReport } from "./summary";
export { classReportPage, escapeHtml } from "./page";
