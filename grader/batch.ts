/**
 * Grading many submissions: in parallel (one sandboxed child each, `jobs` at a time), resumable (a
 * submission whose result.json records the same content hash is not graded again unless `regrade`),
 * and robust (a submission that breaks the grader itself gets a result saying so; the batch goes on).
 *
 * Submissions are data: a name on the command line or in a folder is never a path the grader follows
 * (links, pipes, devices and folders named like notebooks are refused by readSubmission, one result each),
 * and a report folder's name is made safe and distinct from the submission's name (reportFolderNames).
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { failAll, gradeSubmission } from "./grading/grade";
import type { SubmissionResult } from "./grading/grade";
import { readSubmission, submissionHash } from "./grading/submission";
import type { GradedAssignment } from "./assignment";
import { writeAtomically } from "./atomic-write";
import { feedbackMarkdown, GRADEBOOK, gradebookCsv, gradescopeResults, LEFT_OUT, leftOutCsv, reportFolderNames } from "./reports";
import { CLASS_REPORT_FILES, writeClassReport } from "./class-report";
import { ASSIGNMENTS } from "./assignments";
import { PROJECT_ROOT } from "./sandbox/isolation";

/** The assignment a result names, among the given ones (undefined: none, or one this grader does not have; the registry's assignmentById throws). */
const findAssignment = (id: string | undefined, among: GradedAssignment[] = ASSIGNMENTS) => among.find((a) => a.id === id);
import type { SandboxLimits } from "./sandbox/session";
import { printError } from "./untrusted-text";

/**
 * The submissions named on the command line: each name ending in .ipynb is a submission, whatever it is
 * (readSubmission refuses what is not a regular file); any other folder is listed, and every entry in it
 * whose name ends in .ipynb is a submission, again whatever it is: entries are not followed, nor folders
 * descended into. (The folders named on the command line are the instructor's: one of them may be a link.)
 * Sorted, without duplicates.
 */
export function expandPaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const full = resolve(p);
    try {
      lstatSync(full);
    } catch {
      throw new Error(`${p}: no such file or folder`);
    }
    const isFolder = !full.endsWith(".ipynb") && existsSync(full) && statSync(full).isDirectory();
    if (isFolder) files.push(...readdirSync(full).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(full, f)));
    else files.push(full);
  }
  const unique = [...new Set(files)];
  const names = new Map<string, string>();
  for (const f of unique) {
    const name = basename(f);
    if (names.has(name)) throw new Error(`two submissions share the name ${name} (${names.get(name)} and ${f}): reports are filed by name, so rename one`);
    names.set(name, f);
  }
  return unique;
}

export interface BatchOptions {
  outDir: string;
  jobs: number;
  regrade: boolean;
  limits?: SandboxLimits;
  /** The assignments a notebook may be (default: all); `assignment`: grade every notebook as this one. */
  assignments?: GradedAssignment[];
  assignment?: GradedAssignment;
  onProgress?: (done: number, total: number, result: SubmissionResult, reused: boolean) => void;
}

/** A batch's result; `graderError` (the grader's own failure, with its stack) is for the instructor only, never in a report. */
export type BatchResult = SubmissionResult & { graderError?: string };

/** The shape of result.json, the resume marker: a record of another shape is not reused (2: checks carry misconception ids). */
const RESULT_SCHEMA = 2;

const fingerprints = new Map<string, string>();

/**
 * What graded a result: a hash of the library's and the grader's sources (their checks, diagnoses and
 * catalogues) and the assignment's references. A record made by another grader is graded again, so that one
 * report never mixes two vocabularies of misconceptions, nor two versions of a check.
 */
export function graderFingerprint(assignment: GradedAssignment | undefined): string {
  const key = assignment?.id ?? "";
  const known = fingerprints.get(key);
  if (known) return known;
  const hash = createHash("sha256").update(`result schema ${RESULT_SCHEMA}\n`);
  const sources: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory() && !["dist", "gallery", "node_modules"].includes(entry.name)) walk(full);
      else if (entry.isFile() && /\.(ts|json)$/.test(entry.name)) sources.push(full);
    }
  };
  for (const root of ["src", "grader"]) if (existsSync(join(PROJECT_ROOT, root))) walk(join(PROJECT_ROOT, root));
  if (assignment && existsSync(assignment.referencesFile)) sources.push(assignment.referencesFile);
  for (const file of sources) hash.update(`${file.slice(PROJECT_ROOT.length)}\n`).update(readFileSync(file));
  const value = hash.digest("hex").slice(0, 16);
  fingerprints.set(key, value);
  return value;
}

/** What a student reads when the grader itself failed on their submission (the details go to the grader's stderr). */
export const GRADER_FAILED = "The grader failed on this submission; your instructor has the details.";

/** A report folder inside the output folder, whatever the name (a name with a separator or ".." is a bug of reportFolderNames). */
function reportDir(outDir: string, folder: string): string {
  const dir = join(resolve(outDir), folder);
  if (dirname(dir) !== resolve(outDir) || folder === GRADEBOOK || folder === LEFT_OUT || CLASS_REPORT_FILES.includes(folder)) throw new Error(`report folder ${JSON.stringify(folder)} is not a plain name inside ${outDir}`);
  return dir;
}

/**
 * A previous result for the same content, if the reports exist, and graded as the same assignment when one is
 * forced (`--assignment`): a notebook graded as one assignment is not "unchanged" for another.
 */
function previous(dir: string, file: string, forced: GradedAssignment | undefined, among: GradedAssignment[]): SubmissionResult | undefined {
  const saved = join(dir, "result.json");
  if (!existsSync(saved)) return undefined;
  try {
    const result = JSON.parse(readFileSync(saved, "utf8")) as SubmissionResult & { schema?: number; grader?: string };
    // A record of another shape, or made by another grader (an older one, without these misconception ids), is graded again.
    if (result.schema !== RESULT_SCHEMA || result.grader !== graderFingerprint(findAssignment(result.assignment, among))) return undefined;
    const hash = submissionHash(file);
    if (forced && result.assignment !== forced.id) return undefined;
    return hash !== undefined && result.contentHash === hash ? { ...result, path: file } : undefined;
  } catch {
    return undefined;
  }
}

export async function gradeBatch(files: string[], options: BatchOptions): Promise<BatchResult[]> {
  const results: BatchResult[] = new Array(files.length);
  const folders = reportFolderNames(files.map((f) => basename(f)));
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      const k = next++;
      const file = files[k];
      const dir = reportDir(options.outDir, folders.get(basename(file))!);
      let result: BatchResult | undefined = options.regrade ? undefined : previous(dir, file, options.assignment, batchAssignments(options));
      const reused = !!result;
      if (!result) {
        try {
          result = await gradeSubmission(file, { limits: options.limits, assignments: options.assignments, assignment: options.assignment });
        } catch (error) {
          // A bug of the grader's own, on this submission only: the student is told so, without the
          // grader's internals (a stack names server paths); the instructor gets the details; the batch goes on.
          const details = (error as Error)?.stack ?? String(error);
          printError(`grade: the grader failed on ${file}:\n${details}`);
          const assignment = assignmentOf(file, options);
          const tests = assignment ? failAll(GRADER_FAILED, assignment.checks) : [];
          result = { submission: basename(file), path: file, contentHash: "", assignment: assignment?.id, score: 0, maxScore: tests.reduce((sum, t) => sum + t.maxScore, 0), status: "ungradable", notes: [GRADER_FAILED], tests, durationMs: 0, graderError: details, isolation: "none: the grader failed before running this submission's code" };
        }
        writeReports(dir, result, batchAssignments(options));
      }
      results[k] = result;
      options.onProgress?.(++done, files.length, result, reused);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, files.length)) }, worker));
  writeAtomically(join(options.outDir, GRADEBOOK), gradebookCsv(results));
  const leftOut = leftOutCsv(results);
  if (leftOut) writeAtomically(join(options.outDir, LEFT_OUT), leftOut);
  else rmSync(join(options.outDir, LEFT_OUT), { force: true });
  // Over the whole batch, the submissions a resumed run skipped included (their result.json is their record).
  writeClassReport(options.outDir, results, batchAssignments(options));
  return results;
}

/** Which assignment a file is, for a result the grader could not make (its checks, failed, are the result). */
function assignmentOf(file: string, options: BatchOptions): GradedAssignment | undefined {
  try {
    return readSubmission(file, options.assignments, options.assignment).assignment;
  } catch {
    return options.assignment;
  }
}

/** The assignments a batch grades as: the forced one, or those it was given, or the registry's. */
export const batchAssignments = (options: Pick<BatchOptions, "assignment" | "assignments">): GradedAssignment[] => (options.assignment ? [options.assignment] : (options.assignments ?? ASSIGNMENTS));

/** `assignments`: the ones the batch grades as, where feedback finds its title and the record its grader. */
function writeReports(dir: string, result: BatchResult, assignments: GradedAssignment[]): void {
  writeAtomically(join(dir, "results.json"), `${JSON.stringify(gradescopeResults(result), null, 2)}\n`);
  writeAtomically(join(dir, "feedback.md"), feedbackMarkdown(result, assignments));
  // Last: its presence (with the content hash) is what marks the submission as done for a resumed run.
  const { durationMs: _ignored, path: _path, graderError: _graderOnly, ...stable } = result;
  writeAtomically(join(dir, "result.json"), `${JSON.stringify({ schema: RESULT_SCHEMA, grader: graderFingerprint(findAssignment(result.assignment, assignments)), ...stable }, null, 2)}\n`);
}
