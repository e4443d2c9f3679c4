/**
 * The reference solution (the instructor notebook's graded cells) against two independent oracles:
 * the course's published numbers, and tfjs's own autodiff (tf.grad) with the masks held fixed.
 * Also: the public tests pass it, and fail typical wrong variants with a message naming what is wrong.
 * Fails when: the reference solution's backward leaves dA1 undivided by keepProb (seen red: 4 tests), or draws D2 as
 * rand > 1 - keepProb instead of rand < keepProb (seen red: 3).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import {
  backwardPropagationWithDropoutTest, courseBackwardCase, courseForwardCase, forwardPropagation, forwardPropagationWithDropoutTest,
  GRADIENT_NAMES, initBackend, initializeParameters, RandomState, compareMatrix, NotImplementedError,
} from "dropout-kit";
import type { DropoutCache, Matrix, Parameters } from "dropout-kit";
import { DropoutFunctions, INSTRUCTOR_NOTEBOOK, loadDropoutFunctions, loadReferenceSolution } from "../grader/reference-solution";
import { cellSource, readNotebook, toSourceLines } from "../grader/notebook/notebook";
import { withMutedConsole } from "./helpers/console";

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
  it("pass the reference solution and say so", () => {
    const out = withMutedConsole(() => {
      forwardPropagationWithDropoutTest(solution.forwardPropagationWithDropout);
      backwardPropagationWithDropoutTest(solution.backwardPropagationWithDropout);
    });
    expect(out.log).toMatch(/All tests passed\. \(forwardPropagationWithDropout: 5 cases\)/);
    expect(out.log).toMatch(/All tests passed\. \(backwardPropagationWithDropout: 4 cases\)/);
  });

  /** A variant of the solution with one line of the graded cells rewritten. */
  async function variant(cellId: string, from: string, to: string): Promise<DropoutFunctions> {
    const notebook = readNotebook(INSTRUCTOR_NOTEBOOK);
    const cell = notebook.cells.find((c) => c.metadata.nbgrader?.grade_id === cellId)!;
    const source = cellSource(cell);
    expect(source, `variant text not found: ${from}`).toContain(from);
    cell.source = toSourceLines(source.split(from).join(to));
    return loadDropoutFunctions(notebook);
  }

  const forwardMistakes: [string, string, string, RegExp][] = [
    ["multiplied by keepProb instead of dividing", "A1 = tf.div(A1, keepProb);", "A1 = tf.mul(A1, keepProb);", /cache\.A1 = relu\(Z1\) \* D1 \/ keepProb: value check/],
    ["no scaling", "A2 = tf.div(A2, keepProb);", "", /cache\.A2 = relu\(Z2\) \* D2 \/ keepProb: value check/],
    ["threshold inverted", "D1 = tf.cast(tf.less(D1, keepProb), \"float32\") as Matrix;", "D1 = tf.cast(tf.greaterEqual(D1, keepProb), \"float32\") as Matrix;", /cache\.D1 \(rng\.rand\(\.\.\.\) < keepProb\)/],
    ["scaled by 1/(1 - keepProb)", "A1 = tf.div(A1, keepProb);", "A1 = tf.div(A1, 1 - keepProb);", /cache\.A1 = relu\(Z1\) \* D1 \/ keepProb/],
    ["one mask shared by all examples", "D1 = rng.rand(A1.shape[0], A1.shape[1]);", "D1 = tf.tile(rng.rand(A1.shape[0], 1), [1, A1.shape[1]]);", /use of the generator/],
  ];
  it.each(forwardMistakes)("forward: %s fails with a message naming the step", async (_name, from, to, message) => {
    const wrong = await variant("forward_propagation_with_dropout", from, to);
    const out = withMutedConsole(() => expect(() => forwardPropagationWithDropoutTest(wrong.forwardPropagationWithDropout)).toThrow(/check\(s\) failed in forwardPropagationWithDropout/));
    expect(out.log).toMatch(message);
    expect(out.log).toMatch(/expected .*=\n/);
    // One screen: the failed checks one line each, the first one in detail, cut (was up to 217 lines).
    expect(out.log.trim().split("\n").length, out.log).toBeLessThanOrEqual(30);
  });

  it("a failed public test reads as a failed test: its error carries no stack through the library's internals", async () => {
    const wrong = await variant("forward_propagation_with_dropout", forwardMistakes[0][1], forwardMistakes[0][2]);
    let thrown: unknown;
    withMutedConsole(() => {
      try {
        forwardPropagationWithDropoutTest(wrong.forwardPropagationWithDropout);
      } catch (error) {
        thrown = error;
      }
    });
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).stack).toMatch(/^PublicTestsFailed: \d+ check\(s\) failed in forwardPropagationWithDropout/);
    expect((thrown as Error).stack).not.toMatch(/\n\s+at |publicTests|tf-core/);
    const stub = () => {
      throw new NotImplementedError("forwardPropagationWithDropout: Steps 1-4");
    };
    try {
      forwardPropagationWithDropoutTest(stub as never);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).stack).not.toMatch(/\n\s+at /);
  });

  const backwardMistakes: [string, string, string, RegExp][] = [
    ["mask not re-applied", "dA2 = tf.mul(dA2, D2);", "", /dA2 = W3ᵀ·dZ3 \* D2 \/ keepProb/],
    ["scaling missing in backward", "dA1 = tf.div(dA1, keepProb);", "", /dA1 = W2ᵀ·dZ2 \* D1 \/ keepProb/],
    ["multiplied by keepProb", "dA2 = tf.div(dA2, keepProb);", "dA2 = tf.mul(dA2, keepProb);", /dA2: value check/],
  ];
  it.each(backwardMistakes)("backward: %s fails with a message naming the step", async (_name, from, to, message) => {
    const wrong = await variant("backward_propagation_with_dropout", from, to);
    const out = withMutedConsole(() => expect(() => backwardPropagationWithDropoutTest(wrong.backwardPropagationWithDropout)).toThrow(/check\(s\) failed in backwardPropagationWithDropout/));
    expect(out.log).toMatch(message);
  });

  it("a stub that is not implemented stops the test with the stub's own message", () => {
    const stub = () => {
      throw new NotImplementedError("forwardPropagationWithDropout: Steps 1-4");
    };
    expect(() => forwardPropagationWithDropoutTest(stub as never)).toThrow(/not implemented: forwardPropagationWithDropout: Steps 1-4/);
  });

  it("an input changed in place is reported", () => {
    const mutating = (X: Matrix, parameters: Parameters, keepProb: number, rng: RandomState) => {
      const result = solution.forwardPropagationWithDropout(X, parameters, keepProb, rng);
      parameters.W1.dispose();
      return result;
    };
    const out = withMutedConsole(() => expect(() => forwardPropagationWithDropoutTest(mutating)).toThrow());
    expect(out.log).toMatch(/inputs left unchanged[\s\S]*W1/);
  });
});
