/**
 * The course's training loop: full-batch gradient descent on the 3-layer net, with the student's
 * dropout functions plugged in when keepProb < 1, or the student's L2 functions when lambd > 0 (one
 * regularizer at a time, as in the course).
 *
 * One generator is passed through every iteration, so each iteration draws fresh masks (the original
 * notebook reseeded numpy inside the forward function, which silently reused one mask for the whole
 * training run) and a run is still reproducible from its seed.
 *
 * Speed (30,000 iterations take seconds, not minutes; bench/ measures it): tfjs pays a few microseconds
 * per op whatever the tensor size, and these tensors are small, so the loop is about doing fewer ops.
 * The weights live in `tf.variable`s updated in place (`updateParametersInPlace`: the step computed in
 * JavaScript, with tfjs's float32 bits, each variable taking its new values without a kernel), the learning
 * rate is one scalar tensor made once, each iteration runs in one
 * `tf.tidy`, and the cost (which reads a value back to JavaScript) is computed only when it is recorded.
 * Underneath, on wasm, the kit's own kernels (src/kernels) run the matrix products, the mask's comparison and
 * the small arithmetic ops with the stock kernels' exact results in about 0.6 of their time.
 * Every iteration still runs the full forward and backward passes, the student's when keepProb < 1 or
 * lambd > 0; with L2 the recorded cost is the student's regularized cost, so it too runs only when recorded.
 */
import * as tf from "@tensorflow/tfjs";
import { computeCost, computeCostFromLogits } from "./cost";
import { assertKeepProb } from "./dropout";
import { assertLambd, assertOneRegularizer } from "./regularization";
import { initializeParameters, LAYER_DIMS } from "./initialize";
import { backwardPropagation, forwardPropagation } from "./propagation";
import { RandomState } from "./random";
import type {
  BackwardWithDropout, BackwardWithRegularization, CostWithRegularization, ForwardCache, ForwardWithDropout, Gradients, Matrix, Parameters,
} from "./types";
import { PARAMETER_NAMES } from "./types";
import { updateParametersInPlace } from "./update";

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
  /** Strength of the L2 term; 0 (the default) trains without L2. Not together with keepProb < 1. */
  lambd?: number;
  /** The student's graded L2 functions; required when lambd > 0. The recorded cost is the first one's value. */
  computeCostWithRegularization?: CostWithRegularization;
  backwardPropagationWithRegularization?: BackwardWithRegularization;
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
  lambd: number;
}

export function model(X: Matrix, Y: Matrix, options: ModelOptions = {}): TrainedModel {
  const {
    learningRate = 0.3, numIterations = 30000, keepProb = 1, lambd = 0, printCost = true,
    rng = new RandomState(3), costEvery = 1000, printEvery = 10000, layerDims = [X.shape[0], ...LAYER_DIMS.slice(1)],
  } = options;
  assertKeepProb(keepProb);
  assertLambd(lambd);
  assertOneRegularizer(lambd, keepProb);
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

  const useL2 = lambd > 0;
  const costWithL2 = options.computeCostWithRegularization;
  const backwardWithL2 = options.backwardPropagationWithRegularization;
  if (useL2 && (!costWithL2 || !backwardWithL2)) {
    throw new Error(
      "lambd > 0 trains with L2 regularization: pass your functions as " +
        "{ computeCostWithRegularization, backwardPropagationWithRegularization } in the options",
    );
  }

  const weights = toVariables(initializeParameters(layerDims, rng));
  const learningRateTensor = tf.scalar(learningRate);
  const costs: CostRecord[] = [];
  try {
    for (let i = 0; i < numIterations; i++) {
      const recordCost = i % costEvery === 0;
      let cost = NaN;
      tf.tidy(() => {
        let grads: Gradients;
        if (useDropout) {
          const [A3, cache] = forward!(X, weights, keepProb, rng);
          if (recordCost) cost = costOf(A3, cache, Y);
          grads = backward!(X, Y, cache, keepProb);
        } else if (useL2) {
          const [A3, cache] = forwardPropagation(X, weights);
          if (recordCost) cost = regularizedCost(costWithL2!(A3, Y, weights, lambd));
          grads = backwardWithL2!(X, Y, cache, lambd);
        } else {
          const [A3, cache] = forwardPropagation(X, weights);
          if (recordCost) cost = costOf(A3, cache, Y);
          grads = backwardPropagation(X, Y, cache);
        }
        updateParametersInPlace(weights, grads, learningRateTensor);
      });
      if (recordCost) {
        costs.push({ iteration: i, cost });
        if (printCost && i % printEvery === 0) console.log(`Cost after iteration ${i}: ${cost}`);
      }
    }
    // Plain tensors out (they share the variables' memory, so this copies nothing).
    const parameters = tf.tidy(() => mapParameters(weights, (w) => tf.clone(w) as Matrix));
    return { parameters, costs, learningRate, keepProb, lambd };
  } finally {
    learningRateTensor.dispose();
    disposeParameters(weights);
  }
}

function toVariables(parameters: Parameters): Parameters {
  const weights = mapParameters(parameters, (p) => tf.variable(p, false) as unknown as Matrix);
  disposeParameters(parameters); // the variables keep the data alive
  return weights;
}

function mapParameters(parameters: Parameters, f: (p: Matrix) => Matrix): Parameters {
  const out = {} as Parameters;
  for (const name of PARAMETER_NAMES) out[name] = f(parameters[name]);
  return out;
}

/** The student's cost is recorded and plotted as a number: anything else is said here, not later in a plot. */
function regularizedCost(cost: unknown): number {
  if (typeof cost !== "number") {
    const got = cost instanceof tf.Tensor ? `a tensor of shape [${cost.shape.join(", ")}]` : typeof cost;
    throw new TypeError(`computeCostWithRegularization must return a number (read a tensor's value with .dataSync()[0]), got ${got}`);
  }
  return cost;
}

/** Prefer the exact logits form; fall back to probabilities if a cache has no Z3. */
function costOf(A3: Matrix, cache: ForwardCache, Y: Matrix): number {
  return cache.Z3 ? computeCostFromLogits(cache.Z3, Y) : computeCost(A3, Y);
}

export function disposeParameters(parameters: Parameters): void {
  for (const name of PARAMETER_NAMES) parameters[name].dispose();
}
