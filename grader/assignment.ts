/**
 * What the engine knows of an assignment: this contract, and nothing else. The engine (notebook reading,
 * the sandbox, compiling, batches, reports, the assign pipeline, the commands) names no exercise, graded
 * function or hyperparameter; each assignment is a folder under grader/assignments/ whose index.ts exports
 * one `Assignment`: its source notebook and settings, its graded cells, its checks as entries with points,
 * the calls grading makes, how their results are judged, how its references are derived from the solution,
 * and its example gallery. test/engine-vocabulary.test.ts holds the engine to that.
 */
import type { CallRequest, CallResult, Catalogue, CheckResult, GradedFunction } from "dropout-kit";

/** A check: one entry. `fn` is the graded function it checks; its points come from the assignment's settings. */
export interface Check {
  id: string;
  fn: string;
  /** What a student reads as the test's name. */
  name: string;
  /** Run by the notebook's public tests and `npm run check` (on the public cases) as well as by the grader. */
  public: boolean;
  points: number;
}

/** One call grading makes in the sandbox. */
export interface PlannedCall {
  /** The assignment's own name for the call (its judge finds the result by it), e.g. "forward/course". */
  key: string;
  request: CallRequest;
  /** Made a second time, as a request of its own: the same inputs must give the same outputs. */
  twice?: boolean;
  /**
   * The assignment's own data about the call (its case, the inputs it built), handed back to its judge as it was,
   * so that nothing planned is computed twice. It stays in the grader's process: only `request` reaches the sandbox.
   */
  context?: unknown;
}

/** A planned call with what came back. A call that could not run (its function unavailable, the sandbox stopped) has a failed result saying why. */
export interface CompletedCall extends PlannedCall {
  result: CallResult;
  /** The second call, where `twice` asked for one and it could be made. */
  second?: CallResult;
}

/** What an assignment's references file holds for the engine: the rest is the assignment's own. */
export interface References {
  /** Which assignment derived the file. */
  assignment: string;
  /** The set-up cell as students have it (settings written out): run before a student's cells. */
  setupCell: string;
}

export interface JudgeInput<R extends References = References> {
  calls: CompletedCall[];
  references: R;
  /** graded function -> why it could not be checked at all (missing, did not compile, crashed): all its checks fail with this. */
  unavailable: Record<string, string>;
  /** graded function -> the student's cell source, where known (it words a diagnosis, never a score). */
  sources: Record<string, string>;
  checks: Check[];
}

/**
 * What grading needs of an assignment (and all the grader, the Gradescope package and `npm run check` load):
 * nothing of the release step, the solution or the gallery's generator.
 */
export interface GradedAssignment<R extends References = References> {
  /** What the notebook's metadata (`course_kit.assignment`) and `--assignment` name it. */
  id: string;
  title: string;
  /** The graded notebook's file name in the release (notebooks/). */
  notebook: string;
  /** graded function name -> the grade_id of the cell that defines it, in the notebook's order. */
  gradedCells: Record<string, string>;
  /** The grade_id of the instructor's set-up cell (imports, settings, backend) that runs before the graded cells. */
  setupCell: string;
  checks: Check[];
  /** The misconceptions its diagnoses name (the ids in results.json), with a title each and where the notebooks explain them. */
  misconceptions: Catalogue<string>;
  /** Where `npm run assign` writes the references and grading reads them. */
  referencesFile: string;
  /** The example gallery's folder (`npm run grade` with no paths grades it). */
  galleryDir: string;
  /** The calls grading makes: every case, or only the public ones (a self-check). */
  plan(references: R, options: { publicOnly: boolean }): PlannedCall[];
  /** The checks' verdicts, from the calls' results and the references (a check's points when passed). */
  judge(input: JudgeInput<R>): CheckResult[];
}

/** An assignment as `npm run assign` makes it: its source, its references' derivation, its public cases, its gallery. */
export interface Assignment<R extends References = References> extends GradedAssignment<R> {
  /** The instructor's folder: the notebooks with solutions and settings.ts (tslab compiles it beside them). Its other notebooks are released ungraded. */
  sourceDir: string;
  /** The grader's recomputations of the graded functions' outputs (absolute paths): `npm run assign` refuses a student file that holds a line of them. */
  recomputations: string[];
  /** Files beside the source notebooks that an ungraded notebook imports (its helpers), released beside it unchanged. */
  companions?: string[];
  /** The notebook settings the release writes out as constants (settings.ts's `notebook`). */
  notebookSettings: Record<string, unknown>;
  /** Where the public tests' data goes, in the helper library: the public cases' inputs, expected outputs and each typical mistake's outcome. */
  publicCasesFile: string;
  /** The expected outputs (and any inputs derived with the solution), given the solution's graded functions. */
  deriveReferences(solution: Record<string, GradedFunction>, setupCell: string): R;
  /** The public tests' data (the public cases, their expected outputs, each typical mistake's outcome there): nothing of a hidden case. */
  publicCases(references: R): unknown;
  /** The example submissions: file name -> notebook text. */
  gallery(): { name: string; text: string }[];
}

/** The points a graded function is worth: the sum of its checks'. */
export function pointsOf(assignment: Pick<Assignment, "checks">, fn: string): number {
  return assignment.checks.filter((c) => c.fn === fn).reduce((sum, c) => sum + c.points, 0);
}

export function maxScoreOf(assignment: Pick<Assignment, "checks">): number {
  return assignment.checks.reduce((sum, c) => sum + c.points, 0);
}

/** The checks with their points from settings (`points`: check id -> points), every id accounted for both ways. */
export function withPoints<D extends Omit<Check, "points">>(definitions: D[], points: Record<string, number>, where: string): (D & { points: number })[] {
  const checks = definitions.map((check) => {
    const value = points[check.id];
    if (typeof value !== "number" || !(value >= 0)) throw new Error(`${where}: points["${check.id}"] must be a number >= 0, got ${String(value)}`);
    return { ...check, points: value };
  });
  for (const id of Object.keys(points)) {
    if (!checks.some((c) => c.id === id)) throw new Error(`${where}: points["${id}"] names no check; the checks are ${checks.map((c) => c.id).join(", ")}`);
  }
  return checks;
}
