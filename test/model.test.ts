/**
 * The training loop (`model`): no tensor leaks, costs on schedule, reproducible from its seed, fresh
 * masks at every iteration from the one generator passed in, the same steps as the course's plain loop,
 * and clear errors for the mistakes a student can make when calling it; with L2, the student's two functions
 * in the loop (the L2 notebook's reference solution) and the student's regularized cost recorded.
 * Fails when: src/model.ts leaks its learning-rate tensor (seen red: 4 tests), or gives every iteration a fresh
 * RandomState(3) instead of the one generator (seen red: 2), or, with lambd > 0, trains with the plain backward pass
 * instead of the student's (seen red: 2), records the library's cross-entropy instead of the student's cost and drops
 * the one-regularizer guard (seen red in one run: 3).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { backwardPropagation, disposeParameters, forwardPropagation, initBackend, initializeParameters, load2DDataset, model, PARAMETER_NAMES, RandomState, updateParameters, updateParametersInPlace } from "dropout-kit";
import type { BackwardWithRegularization, CostWithRegularization, DropoutCache, ForwardWithDropout, Matrix, ModelOptions, Parameters } from "dropout-kit";
import { DropoutFunctions, loadReferenceSolution } from "../grader/assignments/dropout/solution";
import { L2Functions, loadL2ReferenceSolution } from "../grader/assignments/l2-regularization/solution";

let solution: DropoutFunctions;
let l2: L2Functions;
let X: Matrix;
let Y: Matrix;

function values(parameters: Parameters): Record<string, number[]> {
  return Object.fromEntries(PARAMETER_NAMES.map((name) => [name, Array.from(parameters[name].dataSync())]));
}

/** Trains, returns the parameters' values, disposes the tensors. */
function trainedValues(options: ModelOptions): Record<string, number[]> {
  const trained = model(X, Y, { printCost: false, ...options });
  const out = values(trained.parameters);
  disposeParameters(trained.parameters);
  return out;
}

/** A generator that gives seed 3's initial weights, then masks from `maskSeed` (it reseeds at the first mask). */
class MasksFrom extends RandomState {
  private reseeded = false;
  constructor(private readonly maskSeed: number) {
    super(3);
  }
  override rand(rows: number, cols: number): tf.Tensor2D {
    if (!this.reseeded) {
      this.reseeded = true;
      this.seed(this.maskSeed);
    }
    return super.rand(rows, cols);
  }
}

beforeAll(async () => {
  await initBackend();
  solution = await loadReferenceSolution();
  l2 = await loadL2ReferenceSolution();
  ({ trainX: X, trainY: Y } = load2DDataset());
});

describe("model: memory", () => {
  for (const [name, regularization] of [["keepProb 1", { keepProb: 1 }], ["keepProb 0.86", { keepProb: 0.86 }], ["lambd 0.7", { lambd: 0.7 }]] as const) {
    // 3,001 iterations and not the course's 30,000: any per-iteration leak shows after 10 already, and 3,001 also
    // crosses every periodic path of the loop (a cost recorded every 1,000 iterations and printed every 1,000
    // here, the mask stream's refills) several times; printing goes through a silenced console.
    it(`${name}: tf.memory().numTensors is the same after 3,001 iterations (cost recorded and printed 4 times) as after 10`, () => {
      const log = vi.spyOn(console, "log").mockImplementation(() => {});
      try {
        const run = (numIterations: number) => {
          const before = tf.memory().numTensors;
          const trained = model(X, Y, { numIterations, ...regularization, printCost: true, printEvery: 1000, ...solution, ...l2 });
          disposeParameters(trained.parameters);
          return tf.memory().numTensors - before;
        };
        const after10 = run(10);
        const after3001 = run(3001);
        expect(after10).toBe(0);
        expect(after3001).toBe(after10);
        expect(log.mock.calls.filter(([line]) => /^Cost after iteration \d+:/.test(String(line)))).toHaveLength(1 + 4);
      } finally {
        log.mockRestore();
      }
    });
  }

  it("frees everything when the student's function throws mid-run", () => {
    const before = tf.memory().numTensors;
    let calls = 0;
    const failing: ForwardWithDropout = (...args) => {
      if (++calls === 5) throw new Error("student bug");
      return solution.forwardPropagationWithDropout(...args);
    };
    expect(() => model(X, Y, { numIterations: 10, keepProb: 0.86, printCost: false, ...solution, forwardPropagationWithDropout: failing })).toThrow("student bug");
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("model: costs", () => {
  it("records the cost every 1000 iterations, decreasing without dropout", () => {
    const trained = model(X, Y, { numIterations: 3001, printCost: false });
    disposeParameters(trained.parameters);
    expect(trained.costs.map((c) => c.iteration)).toEqual([0, 1000, 2000, 3000]);
    const costs = trained.costs.map((c) => c.cost);
    costs.forEach((c) => expect(Number.isFinite(c)).toBe(true));
    for (let k = 1; k < costs.length; k++) expect(costs[k]).toBeLessThan(costs[k - 1]);
  });

  it("with dropout: finite costs on the same schedule, ending well below the start", () => {
    const trained = model(X, Y, { numIterations: 3000, keepProb: 0.86, printCost: false, ...solution });
    disposeParameters(trained.parameters);
    expect(trained.costs.map((c) => c.iteration)).toEqual([0, 1000, 2000]);
    const costs = trained.costs.map((c) => c.cost);
    costs.forEach((c) => expect(Number.isFinite(c)).toBe(true));
    expect(costs.at(-1)!).toBeLessThan(0.8 * costs[0]);
  });

  it("prints the cost every printEvery iterations when asked", () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...parts: unknown[]) => void lines.push(parts.join(" "));
    try {
      const trained = model(X, Y, { numIterations: 2001, costEvery: 1000, printEvery: 2000 });
      disposeParameters(trained.parameters);
    } finally {
      console.log = log;
    }
    expect(lines.map((l) => l.replace(/: .*/, ""))).toEqual(["Cost after iteration 0", "Cost after iteration 2000"]);
  });
});

describe("model: randomness", () => {
  it("the same seed gives identical parameters (with dropout)", () => {
    const run = () => trainedValues({ numIterations: 200, keepProb: 0.86, rng: new RandomState(3), ...solution });
    expect(run()).toEqual(run());
  });

  it("different mask seeds (same initial weights) give different parameters", () => {
    const initialA = trainedValues({ numIterations: 0, rng: new MasksFrom(5) });
    const initialB = trainedValues({ numIterations: 0, rng: new MasksFrom(6) });
    expect(initialA).toEqual(initialB);
    const a = trainedValues({ numIterations: 200, keepProb: 0.86, rng: new MasksFrom(5), ...solution });
    const b = trainedValues({ numIterations: 200, keepProb: 0.86, rng: new MasksFrom(6), ...solution });
    expect(a.W1).not.toEqual(b.W1);
    expect(trainedValues({ numIterations: 200, keepProb: 0.86, rng: new MasksFrom(5), ...solution })).toEqual(a);
  });

  it("passes the one generator to every iteration, which draws fresh masks each time", () => {
    const rng = new RandomState(3);
    const seen: { rng: RandomState; D1: number[] }[] = [];
    const spy: ForwardWithDropout = (x, parameters, keepProb, r) => {
      const [A3, cache] = solution.forwardPropagationWithDropout(x, parameters, keepProb, r);
      seen.push({ rng: r, D1: Array.from((cache as DropoutCache).D1.dataSync()) });
      return [A3, cache];
    };
    const trained = model(X, Y, { numIterations: 3, keepProb: 0.86, printCost: false, rng, ...solution, forwardPropagationWithDropout: spy });
    disposeParameters(trained.parameters);
    expect(seen.map((s) => s.rng === rng)).toEqual([true, true, true]);
    expect(seen[1].D1).not.toEqual(seen[0].D1);
    expect(seen[2].D1).not.toEqual(seen[1].D1);
  });
});

describe("model: the same steps as the course's loop", () => {
  it("keepProb 1: parameters equal those of a plain loop with updateParameters (float32 rounding aside)", () => {
    const iterations = 50;
    const trained = model(X, Y, { numIterations: iterations, printCost: false });
    let parameters = initializeParameters([2, 20, 3, 1], new RandomState(3));
    for (let i = 0; i < iterations; i++) {
      const next = tf.tidy(() => {
        const [, cache] = forwardPropagation(X, parameters);
        return updateParameters(parameters, backwardPropagation(X, Y, cache), 0.3);
      });
      disposeParameters(parameters);
      parameters = next;
    }
    for (const name of PARAMETER_NAMES) {
      const [ours, plain] = [trained.parameters[name].dataSync(), parameters[name].dataSync()];
      ours.forEach((v, k) => expect(Math.abs(v - plain[k]), `${name}[${k}]`).toBeLessThan(1e-5));
    }
    disposeParameters(trained.parameters);
    disposeParameters(parameters);
  });

  it("returns plain tensors (not variables) that outlive the run", () => {
    const trained = model(X, Y, { numIterations: 2, printCost: false });
    for (const name of PARAMETER_NAMES) {
      expect(trained.parameters[name]).not.toBeInstanceOf(tf.Variable);
      expect(trained.parameters[name].isDisposed).toBe(false);
    }
    expect(trained.parameters.W1.shape).toEqual([20, 2]);
    expect(trained.parameters.b3.shape).toEqual([1, 1]);
    disposeParameters(trained.parameters);
  });
});

describe("model: clear errors", () => {
  for (const keepProb of [0, -0.1, 1.5, Number.NaN]) {
    it(`keepProb ${keepProb} is rejected before any training`, () => {
      expect(() => model(X, Y, { keepProb, ...solution })).toThrow(/keepProb must be a number in \(0, 1\]/);
    });
  }

  it("keepProb < 1 without the dropout functions says how to pass them", () => {
    expect(() => model(X, Y, { keepProb: 0.86 })).toThrow(/forwardPropagationWithDropout, backwardPropagationWithDropout/);
    expect(() => model(X, Y, { keepProb: 0.86, forwardPropagationWithDropout: solution.forwardPropagationWithDropout })).toThrow(/pass your functions/);
  });

  it("a gradient of the wrong shape names the gradient instead of broadcasting it", () => {
    const before = tf.memory().numTensors;
    const backward: DropoutFunctions["backwardPropagationWithDropout"] = (...args) => {
      const grads = solution.backwardPropagationWithDropout(...args);
      return { ...grads, db1: tf.sum(grads.dZ1, 1) as unknown as Matrix }; // [20] instead of [20, 1]
    };
    expect(() => model(X, Y, { numIterations: 3, keepProb: 0.86, printCost: false, ...solution, backwardPropagationWithDropout: backward }))
      .toThrow(/the gradient db1 must have the shape of b1, \[20, 1\]; got shape \[20\]/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("updateParametersInPlace refuses plain tensors", () => {
    tf.tidy(() => {
      const parameters = initializeParameters([2, 20, 3, 1], new RandomState(3));
      const [, cache] = forwardPropagation(X, parameters);
      expect(() => updateParametersInPlace(parameters, backwardPropagation(X, Y, cache), tf.scalar(0.3))).toThrow(/not a tf.Variable/);
    });
  });
});

describe("model: L2 regularization (lambd > 0)", () => {
  it("calls the student's backward pass at every iteration and the student's cost only when recorded, which is the recorded cost", () => {
    const costCalls: number[] = [];
    const lambdsSeen = new Set<number>();
    let backwardCalls = 0;
    const cost: CostWithRegularization = (A3, labels, parameters, lambd) => {
      lambdsSeen.add(lambd);
      const value = l2.computeCostWithRegularization(A3, labels, parameters, lambd);
      costCalls.push(value);
      return value;
    };
    const backward: BackwardWithRegularization = (x, labels, cache, lambd) => {
      backwardCalls++;
      lambdsSeen.add(lambd);
      return l2.backwardPropagationWithRegularization(x, labels, cache, lambd);
    };
    const trained = model(X, Y, {
      numIterations: 2001, lambd: 0.7, printCost: false, computeCostWithRegularization: cost, backwardPropagationWithRegularization: backward,
    });
    disposeParameters(trained.parameters);
    expect(backwardCalls).toBe(2001);
    expect(trained.costs).toEqual([0, 1000, 2000].map((iteration, k) => ({ iteration, cost: costCalls[k] })));
    expect(costCalls).toHaveLength(3);
    expect([...lambdsSeen]).toEqual([0.7]);
    expect(trained.lambd).toBe(0.7);
  });

  it("lambd 0.7: parameters equal those of a plain loop whose gradients get + (lambd/m) W (float32 rounding aside)", () => {
    const iterations = 50;
    const lambd = 0.7;
    const m = X.shape[1];
    const trained = model(X, Y, { numIterations: iterations, lambd, printCost: false, ...l2 });
    let parameters = initializeParameters([2, 20, 3, 1], new RandomState(3));
    for (let i = 0; i < iterations; i++) {
      const next = tf.tidy(() => {
        const [, cache] = forwardPropagation(X, parameters);
        const grads = backwardPropagation(X, Y, cache);
        for (const l of [1, 2, 3] as const) grads[`dW${l}`] = tf.add(grads[`dW${l}`], tf.mul(parameters[`W${l}`], lambd / m)) as Matrix;
        return updateParameters(parameters, grads, 0.3);
      });
      disposeParameters(parameters);
      parameters = next;
    }
    for (const name of PARAMETER_NAMES) {
      const [ours, loop] = [trained.parameters[name].dataSync(), parameters[name].dataSync()];
      ours.forEach((v, k) => expect(Math.abs(v - loop[k]), `${name}[${k}]`).toBeLessThan(1e-5));
    }
    disposeParameters(trained.parameters);
    disposeParameters(parameters);
  });

  it("lambd 0 trains without L2 even when the L2 functions are passed: the plain run's parameters, exactly", () => {
    expect(trainedValues({ numIterations: 100, lambd: 0, ...l2 })).toEqual(trainedValues({ numIterations: 100 }));
  });

  it("lambd > 0 without the L2 functions says how to pass them", () => {
    expect(() => model(X, Y, { lambd: 0.7 })).toThrow(/\{ computeCostWithRegularization, backwardPropagationWithRegularization \} in the options/);
    expect(() => model(X, Y, { lambd: 0.7, computeCostWithRegularization: l2.computeCostWithRegularization })).toThrow(/pass your functions/);
  });

  it("lambd > 0 with keepProb < 1 is refused: one regularizer at a time, as in the course", () => {
    expect(() => model(X, Y, { lambd: 0.7, keepProb: 0.86, ...l2, ...solution })).toThrow(/one regularizer at a time: set lambd to 0 or keepProb to 1/);
  });

  for (const lambd of [-0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`lambd ${lambd} is rejected before any training`, () => {
      expect(() => model(X, Y, { lambd, ...l2 })).toThrow(/lambd must be a finite number >= 0/);
    });
  }

  it("a cost function that returns a tensor is named, and nothing leaks", () => {
    const before = tf.memory().numTensors;
    const tensorCost = ((A3: Matrix) => tf.sum(A3)) as unknown as CostWithRegularization;
    expect(() => model(X, Y, { numIterations: 3, lambd: 0.7, printCost: false, ...l2, computeCostWithRegularization: tensorCost }))
      .toThrow(/computeCostWithRegularization must return a number \(read a tensor's value with \.dataSync\(\)\[0\]\), got a tensor of shape \[\]/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
