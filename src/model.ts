/**
 * The course's training loop: full-batch gradient descent on the 3-layer net, with the student's
 * dropout functions plugged in when keepProb < 1.
 *
 * One generator is passed through every iteration, so each iteration draws fresh masks (the original
 * notebook reseeded numpy inside the forward function, which silently reused one mask for the whole
 * training run) and a run is still reproducible from its seed.
 */
import * as tf from "@tensorflow/tfjs";
import { computeCost, computeCostFromLogits } from "./cost";
import { assertKeepProb } from "./dropout";
import { initializeParameters, LAYER_DIMS } from "./initialize";
import { backwardPropagation, forwardPropagation } from "./propagation";
import { RandomState } from "./random";
import type { BackwardWithDropout, ForwardCache, ForwardWithDropout, Gradients, Matrix, Parameters } from "./types";
import { PARAMETER_NAMES } from "./types";
import { updateParameters } from "./update";

export interface ModelOptions {
  learningRate?: number;
  numIterations?: number;
  /** Probability of keeping a hidden unit; 1 (the default) trains without dropout. */
  keepProb?: number;
  printCost?: boolean;
  /** Source of all randomness: the initial weights first, then the masks. Default: seed 3, as the course. */
  rng?: RandomState;
  /** The student's graded functions; required when keepProb < 1. */
  forwardPropagationWithDropout?: ForwardWithDropout;
  backwardPropagationWithDropout?: BackwardWithDropout;
  /** Record the cost every this many iterations (the course: 1000) and print it every `printEvery` (10000). */
  costEvery?: number;
  printEvery?: number;
  layerDims?: readonly number[];
}

export interface CostRecord {
  iteration: number;
  cost: number;
}

export interface TrainedModel {
  parameters: Parameters;
  costs: CostRecord[];
  learningRate: number;
  keepProb: number;
}

export function model(X: Matrix, Y: Matrix, options: ModelOptions = {}): TrainedModel {
  const {
    learningRate = 0.3, numIterations = 30000, keepProb = 1, printCost = true,
    rng = new RandomState(3), costEvery = 1000, printEvery = 10000, layerDims = [X.shape[0], ...LAYER_DIMS.slice(1)],
  } = options;
  assertKeepProb(keepProb);
  if (!Number.isInteger(numIterations) || numIterations < 0) {
    throw new RangeError(`numIterations must be a non-negative integer, got ${numIterations}`);
  }
  if (X.shape[1] !== Y.shape[1]) {
    throw new Error(`X has ${X.shape[1]} examples (columns) but Y has ${Y.shape[1]}; they must match`);
  }
  const useDropout = keepProb < 1;
  const forward = options.forwardPropagationWithDropout;
  const backward = options.backwardPropagationWithDropout;
  if (useDropout && (!forward || !backward)) {
    throw new Error(
      "keepProb < 1 trains with dropout: pass your functions as " +
        "{ forwardPropagationWithDropout, backwardPropagationWithDropout } in the options",
    );
  }

  let parameters = initializeParameters(layerDims, rng);
  const costs: CostRecord[] = [];
  for (let i = 0; i < numIterations; i++) {
    const recordCost = i % costEvery === 0;
    let cost = NaN;
    const next = tf.tidy(() => {
      let grads: Gradients;
      let cache: ForwardCache;
      let A3: Matrix;
      if (useDropout) {
        const [a3, dropoutCache] = forward!(X, parameters, keepProb, rng);
        [A3, cache] = [a3, dropoutCache];
        if (recordCost) cost = costOf(A3, cache, Y);
        grads = backward!(X, Y, dropoutCache, keepProb);
      } else {
        [A3, cache] = forwardPropagation(X, parameters);
        if (recordCost) cost = costOf(A3, cache, Y);
        grads = backwardPropagation(X, Y, cache);
      }
      return updateParameters(parameters, grads, learningRate);
    });
    disposeParameters(parameters);
    parameters = next;
    if (recordCost) {
      costs.push({ iteration: i, cost });
      if (printCost && i % printEvery === 0) console.log(`Cost after iteration ${i}: ${cost}`);
    }
  }
  return { parameters, costs, learningRate, keepProb };
}

/** Prefer the exact logits form; fall back to probabilities if a cache has no Z3. */
function costOf(A3: Matrix, cache: ForwardCache, Y: Matrix): number {
  return cache.Z3 ? computeCostFromLogits(cache.Z3, Y) : computeCost(A3, Y);
}

export function disposeParameters(parameters: Parameters): void {
  for (const name of PARAMETER_NAMES) parameters[name].dispose();
}
