/**
 * Grading one submission, as a short list of named steps (nbgrader composes its preprocessors alike), each a
 * function of its own:
 *   readSubmission (read and validate the file; which assignment it is, from its metadata; pick the graded
 *   cells by grade_id, never trusting the student's test cells) -> loadSandboxes (the instructor's released
 *   set-up cell and the graded cells, type-checked, run in a sandboxed child) -> makeCalls (the assignment's
 *   planned calls of the graded functions, in the sandbox) -> judge (the assignment's checks, in this process,
 *   against the references) -> result (a score and a message per check, every text bounded).
 * The engine knows no assignment: what to call and how to judge it are the assignment's (grader/assignment.ts).
 */
import { basename } from "node:path";
import type { CallResult } from "../sandbox/protocol";
import { cutOutput } from "../sandbox/protocol";
import { describeStop, MAX_SUBMISSION_REPLY_BYTES, SandboxSession, SandboxStopped, DEFAULT_LIMITS } from "../sandbox/session";
import type { SandboxLimits, StopReason } from "../sandbox/session";
import { isolation, PROJECT_ROOT, requestedIsolation } from "../sandbox/isolation";
import type { Isolation } from "../sandbox/isolation";
import { prepareCompiler, SubmissionCompiler } from "../sandbox/compile-cells";
import type { CellToRun } from "../sandbox/compile-cells";
import { callError, isAccessDenied, isNotImplemented } from "dropout-kit";
import type { CheckResult } from "dropout-kit";
import type { Check, CompletedCall, GradedAssignment, PlannedCall, References } from "../assignment";
import { readReferences, setupCellOf } from "./references";
import { readSubmission } from "./submission";
import type { ReadSubmission } from "./submission";

export interface SubmissionResult {
  /** The file's name: the student's identifier in reports. */
  submission: string;
  path: string;
  contentHash: string;
  /** The assignment it was graded as (undefined when that could not be told). */
  assignment?: string;
  score: number;
  maxScore: number;
  /** "graded" (possibly with failed checks) or "ungradable" (the file itself is the problem). */
  status: "graded" | "ungradable";
  /** Problems with the notebook as a whole, shown above the checks. */
  notes: string[];
  tests: CheckResult[];
  durationMs: number;
  /** What the student's code ran under (isolation.ts), for the grader's records. */
  isolation?: string;
  /** The read-only cells (by grade_id) the student edited: reported, never graded. */
  editedCells?: string[];
  /** The sandboxes that were stopped (time, memory, a crash, a broken reply), each with what was said. */
  stops?: { kind: StopReason["kind"]; detail: string }[];
}

/** Every text in a result is cut here, whatever made it (student code, a notebook's metadata): reports stay small. */
const NOTE_LIMIT = 2_000;
const NOTES_LIMIT = 20;
const CHECK_OUTPUT_LIMIT = 4_000;

function bounded(result: SubmissionResult): SubmissionResult {
  const clean = (text: string, limit: number) => cutOutput(withoutServerPaths(text), limit);
  const notes = result.notes.slice(0, NOTES_LIMIT).map((n) => clean(n, NOTE_LIMIT));
  if (result.notes.length > NOTES_LIMIT) notes.push(`... and ${result.notes.length - NOTES_LIMIT} more notes like these.`);
  const extra: Partial<SubmissionResult> = {};
  if (result.editedCells) extra.editedCells = result.editedCells.slice(0, NOTES_LIMIT).map((c) => clean(c, 200));
  if (result.stops) extra.stops = result.stops.slice(0, NOTES_LIMIT).map((s) => ({ kind: s.kind, detail: clean(s.detail, NOTE_LIMIT) }));
  return { ...result, ...extra, notes, tests: result.tests.map((t) => ({ ...t, output: clean(t.output, CHECK_OUTPUT_LIMIT), ...(t.diagnosis !== undefined ? { diagnosis: clean(t.diagnosis, CHECK_OUTPUT_LIMIT) } : {}) })) };
}

/**
 * Where the grader lives is none of a student's business (a crash's stack names its files; the sandbox's
 * mounts sit at the same paths, so code can read it and send it back reversed, too). Cosmetic, not a secret:
 * no file there is readable from the sandbox but the three folders the child needs.
 */
const REVERSED_ROOT = [...PROJECT_ROOT].reverse().join("");
function withoutServerPaths(text: string): string {
  return text.split(PROJECT_ROOT).join("<grader>").split(REVERSED_ROOT).join(">redarg<");
}

function stoppedResult(error: unknown): CallResult {
  const message = error instanceof SandboxStopped ? error.message : `the grader could not run this call: ${(error as Error)?.message ?? String(error)}`;
  return { kind: "result", id: -1, ok: false, error: { name: "Stopped", message }, values: {}, mutated: [], output: "", durationMs: 0 };
}

/** Every check failed for one reason (the file cannot be graded, the grader failed). */
export function failAll(reason: string, checks: Check[]): CheckResult[] {
  return checks.map((c) => ({ id: c.id, name: c.name, score: 0, maxScore: c.points, passed: false, output: reason, notRun: true }));
}

export interface GradeOptions {
  limits?: SandboxLimits;
  /** Only the public cases (the course's and the public tests' own) and the public checks: `npm run check`. */
  publicOnly?: boolean;
  /** Where student code runs (default: bubblewrap, or DROPOUT_GRADER_ISOLATION); see sandbox/isolation.ts. */
  isolation?: Isolation;
  /** The assignments a notebook may be (default: all of grader/assignments/). */
  assignments?: GradedAssignment[];
  /** Grade as this assignment, whatever the notebook's metadata says (`--assignment`). */
  assignment?: GradedAssignment;
  /** The references to grade with (default: the assignment's file). */
  references?: References;
}

/** What one submission's grading carries from step to step. */
interface Grading {
  assignment: GradedAssignment;
  read: ReadSubmission;
  limits: SandboxLimits;
  isolation: Isolation;
  setupCell: string;
  compiler: SubmissionCompiler;
  /** One wall clock for the whole submission: type-checking and every sandbox it needs. */
  deadline: number;
  /** What the sandboxes may send back, all together. */
  replyBudget: { left: number };
  /** graded function -> why it cannot be checked. */
  unavailable: Record<string, string>;
  notes: string[];
  sessions: SandboxSession[];
}

/** The checks a result lists: all of them, or the public ones for a self-check. */
function checksFor(assignment: GradedAssignment, publicOnly: boolean): Check[] {
  return assignment.checks.filter((c) => !publicOnly || c.public);
}

export async function gradeSubmission(path: string, options: GradeOptions = {}): Promise<SubmissionResult> {
  const { limits = DEFAULT_LIMITS, publicOnly = false } = options;
  const sandboxIsolation = options.isolation ?? isolation(requestedIsolation());
  const started = Date.now();
  const read = readSubmission(path, options.assignments, options.assignment);
  const base = { submission: basename(path), path, contentHash: read.contentHash, assignment: read.assignment?.id, notes: read.notes, isolation: sandboxIsolation.description, ...(read.editedCells ? { editedCells: read.editedCells } : {}) };
  if (read.fatal || !read.assignment) {
    const fatal = read.fatal ?? "The grader could not tell which assignment this notebook is for.";
    const tests = read.assignment ? failAll(fatal, checksFor(read.assignment, publicOnly)) : [];
    return bounded({ ...base, maxScore: total(tests), status: "ungradable", score: 0, notes: [fatal, ...read.notes], tests, durationMs: Date.now() - started });
  }
  const assignment = read.assignment;
  const references = options.references ?? readReferences(assignment);
  const setupCell = setupCellOf(references);
  // A compiler is started (warm) unless the cache on disk holds every cell's conversion already.
  await prepareCompiler([{ gradeId: assignment.setupCell, source: setupCell, trusted: true }, ...gradedChain(assignment, read.gradedSources)], setupCell);
  // From here on the submission's clock runs (starting a compiler is the grader's own cost).
  const deadline = Date.now() + limits.totalTimeoutMs;
  const grading: Grading = {
    assignment, read, limits, setupCell, deadline,
    isolation: sandboxIsolation,
    compiler: new SubmissionCompiler(limits.loadTimeoutMs, deadline, setupCell),
    replyBudget: { left: MAX_SUBMISSION_REPLY_BYTES },
    unavailable: { ...read.missing },
    notes: [...read.notes],
    sessions: [],
  };
  let calls: CompletedCall[];
  const stops: SubmissionResult["stops"] = [];
  try {
    calls = await makeCalls(grading, assignment.plan(references, { publicOnly }));
  } finally {
    stops.push(...closeSandboxes(grading));
  }
  noteBlockedAccess(grading, calls);
  failedEveryCall(grading, calls);
  const tests = assignment.judge({ calls, references, unavailable: grading.unavailable, sources: read.gradedSources, checks: checksFor(assignment, publicOnly) });
  return bounded({ ...base, maxScore: total(tests), notes: [...new Set(grading.notes)], status: "graded", score: tests.reduce((sum, t) => sum + t.score, 0), tests, durationMs: Date.now() - started, ...(stops.length > 0 ? { stops } : {}) });
}

/**
 * A function none of whose calls could be made to compute (the release's stub left as it was, a limit that
 * stopped it, a blocked access on every call) is one that could not be checked: each of its checks fails with
 * that, as not run (a class report counts these apart from wrong answers), and no diagnosis is looked for. A
 * function that throws an error of its own, on some cases or on all, is judged as usual: its error is its
 * answer, and may name a misconception (a broadcast error between the layers' shapes does).
 */
function failedEveryCall(g: Grading, calls: CompletedCall[]): void {
  const couldNotRun = (c: CompletedCall) => {
    const e = c.result.error;
    return !c.result.ok && !!e && (e.name === "Stopped" || isNotImplemented(e) || isAccessDenied(String(e.message)));
  };
  for (const fn of Object.keys(g.assignment.gradedCells)) {
    if (g.unavailable[fn]) continue;
    const made = calls.filter((c) => c.request.fn === fn);
    if (made.length === 0 || !made.every(couldNotRun)) continue;
    const first = made[0].result.error!;
    const same = made.every((c) => c.result.error?.name === first.name && c.result.error?.message === first.message);
    const said = callError(made[0], same ? "every case" : "the first case")!;
    g.unavailable[fn] = isNotImplemented(first) || same ? said : `${said}\nIt could not run on any other case either.`;
  }
}

const total = (tests: CheckResult[]) => tests.reduce((sum, t) => sum + t.maxScore, 0);

/** The graded functions whose cells the submission has, in the assignment's order. */
const submittedFunctions = (assignment: GradedAssignment, sources: ReadSubmission["gradedSources"]) => Object.keys(assignment.gradedCells).filter((fn) => sources[fn] !== undefined);

/** The cells of `fns` (by default every graded cell the submission has), as the compiler chains them after the set-up cell. */
function gradedChain(assignment: GradedAssignment, sources: ReadSubmission["gradedSources"], fns = submittedFunctions(assignment, sources)): CellToRun[] {
  return fns.map((fn) => ({ gradeId: assignment.gradedCells[fn], source: sources[fn]! }));
}

/**
 * A sandbox with the instructor's set-up cell and the given functions' cells loaded. A stopped load (time,
 * memory) marks those functions unavailable, with the reason; so does a cell whose types the compiler could
 * not finish (said once, in the notes). `runApart`: an earlier cell failed at run time, so each function needs
 * a sandbox of its own (this one is closed, which is no failure of the student's).
 */
async function loadSandbox(g: Grading, fns: string[]): Promise<{ session?: SandboxSession; runApart?: boolean }> {
  const cells = g.assignment.gradedCells;
  let planned;
  try {
    planned = await g.compiler.chain([{ gradeId: g.assignment.setupCell, source: g.setupCell, trusted: true }, ...gradedChain(g.assignment, g.read.gradedSources, fns)]);
  } catch (error) {
    for (const fn of fns) g.unavailable[fn] = `Your graded cells could not be compiled: ${(error as Error).message}`;
    return {};
  }
  for (const fn of fns) {
    const stopped = g.compiler.stopped.get(cells[fn]);
    if (stopped === undefined) continue;
    if (!g.notes.includes(stopped)) g.notes.push(stopped);
    g.unavailable[fn] = `Not checked: your cell '${cells[fn]}' could not be type-checked (see the note about your notebook above).`;
  }
  fns = fns.filter((fn) => !g.compiler.stopped.has(cells[fn]));
  if (fns.length === 0) return {};
  const session = new SandboxSession({ limits: g.limits, deadline: g.deadline, replyBudget: g.replyBudget, isolation: g.isolation });
  try {
    const loaded = await session.load({ ...planned, functions: fns });
    if (loaded.needsSeparateSandboxes && fns.length > 1) {
      session.close();
      return { runApart: true };
    }
    g.sessions.push(session);
    for (const fn of fns) {
      if (loaded.defined[fn]) continue;
      const cell = loaded.cells.find((c) => c.gradeId === cells[fn]);
      g.unavailable[fn] = cell && !cell.ok ? `Your cell '${cells[fn]}' did not run:\n${cell.output.trim()}` : `Your cell '${cells[fn]}' ran but does not define a function named ${fn}.`;
    }
  } catch (error) {
    g.sessions.push(session);
    const reason = error instanceof SandboxStopped ? `Your graded cells could not be run: ${error.message}.` : `Your graded cells could not be run: ${(error as Error).message}`;
    for (const fn of fns) g.unavailable[fn] = reason;
  }
  return { session };
}

/**
 * The planned calls, function by function. One sandbox for all the graded functions; when it is stopped (a
 * cell that never ends, a memory bomb) or its cells must run apart, each function gets a sandbox of its own, so
 * one broken function does not cost another its marks.
 */
async function makeCalls(g: Grading, planned: PlannedCall[]): Promise<CompletedCall[]> {
  const fns = submittedFunctions(g.assignment, g.read.gradedSources);
  let shared: SandboxSession | undefined;
  if (fns.length > 0) {
    const first = await loadSandbox(g, fns);
    if (first.runApart || first.session?.stopReason) {
      for (const fn of fns) if (!g.compiler.stopped.has(g.assignment.gradedCells[fn])) delete g.unavailable[fn];
    } else shared = first.session;
  }
  const sessionFor = async (fn: string) => (g.unavailable[fn] ? undefined : shared && !shared.stopReason ? shared : (await loadSandbox(g, [fn])).session);
  const attempt = async (fn: string, session: SandboxSession | undefined, call: PlannedCall): Promise<CallResult> => {
    if (g.unavailable[fn] || !session) return stoppedResult(new Error("not run"));
    try {
      return await session.call(call.request);
    } catch (error) {
      return stoppedResult(error);
    }
  };
  const completed: CompletedCall[] = [];
  for (const fn of Object.keys(g.assignment.gradedCells)) {
    const calls = planned.filter((c) => c.request.fn === fn);
    if (calls.length === 0) continue;
    const session = fns.includes(fn) ? await sessionFor(fn) : undefined;
    for (const call of calls) {
      const result = await attempt(fn, session, call);
      const second = call.twice ? await attempt(fn, session, call) : undefined;
      completed.push({ ...call, result, second });
    }
  }
  return completed;
}

/** Every sandbox closed; one that was stopped (time, memory, a broken reply) says so in the notes, and is returned. */
function closeSandboxes(g: Grading): NonNullable<SubmissionResult["stops"]> {
  const stops: NonNullable<SubmissionResult["stops"]> = [];
  for (const session of g.sessions) {
    const stop = session.stopReason;
    if (stop && stop.kind !== "closed") {
      g.notes.push(`Grading was cut short: ${describeStop(stop)}. Checks that could not run count as failed.`);
      stops.push({ kind: stop.kind, detail: describeStop(stop) });
    }
    session.close();
  }
  return stops;
}

function noteBlockedAccess(g: Grading, calls: CompletedCall[]): void {
  const blocked = calls.map((c) => c.result.error?.message).find((m) => m && isAccessDenied(m));
  if (blocked) g.notes.push(`Your code tried to reach files, processes or the network, which graded functions may not do; it was blocked and this is reported to your instructor: ${blocked}`);
}
