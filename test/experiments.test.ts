/**
 * The claims notebooks/experiments.ipynb makes, asserted on the helper functions behind it, called with
 * the notebook's own arguments (seeds, sizes, iterations): a change that breaks a claim fails here,
 * whatever the notebook's prose says. Each assertion names the sentence it guards, in the notebook's
 * words (section number first).
 * Fails when: src/experiments.ts's mask keeps a unit with probability 1 - keepProb (seen red: 8 tests),
 * scaleWeightsForTest stops scaling (seen red: section 3, "further from 0.5 on most test points"), or
 * dropoutMultiplier forgets the division by keepProb (seen red before this file's rewrite: sections 3 and 8).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { load2DDataset, RandomState } from "dropout-kit";
import type { Dataset } from "dropout-kit";
import { accuraciesWithDropoutOn, accuracyOf, averageOverMasks, costJumpiness, costWithoutDropout, countAround, lineFigure, mean, meanCostFrom, monteCarloDropout, noiseStatistics, predictionShift, probabilities, scaledNorm, scaleWeightsForTest, scalingConventions, spreadByPrediction, thinnedNetworksPerIteration, trainWithDropoutLayer, unitTrace } from "../grader/assignments/dropout/source/experimentHelpers";
import type { AveragingResult, VariantResult } from "../grader/assignments/dropout/source/experimentHelpers";

/** Section 1's layer: 20 units × 50 examples, non-negative like ReLU outputs (also used in section 4). */
const A = Array.from(new RandomState(2).uniformArray(20 * 50), (u) => 2 * u);
const MASK_COUNTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
/** Sections 3, 5, 6, 7: the notebook's `training`. */
const TRAINING = { keepProb: 0.86, numIterations: 10000, costEvery: 10 };

describe("1. the expected output is kept only with the division by keepProb", () => {
  let r: AveragingResult;
  beforeAll(() => {
    r = averageOverMasks(A, 0.8, MASK_COUNTS, new RandomState(1));
  });

  it("with the division the error keeps shrinking, like one over the square root of the number of masks", () => {
    // "With the division the error keeps shrinking": smaller at every checkpoint than at the one before.
    r.invertedError.slice(1).forEach((e, k) => expect(e, `after ${r.samples[k + 1]} masks`).toBeLessThan(r.invertedError[k]));
    // "roughly like one over the square root of the number of masks (the column `error × √masks` stays about level)"
    const scaled = r.invertedError.map((e, k) => e * Math.sqrt(r.samples[k]));
    expect(Math.max(...scaled) / Math.min(...scaled)).toBeLessThan(1.25);
  });

  it("without it the error stops at 1 - keepProb, the average at keepProb times A", () => {
    // "Without it the error stops at `1 - keepProb = 0.2`": from 100 masks on (the table's lower half).
    r.plainError.forEach((e, k) => {
      if (r.samples[k] >= 100) expect(Math.abs(e - 0.2), `after ${r.samples[k]} masks`).toBeLessThan(0.005);
    });
    // "the average converges to `0.8·A`", and so "activations `1 / 0.8 = 1.25` times their average".
    expect(r.plainRatio).toBeCloseTo(0.8, 2);
    expect(1 / r.plainRatio).toBeCloseTo(1.25, 2);
  });
});

describe("2. the division does not cancel dropout", () => {
  let trace: number[];
  beforeAll(() => {
    trace = unitTrace(42, 0.8, 200, new RandomState(3));
  });

  it("a unit is either 0 or a / keepProb, 0 in about one iteration in five, its mean close to a", () => {
    // "it is either `0` (dropped) or `42 / 0.8 = 52.5` (kept), never `42`"
    expect([...new Set(trace)].sort((x, y) => x - y)).toEqual([0, 52.5]);
    // "the unit is 0 in about one iteration in five (the count above)"
    const dropped = trace.filter((x) => x === 0).length / trace.length;
    expect(dropped).toBeGreaterThan(0.15);
    expect(dropped).toBeLessThan(0.25);
    // "the unit's mean output over the 200 iterations ends close to `a = 42`"
    expect(Math.abs(mean(trace) - 42)).toBeLessThan(1);
  });

  it("||m·A|| = |m|·||A||", () => {
    // "dividing by 0.8 makes the layer 1.25 times longer"
    const s = scaledNorm(new RandomState(4).gaussianArray(20), 1 / 0.8);
    expect(s.scaledNorm).toBeCloseTo(s.factorTimesNorm, 10);
    expect(s.scaledNorm / s.norm).toBeCloseTo(1.25, 10);
  });
});

describe("4. conventions: 1/keepProb, 1/(1 - keepProb), multiplying by keepProb, and tfjs's rate", () => {
  let c: Record<string, number>;
  beforeAll(() => {
    c = scalingConventions(A, 0.8, 2000, new RandomState(5));
  });

  it("dividing by keepProb or by 1 - rate keeps the ratio at 1; 1/(1 - keepProb) gives 4; multiplying gives keepProb²", () => {
    // "Dividing by `keepProb` (or by `1 - rate`, tfjs's way of writing the same thing) keeps the ratio at 1."
    expect(Math.abs(c["divide by keepProb"] - 1)).toBeLessThan(0.01);
    expect(Math.abs(c["tf.dropout(x, 1 - keepProb)"] - 1)).toBeLessThan(0.02);
    // "Dividing by `1 - keepProb` multiplies the layer by `0.8 / 0.2 = 4` on average."
    expect(Math.abs(c["divide by 1 - keepProb"] - 4)).toBeLessThan(0.04);
    // "Multiplying by `keepProb` leaves each activation, on average, at `keepProb² = 0.64` of its value"
    expect(Math.abs(c["multiply by keepProb"] - 0.64)).toBeLessThan(0.01);
  });

  it("the plot names the conventions on a category axis", () => {
    const names = Object.keys(c);
    const figure = lineFigure("t", "convention", "ratio", [{ name: "measured", x: names, y: Object.values(c) }]) as { layout: { xaxis: { type: string } }; data: { x: unknown[] }[] };
    expect(figure.layout.xaxis.type).toBe("category");
    expect(figure.data[0].x).toEqual(["divide by keepProb", "divide by 1 - keepProb", "multiply by keepProb", "tf.dropout(x, 1 - keepProb)"]);
  });
});

describe("5. one mask per example against one per batch: counting", () => {
  it("100 examples in one iteration: about as many thinned networks as examples, against exactly one", () => {
    // "that is up to 100 different "thinned" networks"; "each iteration trains a single thinned network";
    // "the per-example mask trains many more sub-networks per step"
    expect(thinnedNetworksPerIteration([20, 3], 100, 0.86, new RandomState(6), "per-example")).toBeGreaterThan(90);
    expect(thinnedNetworksPerIteration([20, 3], 100, 0.86, new RandomState(6), "per-batch")).toBe(1);
  });
});

describe("8. dropout as zero-mean noise, and Gaussian dropout", () => {
  let bernoulli: ReturnType<typeof noiseStatistics>;
  let gaussian: ReturnType<typeof noiseStatistics>;
  beforeAll(() => {
    bernoulli = noiseStatistics(2, 0.8, 100000, new RandomState(9), "bernoulli");
    gaussian = noiseStatistics(2, 0.8, 100000, new RandomState(10), "gaussian");
  });

  it("both noises have a mean close to 0 and a variance close to a²(1 - keepProb)/keepProb", () => {
    // "Both noises have a mean close to 0 and a variance close to the theory's"
    for (const [noise, s] of [["bernoulli", bernoulli], ["gaussian", gaussian]] as const) {
      expect(Math.abs(s.mean), noise).toBeLessThan(0.02);
      expect(Math.abs(s.variance / s.theoryVariance - 1), noise).toBeLessThan(0.03);
    }
  });

  it("inverted dropout's noise takes two values, -a and a·(1/keepProb - 1)", () => {
    // "two spikes at `-a` and `a·(1/keepProb - 1)` (here -2 and 0.5)"
    expect([...new Set(bernoulli.samples)].sort((x, y) => x - y)).toEqual([-2, 0.5]);
    expect(new Set(gaussian.samples).size).toBeGreaterThan(1000);
  });
});

describe("trained networks (sections 3, 5, 6, 7)", () => {
  let data: Dataset;
  let inverted: VariantResult;
  let invertedProbs: Float32Array;
  beforeAll(() => {
    data = load2DDataset();
    inverted = trainWithDropoutLayer(data.trainX, data.trainY, { ...TRAINING, rng: new RandomState(3) });
    invertedProbs = probabilities(inverted.parameters, data.testX);
  }, 240_000);

  it("3. the paper's test-time weight scaling and inverted dropout agree; forgetting the scaling moves the probabilities", () => {
    const paper = trainWithDropoutLayer(data.trainX, data.trainY, { ...TRAINING, rng: new RandomState(3), layer: { inverted: false } });
    const scaled = probabilities(scaleWeightsForTest(paper.parameters, 0.86), data.testX);
    const unscaled = probabilities(paper.parameters, data.testX);
    const recipes = predictionShift(invertedProbs, scaled);
    // "The two correct recipes agree on almost every test point and reach about the same accuracy"
    expect(recipes.sameLabel).toBeGreaterThanOrEqual(0.97);
    expect(Math.abs(accuracyOf(invertedProbs, data.testY) - accuracyOf(scaled, data.testY))).toBeLessThanOrEqual(0.02);
    // "most labels happen to survive: the predictions grow more confident (further from 0.5 on most test
    // points) but mostly keep their side of 0.5"
    const forgotten = predictionShift(scaled, unscaled);
    expect(forgotten.sameLabel).toBeGreaterThanOrEqual(0.9);
    expect(forgotten.moreConfident).toBeGreaterThan(0.5);
    // "the predicted probabilities move more than twice as far from the inverted net's as the correctly scaled ones do"
    const gapUnscaled = predictionShift(invertedProbs, unscaled).meanAbsDifference;
    expect(gapUnscaled, `unscaled ${gapUnscaled}, scaled ${recipes.meanAbsDifference}`).toBeGreaterThan(2 * recipes.meanAbsDifference);
  }, 120_000);

  it("5. the per-batch mask's recorded cost jumps more from one record to the next", () => {
    const batch = trainWithDropoutLayer(data.trainX, data.trainY, { ...TRAINING, rng: new RandomState(3), layer: { maskShape: "per-batch" } });
    // "the recorded cost jumps more from one record to the next (the mean changes above; in the plot, the wider band)"
    const [perExample, perBatch] = [costJumpiness(inverted.costs, 1000), costJumpiness(batch.costs, 1000)];
    expect(perBatch, `per example ${perExample}, per batch ${perBatch}`).toBeGreaterThan(2 * perExample);
    expect(inverted.costs[1].iteration - inverted.costs[0].iteration, "records 10 iterations apart").toBe(10);
  }, 120_000);

  it("6. single passes with dropout on vary and do worse than the deterministic pass; their average agrees with it", () => {
    const deterministic = accuracyOf(invertedProbs, data.testY);
    const passes = accuraciesWithDropoutOn(inverted.parameters, data.testX, data.testY, 0.86, 200, new RandomState(8));
    // "run the same test set twice and the accuracy changes"; "Single passes with dropout on change from pass to pass"
    expect(Math.max(...passes) - Math.min(...passes)).toBeGreaterThan(0.02);
    // "almost every pass is less accurate than the network with dropout off, none is more accurate, and
    // their mean lies below it"
    const around = countAround(passes, deterministic);
    expect(around.below / passes.length).toBeGreaterThanOrEqual(0.9);
    expect(around.above).toBe(0);
    expect(mean(passes)).toBeLessThan(deterministic);
    // "Averaged, the passes reach about the accuracy of the network with dropout off and give the same
    // label on almost every test point"
    const mc = monteCarloDropout(inverted.parameters, data.testX, 0.86, 200, new RandomState(7));
    expect(Math.abs(accuracyOf(mc.mean, data.testY) - deterministic)).toBeLessThanOrEqual(0.01);
    expect(predictionShift(invertedProbs, mc.mean).sameLabel).toBeGreaterThanOrEqual(0.97);
    // "The spread is smallest for the points the network puts firmly on the "theirs" side (mean prediction
    // below 0.3) and largest for mean predictions between 0.7 and 0.9, not at 0.5"
    const { bins, largest } = spreadByPrediction(mc, [0, 0.3, 0.5, 0.7, 0.9, 1]);
    expect(bins.map((b) => b.points).reduce((s, n) => s + n, 0)).toBe(data.testX.shape[1]);
    const stds = bins.map((b) => b.meanStd);
    expect(bins[0].from).toBe(0);
    expect(stds[0], `mean spread per bin: ${stds}`).toBe(Math.min(...stds));
    expect(bins[3].from).toBe(0.7);
    expect(stds[3], `mean spread per bin: ${stds}`).toBe(Math.max(...stds));
    // "in the plot, the peak to the right of the middle"
    expect(largest.meanPrediction).toBeGreaterThanOrEqual(0.7);
    expect(largest.meanPrediction).toBeLessThan(0.9);
  });

  it("7. annealed dropout (keepProb 0.5 to 1): lower recorded cost, not a lower cost without dropout, no better test accuracy", () => {
    const annealed = trainWithDropoutLayer(data.trainX, data.trainY, { ...TRAINING, keepProb: (i: number) => 0.5 + 0.5 * (i / 9999), rng: new RandomState(3) });
    // "The annealed run's recorded cost ends lower"
    expect(meanCostFrom(annealed.costs, 9000)).toBeLessThan(meanCostFrom(inverted.costs, 9000));
    // "Measured on the full network, without dropout, the fixed run's training cost is the lower of the two"
    expect(costWithoutDropout(inverted.parameters, data.trainX, data.trainY)).toBeLessThan(costWithoutDropout(annealed.parameters, data.trainX, data.trainY));
    // "the fixed `keepProb` does as well or better on the test set"
    expect(accuracyOf(invertedProbs, data.testY)).toBeGreaterThanOrEqual(accuracyOf(probabilities(annealed.parameters, data.testX), data.testY));
  }, 120_000);
});

describe("helpers", () => {
  it("spreadByPrediction puts a mean prediction of exactly 1 in the last bin, and finds the largest spread", () => {
    const r = spreadByPrediction({ mean: [0, 0.5, 1], std: [0.1, 0.3, 0.2] }, [0, 0.5, 1]);
    expect(r.bins.map((b) => b.points)).toEqual([1, 2]);
    expect(r.bins[1].meanStd).toBeCloseTo(0.25, 10);
    expect(r.largest).toEqual({ meanPrediction: 0.5, std: 0.3 });
  });

  it("costJumpiness is the mean |change| between consecutive records from an iteration on", () => {
    const costs = [0, 10, 20, 30].map((iteration, k) => ({ iteration, cost: [5, 1, 2, 4][k] }));
    expect(costJumpiness(costs, 10)).toBeCloseTo(1.5, 10);
    expect(countAround([1, 2, 2, 3], 2)).toEqual({ below: 1, equal: 2, above: 1 });
  });
});
