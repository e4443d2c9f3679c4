/**
 * The L2 notebook's public tests (src/l2PublicTests.ts), as a student's test cell runs them: the tests' oracle
 * solution passes with "All tests passed." after its outputs on the course's case (the cost; dW1, dW2, dW3,
 * the values the course publishes); each typical mistake (test/helpers/l2Mistakes.ts) fails on one screen of
 * at most 25 lines naming the mistake, with an error that has no stack; a stub that is not implemented is
 * said once, in its own words; a changed input is reported.
 * Fails when: the course's cost is not printed first (seen red: printCourseOutputs' rank-0 line removed: 1
 * test), a failure's error keeps its stack (seen red: withoutStack skipped in finish: 18), the checks' messages
 * lose the diagnosis (seen red: withDiagnosis returning `why` alone: 18), or the stub's advice is not said
 * once (seen red: stopIfNotImplemented skipped: 1).
 */
import { describe, expect, it } from "vitest";
import { backwardPropagationWithRegularizationTest, computeCostWithRegularizationTest, NotImplementedError } from "dropout-kit";
import type { BackwardWithRegularization, CostWithRegularization, Matrix } from "dropout-kit";
import { printedAndThrown } from "./helpers/console";
import { BACKWARD_MISTAKES, COST_MISTAKES } from "./helpers/l2Mistakes";
import { backwardPropagationWithRegularization, backwardWith, computeCostWithRegularization } from "./helpers/l2Solution";

/** What a public test printed (colours removed) and the error it threw. */
const runPublic = printedAndThrown;

/** One screen, no stack, the error a failed test and not a crash. */
function expectOneScreenFailure(run: { text: string; thrown?: Error }, fn: string, checks: number): void {
  expect(run.thrown?.name).toBe("PublicTestsFailed");
  expect(run.thrown?.stack).toMatch(new RegExp(`^PublicTestsFailed: \\d+ of ${checks} public checks failed in ${fn}`));
  expect(run.thrown?.stack).not.toMatch(/\n\s+at /);
  expect(run.text).not.toMatch(/\n\s+at |tf-core|l2PublicTests|publicTests/);
  expect(run.text).toMatch(/The first failure: /);
  expect(run.text.trim().split("\n").length, run.text).toBeLessThanOrEqual(25);
}

/** The text with its line breaks and indentation joined, so that a diagnosis wrapped at 100 columns reads as one line. */
const joined = (text: string) => text.replace(/\n\s*(→ )?/g, " ");

describe("computeCostWithRegularizationTest", () => {
  it("passes the solution, printing its cost on the course's case first", () => {
    const { text, thrown } = runPublic(() => computeCostWithRegularizationTest(computeCostWithRegularization));
    expect(thrown).toBeUndefined();
    expect(text).toMatch(/^cost = 1\.786485\d*\n/);
    expect(text).toMatch(/computeCostWithRegularization: the grader's 3 public checks, on 3 public cases/);
    expect(text.match(/^✓ /gm)).toHaveLength(3);
    expect(text).toMatch(/All tests passed\.\s*$/);
  });

  it.each(COST_MISTAKES.map((m) => [m.name, m] as const))("%s: one screen naming the mistake, no stack", (_name, mistake) => {
    const run = runPublic(() => computeCostWithRegularizationTest(mistake.fn));
    expectOneScreenFailure(run, "computeCostWithRegularization", 3);
    expect(run.text).toMatch(/✗ cost: the course's published case/);
    expect(run.text).toMatch(/On the course's published case \(seed 1, lambd 0\.1\): the cost is -?[\d.]+; expected 1\.78648(59|6)\b/); // the solution's float32 value (published: 1.78648594516)
    expect(joined(run.text)).toMatch(new RegExp(mistake.diagnosis.source));
  });

  it("a stub that is not implemented stops the test with the stub's own message, once, and no stack", () => {
    const stub = () => {
      throw new NotImplementedError("computeCostWithRegularization: the L2 term");
    };
    const { thrown } = runPublic(() => computeCostWithRegularizationTest(stub as never));
    expect(thrown).toBeInstanceOf(NotImplementedError);
    expect(thrown?.message).toBe(new NotImplementedError("computeCostWithRegularization: the L2 term").message);
    expect(thrown?.stack).not.toMatch(/\n\s+at /);
  });

  it("an input disposed is reported", () => {
    const disposing: CostWithRegularization = (A3, Y, parameters, lambd) => {
      const cost = computeCostWithRegularization(A3, Y, parameters, lambd);
      parameters.W3.dispose();
      return cost;
    };
    const { text, thrown } = runPublic(() => computeCostWithRegularizationTest(disposing));
    expect(thrown?.name).toBe("PublicTestsFailed");
    expect(text).toMatch(/✗ cost: inputs left unchanged/);
    expect(text).toMatch(/changed or disposed its inputs \(W3\)/);
  });

  it("something that is not a function is said so", () => {
    const { thrown } = runPublic(() => computeCostWithRegularizationTest(undefined as never));
    expect(thrown?.message).toMatch(/computeCostWithRegularizationTest needs your function computeCostWithRegularization; it got undefined/);
  });
});

describe("backwardPropagationWithRegularizationTest", () => {
  it("passes the solution, printing dW1, dW2, dW3 on the course's case first (the course's published values)", () => {
    const { text, thrown } = runPublic(() => backwardPropagationWithRegularizationTest(backwardPropagationWithRegularization));
    expect(thrown).toBeUndefined();
    expect(text).toMatch(/^dW1 =\n\[\[-0\.2560464\d* +0\.1229882\d* +-0\.2829712\d*\]/);
    expect(text).toMatch(/\ndW2 =\n\[\[ 0\.7927648\d* +0\.851339\d* *\]/);
    expect(text).toMatch(/\ndW3 = \[\[-1\.776913\d* +-0\.1183287\d* +-0\.0939744\d*\]\]/);
    expect(text).toMatch(/backwardPropagationWithRegularization: the grader's 3 public checks, on 2 public cases/);
    expect(text.match(/^✓ /gm)).toHaveLength(3);
    expect(text).toMatch(/All tests passed\.\s*$/);
  });

  it.each(BACKWARD_MISTAKES.map((m) => [m.name, m] as const))("%s: one screen naming the mistake, no stack", (_name, mistake) => {
    const run = runPublic(() => backwardPropagationWithRegularizationTest(mistake.fn));
    expectOneScreenFailure(run, "backwardPropagationWithRegularization", 3);
    expect(run.text).toMatch(/✗ backward: the course's published case/);
    expect(joined(run.text)).toMatch(new RegExp(mistake.diagnosis.source));
    // The first differing element, and a window of the student's tensor around it.
    expect(run.text).toMatch(/: d[Wb]\d\[\d, \d\] is -?[\d.]+; expected -?[\d.]+\./);
    expect(run.text).toMatch(/Your d[Wb]\d \(shape \[\d, \d\]\) around \[\d, \d\]:\n\s+\[/);
  });

  it("two mistakes at once (dW2's term missing, the biases regularized) are both named, still on one screen", () => {
    const both = backwardWith((lambd, m, layer) => (layer === 2 ? 0 : lambd / m), (lambd, m) => lambd / m);
    const run = runPublic(() => backwardPropagationWithRegularizationTest(both));
    expectOneScreenFailure(run, "backwardPropagationWithRegularization", 3);
    expect(joined(run.text)).toMatch(/Your dW2 has no regularization term/);
    expect(joined(run.text)).toMatch(/Your db1, db2 and db3 include a regularization term/);
  });

  it("a changed cache is reported", () => {
    const disposing: BackwardWithRegularization = (X, Y, cache, lambd) => {
      const grads = backwardPropagationWithRegularization(X, Y, cache, lambd);
      (cache as { A1: Matrix }).A1.dispose();
      return grads;
    };
    const { text, thrown } = runPublic(() => backwardPropagationWithRegularizationTest(disposing));
    expect(thrown?.name).toBe("PublicTestsFailed");
    expect(text).toMatch(/✗ backward: inputs left unchanged/);
  });
});
