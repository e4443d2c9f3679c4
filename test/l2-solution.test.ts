/**
 * The L2 notebook's reference solution (the graded cells of grader/assignments/l2-regularization/source/) against
 * independent oracles: the course's published numbers, and on other random nets the regularized cost written
 * out here in float64 and tfjs's autodiff (tf.grads) of cross-entropy + L2 term, with respect to all six
 * parameters. (The three models of README.md's table are trained once, by the notebooks themselves:
 * test/l2-notebook.test.ts and test/notebooks.test.ts check the table, the weights' norms and the text against them.)
 * Fails when: the solution's L2 cost term is (lambd/m) ΣW² instead of (lambd/2m) ΣW², its dW2 term is (lambd/2m) W2,
 * its dW1 has no L2 term (each seen red), or src/ defines a function computeCostWithRegularization (seen red: 1).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { backwardPropagation, compareMatrix, computeCost, courseL2BackwardCase, courseL2CostCase, forwardPropagation, GRADIENT_NAMES, PARAMETER_NAMES, RandomState } from "dropout-kit";
import type { Gradients, Matrix, Parameters } from "dropout-kit";
import * as kit from "dropout-kit";
import { L2Functions, loadL2ReferenceSolution } from "../grader/assignments/l2-regularization/solution";

let solution: L2Functions;
beforeAll(async () => {
  solution = await loadL2ReferenceSolution();
});

const WEIGHTS = ["W1", "W2", "W3"] as const;

/** A [n0, n1, n2, 1] net with every parameter drawn (biases too, so that their gradients are not trivially tested). */
function randomNet(dims: number[], examples: number, seed: number): { X: Matrix; Y: Matrix; parameters: Parameters } {
  const rng = new RandomState(seed);
  const parameters = {} as Parameters;
  for (let l = 1; l <= 3; l++) {
    parameters[`W${l}` as keyof Parameters] = tf.mul(rng.randn(dims[l], dims[l - 1]), 1 / Math.sqrt(dims[l - 1])) as Matrix;
    parameters[`b${l}` as keyof Parameters] = tf.mul(rng.randn(dims[l], 1), 0.1) as Matrix;
  }
  const X = rng.randn(dims[0], examples);
  const Y = tf.cast(tf.less(rng.rand(1, examples), 0.5), "float32") as Matrix;
  return { X, Y, parameters };
}

/** Oracle: the regularized cost in float64, from the values of A3, Y and the weights. */
function regularizedCostOracle(A3: Matrix, Y: Matrix, parameters: Parameters, lambd: number): number {
  const [a, y] = [Array.from(A3.dataSync()), Array.from(Y.dataSync())];
  const m = y.length;
  const crossEntropy = -a.reduce((sum, ai, i) => sum + y[i] * Math.log(ai) + (1 - y[i]) * Math.log(1 - ai), 0) / m;
  const squares = WEIGHTS.reduce((sum, name) => sum + Array.from(parameters[name].dataSync()).reduce((s, w) => s + w * w, 0), 0);
  return crossEntropy + (lambd / (2 * m)) * squares;
}

/** Oracle: tf.grads of cross-entropy (from the logits) + L2 term, through a forward pass written here. */
function autodiffGradients(X: Matrix, Y: Matrix, parameters: Parameters, lambd: number): Record<keyof Parameters, tf.Tensor> {
  const m = X.shape[1];
  const cost = (...p: tf.Tensor[]) => {
    const [W1, b1, W2, b2, W3, b3] = p as Matrix[];
    const A1 = tf.relu(tf.add(tf.matMul(W1, X), b1)) as Matrix;
    const A2 = tf.relu(tf.add(tf.matMul(W2, A1), b2)) as Matrix;
    const Z3 = tf.add(tf.matMul(W3, A2), b3);
    const crossEntropy = tf.mean(tf.sub(tf.softplus(Z3), tf.mul(Y, Z3)));
    const squares = tf.addN([W1, W2, W3].map((W) => tf.sum(tf.square(W))));
    return tf.add(crossEntropy, tf.mul(squares, lambd / (2 * m))) as tf.Scalar;
  };
  const grads = tf.grads(cost)(PARAMETER_NAMES.map((name) => parameters[name]));
  return Object.fromEntries(PARAMETER_NAMES.map((name, i) => [name, grads[i]])) as Record<keyof Parameters, tf.Tensor>;
}

describe("the L2 reference solution against the course's published values", () => {
  it("computeCostWithRegularization gives the published cost 1.78648594516 (lambd 0.1) to 1e-6 relative", () => {
    const c = courseL2CostCase();
    const cost = solution.computeCostWithRegularization(c.A3, c.Y, c.parameters, c.lambd);
    expect(typeof cost).toBe("number");
    expect(Math.abs(cost - c.expectedCost)).toBeLessThanOrEqual(1e-6 * c.expectedCost);
  });

  it("backwardPropagationWithRegularization gives the published dW1, dW2, dW3 (lambd 0.7), and the plain pass's other gradients", () => {
    const c = courseL2BackwardCase();
    const grads = solution.backwardPropagationWithRegularization(c.X, c.Y, c.cache, c.lambd);
    for (const name of ["dW1", "dW2", "dW3"] as const) expect(compareMatrix(grads[name], c.expected[name]), name).toBeUndefined();
    // The L2 term touches the weights' gradients only.
    const plain = backwardPropagation(c.X, c.Y, c.cache);
    for (const name of GRADIENT_NAMES.filter((n) => !n.startsWith("dW"))) {
      expect(compareMatrix(grads[name], plain[name].arraySync() as number[][], 1e-7, 1e-6), name).toBeUndefined();
    }
  });
});

describe("the L2 reference solution against oracles written here, on random nets", () => {
  const nets: [number[], number, number, number][] = [
    // dims, examples, seed, lambd
    [[2, 20, 3, 1], 15, 17, 0.7],
    [[3, 5, 4, 1], 7, 23, 0.1],
    [[4, 6, 5, 1], 9, 29, 5],
    [[2, 20, 3, 1], 12, 31, 0],
  ];
  it.each(nets)("net %j, %i examples, seed %i, lambd %s: the cost equals the float64 formula", (dims, examples, seed, lambd) => {
    tf.tidy(() => {
      const { X, Y, parameters } = randomNet(dims, examples, seed);
      const [A3] = forwardPropagation(X, parameters);
      const cost = solution.computeCostWithRegularization(A3, Y, parameters, lambd);
      expect(Math.abs(cost - regularizedCostOracle(A3, Y, parameters, lambd))).toBeLessThanOrEqual(1e-5 * cost);
      if (lambd === 0) expect(cost).toBe(computeCost(A3, Y));
    });
  });

  it.each(nets)("net %j, %i examples, seed %i, lambd %s: every dW and db equals tf.grads of cross-entropy + L2", (dims, examples, seed, lambd) => {
    tf.tidy(() => {
      const { X, Y, parameters } = randomNet(dims, examples, seed);
      const [, cache] = forwardPropagation(X, parameters);
      const grads = solution.backwardPropagationWithRegularization(X, Y, cache, lambd);
      const autodiff = autodiffGradients(X, Y, parameters, lambd);
      for (const name of PARAMETER_NAMES) {
        const ours = grads[`d${name}` as keyof Gradients];
        expect(compareMatrix(ours, autodiff[name] as Matrix, 1e-6, 1e-4), `d${name}`).toBeUndefined();
      }
    });
  });
});

describe("the library students get implements no graded function", () => {
  it("dropout-kit exports no computeCostWithRegularization or backwardPropagationWithRegularization, and src/ defines neither", () => {
    const graded = ["computeCostWithRegularization", "backwardPropagationWithRegularization"];
    for (const name of graded) expect(Object.keys(kit), name).not.toContain(name);
    const definition = new RegExp(`(function\\s+|(const|let|var)\\s+)(${graded.join("|")})\\b`);
    const srcDir = resolve(__dirname, "../src");
    const files = readdirSync(srcDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.startsWith("dist"));
    for (const file of files) expect(readFileSync(join(srcDir, file), "utf8"), file).not.toMatch(definition);
  });
});
