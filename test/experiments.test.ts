/**
 * The claims notebooks/experiments.ipynb makes, asserted on the helper functions behind it: a change that
 * breaks a claim fails here, whatever the notebook's prose says.
 * Fails when: src/experiments.ts's mask keeps a unit with probability 1 - keepProb (seen red: 7 tests), or
 * dropoutMultiplier forgets the division by keepProb (seen red: 2: sections 3 and 8).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  accuracyOf, averageOverMasks, load2DDataset, monteCarloDropout, noiseStatistics, probabilities, probabilitiesWithDropout, RandomState,
  scaledNorm, scaleWeightsForTest, scalingConventions, thinnedNetworksPerIteration, trainWithDropoutLayer, unitTrace, mean,
} from "../src/index";
import type { Dataset, VariantResult } from "../src/index";

const A = Array.from(new RandomState(2).uniformArray(20 * 50), (u) => 2 * u);

describe("1. the expected output is kept only with the division by keepProb", () => {
  const r = averageOverMasks(A, 0.8, [10, 100, 1000, 5000], new RandomState(1));
  it("with 1/keepProb the Monte-Carlo mean converges to the no-dropout output", () => {
    expect(r.invertedError[3]).toBeLessThan(0.02);
    expect(r.invertedError[3]).toBeLessThan(r.invertedError[0] / 5);
  });
  it("without it, to keepProb times that output (the error settles at 1 - keepProb)", () => {
    expect(r.plainRatio).toBeCloseTo(0.8, 2);
    expect(r.plainError[3]).toBeCloseTo(0.2, 1);
    expect(Math.abs(r.plainError[3] - 0.2)).toBeLessThan(0.01);
  });
});

describe("2. the division does not cancel dropout", () => {
  it("a unit is either 0 or a / keepProb, and its running mean approaches a", () => {
    const trace = unitTrace(42, 0.8, 20000, new RandomState(3));
    expect([...new Set(trace)].sort((x, y) => x - y)).toEqual([0, 52.5]);
    expect(trace.filter((x) => x === 0).length / trace.length).toBeCloseTo(0.2, 1);
    expect(Math.abs(mean(trace) - 42)).toBeLessThan(0.5);
  });
  it("||m·A|| = |m|·||A||", () => {
    const s = scaledNorm(new RandomState(4).gaussianArray(20), 1 / 0.8);
    expect(s.scaledNorm).toBeCloseTo(s.factorTimesNorm, 10);
    expect(s.scaledNorm / s.norm).toBeCloseTo(1.25, 10);
  });
});

describe("4. conventions: 1/keepProb, 1/(1 - keepProb), and tfjs's rate", () => {
  it("dividing by keepProb or using tf.dropout(x, 1 - keepProb) keeps the mean; 1/(1 - keepProb) multiplies it by keepProb/(1 - keepProb)", () => {
    const c = scalingConventions(A, 0.8, 2000, new RandomState(5));
    expect(Math.abs(c["divide by keepProb"] - 1)).toBeLessThan(0.01);
    expect(Math.abs(c["tf.dropout(x, 1 - keepProb)"] - 1)).toBeLessThan(0.02);
    expect(Math.abs(c["divide by 1 - keepProb"] - 4)).toBeLessThan(0.04);
  });
});

describe("5. one mask per example against one per batch", () => {
  it("100 examples in one iteration: about as many thinned networks as examples, against exactly one", () => {
    expect(thinnedNetworksPerIteration([20, 3], 100, 0.86, new RandomState(6), "per-example")).toBeGreaterThan(90);
    expect(thinnedNetworksPerIteration([20, 3], 100, 0.86, new RandomState(6), "per-batch")).toBe(1);
  });
});

describe("8. dropout as zero-mean noise, and Gaussian dropout", () => {
  it("both noises have mean 0 and variance a²(1 - keepProb)/keepProb", () => {
    for (const noise of ["bernoulli", "gaussian"] as const) {
      const s = noiseStatistics(2, 0.8, 100000, new RandomState(9), noise);
      expect(Math.abs(s.mean), noise).toBeLessThan(0.02);
      expect(Math.abs(s.variance / s.theoryVariance - 1), noise).toBeLessThan(0.03);
    }
  });
});

describe("trained networks (3, 5, 6, 7)", () => {
  let data: Dataset;
  let inverted: VariantResult;
  let paper: VariantResult;
  beforeAll(() => {
    data = load2DDataset();
    inverted = trainWithDropoutLayer(data.trainX, data.trainY, { keepProb: 0.86, rng: new RandomState(3) });
    paper = trainWithDropoutLayer(data.trainX, data.trainY, { keepProb: 0.86, rng: new RandomState(3), layer: { inverted: false } });
  }, 240_000);

  it("3. the paper's test-time weight scaling and inverted dropout agree; inverted dropout needs no change at test time", () => {
    const inv = probabilities(inverted.parameters, data.testX);
    const scaled = probabilities(scaleWeightsForTest(paper.parameters, 0.86), data.testX);
    const agree = inv.filter((p, i) => p > 0.5 === scaled[i] > 0.5).length / inv.length;
    expect(agree).toBeGreaterThan(0.95);
    expect(Math.abs(accuracyOf(inv, data.testY) - accuracyOf(scaled, data.testY))).toBeLessThan(0.03);
    expect(accuracyOf(inv, data.testY)).toBeGreaterThan(0.9);
    // Forgetting the test-time scaling moves the probabilities much further than the other recipe does.
    const unscaled = probabilities(paper.parameters, data.testX);
    const gap = (p: Float32Array) => mean(Array.from(p, (x, i) => Math.abs(x - inv[i])));
    expect(gap(unscaled), `unscaled ${gap(unscaled)}, scaled ${gap(scaled)}`).toBeGreaterThan(2 * gap(scaled));
  });

  it("5. both mask shapes train; the per-batch mask's cost jumps more between iterations", () => {
    const batch = trainWithDropoutLayer(data.trainX, data.trainY, { keepProb: 0.86, rng: new RandomState(3), layer: { maskShape: "per-batch" }, costEvery: 10, numIterations: 4000 });
    const example = trainWithDropoutLayer(data.trainX, data.trainY, { keepProb: 0.86, rng: new RandomState(3), costEvery: 10, numIterations: 4000 });
    const jumpiness = (r: VariantResult) => mean(r.costs.slice(100).map((c, i, all) => (i ? Math.abs(c.cost - all[i - 1].cost) : 0)));
    expect(jumpiness(batch)).toBeGreaterThan(jumpiness(example));
    expect(accuracyOf(probabilities(batch.parameters, data.testX), data.testY)).toBeGreaterThan(0.8);
  }, 120_000);

  it("6. dropout left on makes test accuracy noisy; the Monte-Carlo mean agrees with the deterministic pass, and is least sure near 0.5", () => {
    const rng = new RandomState(8);
    const passes = Array.from({ length: 50 }, () => accuracyOf(probabilitiesWithDropout(inverted.parameters, data.testX, 0.86, rng), data.testY));
    expect(Math.max(...passes) - Math.min(...passes)).toBeGreaterThan(0.02);
    const deterministic = accuracyOf(probabilities(inverted.parameters, data.testX), data.testY);
    const mc = monteCarloDropout(inverted.parameters, data.testX, 0.86, 200, new RandomState(7));
    expect(Math.abs(accuracyOf(mc.mean, data.testY) - deterministic)).toBeLessThan(0.02);
    const near = Array.from(mc.std).filter((_, i) => Math.abs(mc.mean[i] - 0.5) < 0.2);
    const far = Array.from(mc.std).filter((_, i) => Math.abs(mc.mean[i] - 0.5) > 0.45);
    expect(near.length).toBeGreaterThan(0);
    expect(mean(near)).toBeGreaterThan(1.5 * mean(far));
  });

  it("7. annealed dropout (keepProb 0.5 to 1) ends with a lower training cost than a fixed 0.86", () => {
    const annealed = trainWithDropoutLayer(data.trainX, data.trainY, { keepProb: (i: number) => 0.5 + 0.5 * (i / 9999), rng: new RandomState(3) });
    const last = (r: VariantResult) => r.costs[r.costs.length - 1].cost;
    expect(last(annealed)).toBeLessThan(last(inverted));
  }, 120_000);
});
