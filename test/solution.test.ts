/**
 * The reference solution (the instructor notebook's graded cells) against two independent oracles:
 * the course's published numbers, and tfjs's own autodiff (tf.grad) with the masks held fixed.
 * Also: the public tests pass it, and fail typical wrong variants with a message naming what is wrong.
 * Fails when: the reference solution's backward leaves dA1 undivided by keepProb (seen red: 4 tests), or draws D2 as
 * rand > 1 - keepProb instead of rand < keepProb (seen red: 3).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { backwardPropagationWithDropoutTest, courseBackwardCase, courseForwardCase, forwardPropagation, forwardPropagationWithDropoutTest, GRADIENT_NAMES, initBackend, initializeParameters, RandomState, compareMatrix, NotImplementedError } from "dropout-kit";
import type { DropoutCache, Matrix, Parameters } from "dropout-kit";
import { DropoutFunctions, INSTRUCTOR_NOTEBOOK, loadDropoutFunctions, loadReferenceSolution } from "../grader/assignments/dropout/solution";
import { cellSource, readNotebook, toSourceLines } from "../grader/notebook/notebook";
import { printedAndThrown } from "./helpers/console";

let solution: DropoutFunctions;
beforeAll(async () => {
  await initBackend();
  solution = await loadReferenceSolution();
});

describe("reference solution against the course's published values", () => {
  it("forward (keepProb 0.7, masks after reseeding with 1) gives the published A3 and cache", () => {
    const c = courseForwardCase();
    const [A3, cache] = solution.forwardPropagationWithDropout(c.X, c.parameters, c.keepProb, c.rng);
    expect(compareMatrix(A3, c.expectedA3)).toBeUndefined();
    for (const [name, rows] of Object.entries(c.expectedCache!)) {
      expect(compareMatrix(cache[name as keyof DropoutCache], rows!), name).toBeUndefined();
    }
  });

  it("backward (keepProb 0.8) gives all eleven published gradients", () => {
    const c = courseBackwardCase();
    const grads = solution.backwardPropagationWithDropout(c.X, c.Y, c.cache, c.keepProb);
    for (const name of GRADIENT_NAMES) expect(compareMatrix(grads[name], c.expected[name]!), name).toBeUndefined();
  });
});

describe("reference solution against tf.grad with the masks fixed", () => {
  for (const keepProb of [0.5, 0.86, 1]) {
    it(`keepProb ${keepProb}: dW and db equal autodiff of the cost`, () => {
      tf.tidy(() => {
        const rng = new RandomState(17);
        const parameters = initializeParameters([2, 20, 3, 1], rng);
        const X = rng.randn(2, 15);
        const Y = tf.cast(tf.less(rng.rand(1, 15), 0.5), "float32") as Matrix;
        const [, cache] = solution.forwardPropagationWithDropout(X, parameters, keepProb, rng);
        const grads = solution.backwardPropagationWithDropout(X, Y, cache, keepProb);

        // The same network written as one differentiable function of the parameters, masks as constants.
        const names = ["W1", "b1", "W2", "b2", "W3", "b3"] as const;
        const cost = (...p: tf.Tensor[]) => {
          const [W1, b1, W2, b2, W3, b3] = p as Matrix[];
          const A1 = tf.div(tf.mul(tf.relu(tf.add(tf.matMul(W1, X), b1)), cache.D1), keepProb) as Matrix;
          const A2 = tf.div(tf.mul(tf.relu(tf.add(tf.matMul(W2, A1), b2)), cache.D2), keepProb) as Matrix;
          const Z3 = tf.add(tf.matMul(W3, A2), b3);
          return tf.mean(tf.sub(tf.softplus(Z3), tf.mul(Y, Z3))) as tf.Scalar;
        };
        const autodiff = tf.grads(cost)(names.map((n) => parameters[n]));
        names.forEach((name, i) => {
          const ours = grads[`d${name}` as keyof typeof grads];
          expect(compareMatrix(ours, autodiff[i] as Matrix, 1e-6, 1e-4), `d${name}`).toBeUndefined();
        });
      });
    });
  }
});

describe("reference solution's contract", () => {
  it("keepProb = 1 gives exactly the plain forward pass", () => {
    const rng = new RandomState(4);
    const parameters = initializeParameters([2, 20, 3, 1], rng);
    const X = rng.randn(2, 30);
    const [A3] = solution.forwardPropagationWithDropout(X, parameters, 1, rng);
    expect(A3.arraySync()).toEqual(forwardPropagation(X, parameters)[0].arraySync());
  });

  it("draws D1 then D2 with one rng.rand call each, and nothing else", () => {
    const rng = new RandomState(9);
    const parameters = initializeParameters([2, 20, 3, 1], new RandomState(3));
    const X = new RandomState(1).randn(2, 11);
    const [, cache] = solution.forwardPropagationWithDropout(X, parameters, 0.7, rng);
    expect(rng.drawCount).toBe((20 + 3) * 11);
    const twin = new RandomState(9);
    expect(cache.D1.arraySync()).toEqual(tf.cast(tf.less(twin.rand(20, 11), 0.7), "float32").arraySync());
    expect(cache.D2.arraySync()).toEqual(tf.cast(tf.less(twin.rand(3, 11), 0.7), "float32").arraySync());
  });

  it.each([0, -0.5, 1.01, Number.NaN])("keepProb %s is a clear error", (keepProb) => {
    const { X, parameters } = courseForwardCase();
    expect(() => solution.forwardPropagationWithDropout(X, parameters, keepProb, new RandomState(1))).toThrow(/keepProb must be a number in \(0, 1\]/);
  });
});

describe("public tests", () => {
  /** What a public test printed (colours removed) and the error it threw. */
  const runPublic = printedAndThrown;

  it("pass the reference solution and say so, as the course prints it", () => {
    const forward = runPublic(() => forwardPropagationWithDropoutTest(solution.forwardPropagationWithDropout));
    const backward = runPublic(() => backwardPropagationWithDropoutTest(solution.backwardPropagationWithDropout));
    for (const run of [forward, backward]) {
      expect(run.thrown).toBeUndefined();
      expect(run.text).toMatch(/All tests passed\.\s*$/);
      expect(run.text).not.toMatch(/✗/);
    }
    // The grader's public checks, one line each: five for forward, three for backward, on two cases each.
    expect(forward.text.match(/^✓ /gm)).toHaveLength(5);
    expect(backward.text.match(/^✓ /gm)).toHaveLength(3);
    expect(forward.text).toMatch(/^A3 = \[\[0\.3697471\d* 0\.0030517\d* /);
    expect(forward.text).toMatch(/forwardPropagationWithDropout: the grader's 5 public checks, on 2 public cases/);
    expect(backward.text).toMatch(/^dA1 =\n\[\[ 0\.365444/);
  });

  /** A variant of the solution with lines of the graded cells rewritten. */
  async function variant(cellId: string, ...edits: [string, string][]): Promise<DropoutFunctions> {
    const notebook = readNotebook(INSTRUCTOR_NOTEBOOK);
    const cell = notebook.cells.find((c) => c.metadata.nbgrader?.grade_id === cellId)!;
    let source = cellSource(cell);
    for (const [from, to] of edits) {
      expect(source, `variant text not found: ${from}`).toContain(from);
      source = source.split(from).join(to);
    }
    cell.source = toSourceLines(source);
    return loadDropoutFunctions(notebook);
  }

  const D1_MASK = 'D1 = tf.cast(tf.less(D1, keepProb), "float32") as Matrix;';
  const D2_MASK = 'D2 = tf.cast(tf.less(D2, keepProb), "float32") as Matrix;';
  /** name, edits, the first failed check's words, the diagnosis it must state. */
  const forwardMistakes: [string, [string, string][], RegExp, RegExp][] = [
    ["multiplied by keepProb instead of dividing", [["A1 = tf.div(A1, keepProb);", "A1 = tf.mul(A1, keepProb);"]], /✗ forward: the course's published case/, /multiplied the kept activations by keepProb instead of dividing/],
    ["no scaling", [["A2 = tf.div(A2, keepProb);", ""]], /✗ forward: the course's published case/, /In layer 2, A2 = relu\(Z2\) \* D2 without the division by keepProb \(step 4\)/],
    ["threshold inverted", [[D1_MASK, 'D1 = tf.cast(tf.greaterEqual(D1, keepProb), "float32") as Matrix;']], /✗ forward: the masks are the generator's/, /threshold is inverted/],
    ["scaled by 1/(1 - keepProb)", [["A1 = tf.div(A1, keepProb);", "A1 = tf.div(A1, 1 - keepProb);"], ["A2 = tf.div(A2, keepProb);", "A2 = tf.div(A2, 1 - keepProb);"]], /✗ forward: kept units are divided by keepProb/, /You divided by 1 - keepProb/],
    ["one mask shared by all examples", [["D1 = rng.rand(A1.shape[0], A1.shape[1]);", "D1 = tf.tile(rng.rand(A1.shape[0], 1), [1, A1.shape[1]]);"]], /✗ forward: the masks are the generator's/, /one mask shared by all examples/],
    ["a keep probability written in", [[D1_MASK, 'D1 = tf.cast(tf.less(D1, 0.7), "float32") as Matrix;'], [D2_MASK, 'D2 = tf.cast(tf.less(D2, 0.7), "float32") as Matrix;'], ["A1 = tf.div(A1, keepProb);", "A1 = tf.div(A1, 0.7);"], ["A2 = tf.div(A2, keepProb);", "A2 = tf.div(A2, 0.7);"]], /✗ forward: the masks are the generator's/, /keepProb is 0\.8 here: your function does not use its keepProb argument/],
    ["D2's mask drawn before D1's", [["D1 = rng.rand(A1.shape[0], A1.shape[1]);", "const early = rng.rand(W2.shape[0], X.shape[1]);\n  D1 = rng.rand(A1.shape[0], A1.shape[1]);"], ["D2 = rng.rand(A2.shape[0], A2.shape[1]);", "D2 = early;"]], /✗ forward: the course's published case/, /you drew D2's mask before D1's/],
    ["a generator made inside the function", [["D1 = rng.rand(A1.shape[0], A1.shape[1]);", "const own = new RandomState(1);\n  D1 = own.rand(A1.shape[0], A1.shape[1]);"], ["D2 = rng.rand(A2.shape[0], A2.shape[1]);", "D2 = own.rand(A2.shape[0], A2.shape[1]);"]], /✗ forward: the masks are the generator's/, /made inside your function \(new RandomState\(1\)\)[\s\S]*same units at every iteration/],
    ["writes through dataSync()", [["A1 = tf.div(A1, keepProb);", "const a1 = A1.dataSync();\n  for (let i = 0; i < a1.length; i++) a1[i] = a1[i] / keepProb;"]], /✗ forward: the course's published case/, /writes into a1, the array dataSync\(\) \(or arraySync\(\)\) returned, and those writes had\s+no effect/],
  ];
  it.each(forwardMistakes)("forward: %s fails on one screen, naming the mistake, without a stack", async (_name, edits, check, diagnosis) => {
    const wrong = await variant("forward_propagation_with_dropout", ...edits);
    const { text, thrown } = runPublic(() => forwardPropagationWithDropoutTest(wrong.forwardPropagationWithDropout));
    expect(thrown?.name).toBe("PublicTestsFailed");
    expect(thrown?.stack).toMatch(/^PublicTestsFailed: \d+ of 5 public checks failed in forwardPropagationWithDropout/);
    expect(thrown?.stack).not.toMatch(/\n\s+at |publicTests|tf-core/);
    expect(text).toMatch(check);
    expect(text).toMatch(/The first failure: /);
    expect(text.replace(/\n\s+/g, " ")).toMatch(new RegExp(diagnosis.source.replace(/\\s\+/g, " ")));
    expect(text).not.toMatch(/\n\s+at |tf-core|publicTests/);
    // One screen (was up to 217 lines): a line per check, the first failure, a window of the tensor, the count.
    expect(text.trim().split("\n").length, text).toBeLessThanOrEqual(25);
  });

  it("the first differing element is shown with a small window of the student's tensor, not whole matrices", async () => {
    const wrong = await variant("forward_propagation_with_dropout", ["A1 = tf.div(A1, keepProb);", "A1 = tf.mul(A1, keepProb);"], ["A2 = tf.div(A2, keepProb);", "A2 = tf.mul(A2, keepProb);"]);
    const { text } = runPublic(() => forwardPropagationWithDropoutTest(wrong.forwardPropagationWithDropout));
    expect(text).toMatch(/A3\[0, 0\] is 0\.43345\d*; expected 0\.369747/);
    expect(text).toMatch(/Your A3 \(shape \[1, 5\]\) around \[0, 0\]:\n\s+\[‹0\.4335›, /);
  });

  /** name, edits, the diagnosis the backward test must state. */
  const backwardMistakes: [string, [string, string][], RegExp][] = [
    ["mask not re-applied", [["dA2 = tf.mul(dA2, D2);", ""]], /dA2 is not multiplied by the mask from the cache \(step 1\)/],
    ["scaling missing in backward", [["dA1 = tf.div(dA1, keepProb);", ""]], /dA1 is not divided by keepProb \(step 2\)/],
    ["multiplied by keepProb", [["dA2 = tf.div(dA2, keepProb);", "dA2 = tf.mul(dA2, keepProb);"]], /dA2 is multiplied by keepProb instead of divided by it/],
    ["masks swapped between the layers", [["dA2 = tf.mul(dA2, D2);", "dA2 = tf.mul(dA2, D1);"], ["dA1 = tf.mul(dA1, D1);", "dA1 = tf.mul(dA1, D2);"]], /one layer's gradient met the other layer's mask/],
  ];
  it.each(backwardMistakes)("backward: %s fails on one screen, naming the step", async (_name, edits, diagnosis) => {
    const wrong = await variant("backward_propagation_with_dropout", ...edits);
    const { text, thrown } = runPublic(() => backwardPropagationWithDropoutTest(wrong.backwardPropagationWithDropout));
    expect(thrown?.stack).toMatch(/^PublicTestsFailed: \d+ of 3 public checks failed in backwardPropagationWithDropout/);
    expect(text.replace(/\n\s+/g, " ")).toMatch(diagnosis);
    expect(text).not.toMatch(/\n\s+at |tf-core/);
    expect(text.trim().split("\n").length, text).toBeLessThanOrEqual(25);
  });

  it("a stub that is not implemented stops the test with the stub's own message, and no stack", () => {
    const stub = () => {
      throw new NotImplementedError("forwardPropagationWithDropout: Steps 1-4");
    };
    const { thrown } = runPublic(() => forwardPropagationWithDropoutTest(stub as never));
    expect(thrown).toBeInstanceOf(NotImplementedError);
    expect(thrown?.message).toBe(new NotImplementedError("forwardPropagationWithDropout: Steps 1-4").message); // its advice once
    expect(thrown?.stack).not.toMatch(/\n\s+at /);
  });

  it("an input changed in place is reported", () => {
    const mutating = (X: Matrix, parameters: Parameters, keepProb: number, rng: RandomState) => {
      const result = solution.forwardPropagationWithDropout(X, parameters, keepProb, rng);
      parameters.W1.dispose();
      return result;
    };
    const { text, thrown } = runPublic(() => forwardPropagationWithDropoutTest(mutating));
    expect(thrown?.name).toBe("PublicTestsFailed");
    expect(text).toMatch(/✗ forward: inputs left unchanged/);
    expect(text).toMatch(/W1/);
  });
});
