/**
 * Grading one submission, step by step: read and validate the file -> pick the graded cells (plus the
 * instructor's own set-up cell: the student's copy is never trusted, nor are their test cells) -> run
 * them in a sandboxed child -> call the graded functions on every case -> check in this process, against
 * the references -> a result with a score and a message per check.
 */
import { basename } from "node:path";
import { cellSource, readNotebook } from "../notebook/notebook";
import type { CallResult } from "../sandbox/protocol";
import { describeStop, SandboxSession, SandboxStopped, DEFAULT_LIMITS } from "../sandbox/session";
import type { SandboxLimits } from "../sandbox/session";
import { INSTRUCTOR_NOTEBOOK } from "../reference-solution";
import { BACKWARD_CASES, courseBackwardInputs, FORWARD_CASES, forwardInputs, STATISTICS_CASE } from "./cases";
import { runChecks } from "./checks";
import type { BackwardRun, CheckResult, ForwardRun, Unavailable } from "./checks";
import type { References } from "./references";
import { readSubmission } from "./submission";
import { CHECKS, GRADED_CELLS, MAX_SCORE, SETUP_CELL } from "./spec";
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
}

let setupSource: string | undefined;
/** The instructor notebook's set-up cell: imports and backend, the same for every student. */
function instructorSetup(): string {
  setupSource ??= cellSource(readNotebook(INSTRUCTOR_NOTEBOOK).cells.find((c) => c.metadata.nbgrader?.grade_id === SETUP_CELL)!);
  return setupSource;
}

function stoppedResult(error: unknown): CallResult {
  const message = error instanceof SandboxStopped ? error.message : `the grader could not run this call: ${(error as Error)?.message ?? String(error)}`;
  return { kind: "result", id: -1, ok: false, error: { name: "Stopped", message }, values: {}, mutated: [], output: "", durationMs: 0 };
}

export function failAll(reason: string): CheckResult[] {
  return CHECKS.map((c) => ({ id: c.id, name: c.name, score: 0, maxScore: c.points, passed: false, output: reason }));
}

export async function gradeSubmission(path: string, references: References, limits: SandboxLimits = DEFAULT_LIMITS): Promise<SubmissionResult> {
  const started = Date.now();
  const read = readSubmission(path);
  const base = { submission: basename(path), path, contentHash: read.contentHash, maxScore: MAX_SCORE, notes: read.notes };
  if (read.fatal) {
    return { ...base, status: "ungradable", score: 0, notes: [read.fatal, ...read.notes], tests: failAll(read.fatal), durationMs: Date.now() - started };
  }

  const unavailable: Unavailable = { ...read.missing };
  const functions = (Object.keys(GRADED_CELLS) as GradedFunctionName[]).filter((fn) => read.gradedSources[fn] !== undefined);
  const session = new SandboxSession(limits);
  const forward: ForwardRun[] = [];
  const backward: BackwardRun[] = [];
  let statistics: ForwardRun | undefined;
  try {
    try {
      const loaded = await session.load({
        cells: [{ gradeId: SETUP_CELL, source: instructorSetup() }, ...functions.map((fn) => ({ gradeId: GRADED_CELLS[fn], source: read.gradedSources[fn]! }))],
        functions,
      });
      for (const fn of functions) {
        if (loaded.defined[fn]) continue;
        const cell = loaded.cells.find((c) => c.gradeId === GRADED_CELLS[fn]);
        unavailable[fn] = cell && !cell.ok
          ? `Your cell '${GRADED_CELLS[fn]}' did not run:\n${cell.output.trim()}`
          : `Your cell '${GRADED_CELLS[fn]}' ran but does not define a function named ${fn}.`;
      }
    } catch (error) {
      const reason = error instanceof SandboxStopped ? `Your graded cells could not be run: ${error.message}.` : `Your graded cells could not be run: ${(error as Error).message}`;
      for (const fn of functions) unavailable[fn] ??= reason;
    }

    const call = async (fn: GradedFunctionName, run: () => Promise<CallResult>): Promise<CallResult> => {
      if (unavailable[fn]) return stoppedResult(new Error("not run"));
      try {
        return await run();
      } catch (error) {
        return stoppedResult(error);
      }
    };
    for (const spec of [...FORWARD_CASES, STATISTICS_CASE]) {
      const inputs = forwardInputs(spec);
      const result = await call("forwardPropagationWithDropout", () => session.forward(inputs));
      if (spec === STATISTICS_CASE) statistics = { spec, inputs, result };
      else forward.push({ spec, inputs, result });
    }
    for (const [k, spec] of BACKWARD_CASES.entries()) {
      const inputs = spec.course ? courseBackwardInputs() : references.backward[spec.id].inputs;
      const result = await call("backwardPropagationWithDropout", () => session.backward(inputs));
      // The first two cases a second time: the same inputs must give the same gradients.
      const again = k < 2 ? await call("backwardPropagationWithDropout", () => session.backward(inputs)) : undefined;
      backward.push({ id: spec.id, description: spec.description, inputs, result, again });
    }
  } finally {
    session.close();
  }
  const stop = session.stopReason;
  const notes = [...read.notes];
  if (stop && stop.kind !== "crash") notes.push(`Grading was cut short: ${describeStop(stop)}. Checks that could not run count as failed.`);
  else if (stop && stop.kind === "crash" && stop.detail !== "closed") notes.push(`Grading was cut short: ${describeStop(stop)}.`);
  const tests = runChecks({ forward, statistics, backward }, references, unavailable);
  const score = tests.reduce((sum, t) => sum + t.score, 0);
  return { ...base, notes, status: "graded", score, tests, durationMs: Date.now() - started };
}
