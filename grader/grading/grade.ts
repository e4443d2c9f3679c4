/**
 * Grading one submission, step by step: read and validate the file -> pick the graded cells (plus the
 * instructor's own set-up cell: the student's copy is never trusted, nor are their test cells) -> run
 * them in a sandboxed child -> call the graded functions on every case -> check in this process, against
 * the references -> a result with a score and a message per check.
 */
import { basename } from "node:path";
import type { CallResult } from "../sandbox/protocol";
import { cutOutput } from "../sandbox/protocol";
import { backwardCall, forwardCall } from "dropout-kit";
import { describeStop, MAX_SUBMISSION_REPLY_BYTES, SandboxSession, SandboxStopped, DEFAULT_LIMITS } from "../sandbox/session";
import type { SandboxLimits } from "../sandbox/session";
import { isolation, PROJECT_ROOT, requestedIsolation } from "../sandbox/isolation";
import type { Isolation } from "../sandbox/isolation";
import { SubmissionCompiler } from "../sandbox/compile-cells";
import { warmCompiler } from "../sandbox/compile-pool";
import { BACKWARD_CASES, courseBackwardInputs, FORWARD_CASES, forwardInputs, STATISTICS_CASE } from "./cases";
import { isAccessDenied, isPublicCase, runChecks } from "dropout-kit";
import type { BackwardRun, CheckResult, ForwardRun, Unavailable } from "dropout-kit";
import type { References } from "./references";
import { setupCellOf } from "./references";
import { readSubmission } from "./submission";
import { CHECKS, GRADED_CELLS, MAX_SCORE, PUBLIC_CHECKS, SETUP_CELL } from "./spec";
import type { GradedFunctionName } from "./spec";

export interface SubmissionResult {
  /** The file's name: the student's identifier in reports. */
  submission: string;
  path: string;
  contentHash: string;
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
}

/** Every text in a result is cut here, whatever made it (student code, a notebook's metadata): reports stay small. */
const NOTE_LIMIT = 2_000;
const NOTES_LIMIT = 20;
const CHECK_OUTPUT_LIMIT = 4_000;

function bounded(result: SubmissionResult): SubmissionResult {
  const clean = (text: string, limit: number) => cutOutput(withoutServerPaths(text), limit);
  const notes = result.notes.slice(0, NOTES_LIMIT).map((n) => clean(n, NOTE_LIMIT));
  if (result.notes.length > NOTES_LIMIT) notes.push(`... and ${result.notes.length - NOTES_LIMIT} more notes like these.`);
  return { ...result, notes, tests: result.tests.map((t) => ({ ...t, output: clean(t.output, CHECK_OUTPUT_LIMIT) })) };
}

/** Where the grader lives is none of a student's business (a crash's stack names its files). */
function withoutServerPaths(text: string): string {
  return text.split(PROJECT_ROOT).join("<grader>");
}

function stoppedResult(error: unknown): CallResult {
  const message = error instanceof SandboxStopped ? error.message : `the grader could not run this call: ${(error as Error)?.message ?? String(error)}`;
  return { kind: "result", id: -1, ok: false, error: { name: "Stopped", message }, values: {}, mutated: [], output: "", durationMs: 0 };
}

export function failAll(reason: string): CheckResult[] {
  return CHECKS.map((c) => ({ id: c.id, name: c.name, score: 0, maxScore: c.points, passed: false, output: reason }));
}

export interface GradeOptions {
  limits?: SandboxLimits;
  /** Only the public cases (the course's and the public tests' own) and the public checks: `npm run check`. */
  publicOnly?: boolean;
  /** Where student code runs (default: bubblewrap, or DROPOUT_GRADER_ISOLATION); see sandbox/isolation.ts. */
  isolation?: Isolation;
}

export async function gradeSubmission(path: string, references: References, options: GradeOptions | SandboxLimits = {}): Promise<SubmissionResult> {
  const { limits = DEFAULT_LIMITS, publicOnly = false, isolation: chosen = undefined }: GradeOptions = "callTimeoutMs" in options ? { limits: options } : options;
  const sandboxIsolation = chosen ?? isolation(requestedIsolation());
  const started = Date.now();
  const read = readSubmission(path);
  const base = { submission: basename(path), path, contentHash: read.contentHash, maxScore: MAX_SCORE, notes: read.notes, isolation: sandboxIsolation.description };
  if (read.fatal) {
    const tests = failAll(read.fatal).filter((t) => !publicOnly || PUBLIC_CHECKS.includes(t.id));
    const maxScore = tests.reduce((sum, t) => sum + t.maxScore, 0);
    return bounded({ ...base, maxScore, status: "ungradable", score: 0, notes: [read.fatal, ...read.notes], tests, durationMs: Date.now() - started });
  }

  const unavailable: Unavailable = { ...read.missing };
  const functions = (Object.keys(GRADED_CELLS) as GradedFunctionName[]).filter((fn) => read.gradedSources[fn] !== undefined);
  const notes = [...read.notes];
  const sessions: SandboxSession[] = [];
  // The set-up cell as released (imports, settings, backend), derived by `npm run assign` into the
  // references: grading needs no instructor notebook.
  const setup = setupCellOf(references);
  await warmCompiler(setup);
  // One wall clock for the whole submission: type-checking and every sandbox it needs (from here: starting
  // a compiler is the grader's own cost).
  const deadline = Date.now() + limits.totalTimeoutMs;
  const compiler = new SubmissionCompiler(limits.loadTimeoutMs, deadline, setup);
  // What the sandboxes may send back, all together.
  const replyBudget = { left: MAX_SUBMISSION_REPLY_BYTES };

  /**
   * A sandbox with the instructor's set-up cell and the given functions' cells loaded. A stopped load
   * (time, memory) marks those functions unavailable, with the reason; so does a cell whose types the
   * compiler could not finish (said once, in the notes).
   */
  const open = async (fns: GradedFunctionName[]): Promise<SandboxSession | undefined> => {
    let planned;
    try {
      planned = await compiler.chain([{ gradeId: SETUP_CELL, source: setup, trusted: true }, ...fns.map((fn) => ({ gradeId: GRADED_CELLS[fn], source: read.gradedSources[fn]! }))]);
    } catch (error) {
      for (const fn of fns) unavailable[fn] = `Your graded cells could not be compiled: ${(error as Error).message}`;
      return undefined;
    }
    for (const fn of fns) {
      const stopped = compiler.stopped.get(GRADED_CELLS[fn]);
      if (stopped === undefined) continue;
      if (!notes.includes(stopped)) notes.push(stopped);
      unavailable[fn] = `Not checked: your cell '${GRADED_CELLS[fn]}' could not be type-checked (see the note about your notebook above).`;
    }
    fns = fns.filter((fn) => !compiler.stopped.has(GRADED_CELLS[fn]));
    if (fns.length === 0) return undefined;
    const session = new SandboxSession({ limits, deadline, replyBudget, isolation: sandboxIsolation });
    sessions.push(session);
    try {
      const loaded = await session.load({ ...planned, functions: fns });
      if (loaded.needsSeparateSandboxes && fns.length > 1) {
        // An earlier cell failed at run time: grade each function in a sandbox of its own.
        session.close();
        return session;
      }
      for (const fn of fns) {
        if (loaded.defined[fn]) continue;
        const cell = loaded.cells.find((c) => c.gradeId === GRADED_CELLS[fn]);
        unavailable[fn] = cell && !cell.ok
          ? `Your cell '${GRADED_CELLS[fn]}' did not run:\n${cell.output.trim()}`
          : `Your cell '${GRADED_CELLS[fn]}' ran but does not define a function named ${fn}.`;
      }
    } catch (error) {
      const reason = error instanceof SandboxStopped ? `Your graded cells could not be run: ${error.message}.` : `Your graded cells could not be run: ${(error as Error).message}`;
      for (const fn of fns) unavailable[fn] = reason;
    }
    return session;
  };

  const call = async (fn: GradedFunctionName, run: () => Promise<CallResult>): Promise<CallResult> => {
    if (unavailable[fn]) return stoppedResult(new Error("not run"));
    try {
      return await run();
    } catch (error) {
      return stoppedResult(error);
    }
  };

  const forward: ForwardRun[] = [];
  const backward: BackwardRun[] = [];
  let statistics: ForwardRun | undefined;
  try {
    // One sandbox for both functions; when it is stopped (a cell that never ends, a memory bomb), each
    // function gets a sandbox of its own, so one broken function does not cost the other its marks.
    let shared = await open(functions);
    if (shared?.stopReason) {
      if (shared.stopReason.kind === "closed") sessions.splice(sessions.indexOf(shared), 1);
      shared = undefined;
      for (const fn of functions) if (!compiler.stopped.has(GRADED_CELLS[fn])) delete unavailable[fn];
    }
    const sessionFor = async (fn: GradedFunctionName) => (unavailable[fn] ? undefined : shared && !shared.stopReason ? shared : await open([fn]));

    if (functions.includes("forwardPropagationWithDropout")) {
      const session = await sessionFor("forwardPropagationWithDropout");
      for (const spec of publicOnly ? FORWARD_CASES.filter(isPublicCase) : [...FORWARD_CASES, STATISTICS_CASE]) {
        const inputs = forwardInputs(spec);
        const result = await call("forwardPropagationWithDropout", () => session!.call(forwardCall(inputs)));
        const source = read.gradedSources.forwardPropagationWithDropout;
        if (spec === STATISTICS_CASE) statistics = { spec, inputs, result, source };
        else forward.push({ spec, inputs, result, source });
      }
    }
    if (functions.includes("backwardPropagationWithDropout")) {
      const session = await sessionFor("backwardPropagationWithDropout");
      for (const [k, spec] of (publicOnly ? BACKWARD_CASES.filter(isPublicCase) : BACKWARD_CASES).entries()) {
        const inputs = spec.course ? courseBackwardInputs() : references.backward[spec.id].inputs;
        const result = await call("backwardPropagationWithDropout", () => session!.call(backwardCall(inputs)));
        // The first two cases a second time: the same inputs must give the same gradients.
        const again = k < 2 ? await call("backwardPropagationWithDropout", () => session!.call(backwardCall(inputs))) : undefined;
        backward.push({ id: spec.id, description: spec.description, public: spec.public, courseInputs: spec.courseInputs, inputs, result, again, source: read.gradedSources.backwardPropagationWithDropout });
      }
    }
  } finally {
    for (const session of sessions) {
      const stop = session.stopReason;
      if (stop && stop.kind !== "closed") notes.push(`Grading was cut short: ${describeStop(stop)}. Checks that could not run count as failed.`);
      session.close();
    }
  }
  const blocked = [...forward, ...(statistics ? [statistics] : []), ...backward].map((r) => r.result.error?.message).find((m) => m && isAccessDenied(m));
  if (blocked) notes.push(`Your code tried to reach files, processes or the network, which graded functions may not do; it was blocked and this is reported to your instructor: ${blocked}`);
  const uniqueNotes = [...new Set(notes)];
  const tests = runChecks({ forward, statistics, backward }, references, unavailable, CHECKS).filter((t) => !publicOnly || PUBLIC_CHECKS.includes(t.id));
  const score = tests.reduce((sum, t) => sum + t.score, 0);
  const maxScore = tests.reduce((sum, t) => sum + t.maxScore, 0);
  return bounded({ ...base, maxScore, notes: uniqueNotes, status: "graded", score, tests, durationMs: Date.now() - started });
}
