/**
 * `npm run grade -- [paths...] [--out DIR] [--jobs N] [--regrade] [--isolation bubblewrap|permission-model] [--assignment ID]`
 *
 * Grades .ipynb files and folders of them, each as the assignment its metadata names (one batch may mix
 * assignments; `--assignment` grades all as one); with no paths, every assignment's example gallery
 * (grader/assignments/<id>/gallery/), each as a batch of its own with its reports in DIR/<id>/ (the galleries
 * share file names such as solution.ipynb). Reports go to DIR (default ./grading-results): per submission
 * results.json (Gradescope's format), feedback.md and result.json (the grader's record with the content
 * hash: the resume marker), for the batch grades.csv (nbgrader's columns).
 * Submission names are printed with control characters escaped (a file name can hold terminal escapes).
 * Exit status 0 when every submission got a result, whatever its score; 1 when the grader itself failed or
 * the command is misused (an unknown flag: said with the usage).
 */
import { availableParallelism } from "node:os";
import { join, relative, resolve } from "node:path";
import { initBackend } from "dropout-kit";
import { batchAssignments, expandPaths, gradeBatch } from "./batch";
import { CLASS_REPORT_HTML, CLASS_REPORT_JSON, classReport } from "./class-report";
import type { ClassReport } from "./class-report";
import { MOST_COMMON } from "./class-report/summary";
import { parseCommandLine } from "./command-line";
import { ASSIGNMENTS, assignmentById } from "./assignments";
import { readReferences } from "./grading/references";
import { printable } from "./notebook/notebook";
import { isolation, requestedIsolation } from "./sandbox/isolation";
import { GRADEBOOK, LEFT_OUT, summaryTable } from "./reports";
import { forTerminal, printError, printOut } from "./untrusted-text";

const shown = (path: string) => relative(process.cwd(), path) || ".";

const USAGE = "usage: npm run grade -- [notebooks or folders...] [--out DIR] [--jobs N] [--regrade] [--isolation bubblewrap|permission-model] [--assignment ID]";

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine("grade", USAGE, {
    allowPositionals: true,
    options: {
      out: { type: "string", default: "grading-results" },
      jobs: { type: "string", default: String(availableParallelism()) },
      regrade: { type: "boolean", default: false },
      isolation: { type: "string" },
      assignment: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs needs a positive integer, got ${values.jobs}`);
  const forced = values.assignment === undefined ? undefined : assignmentById(values.assignment);
  const galleries = positionals.length === 0;
  const batches = galleries
    ? (forced ? [forced] : ASSIGNMENTS).map((a) => ({ files: expandPaths([a.galleryDir]), assignment: a, out: join(values.out!, a.id) }))
    : [{ files: expandPaths(positionals), assignment: forced, out: values.out! }];
  // An empty gallery is the kit's own fault; an empty folder of submissions is a batch like any other: it is
  // "graded" (nothing), and its reports say so, rather than leaving an earlier batch's report in place.
  for (const batch of batches) if (galleries && batch.files.length === 0) throw new Error(`no .ipynb files in ${shown(batch.assignment!.galleryDir)}`);
  if (!galleries && batches[0].files.length === 0) printError(`grade: no .ipynb files in ${positionals.join(", ")}: nothing to grade (the class report and grades.csv say so)`);
  // Decided once, before any student code runs: without bubblewrap, grading stops here unless the weaker
  // isolation is asked for by name.
  const mode = requestedIsolation(values.isolation);
  process.env.DROPOUT_GRADER_ISOLATION = mode;
  const sandbox = isolation(mode);
  if (sandbox.mode !== "bubblewrap") console.error(`grade: WARNING: student code runs under ${sandbox.description}`);
  await initBackend();
  // Every assignment's references are there and its own (a clear error now, not one per submission).
  for (const assignment of forced ? [forced] : ASSIGNMENTS) readReferences(assignment);
  const tty = process.stderr.isTTY;
  for (const batch of batches) {
    const outDir = resolve(batch.out);
    const started = Date.now();
    const results = await gradeBatch(batch.files, {
      outDir,
      jobs,
      regrade: values.regrade!,
      assignment: batch.assignment,
      onProgress: (done, total, result, reused) => {
        const line = `${done}/${total} ${printable(result.submission, 60)}: ${result.score}/${result.maxScore}${reused ? " (unchanged since the last run: not regraded)" : ""}`;
        if (tty) {
          const width = 30;
          const filled = Math.round((width * done) / total);
          process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${forTerminal(line).slice(0, 80).padEnd(80)}${done === total ? "\n" : ""}`);
        } else printError(line);
      },
    });
    if (galleries) console.log(`\n${batch.assignment!.title}: the example gallery (${shown(batch.assignment!.galleryDir)})`);
    printOut(`\n${summaryTable(results)}\n`);
    const seconds = (Date.now() - started) / 1000;
    console.log(`${results.length} submissions in ${seconds.toFixed(1)} s (${jobs} at a time); reports in ${outDir}`);
    const common = mostCommonMisconceptions(classReport(results, batchAssignments({ assignment: batch.assignment })));
    if (common) printOut(common);
    console.log(`class report: ${join(outDir, CLASS_REPORT_HTML)} (open it in a browser; the figures as data in ${CLASS_REPORT_JSON})`);
    const unknown = results.filter((r) => r.assignment === undefined).length;
    if (unknown > 0) {
      printOut(`${GRADEBOOK} leaves out ${unknown} submission${unknown === 1 ? "" : "s"} whose assignment could not be told (no points out of none); ${LEFT_OUT} lists ${unknown === 1 ? "it" : "them"} with the reason. Grade ${unknown === 1 ? "it" : "them"} again with --assignment ID once you know which.`);
    }
  }
  console.log(`student code ran under ${sandbox.description}`);
  return 0;
}

/** The class report's most common misconceptions, a line each, for the terminal (the page has them all). */
function mostCommonMisconceptions(report: ClassReport): string {
  const lines: string[] = [];
  for (const a of report.assignments) {
    if (a.misconceptions.length === 0) continue;
    lines.push(`most common misconceptions${report.assignments.length > 1 ? ` (${a.title})` : ""}, of ${a.graded} graded:`);
    for (const m of a.misconceptions.slice(0, MOST_COMMON)) lines.push(`  ${String(m.students.length).padStart(3)} ${m.students.length === 1 ? "student " : "students"}  ${m.title} (${m.id})`);
  }
  return lines.join("\n");
}

main().then(
  (code) => process.exit(code),
  (error) => {
    printError(`grade: ${(error as Error).message}`);
    process.exit(1);
  },
);
