/**
 * The L2 assignment's checks: from what the student's computeCostWithRegularization and
 * backwardPropagationWithRegularization returned, as plain data, to a verdict and a message per check. Shared
 * by the notebook's public tests (public checks, public cases) and the grader (every check, every case).
 *
 * Scores come from outputs only, compared with the references (the solution's outputs) or with this process's
 * own recomputations (l2Recompute.ts: the cross-entropy, the plain backward pass, tf.grad). No check passes
 * vacuously: a rule that a degenerate answer satisfies trivially (a constant cost, the plain cross-entropy,
 * the plain backward pass, zero gradients, published values recalled for the published inputs) is credited only
 * together with evidence of real work, as each check's gate says. Expected values of hidden cases are never
 * shown: only the public cases'.
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape } from "../../format";
import { GRADIENT_NAMES } from "../../types";
import { isHiddenCase, isPublicCase } from "../cases";
import type { CallResult, WireTensor } from "../tensorData";
import { close, compare, fromTensor, identical, round, scoped, tensorOf, toTensor } from "../tensorData";
import type { CheckOf, CheckResult, UnavailableOf, Verdict } from "../verdicts";
import { all, callError, changedInputs, fail, firstFailure, gated, ok, overCases, repeatsItself, scoredResults } from "../verdicts";
import type { L2BackwardInputs, L2CostInputs, L2FunctionName } from "./l2Calls";
import type { L2CaseInfo, L2ExpectedOutputs } from "./l2Cases";
import { costValueOf, diagnoseCost, diagnoseRegularizedBackward } from "./l2Diagnoses";
import { autodiffL2Gradients, crossEntropyOf, examplesOf, LAYERS, plainGradientsOf, regularizedCostOf } from "./l2Recompute";

export type L2CheckDefinition = CheckOf<L2FunctionName, L2Evidence, L2ExpectedOutputs>;

const COST = "computeCostWithRegularization";
const BACKWARD = "backwardPropagationWithRegularization";

export const L2_CHECK_DEFINITIONS: L2CheckDefinition[] = [
  { id: "cost.course", fn: COST, public: true, name: "cost: the course's published case", verdict: ({ cost }, expected) => courseCase(cost, (run, reveal) => costReference(run, expected, reveal)) },
  // Rule (the references are the evidence): every hidden case (lambd 0 and the large one included) equals the solution's cost.
  { id: "cost.cases", fn: COST, public: false, name: "cost: other nets, numbers of examples and lambds", verdict: ({ cost }, expected) => overCases(cost.filter(hidden), (run) => costReference(run, expected, false)) },
  // Rule: at lambd = 0 the recomputed cross-entropy. Gate: real work (the cross-entropy alone everywhere passes it trivially).
  { id: "cost.lambd-zero", fn: COST, public: false, name: "cost: with lambd = 0 the cost is the plain cross-entropy", verdict: ({ cost }) => all(() => overCases(cost.filter((run) => run.inputs.lambd === 0), lambdZero), () => gated(costWork(cost))) },
  { id: "cost.biases", fn: COST, public: true, name: "cost: the biases are not regularized (other biases, the same cost)", verdict: ({ cost }) => all(() => overCases(biasPairs(cost), biasesIgnored), () => gated(costWork(cost))) },
  { id: "cost.inputs", fn: COST, public: true, name: "cost: inputs left unchanged", verdict: ({ cost }) => inputsUnchanged(cost, "A3, Y or the parameters", () => costWork(cost)) },
  { id: "backward.course", fn: BACKWARD, public: true, name: "backward: the course's published case", verdict: ({ backward }, expected) => courseCase(backward, (run, reveal) => backwardReference(run, expected, reveal)) },
  // Rule (the references are the evidence): every hidden case equals the solution's gradients.
  { id: "backward.cases", fn: BACKWARD, public: false, name: "backward: other nets, numbers of examples and lambds", verdict: ({ backward }, expected) => overCases(backward.filter(hidden), (run) => backwardReference(run, expected, false)) },
  { id: "backward.autodiff", fn: BACKWARD, public: false, name: "backward: gradients equal TensorFlow.js's autodiff (tf.grad) of the regularized cost", verdict: ({ backward }) => overCases(backward.filter(hidden), autodiff) },
  // Rule: db as the plain backward pass's, on every case. Gate: real work (the plain backward pass passes it trivially).
  { id: "backward.biases", fn: BACKWARD, public: true, name: "backward: the biases are not regularized (db is the plain backward pass's)", verdict: ({ backward }) => all(() => overCases(backward, biasGradientsPlain), () => gated(backwardWork(backward))) },
  { id: "backward.inputs", fn: BACKWARD, public: true, name: "backward: inputs left unchanged", verdict: ({ backward }) => inputsUnchanged(backward, "X, Y or the cache's tensors", () => backwardWork(backward)) },
];

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

/** Why a whole function could not be checked (missing, not implemented, crashed): every check of it fails with this. */
export type L2Unavailable = UnavailableOf<L2FunctionName>;

const hidden = (run: L2Run<unknown>) => isHiddenCase(run.spec);
const revealed = (run: L2Run<unknown>) => isPublicCase(run.spec);
const where = (run: L2Run<unknown>) => run.spec.description;
const withDiagnosis = (why: string, diagnosis: string | undefined) => (diagnosis ? `${why}\n${diagnosis}` : why);

/** Every call's error, the first of them failing the check. */
function callErrors(runs: L2Run<unknown>[]): Verdict {
  return firstFailure(runs.map((run) => callError(run, where(run))).filter(Boolean).map((e) => fail(e!)));
}

/** The repeat (the same input objects, called again) gives exactly the first call's outputs: inputs left unchanged. */
function inputsUnchanged(runs: L2Run<unknown>[], inputNames: string, work: () => Verdict): Verdict {
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
    () => gated(work()),
  );
}

/** The course's case by its published values, gated by its hidden twin (the same inputs, a lambd of the grader's own). */
function courseCase<R extends L2Run<unknown>>(runs: R[], reference: (run: R, reveal: boolean) => Verdict): Verdict {
  const course = runs.find((r) => r.spec.course);
  if (!course) return fail("The course's case was not run.");
  const twin = runs.find((r) => r.spec.courseInputs);
  return all(
    () => reference(course, true),
    () => (twin ? gated(reference(twin, false)) : ok()),
  );
}

// ---------------------------------------------------------------------------------------------- the cost

type Got<T> = { ok: true; value: T } | { ok: false; why: string };

/** The student's cost as a finite number, or why it is not one. */
function studentCost(run: L2CostRun): Got<number> {
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

/** The cost equals the solution's (the references). */
function costReference(run: L2CostRun, expected: L2ExpectedOutputs, reveal: boolean): Verdict {
  const cost = studentCost(run);
  if (!cost.ok) return fail(cost.why);
  const reference = expected.cost[run.spec.id]?.cost;
  if (!reference) throw new Error(`no reference outputs for cost case "${run.spec.id}"`);
  if (close(cost.value, reference.values[0])) return ok();
  const shown = reveal ? `; expected ${round(reference.values[0])}` : ", which is not the right value";
  return fail(withDiagnosis(`On ${where(run)}: the cost is ${round(cost.value)}${shown}.`, diagnoseCost(run.result, run.inputs)));
}

/**
 * Real work in the cost, over the runs given: every cost is a finite number; the cross-entropy alone where
 * lambd = 0 and not alone where lambd > 0 (an L2 term is added); and on some case the cost is a recomputation,
 * the right one or one with a typical mistake of the L2 term built in. A constant, or the plain cross-entropy
 * everywhere, is not real work.
 */
/** The runs whose expected values are not public (hidden cases and the course's twin), or all runs when there are none (the public tests). */
function secretCasesFirst<R extends L2Run<unknown>>(runs: R[]): R[] {
  const secret = runs.filter((run) => !isPublicCase(run.spec));
  return secret.length > 0 ? secret : runs;
}

/** Whether `R` is c·W for some c ≠ 0 (float32 noise aside): a weight term of some factor, the right one or not. */
function proportionalToWeights(R: WireTensor, W: WireTensor): boolean {
  if (R.values.length !== W.values.length || R.values.length === 0) return false;
  const dot = (a: number[], b: number[]) => a.reduce((sum, v, k) => sum + v * b[k], 0);
  const ww = dot(W.values, W.values);
  if (!(ww > 0)) return false;
  const c = dot(R.values, W.values) / ww;
  const residual = Math.sqrt(R.values.reduce((sum, v, k) => sum + (v - c * W.values[k]) ** 2, 0));
  const size = Math.sqrt(dot(R.values, R.values));
  return Number.isFinite(c) && size > 1e-6 && residual <= 1e-3 * size;
}

function costWork(runs: L2CostRun[]): Verdict {
  if (runs.length === 0) return fail("No case of the cost was run.");
  const costs: number[] = [];
  for (const run of runs) {
    const cost = studentCost(run);
    if (!cost.ok) return fail(cost.why);
    const crossEntropy = crossEntropyOf(run.inputs);
    if (run.inputs.lambd > 0 && close(cost.value, crossEntropy)) {
      return fail(`On ${where(run)}: your cost is the plain cross-entropy, although lambd is ${run.inputs.lambd}: add the L2 term (1/m)·(λ/2)·(ΣW1² + ΣW2² + ΣW3²).`);
    }
    if (run.inputs.lambd === 0 && !close(cost.value, crossEntropy)) return fail(`On ${where(run)}: with lambd = 0 your cost is not the plain cross-entropy.`);
    costs.push(cost.value);
  }
  // Real work is shown on cases whose expected cost the student cannot have: the hidden ones (the course's twin
  // included) when grading; the public tests have only public cases, and there they are the evidence. At lambd 0
  // the cross-entropy alone is right, so those cases show nothing.
  const evidence = secretCasesFirst(runs.filter((run) => run.inputs.lambd > 0));
  const recomputed = evidence.some((run) => close(costs[runs.indexOf(run)], regularizedCostOf(run.inputs)) || diagnoseCost(run.result, run.inputs) !== undefined);
  return recomputed ? ok() : fail("On no case is your cost the cross-entropy plus an L2 term of the weights, (1/m)·(λ/2)·ΣW² or a typical mistake of it.");
}

/** lambd = 0: nothing to regularize, so the cost is the library's cross-entropy (recomputed here). */
function lambdZero(run: L2CostRun): Verdict {
  const cost = studentCost(run);
  if (!cost.ok) return fail(cost.why);
  if (close(cost.value, crossEntropyOf(run.inputs))) return ok();
  return fail(`On ${where(run)}: with lambd = 0 the L2 term is 0, so the cost must be the plain cross-entropy, computeCost(A3, Y); yours is ${round(cost.value)}, which is not it.`);
}

const sameTensors = (a: Record<string, WireTensor>, b: Record<string, WireTensor>, names: string[]) => names.every((n) => a[n] && b[n] && identical(a[n], b[n]));

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
 * given, so the biases could enter the cost only through the L2 term). Gate: real work (costWork), since a
 * constant or the cross-entropy alone satisfies the rule trivially.
 */
function biasesIgnored(pair: [L2CostRun, L2CostRun]): Verdict {
  const [a, b] = pair;
  const [costA, costB] = [studentCost(a), studentCost(b)];
  if (!costA.ok) return fail(costA.why);
  if (!costB.ok) return fail(costB.why);
  if (close(costA.value, costB.value)) return ok();
  // The difference only: either cost alone may be a hidden case's expected value.
  const why = `On ${where(a)}, and on ${where(b)}, which differ only in their biases, your costs differ by ${round(Math.abs(costA.value - costB.value))}: the biases are not regularized, so they cannot change the cost.`;
  return fail(withDiagnosis(why, diagnoseCost(a.result, a.inputs) ?? diagnoseCost(b.result, b.inputs)));
}

// ---------------------------------------------------------------------------------------------- the gradients

/** All eleven gradients equal the solution's (the references). */
function backwardReference(run: L2BackwardRun, expected: L2ExpectedOutputs, reveal: boolean): Verdict {
  const error = callError(run, where(run));
  if (error) return fail(error);
  const reference = expected.backward[run.spec.id];
  if (!reference) throw new Error(`no reference outputs for backward case "${run.spec.id}"`);
  for (const name of GRADIENT_NAMES) {
    const c = compare(name, run.result.values[name], reference[name], reveal);
    if (!c.ok) return fail(withDiagnosis(`On ${where(run)}: ${c.why}.`, diagnoseRegularizedBackward(run.result, run.inputs)));
  }
  return ok();
}

const PARAMETER_GRADIENTS = ["dW3", "db3", "dW2", "db2", "dW1", "db1"];

/**
 * backward.autodiff. Rule (the recomputation is the evidence; nothing to gate): on every hidden case, whose
 * cache is the forward pass of its own X, dW1..db3 equal tf.grad of cross-entropy + (λ/2m)·ΣW². The expected
 * gradients are not zero, so zero gradients fail.
 */
function autodiff(run: L2BackwardRun): Verdict {
  const error = callError(run, where(run));
  if (error) return fail(error);
  const expected = autodiffL2Gradients(run.inputs);
  for (const name of PARAMETER_GRADIENTS) {
    const c = compare(name, run.result.values[name], expected[name], false);
    if (!c.ok) return fail(withDiagnosis(`On ${where(run)}: ${c.why} (compared with tf.grad of the regularized cost).`, diagnoseRegularizedBackward(run.result, run.inputs)));
  }
  return ok();
}

/** backward.biases' rule: db1, db2, db3 are the plain backward pass's (recomputed here), whatever lambd. */
function biasGradientsPlain(run: L2BackwardRun): Verdict {
  const error = callError(run, where(run));
  if (error) return fail(error);
  const plain = plainGradientsOf(run.inputs);
  for (const l of LAYERS) {
    const c = compare(`db${l}`, run.result.values[`db${l}`], plain[`db${l}`], revealed(run));
    if (!c.ok) {
      const why = `On ${where(run)}: db${l} should be the plain backward pass's, (1/m)·Σ dZ${l} over the examples, since the biases are not regularized; ${c.why}.`;
      return fail(withDiagnosis(why, diagnoseRegularizedBackward(run.result, run.inputs)));
    }
  }
  return ok();
}

/**
 * Real work in the backward pass, on every case: dZ3 = A3 − Y (recomputed here from the cache and the labels:
 * zero or constant gradients fail), and where lambd > 0 some dW_l is not (1/m)·dZ_l·A_{l−1}ᵀ from the
 * student's own dZ_l (a regularization term is added). The plain backward pass is not L2 work.
 */
function backwardWork(runs: L2BackwardRun[]): Verdict {
  if (runs.length === 0) return fail("No case of the backward pass was run.");
  return all(
    () => firstFailure(runs.map((run) => {
      const error = callError(run, where(run));
      if (error) return fail(error);
      const c = run.inputs.cache;
      const dZ3 = scoped(() => fromTensor(tf.sub(toTensor(c.A3), toTensor(run.inputs.Y))));
      const checked = compare("dZ3", run.result.values.dZ3, dZ3, revealed(run));
      if (!checked.ok) return fail(`On ${where(run)}: dZ3 should be A3 − Y (from the cache and the labels): ${checked.why}.`);
      if (run.inputs.lambd === 0) return ok();
      const previous: Record<number, WireTensor> = { 1: run.inputs.X, 2: c.A1, 3: c.A2 };
      const plainFromOwn: boolean[] = [];
      for (const l of LAYERS) {
        const dZ = tensorOf(run.result.values[`dZ${l}`]);
        if (!dZ || dZ.shape.join() !== c[`A${l}`].shape.join()) return fail(`On ${where(run)}: dZ${l} should be a tensor shaped like A${l}, ${formatShape(c[`A${l}`].shape)}.`);
        const plain = scoped(() => fromTensor(tf.div(tf.matMul(toTensor(dZ), toTensor(previous[l]), false, true), examplesOf(run.inputs))));
        plainFromOwn.push(compare(`dW${l}`, run.result.values[`dW${l}`], plain, false).ok);
      }
      if (plainFromOwn.every(Boolean)) {
        return fail(`On ${where(run)}: each of your dW1, dW2, dW3 is (1/m)·dZ·A_prevᵀ from your own dZ, the plain backward pass's, although lambd is ${run.inputs.lambd}: the regularization term (λ/m)·W is not added.`);
      }
      return ok();
    })),
    // And on a case whose gradients the student cannot have, some dW_l is the plain one from their own dZ plus a
    // multiple of W_l (the right (λ/m)·W_l or a wrong factor): a weight term, not any change to dW.
    () => {
      const withWeightTerm = secretCasesFirst(runs.filter((run) => run.inputs.lambd > 0)).some((run) =>
        LAYERS.some((l) => {
          const dZ = tensorOf(run.result.values[`dZ${l}`]);
          const dW = tensorOf(run.result.values[`dW${l}`]);
          const previous = l === 1 ? run.inputs.X : run.inputs.cache[`A${l - 1}`];
          if (!dZ || !dW) return false;
          const residual = scoped(() => fromTensor(tf.sub(toTensor(dW), tf.div(tf.matMul(toTensor(dZ), toTensor(previous), false, true), examplesOf(run.inputs)))));
          return proportionalToWeights(residual, run.inputs.cache[`W${l}`]);
        }),
      );
      return withWeightTerm ? ok() : fail("On no case is any of your dW1, dW2, dW3 the plain gradient plus a multiple of its weights W (the regularization term (λ/m)·W).");
    },
  );
}

// ---------------------------------------------------------------------------------------------- all

/** Each given check's verdict (the grader passes them all with their points; the public tests the public ones). */
export function runL2Checks(evidence: L2Evidence, expected: L2ExpectedOutputs, unavailable: L2Unavailable, checks: (L2CheckDefinition & { points: number })[]): CheckResult[] {
  return scoredResults(checks, unavailable, evidence, expected);
}
