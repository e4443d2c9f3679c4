/**
 * The L2 checks' rules, shared by the grader (every case) and the notebook's public tests (the public cases):
 * each compares the student's outputs with the expected ones and with what each typical mistake gives on the
 * case (its outcomes: recomputed in grading, read from data in the public tests). What is worked out here is
 * the plain part the course gives (A3 − Y, (1/m)·dZ·A_prevᵀ from the student's own dZ), never the L2 term.
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape } from "../../format";
import { GRADIENT_NAMES } from "../../types";
import { isPublicCase } from "../../testing/cases";
import type { WireTensor } from "../../testing/tensorData";
import { close, compare, fromTensor, round, scoped, tensorOf, toTensor } from "../../testing/tensorData";
import type { Verdict } from "../../testing/verdicts";
import { all, callError, fail, firstFailure, ok } from "../../testing/verdicts";
import type { L2BackwardOutcomes, L2CostOutcomes } from "./diagnoses";
import { diagnoseCost, diagnoseRegularizedBackward } from "./diagnoses";
import type { L2BackwardRun, L2CostRun, L2Run } from "./evidence";
import { revealed, studentCost, where, withDiagnosis } from "./evidence";

const LAYERS = [1, 2, 3] as const;

// ---------------------------------------------------------------------------------------------- the cost

/** The cost equals the solution's (the references). */
export function costReference(run: L2CostRun, expected: number, reveal: boolean, outcomes: L2CostOutcomes): Verdict {
  const cost = studentCost(run);
  if (!cost.ok) return fail(cost.why);
  if (close(cost.value, expected)) return ok();
  const shown = reveal ? `; expected ${round(expected)}` : ", which is not the right value";
  return fail(withDiagnosis(`On ${where(run)}: the cost is ${round(cost.value)}${shown}.`, diagnoseCost(run.result, run.inputs.lambd, outcomes)));
}

/**
 * Real work in the cost, over the runs given: every cost is a finite number; the cross-entropy alone where
 * lambd = 0 and not alone where lambd > 0 (an L2 term is added); and on some case the cost is a recomputation,
 * the right one or one with a typical mistake of the L2 term built in. A constant, or the plain cross-entropy
 * everywhere, is not real work.
 */
/** The runs whose expected values are not public (hidden cases and the course's twin), or all runs when there are none (the public tests). */
export function secretCasesFirst<R extends L2Run<unknown>>(runs: R[]): R[] {
  const secret = runs.filter((run) => !isPublicCase(run.spec));
  return secret.length > 0 ? secret : runs;
}

/** Whether `R` is c·W for some c ≠ 0 (float32 noise aside): a weight term of some factor, the right one or not. */
export function proportionalToWeights(R: WireTensor, W: WireTensor): boolean {
  if (R.values.length !== W.values.length || R.values.length === 0) return false;
  const dot = (a: number[], b: number[]) => a.reduce((sum, v, k) => sum + v * b[k], 0);
  const ww = dot(W.values, W.values);
  if (!(ww > 0)) return false;
  const c = dot(R.values, W.values) / ww;
  const residual = Math.sqrt(R.values.reduce((sum, v, k) => sum + (v - c * W.values[k]) ** 2, 0));
  const size = Math.sqrt(dot(R.values, R.values));
  return Number.isFinite(c) && size > 1e-6 && residual <= 1e-3 * size;
}

export function costWork(runs: L2CostRun[], outcomesOf: (run: L2CostRun) => L2CostOutcomes): Verdict {
  if (runs.length === 0) return fail("No case of the cost was run.");
  const costs: number[] = [];
  for (const run of runs) {
    const cost = studentCost(run);
    if (!cost.ok) return fail(cost.why);
    const crossEntropy = outcomesOf(run)["no-term"];
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
  const recomputed = evidence.some((run) => close(costs[runs.indexOf(run)], outcomesOf(run).right) || diagnoseCost(run.result, run.inputs.lambd, outcomesOf(run)) !== undefined);
  return recomputed ? ok() : fail("On no case is your cost the cross-entropy plus an L2 term of the weights, (1/m)·(λ/2)·ΣW² or a typical mistake of it.");
}

/** lambd = 0: nothing to regularize, so the cost is the library's cross-entropy ("no-term"'s outcome). */
export function lambdZero(run: L2CostRun, outcomes: L2CostOutcomes): Verdict {
  const cost = studentCost(run);
  if (!cost.ok) return fail(cost.why);
  if (close(cost.value, outcomes["no-term"])) return ok();
  return fail(`On ${where(run)}: with lambd = 0 the L2 term is 0, so the cost must be the plain cross-entropy, computeCost(A3, Y); yours is ${round(cost.value)}, which is not it.`);
}

// ---------------------------------------------------------------------------------------------- the gradients

/** All eleven gradients equal the solution's (the references). */
export function regularizedBackwardReference(run: L2BackwardRun, expected: Record<string, WireTensor>, reveal: boolean, outcomes: L2BackwardOutcomes): Verdict {
  const error = callError(run, where(run));
  if (error) return fail(error);
  for (const name of GRADIENT_NAMES) {
    const c = compare(name, run.result.values[name], expected[name], reveal);
    if (!c.ok) return fail(withDiagnosis(`On ${where(run)}: ${c.why}.`, diagnoseRegularizedBackward(run.result, run.inputs.lambd, outcomes)));
  }
  return ok();
}

/** backward.biases' rule: db1, db2, db3 are the plain backward pass's (recomputed here), whatever lambd. */
export function biasGradientsPlain(run: L2BackwardRun, outcomes: L2BackwardOutcomes): Verdict {
  const error = callError(run, where(run));
  if (error) return fail(error);
  for (const l of LAYERS) {
    const c = compare(`db${l}`, run.result.values[`db${l}`], outcomes.db[`db${l}`].plain, revealed(run));
    if (!c.ok) {
      const why = `On ${where(run)}: db${l} should be the plain backward pass's, (1/m)·Σ dZ${l} over the examples, since the biases are not regularized; ${c.why}.`;
      return fail(withDiagnosis(why, diagnoseRegularizedBackward(run.result, run.inputs.lambd, outcomes)));
    }
  }
  return ok();
}

/**
 * Real work in the backward pass, on every case: dZ3 = A3 − Y (recomputed here from the cache and the labels:
 * zero or constant gradients fail), and where lambd > 0 some dW_l is not (1/m)·dZ_l·A_{l−1}ᵀ from the
 * student's own dZ_l (a regularization term is added). The plain backward pass is not L2 work.
 */
export function backwardWork(runs: L2BackwardRun[]): Verdict {
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
        const plain = scoped(() => fromTensor(tf.div(tf.matMul(toTensor(dZ), toTensor(previous[l]), false, true), run.inputs.Y.shape[1])));
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
          const residual = scoped(() => fromTensor(tf.sub(toTensor(dW), tf.div(tf.matMul(toTensor(dZ), toTensor(previous), false, true), run.inputs.Y.shape[1]))));
          return proportionalToWeights(residual, run.inputs.cache[`W${l}`]);
        }),
      );
      return withWeightTerm ? ok() : fail("On no case is any of your dW1, dW2, dW3 the plain gradient plus a multiple of its weights W (the regularization term (λ/m)·W).");
    },
  );
}

