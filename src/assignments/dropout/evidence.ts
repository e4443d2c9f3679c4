/**
 * What the dropout checks read off a call's result, shared by the grader's checks and the notebook's public
 * tests: the runs as data, a named output as a tensor of finite numbers (or why not), a mask's 0s and 1s, the
 * hidden layers' names and shapes, a backward call's error with what a broadcast error means, and whether the
 * masks visibly drop units. All of it reads the student's own tensors; none of it computes a pass.
 */
import { ATOL } from "../../compare";
import { formatShape } from "../../format";
import type { CallResult, WireTensor } from "../../testing/tensorData";
import { round, tensorOf } from "../../testing/tensorData";
import type { CaseInfo } from "../../testing/cases";
import type { Diagnosis, Verdict } from "../../testing/verdicts";
import { callError, diagnosis, fail, ok } from "../../testing/verdicts";
import type { BackwardInputs, ForwardInputs } from "./calls";
import { diagnoseBroadcastError, diagnoseNonFinite } from "./diagnoses";

export type GradedFunctionName = "forwardPropagationWithDropout" | "backwardPropagationWithDropout";

export interface ForwardRun {
  /** The student's function's source, where known: it only words a diagnosis whose mistake the values show. */
  source?: string;
  spec: CaseInfo & { keepProb: number };
  inputs: ForwardInputs;
  result: CallResult;
}

export interface BackwardRun {
  /** The student's function's source, where known (wording only, as ForwardRun's). */
  source?: string;
  id: string;
  description: string;
  /** A public case of the public tests (the course's is public by its id "course"). */
  public?: boolean;
  /** The course's X and cache with labels and keepProb of the grader's own (hidden; the course check's gate). */
  courseInputs?: boolean;
  inputs: BackwardInputs;
  result: CallResult;
  /** The same call made again by the parent with fresh input tensors (determinism), where it was made. */
  again?: CallResult;
}

/** A backward call's error, with what a broadcast error between the two layers' shapes means (and names). */
export function backwardCallError(run: BackwardRun): Diagnosis | undefined {
  const error = callError(run, run.description);
  const message = run.result.error?.message;
  if (!error) return undefined;
  const c = run.inputs.cache;
  const hint = message && c.D1 && c.D2 ? diagnoseBroadcastError(message, { layer1: c.D1.shape, layer2: c.D2.shape }) : undefined;
  return hint ? { ...diagnosis(hint.misconceptions, `${error}\n${hint.text}`), naming: hint.text } : diagnosis([], error);
}

/** Why a mask is not one, said the same way by every check that needs a mask. */
export function notAMask(where: string, label: string, values: number[]): Verdict | undefined {
  return values.every((v) => v === 0 || v === 1) ? undefined : fail(`On ${where}: ${label} holds values other than 0 and 1; a mask is (draw < keepProb) as 0s and 1s.`);
}

export type Got = { ok: true; t: WireTensor } | { ok: false; why: string; misconceptions?: string[]; naming?: string };

/** One of the student's outputs as a tensor of finite numbers (of the given shape): something to compute from. */
export function output(result: CallResult, key: string, description: string, shape?: number[], keepProb?: number): Got {
  const label = key.replace(/^cache\./, "");
  const t = tensorOf(result.values[key]);
  if (!t) {
    const v = result.values[key];
    const what = v && "other" in v ? String(v.other).slice(0, 200) : "nothing";
    return { ok: false, why: `On ${description}: ${label} should be a tensor${shape ? ` of shape ${formatShape(shape)}` : ""}; your function gave ${what}.` };
  }
  if (t.shape.length !== 2 || (shape && t.shape.join() !== shape.join())) return { ok: false, why: `On ${description}: ${label} has shape ${formatShape(t.shape)}; it should have shape ${shape ? formatShape(shape) : "[rows, columns]"}.` };
  const bad = t.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    // A forward pass's NaN is traced to the step that made it; later steps' checks then say where it came from.
    const origin = keepProb !== undefined ? diagnoseNonFinite(result, keepProb) : undefined;
    if (origin) return { ok: false, why: `On ${description}: every value must be a finite number, and ${origin.text}`, misconceptions: origin.misconceptions, naming: origin.text };
    return { ok: false, why: `On ${description}: ${label}[${Math.floor(bad / t.shape[1])}, ${bad % t.shape[1]}] is ${round(t.values[bad])}; every value must be a finite number (NaN and Infinity usually come from a division by 0, or from 0 / 0).` };
  }
  return { ok: true, t };
}

export const LAYERS = [
  { Z: "cache.Z1", D: "cache.D1", A: "cache.A1", W: "W1" },
  { Z: "cache.Z2", D: "cache.D2", A: "cache.A2", W: "W2" },
] as const;

export const short = (key: string) => key.replace(/^cache\./, "");

/** The shape of a layer's activations on a case: [units, examples]. */
export function layerShape(inputs: ForwardInputs, W: "W1" | "W2"): number[] {
  return [inputs.parameters[W].shape[0], inputs.X.shape[1]];
}

/**
 * What forward.scaling needs before it can judge anything, over `runs` (cases with keepProb < 1): in each hidden
 * layer, some unit the student's mask keeps has a positive pre-activation, so a division by keepProb (or its
 * absence) shows in A. Masks that keep no active unit satisfy A = relu(Z) * D / keepProb with nothing scaled:
 * the check says so as a fact (it is not judged), never as a reason to withhold a check it passed.
 */
export function scalingSeen(runs: ForwardRun[], where: string): Verdict {
  if (runs.length === 0) return fail("No case with keepProb below 1 was run, so the scaling cannot be seen.");
  for (const { Z, D, W } of LAYERS) {
    let keptActive = 0;
    for (const run of runs) {
      const shape = layerShape(run.inputs, W);
      const [z, d] = [output(run.result, Z, run.spec.description, shape), output(run.result, D, run.spec.description, shape)];
      if (!z.ok || !d.ok) continue;
      d.t.values.forEach((v, k) => {
        if (v === 1 && z.t.values[k] > ATOL) keptActive++;
      });
    }
    if (keptActive === 0) {
      return fail(`Nothing to judge: over ${where}, your ${short(D)} keeps no unit whose ${short(Z)} is positive, so no kept activation could be divided by keepProb (A = relu(Z) * D / keepProb holds with nothing scaled). This check is judged on the units your mask keeps: keep a unit where its draw is below keepProb.`);
    }
  }
  return ok();
}

