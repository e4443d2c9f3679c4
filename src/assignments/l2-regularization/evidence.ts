/**
 * What the L2 checks read off a call's result, shared by the grader's checks and the notebook's public tests:
 * the runs as data, the student's cost as a number (or why not), every call's error, the repeat call that shows
 * changed inputs, the course's case gated by its twin, and the pairs of cases that differ only in their biases.
 * None of it computes the L2 term.
 */
import type { CallResult, WireTensor } from "../../testing/tensorData";
import { close, identical, round, tensorOf } from "../../testing/tensorData";
import { isHiddenCase, isPublicCase } from "../../testing/cases";
import type { Diagnosis, Verdict } from "../../testing/verdicts";
import { all, callError, changedInputs, fail, failWith, firstFailure, gated, ok, repeatsItself } from "../../testing/verdicts";
import type { L2BackwardInputs, L2CaseInfo, L2CostInputs } from "./calls";
import { costValueOf } from "./diagnoses";

/** One call of a graded function on one case. */
export interface L2Run<Inputs> {
  spec: L2CaseInfo;
  inputs: Inputs;
  result: CallResult;
}
export type L2CostRun = L2Run<L2CostInputs>;
export type L2BackwardRun = L2Run<L2BackwardInputs>;

export interface L2Evidence {
  cost: L2CostRun[];
  backward: L2BackwardRun[];
}

export const hidden = (run: L2Run<unknown>) => isHiddenCase(run.spec);
export const revealed = (run: L2Run<unknown>) => isPublicCase(run.spec);
export const where = (run: L2Run<unknown>) => run.spec.description;
/** A failure with what the reading of every case says is wrong, if anything (and the misconceptions it names). */
export const withDiagnosis = (why: string, diagnosis: Diagnosis | undefined): Verdict => failWith(why, diagnosis);

/** Every call's error, the first of them failing the check. */
export function callErrors(runs: L2Run<unknown>[]): Verdict {
  return firstFailure(runs.map((run) => callError(run, where(run))).filter(Boolean).map((e) => fail(e!)));
}

/** The repeat (the same input objects, called again) gives exactly the first call's outputs: inputs left unchanged. */
export function inputsUnchanged(runs: L2Run<unknown>[], inputNames: string, gate: () => Verdict): Verdict {
  return all(
    () => callErrors(runs),
    () =>
      firstFailure(
        runs.map((run) =>
          repeatsItself(run, where(run), () =>
            run.result.mutated.length > 0
              ? changedInputs(run.result.mutated)
              : `Either it changed its inputs (${inputNames}: compute into new tensors, never into the ones you are given), or it keeps something from one call to the next.`,
          ),
        ),
      ),
    () => gated(gate()),
  );
}

/**
 * The course's case by its published values, gated by its hidden twin (the same inputs, a lambd of the grader's
 * own): credit is withheld only when the twin's outputs are the published answer (recalled, not computed).
 */
export function courseCase<R extends L2Run<unknown>>(runs: R[], reference: (run: R, reveal: boolean) => Verdict, recalled?: (course: R, twin: R) => Verdict): Verdict {
  const course = runs.find((r) => r.spec.course);
  if (!course) return fail("The course's case was not run.");
  const twin = runs.find((r) => r.spec.courseInputs);
  return all(
    () => reference(course, true),
    () => (twin && recalled ? gated(recalled(course, twin)) : ok()),
  );
}

export type CostGot<T> = { ok: true; value: T } | { ok: false; why: string };

/** The student's cost as a finite number, or why it is not one. */
export function studentCost(run: L2CostRun): CostGot<number> {
  const error = callError(run, where(run));
  if (error) return { ok: false, why: error };
  const value = costValueOf(run.result);
  if (value !== undefined) return { ok: true, value };
  const returned = run.result.values.cost;
  const what = returned && "other" in returned ? String(returned.other).slice(0, 200) : `${round(tensorOf(returned)?.values[0] ?? NaN)}`;
  return {
    ok: false,
    why: `On ${where(run)}: the cost should be a finite number; your function gave ${what}. Return a number (computeCost gives one; read a tensor's value with .dataSync()[0]), or a tensor holding one number. NaN and Infinity usually come from the log of 0 or a division by 0.`,
  };
}

export const sameTensors = (a: Record<string, WireTensor>, b: Record<string, WireTensor>, names: string[]) => names.every((n) => a[n] && b[n] && identical(a[n], b[n]));

/** Pairs of cost runs on the same predictions, labels, weights and lambd, with other biases. */
export function biasPairs(runs: L2CostRun[]): [L2CostRun, L2CostRun][] {
  const pairs: [L2CostRun, L2CostRun][] = [];
  runs.forEach((a, i) =>
    runs.slice(i + 1).forEach((b) => {
      const same = a.inputs.lambd === b.inputs.lambd && sameTensors(a.inputs as never, b.inputs as never, ["A3", "Y"]) && sameTensors(a.inputs.parameters, b.inputs.parameters, ["W1", "W2", "W3"]);
      if (same && !sameTensors(a.inputs.parameters, b.inputs.parameters, ["b1", "b2", "b3"])) pairs.push([a, b]);
    }),
  );
  return pairs;
}

/**
 * cost.biases. Rule: on each pair of cases that differ only in their biases, the two costs are equal (A3 is
 * given, so the biases could enter the cost only through the L2 term). Gate (the caller's): showsWork, since a
 * constant or the cross-entropy alone satisfies the rule trivially.
 */
export function biasesIgnored(pair: [L2CostRun, L2CostRun], diagnosis: Diagnosis | undefined): Verdict {
  const [a, b] = pair;
  const [costA, costB] = [studentCost(a), studentCost(b)];
  if (!costA.ok) return fail(costA.why);
  if (!costB.ok) return fail(costB.why);
  if (close(costA.value, costB.value)) return ok();
  // The difference only: either cost alone may be a hidden case's expected value.
  const why = `On ${where(a)}, and on ${where(b)}, which differ only in their biases, your costs differ by ${round(Math.abs(costA.value - costB.value))}: the biases are not regularized, so they cannot change the cost.`;
  return withDiagnosis(why, diagnosis);
}

