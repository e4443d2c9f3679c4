/**
 * The experiments behind notebooks/experiments.ipynb: each answers a question learners asked about
 * inverted dropout with numbers a student computes and a plot a student sees. Every function returns
 * plain numbers (tests assert the claims on them); `lineFigure` turns series into a plot.
 *
 * The networks are the library's: its passes' building blocks (src/propagation.ts), its training loop
 * (`model`, src/model.ts) and its plain forward pass for predictions. What an experiment changes is one
 * thing, written here: the multiplier a hidden layer's output goes through (`dropoutMultiplier`, with the
 * choices the questions are about: scale by 1/keepProb or not, one mask per example or per batch,
 * Bernoulli or Gaussian), in the forward pass and in the backward pass. These are not the graded functions.
 */
import { averagedOuter, averagedRowSum, computeCostFromLogits, forwardPropagation, linearBackward, linearForward, model, relu, reluBackward, sigmoid, tf } from "dropout-kit";
import type { DropoutCache, Figure, ForwardWithDropout, Gradients, Matrix, Parameters, RandomState } from "dropout-kit";

// ---------------------------------------------------------------------------------------------------
// Plain-number helpers.

export const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
export const mean = (v: ArrayLike<number>): number => Array.from(v).reduce((s, x) => s + x, 0) / v.length;
export const variance = (v: ArrayLike<number>): number => {
  const m = mean(v);
  return Array.from(v).reduce((s, x) => s + (x - m) * (x - m), 0) / v.length;
};

/** One draw of a 0/1 mask: each entry 1 with probability keepProb (rng.uniform() < keepProb, as in the course). */
export function mask(count: number, keepProb: number, rng: RandomState): Float64Array {
  return rng.uniformArray(count).map((u) => (u < keepProb ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------------
// 1. "Output at test time = expected output at training time."

export interface AveragingResult {
  samples: number[];
  /** ||mean of the dropout outputs - A|| / ||A||, after each number of samples. */
  invertedError: number[];
  plainError: number[];
  /** mean of the unscaled outputs / A, over all entries, after the last sample: about keepProb. */
  plainRatio: number;
}

/** Averages a dropout layer's output over many masks, with and without the division by keepProb. */
export function averageOverMasks(A: ArrayLike<number>, keepProb: number, sampleCounts: number[], rng: RandomState): AveragingResult {
  const a = Float64Array.from(A);
  const inverted = new Float64Array(a.length);
  const plain = new Float64Array(a.length);
  const result: AveragingResult = { samples: [], invertedError: [], plainError: [], plainRatio: NaN };
  const checkpoints = [...sampleCounts].sort((x, y) => x - y);
  const normA = norm(a);
  for (let s = 1, k = 0; k < checkpoints.length; s++) {
    const m = mask(a.length, keepProb, rng);
    for (let i = 0; i < a.length; i++) {
      plain[i] += a[i] * m[i];
      inverted[i] += (a[i] * m[i]) / keepProb;
    }
    if (s === checkpoints[k]) {
      result.samples.push(s);
      result.invertedError.push(norm(inverted.map((x, i) => x / s - a[i])) / normA);
      result.plainError.push(norm(plain.map((x, i) => x / s - a[i])) / normA);
      k++;
      if (k === checkpoints.length) result.plainRatio = plain.reduce((t, x) => t + x / s, 0) / a.reduce((t, x) => t + x, 0);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------
// 2. "Doesn't dividing by keepProb cancel dropout?"

/** One unit with activation `a` over iterations: 0 when dropped, a / keepProb when kept. */
export function unitTrace(a: number, keepProb: number, iterations: number, rng: RandomState): number[] {
  return Array.from(mask(iterations, keepProb, rng), (m) => (m * a) / keepProb);
}

/** ||m·A|| against |m|·||A||: scaling a vector scales its length by the same factor. */
export function scaledNorm(A: ArrayLike<number>, m: number): { norm: number; scaledNorm: number; factorTimesNorm: number } {
  const n = norm(A);
  return { norm: n, scaledNorm: norm(Array.from(A, (x) => m * x)), factorTimesNorm: Math.abs(m) * n };
}

// ---------------------------------------------------------------------------------------------------
// 4. 1/keepProb against 1/(1 - keepProb), multiplying by keepProb, and tfjs's rate.

/** Mean of the layer's output over many draws, divided by the mean of its input, for each convention. */
export function scalingConventions(A: ArrayLike<number>, keepProb: number, draws: number, rng: RandomState, seed = 1): Record<string, number> {
  const a = Float64Array.from(A);
  const total = a.reduce((s, x) => s + x, 0) * draws;
  let byKeepProb = 0;
  let byDropProb = 0;
  let timesKeepProb = 0;
  for (let d = 0; d < draws; d++) {
    const m = mask(a.length, keepProb, rng);
    for (let i = 0; i < a.length; i++) {
      byKeepProb += (a[i] * m[i]) / keepProb;
      byDropProb += (a[i] * m[i]) / (1 - keepProb);
      timesKeepProb += a[i] * m[i] * keepProb;
    }
  }
  // tf.dropout's second argument is the rate of DROPPING: rate = 1 - keepProb keeps the expectation.
  const input = tf.tensor2d(Float32Array.from(a), [1, a.length]);
  const tiled = tf.tile(input, [draws, 1]);
  const dropped = tf.dropout(tiled, 1 - keepProb, undefined, seed);
  const tfSum = dropped.sum().dataSync()[0];
  tf.dispose([input, tiled, dropped]);
  return {
    "divide by keepProb": byKeepProb / total,
    "divide by 1 - keepProb": byDropProb / total,
    // The mistake of multiplying instead of dividing: keepProb² on average (the mask's keepProb, then the factor's).
    "multiply by keepProb": timesKeepProb / total,
    "tf.dropout(x, 1 - keepProb)": tfSum / total,
  };
}

// ---------------------------------------------------------------------------------------------------
// 6, 7, 8: a dropout layer with the choices the questions are about.

export type MaskShape = "per-example" | "per-batch";
export type Noise = "bernoulli" | "gaussian";

export interface DropoutLayerOptions {
  /** Divide the kept units by keepProb (inverted dropout, the default) or not (the original paper's training). */
  inverted?: boolean;
  /** One mask per example (a column each), or one per batch shared by all examples (tfjs's noiseShape [n, 1]). */
  maskShape?: MaskShape;
  /** Bernoulli 0/1 masks, or Gaussian multiplicative noise with the same mean and variance. */
  noise?: Noise;
}

/** The multiplier applied to A (shape [n, m]): mask / keepProb, mask, or 1 + sqrt((1 - p) / p)·N(0, 1). */
export function dropoutMultiplier(shape: [number, number], keepProb: number, rng: RandomState, options: DropoutLayerOptions = {}): Matrix {
  const { inverted = true, maskShape = "per-example", noise = "bernoulli" } = options;
  const [n, m] = shape;
  const cols = maskShape === "per-batch" ? 1 : m;
  let values: Float64Array;
  if (noise === "gaussian") {
    const sigma = Math.sqrt((1 - keepProb) / keepProb);
    values = rng.gaussianArray(n * cols).map((z) => 1 + sigma * z);
  } else {
    values = mask(n * cols, keepProb, rng).map((x) => (inverted ? x / keepProb : x));
  }
  const small = tf.tensor2d(Float32Array.from(values), [n, cols]);
  if (cols === m) return small;
  const wide = tf.tile(small, [1, m]) as Matrix;
  small.dispose();
  return wide;
}

export interface VariantTraining {
  /** keepProb, or a schedule giving it at each iteration (annealed dropout). */
  keepProb: number | ((iteration: number) => number);
  numIterations?: number;
  learningRate?: number;
  layer?: DropoutLayerOptions;
  rng: RandomState;
  costEvery?: number;
}

export interface VariantResult {
  parameters: Parameters;
  costs: { iteration: number; cost: number }[];
}

/**
 * The library's forward pass (src/propagation.ts: linearForward, relu, sigmoid) with dropout's one
 * difference: each hidden layer's output is multiplied by `multiplier(shape)` before the next layer reads it.
 * The cache is the course's, with A1 and A2 as the next layer received them; D1 and D2 hold the multipliers
 * themselves (for inverted dropout mask / keepProb, where the course keeps the 0/1 mask and divides separately).
 */
function forwardWithMultipliers(X: Matrix, parameters: Parameters, multiplier: (shape: [number, number]) => Matrix): [Matrix, DropoutCache] {
  const { W1, b1, W2, b2, W3, b3 } = parameters;
  const Z1 = linearForward(W1, X, b1);
  const D1 = multiplier(Z1.shape);
  const A1 = tf.mul(relu(Z1), D1) as Matrix;
  const Z2 = linearForward(W2, A1, b2);
  const D2 = multiplier(Z2.shape);
  const A2 = tf.mul(relu(Z2), D2) as Matrix;
  const Z3 = linearForward(W3, A2, b3);
  const A3 = sigmoid(Z3);
  return [A3, { Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 }];
}

/**
 * The library's backward pass (linearBackward, reluBackward, averagedOuter, averagedRowSum) with the same
 * difference: the gradient reaching a hidden layer goes through its multiplier, as the activations did.
 * reluBackward reads the active units off Z1 and Z2 (Z > 0 exactly where relu(Z) > 0): A1 and A2 went
 * through the multiplier, and a Gaussian one can make them negative.
 */
function backwardWithMultipliers(X: Matrix, Y: Matrix, cache: DropoutCache): Gradients {
  const m = X.shape[1];
  const { Z1, D1, A1, W2, Z2, D2, A2, W3, A3 } = cache;
  const dZ3 = tf.sub(A3, Y) as Matrix;
  const dA2 = tf.mul(linearBackward(W3, dZ3), D2) as Matrix;
  const dZ2 = reluBackward(dA2, Z2);
  const dA1 = tf.mul(linearBackward(W2, dZ2), D1) as Matrix;
  const dZ1 = reluBackward(dA1, Z1);
  return {
    dZ3, dW3: averagedOuter(dZ3, A2, m), db3: averagedRowSum(dZ3, m),
    dA2, dZ2, dW2: averagedOuter(dZ2, A1, m), db2: averagedRowSum(dZ2, m),
    dA1, dZ1, dW1: averagedOuter(dZ1, X, m), db1: averagedRowSum(dZ1, m),
  };
}

/**
 * Trains the course's [2, 20, 3, 1] net with the course's own model() (src/model.ts: its initialisation,
 * loop, recorded cost and updates), the passes above plugged in with the chosen dropout layer on both
 * hidden layers. The initial weights come from `rng` first, then the masks.
 */
export function trainWithDropoutLayer(X: Matrix, Y: Matrix, options: VariantTraining): VariantResult {
  const { keepProb, numIterations = 10000, learningRate = 0.3, layer = {}, rng, costEvery = 1000 } = options;
  const keepProbAt = typeof keepProb === "function" ? keepProb : () => keepProb;
  // model() runs the forward pass once per iteration: counting its calls gives a schedule its iteration.
  let iteration = 0;
  const forwardPropagationWithDropout: ForwardWithDropout = (x, parameters, _keepProb, random) => {
    const p = keepProbAt(iteration++);
    return forwardWithMultipliers(x, parameters, (shape) => dropoutMultiplier(shape, p, random, layer));
  };
  const { parameters, costs } = model(X, Y, {
    numIterations, learningRate, rng, costEvery, printCost: false,
    // Below 1, model() runs the passes above; they take each iteration's keepProb from the schedule.
    keepProb: typeof keepProb === "function" ? 0.5 : keepProb,
    forwardPropagationWithDropout, backwardPropagationWithDropout: backwardWithMultipliers,
  });
  return { parameters, costs };
}

/** The paper's test-time rule for a net trained without the division: weights fed by dropped units times keepProb. */
export function scaleWeightsForTest(parameters: Parameters, keepProb: number): Parameters {
  return { ...parameters, W2: tf.mul(parameters.W2, keepProb) as Matrix, W3: tf.mul(parameters.W3, keepProb) as Matrix };
}

/**
 * How much a recorded cost moves from one record to the next: the mean |cost[k] - cost[k - 1]| over the
 * records from iteration `from` on (dropout's noise, once the cost has stopped falling fast).
 */
export function costJumpiness(costs: { iteration: number; cost: number }[], from = 0): number {
  const kept = costs.filter((c) => c.iteration >= from);
  return mean(kept.slice(1).map((c, k) => Math.abs(c.cost - kept[k].cost)));
}

/** Mean of the recorded costs from iteration `from` on. */
export function meanCostFrom(costs: { iteration: number; cost: number }[], from: number): number {
  return mean(costs.filter((c) => c.iteration >= from).map((c) => c.cost));
}

/** The training cost of the full network, no dropout: the plain forward pass's cost, from Z3 as model() records it. */
export function costWithoutDropout(parameters: Parameters, X: Matrix, Y: Matrix): number {
  return tf.tidy(() => computeCostFromLogits(forwardPropagation(X, parameters)[1].Z3, Y));
}

/** Probabilities of the plain forward pass (no dropout), [1, m]. */
export function probabilities(parameters: Parameters, X: Matrix): Float32Array {
  return tf.tidy(() => forwardPropagation(X, parameters)[0].dataSync() as Float32Array);
}

/** Probabilities of one forward pass with dropout left ON (what a forgotten "training mode" does). */
export function probabilitiesWithDropout(parameters: Parameters, X: Matrix, keepProb: number, rng: RandomState): Float32Array {
  return tf.tidy(() => {
    const [A3] = forwardWithMultipliers(X, parameters, (shape) => dropoutMultiplier(shape, keepProb, rng));
    return A3.dataSync() as Float32Array;
  });
}

/** How far `other`'s predictions are from `base`'s, point by point (both probabilities of the same points). */
export interface PredictionShift {
  /** Fraction of the points that get the same label (threshold 0.5) from both. */
  sameLabel: number;
  /** Mean |other - base| over the points. */
  meanAbsDifference: number;
  /** Fraction of the points where `other` is further from 0.5 than `base`: more confident. */
  moreConfident: number;
}

export function predictionShift(base: ArrayLike<number>, other: ArrayLike<number>): PredictionShift {
  const n = base.length;
  let same = 0;
  let difference = 0;
  let confident = 0;
  for (let i = 0; i < n; i++) {
    same += base[i] > 0.5 === other[i] > 0.5 ? 1 : 0;
    difference += Math.abs(other[i] - base[i]);
    confident += Math.abs(other[i] - 0.5) > Math.abs(base[i] - 0.5) ? 1 : 0;
  }
  return { sameLabel: same / n, meanAbsDifference: difference / n, moreConfident: confident / n };
}

/** Accuracy of probabilities against 0/1 labels (threshold 0.5), in [0, 1]. */
export function accuracyOf(probs: ArrayLike<number>, Y: Matrix): number {
  const y = Y.dataSync();
  let right = 0;
  for (let i = 0; i < y.length; i++) right += (probs[i] > 0.5 ? 1 : 0) === y[i] ? 1 : 0;
  return right / y.length;
}

/** Monte-Carlo dropout: the mean and the standard deviation of each example's probability over `passes`. */
export function monteCarloDropout(parameters: Parameters, X: Matrix, keepProb: number, passes: number, rng: RandomState): { mean: Float64Array; std: Float64Array; passAccuracies?: number[] } {
  const m = X.shape[1];
  const sum = new Float64Array(m);
  const sumSq = new Float64Array(m);
  for (let p = 0; p < passes; p++) {
    const probs = probabilitiesWithDropout(parameters, X, keepProb, rng);
    for (let i = 0; i < m; i++) {
      sum[i] += probs[i];
      sumSq[i] += probs[i] * probs[i];
    }
  }
  const meanP = sum.map((s) => s / passes);
  return { mean: meanP, std: sumSq.map((s, i) => Math.sqrt(Math.max(0, s / passes - meanP[i] * meanP[i]))) };
}

/** Test accuracy of `passes` single forward passes with dropout left on, one fresh set of masks each. */
export function accuraciesWithDropoutOn(parameters: Parameters, X: Matrix, Y: Matrix, keepProb: number, passes: number, rng: RandomState): number[] {
  return Array.from({ length: passes }, () => accuracyOf(probabilitiesWithDropout(parameters, X, keepProb, rng), Y));
}

/** How many values lie below, at, and above `reference`. */
export function countAround(values: ArrayLike<number>, reference: number): { below: number; equal: number; above: number } {
  const v = Array.from(values);
  return { below: v.filter((x) => x < reference).length, equal: v.filter((x) => x === reference).length, above: v.filter((x) => x > reference).length };
}

export interface SpreadBin {
  /** The bin holds the points whose mean prediction p has from <= p < to (the last bin includes 1). */
  from: number;
  to: number;
  points: number;
  /** Mean of the points' standard deviations (NaN for an empty bin). */
  meanStd: number;
}

/**
 * Monte-Carlo spread against the mean prediction: the points grouped by their mean prediction (bins
 * between consecutive `edges`), and the point with the largest spread.
 */
export function spreadByPrediction(mc: { mean: ArrayLike<number>; std: ArrayLike<number> }, edges: number[]): { bins: SpreadBin[]; largest: { meanPrediction: number; std: number } } {
  const bins: SpreadBin[] = edges.slice(0, -1).map((from, k) => {
    const to = edges[k + 1];
    const last = k === edges.length - 2;
    const stds = Array.from(mc.std).filter((_, i) => mc.mean[i] >= from && (mc.mean[i] < to || (last && mc.mean[i] <= to)));
    return { from, to, points: stds.length, meanStd: stds.length ? mean(stds) : NaN };
  });
  let at = 0;
  for (let i = 1; i < mc.std.length; i++) if (mc.std[i] > mc.std[at]) at = i;
  return { bins, largest: { meanPrediction: mc.mean[at], std: mc.std[at] } };
}

/** The zero-mean-noise view: output - A = A·(multiplier - 1). Mean and variance of that noise for one unit. */
export function noiseStatistics(a: number, keepProb: number, draws: number, rng: RandomState, noise: Noise): { mean: number; variance: number; theoryVariance: number; samples: number[] } {
  const multiplier = dropoutMultiplier([1, draws], keepProb, rng, { noise });
  const samples = Array.from(multiplier.dataSync(), (x) => a * (x - 1));
  multiplier.dispose();
  return { mean: mean(samples), variance: variance(samples), theoryVariance: (a * a * (1 - keepProb)) / keepProb, samples };
}

// ---------------------------------------------------------------------------------------------------
// Plots.

export interface Series {
  name: string;
  /** Numbers, or names (then the x axis is a category axis: one tick per name). */
  x: number[] | string[];
  y: number[];
  mode?: "lines" | "markers" | "lines+markers";
  dash?: "solid" | "dash" | "dot";
}

/** A line chart of named series (log axes where asked; a category x axis when x holds names). */
export function lineFigure(title: string, xTitle: string, yTitle: string, series: Series[], options: { logX?: boolean; logY?: boolean } = {}): Figure {
  const categories = series.some((s) => s.x.some((x) => typeof x === "string"));
  return {
    data: series.map((s) => ({ type: "scatter", mode: s.mode ?? "lines", name: s.name, x: s.x, y: s.y, line: { dash: s.dash ?? "solid" } })),
    layout: {
      title: { text: title, x: 0.02, xanchor: "left" },
      xaxis: { title: { text: xTitle }, type: categories ? "category" : options.logX ? "log" : "linear" },
      yaxis: { title: { text: yTitle }, type: options.logY ? "log" : "linear" },
      margin: { t: 50, r: 20, b: 50, l: 60 },
      legend: { orientation: "h", y: -0.2 },
    },
  };
}

/** Overlaid histograms of named samples. */
export function histogramFigure(title: string, xTitle: string, samples: { name: string; values: number[] }[]): Figure {
  return {
    data: samples.map((s) => ({ type: "histogram", name: s.name, x: s.values, opacity: 0.6, nbinsx: 40 })),
    layout: { title: { text: title, x: 0.02, xanchor: "left" }, barmode: "overlay", xaxis: { title: { text: xTitle } }, yaxis: { title: { text: "count" } }, margin: { t: 50, r: 20, b: 50, l: 60 } },
  };
}

/** How many different thinned networks one iteration trains on m examples: distinct (D1, D2) column pairs. */
export function thinnedNetworksPerIteration(hidden: [number, number], m: number, keepProb: number, rng: RandomState, maskShape: MaskShape): number {
  const cols = maskShape === "per-batch" ? 1 : m;
  const D1 = mask(hidden[0] * cols, keepProb, rng);
  const D2 = mask(hidden[1] * cols, keepProb, rng);
  const networks = new Set<string>();
  for (let j = 0; j < m; j++) {
    const c = maskShape === "per-batch" ? 0 : j;
    const key = (rows: number, D: Float64Array) => Array.from({ length: rows }, (_, r) => D[r * cols + c]).join("");
    networks.add(`${key(hidden[0], D1)}|${key(hidden[1], D2)}`);
  }
  return networks.size;
}
