/**
 * The L2 diagnoses (src/assignments/l2-regularization/diagnoses.ts, with the outcomes recomputed as grading does) on the tests' oracle solution with one typical mistake
 * built in (test/helpers/l2Mistakes.ts), each called through the harness the grader uses: every mistake is
 * named on the course's case, a public case and a hidden one, by its own diagnosis and by no other; the right
 * answer, lambd = 0 (where every mistake of the L2 term gives the right answer), a mistake elsewhere in the
 * function, and cases where two mistakes give the same numbers (m = 2 for the cost's two factors, zero
 * biases, m = 1) get no diagnosis.
 * Fails when: a variant's recomputation is off (seen red: the "λ/m" variant as λ/(3m): 5 tests), several fitting
 * variants are not kept silent (seen red: `fitting.length === 1` as `>= 1`: 1), the right cost is not tried
 * first (seen red: that line removed, zero biases then called regularized: 2), a layer no term explains does
 * not silence the others (seen red: such a layer taken as right: 1), the biases' finding accepts a db that is
 * neither plain nor regularized (seen red: its `return undefined` removed: 1), or the per-layer findings name
 * layers that are right (seen red: every layer named for a mistake in one: 10).
 */
import { describe, expect, it } from "vitest";
import { callGraded, costCall, diagnoseCost, diagnoseRegularizedBackward, regularizedBackwardCall, tf } from "dropout-kit";
import type { BackwardWithRegularization, CostWithRegularization, GradedFunction, L2BackwardInputs, L2CostInputs } from "dropout-kit";
import { cases } from "../grader/assignments/l2-regularization/source/settings";
import { BACKWARD_MISTAKES, COST_MISTAKES } from "./helpers/l2Mistakes";
import type { Mistake } from "./helpers/l2Mistakes";
import { backwardPropagationWithRegularization, backwardWith, computeCostWithRegularization, costWith, RIGHT_L2_TERM } from "./helpers/l2Solution";
import { l2BackwardInputs, l2CostInputs } from "../grader/assignments/l2-regularization/cases";
import type { L2CaseSettings } from "../grader/assignments/l2-regularization/cases";
import { recomputedBackwardOutcomes, recomputedCostOutcomes } from "../grader/assignments/l2-regularization/checks/diagnoses";

const settingsOf = (list: L2CaseSettings[], id: string) => list.find((c) => c.id === id)!;

/** What the cost's diagnosis says of `fn` on `inputs`, called as the grader calls it. */
const costDiagnosis = (fn: CostWithRegularization, inputs: L2CostInputs) => diagnoseCost(callGraded(fn as unknown as GradedFunction, costCall(inputs)), inputs.lambd, recomputedCostOutcomes(inputs));
const backwardDiagnosis = (fn: BackwardWithRegularization, inputs: L2BackwardInputs) =>
  diagnoseRegularizedBackward(callGraded(fn as unknown as GradedFunction, regularizedBackwardCall(inputs)), inputs.lambd, recomputedBackwardOutcomes(inputs));

/** A case of its own, as the grader's cases are made (a net [3, 4, 2, 1]). */
const own = (id: string, examples: number, lambd: number, biasScale = 1): L2CaseSettings => ({ id, description: id, dims: [3, 4, 2, 1], examples, inputSeed: 301, biasScale, lambd });

/**
 * What every diagnosis owes: each mistake named on each of the cases given, by its own diagnosis and by no
 * other; the right answer silent on every case of the grader's; every mistake silent at lambd = 0.
 */
function diagnosesOfEachMistake<Fn, Inputs>(
  mistakes: Mistake<Fn>[], list: L2CaseSettings[], namedOn: string[], inputsOf: (s: L2CaseSettings) => Inputs, diagnosisOf: (fn: Fn, inputs: Inputs) => string | undefined, right: Fn,
): void {
  for (const id of namedOn) {
    it.each(mistakes.map((m) => [m.name, m] as const))(`on case ${id}: %s is named, and nothing else`, (_name, mistake) => {
      const said = diagnosisOf(mistake.fn, inputsOf(settingsOf(list, id)));
      expect(said).toMatch(mistake.diagnosis);
      for (const other of mistakes.filter((m) => m !== mistake)) expect(said).not.toMatch(other.diagnosis);
    });
  }

  it("the right answer gets no diagnosis, on every case of the grader's", () => {
    for (const settings of list) expect(diagnosisOf(right, inputsOf(settings)), settings.id).toBeUndefined();
  });

  it("at lambd = 0 no mistake is named: each gives the right answer", () => {
    const inputs = inputsOf(settingsOf(list, "lambd-zero"));
    for (const mistake of mistakes) expect(diagnosisOf(mistake.fn, inputs), mistake.name).toBeUndefined();
  });
}

describe("the cost's diagnoses", () => {
  // The course's (lambd 0.1), the public one with large biases, and a hidden one on the course's net.
  diagnosesOfEachMistake(COST_MISTAKES, cases.cost, ["course", "public-large-biases", "net-0.7"], l2CostInputs, costDiagnosis, computeCostWithRegularization);

  it("a mistake elsewhere (the cross-entropy summed, not averaged) is not taken for a mistake of the L2 term", () => {
    const right = computeCostWithRegularization;
    const summed: CostWithRegularization = (A3, Y, p, lambd) => right(A3, Y, p, 0) * Y.shape[1] + (right(A3, Y, p, lambd) - right(A3, Y, p, 0));
    expect(costDiagnosis(summed, l2CostInputs(settingsOf(cases.cost, "net-0.7")))).toBeUndefined();
    const notANumber: CostWithRegularization = () => Number.NaN;
    expect(costDiagnosis(notANumber, l2CostInputs(settingsOf(cases.cost, "course")))).toBeUndefined();
  });

  it("where two mistakes give the same cost (m = 2: λ/2 and λ/m), neither is named", () => {
    const inputs = l2CostInputs(own("m-2", 2, 0.6));
    for (const name of ["no division by m", "λ/m instead of λ/(2m)"]) {
      expect(costDiagnosis(COST_MISTAKES.find((m) => m.name === name)!.fn, inputs), name).toBeUndefined();
    }
    // The same mistakes with m = 3 are told apart.
    expect(costDiagnosis(COST_MISTAKES[0].fn, l2CostInputs(own("m-3", 3, 0.6)))).toMatch(COST_MISTAKES[0].diagnosis);
  });

  it("regularizing zero biases gives the right cost, and no diagnosis", () => {
    const biases = COST_MISTAKES.find((m) => m.name === "biases regularized")!;
    expect(costDiagnosis(biases.fn, l2CostInputs(settingsOf(cases.cost, "zero-biases")))).toBeUndefined();
    expect(costDiagnosis(biases.fn, l2CostInputs(settingsOf(cases.cost, "large-biases")))).toMatch(biases.diagnosis);
  });

  it("a cost returned as a one-element tensor is read as the number it holds", () => {
    const twice = costWith((p, lambd, m) => tf.mul(RIGHT_L2_TERM(p, lambd, m), 2));
    const asTensor = ((...args: Parameters<CostWithRegularization>) => tf.scalar(twice(...args))) as unknown as CostWithRegularization;
    expect(costDiagnosis(asTensor, l2CostInputs(settingsOf(cases.cost, "course")))).toMatch(/twice the course's/);
  });
});

describe("the backward pass's diagnoses", () => {
  diagnosesOfEachMistake(BACKWARD_MISTAKES, cases.backward, ["course", "public-shapes", "net-0.7"], l2BackwardInputs, backwardDiagnosis, backwardPropagationWithRegularization);

  it("a mistake elsewhere (dZ1 without ReLU's derivative) is not taken for a mistake of the terms", () => {
    const noRelu: BackwardWithRegularization = (X, Y, cache, lambd) => {
      const right = backwardPropagationWithRegularization(X, Y, cache, lambd);
      const m = X.shape[1];
      const dW1 = tf.add(tf.div(tf.matMul(right.dA1, X, false, true), m), tf.mul(cache.W1, lambd / m)) as tf.Tensor2D;
      return { ...right, dZ1: right.dA1, dW1, db1: tf.mean(right.dA1, 1, true) as tf.Tensor2D };
    };
    expect(backwardDiagnosis(noRelu, l2BackwardInputs(settingsOf(cases.backward, "net-0.7")))).toBeUndefined();
  });

  it("a layer no term explains silences the other layers' findings (their recomputation does not give all the numbers)", () => {
    const garbled: BackwardWithRegularization = (X, Y, cache, lambd) => {
      const wrong = backwardWith((l, m, layer) => (layer === 2 ? 0 : l / m))(X, Y, cache, lambd);
      return { ...wrong, dW1: tf.mul(wrong.dW1, 1.3) as tf.Tensor2D };
    };
    expect(backwardDiagnosis(garbled, l2BackwardInputs(settingsOf(cases.backward, "net-0.7")))).toBeUndefined();
  });

  it("with one example, λ·W is the right term: nothing is named", () => {
    const noM = BACKWARD_MISTAKES.find((m) => m.name === "λ·W, without /m")!;
    const oneExample: L2CaseSettings = { id: "m-1", description: "m-1", dims: [3, 4, 2, 1], examples: 1, inputSeed: 303, lambd: 0.5 };
    expect(backwardDiagnosis(noM.fn, l2BackwardInputs(oneExample))).toBeUndefined();
  });

  it("different mistakes in different layers are each named, with their layers", () => {
    const mixed = backwardWith((lambd, m, layer) => (layer === 1 ? lambd : layer === 2 ? 0 : lambd / m));
    const said = backwardDiagnosis(mixed, l2BackwardInputs(settingsOf(cases.backward, "net-0.7")));
    expect(said).toMatch(/Your dW2 has no regularization term/);
    expect(said).toMatch(/Your dW1 has the regularization term λ·W, not divided by m/);
    expect(said).not.toMatch(/dW3/);
  });
});
