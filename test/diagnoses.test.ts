/**
 * The diagnoses (src/assignments/dropout/diagnoses.ts, with the outcomes recomputed as grading does) as pure functions on hand-made answers (no sandbox, no notebook):
 * each one is said where its mistake is built in, and kept silent on the right answer, on a right answer
 * written differently (dataSync() only read, or its array made a tensor again), and where another
 * explanation fits as well (the course's net, whose X and A2 share the shape [3, 5]; same-width layers; a
 * mask drawn with keepProb itself; NaN at keepProb 0.5; a broadcast error between shapes of no layer).
 * Nets: [3, 5, 4, 1] with 6 examples (every shape its own), [3, 4, 4, 1] (same-width layers), [3, 5, 1, 1]
 * (A2 shaped like A3), and the course's forward case (courseInputs(), keepProb 0.7, seed 1).
 * Fails when: a diagnosis is said without its evidence or despite another fitting explanation, or misses
 * its mistake (seen red: onlyShape guard removed for X or for A3, thresholdUsed accepting keepProb itself,
 * deadWrites without its readsOnly condition, the swapped variant without its shape guard, the NaN origin
 * without keepProb = 1, the wrong order said for same-width layers, a broadcast between same-width layers;
 * and, before src/checks/diagnoses.ts was mended, a right [1, m] D2 called shared by all units, right A3
 * and A1 at keepProb 0.5 called 'divided by 1 - keepProb', 'reseeds' with no rng.seed in the record, a
 * right dA called 'swapped').
 */
import { describe, expect, it } from "vitest";
import * as kit from "dropout-kit";
import { backwardStepVariant, courseInputs, deadWrites, initializeParameters, RandomState, scoped, tf, thresholdUsed } from "dropout-kit";
import type { CallResult, Diagnosis, ForwardInputs, RngUse, WireTensor, WireValue } from "dropout-kit";
import { generatorMasks, recomputedOutcomes, stepCandidates } from "../grader/assignments/dropout/checks/recompute";

/** A diagnosis's words (what these tests read); its misconceptions are read by "the misconceptions each diagnosis names" below. */
const words = <A extends unknown[]>(diagnose: (...args: A) => Diagnosis | undefined) => (...args: A) => diagnose(...args)?.text;
const [diagnoseBackwardStep, diagnoseBroadcastError, diagnoseDegenerateMask, diagnoseForwardValues, diagnoseLayerStep, diagnoseMask, diagnoseNonFinite, diagnoseRngUse] = [
  words(kit.diagnoseBackwardStep), words(kit.diagnoseBroadcastError), words(kit.diagnoseDegenerateMask), words(kit.diagnoseForwardValues),
  words(kit.diagnoseLayerStep), words(kit.diagnoseMask), words(kit.diagnoseNonFinite), words(kit.diagnoseRngUse),
] as const;

// ---------------------------------------------------------------------------------------------- hand-made inputs

const wire = (t: tf.Tensor): WireTensor => ({ shape: t.shape.slice(), values: Array.from(t.dataSync(), Number) });
const T = (w: WireTensor) => tf.tensor2d(w.values, w.shape as [number, number]);
const wireAll = (tensors: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, wire(t)]));

/** A net's inputs: initializeParameters(dims) and X from one generator seeded `inputSeed`; masks from `seed`. */
function netInputs(dims: number[], examples: number, keepProb: number, seed: number, inputSeed = 19): ForwardInputs {
  return scoped(() => {
    const rng = new RandomState(inputSeed);
    const parameters = initializeParameters(dims, rng);
    const X = rng.randn(dims[0], examples);
    return { X: wire(X), parameters: wireAll(parameters), keepProb, seed };
  });
}

/** The course's forward case: courseInputs(), keepProb 0.7, masks from seed 1. X [3, 5], A1 [2, 5], A2 [3, 5]. */
function courseForwardInputs(): ForwardInputs {
  return scoped(() => {
    const { X, parameters } = courseInputs();
    return { X: wire(X), parameters: wireAll(parameters), keepProb: 0.7, seed: 1 };
  });
}

// Made when first needed: the backend is ready only once the tests run.
const memo = new Map<string, ForwardInputs>();
const once = (key: string, make: () => ForwardInputs) => () => memo.get(key) ?? memo.set(key, make()).get(key)!;
/** Every shape its own: X [3, 6], A1 [5, 6], A2 [4, 6], A3 [1, 6]. */
const distinct = once("distinct", () => netInputs([3, 5, 4, 1], 6, 0.8, 9));
/** The same, at keepProb 0.5 (where 1 / keepProb = 1 / (1 - keepProb)). */
const distinctHalf = once("distinct-0.5", () => netInputs([3, 5, 4, 1], 6, 0.5, 11));
/** Same-width hidden layers: A1 and A2 both [4, 6]. */
const sameWidth = once("same-width", () => netInputs([3, 4, 4, 1], 6, 0.75, 73, 71));
/** A2 shaped like A3: [1, 6]. */
const narrow = once("narrow", () => netInputs([3, 5, 1, 1], 6, 0.8, 9));
const course = once("course", courseForwardInputs);

interface ForwardAnswer {
  /** The generator the masks come from (default: the case's seed). */
  seed?: number;
  /** The order of the two draws (default: D1 first). */
  order?: "D1 first" | "D2 first";
  /** The keep probability the function really uses (default: its argument). */
  keepProb?: number;
  /** The mask from the draws (default: draw < keepProb). */
  mask?: (draws: tf.Tensor2D, keepProb: number) => tf.Tensor;
  /** The factor the kept activations get (default: 1 / keepProb). */
  factor?: (keepProb: number) => number;
  /** A1 from relu(Z1), D1 and the factor (default: their product). */
  layer1?: (reluZ1: tf.Tensor, D1: tf.Tensor, factor: number) => tf.Tensor;
  /** What the cache holds as Z2 (default: Z2). */
  cachedZ2?: (Z2: tf.Tensor2D) => tf.Tensor;
}

/** A student's forward pass on a case, as the harness reports it: { A3, cache.Z1, ... }. */
function forwardValues(inputs: ForwardInputs, a: ForwardAnswer = {}): Record<string, WireValue> {
  return scoped(() => {
    const p = Object.fromEntries(Object.entries(inputs.parameters).map(([k, v]) => [k, T(v)]));
    const keep = a.keepProb ?? inputs.keepProb;
    const rng = new RandomState(a.seed ?? inputs.seed);
    const m = inputs.X.shape[1];
    const [n1, n2] = [p.W1.shape[0], p.W2.shape[0]];
    let draws1: tf.Tensor2D, draws2: tf.Tensor2D;
    if (a.order === "D2 first") {
      draws2 = rng.rand(n2, m);
      draws1 = rng.rand(n1, m);
    } else {
      draws1 = rng.rand(n1, m);
      draws2 = rng.rand(n2, m);
    }
    const mask = a.mask ?? ((d, k) => tf.cast(tf.less(d, k), "float32"));
    const [D1, D2] = [mask(draws1, keep), mask(draws2, keep)];
    const factor = (a.factor ?? ((k) => 1 / k))(keep);
    const Z1 = tf.add(tf.matMul(p.W1, T(inputs.X)), p.b1) as tf.Tensor2D;
    const A1 = (a.layer1 ?? ((r, d, f) => tf.mul(tf.mul(r, d), f)))(tf.relu(Z1), D1, factor);
    const Z2 = tf.add(tf.matMul(p.W2, A1 as tf.Tensor2D), p.b2) as tf.Tensor2D;
    const A2 = tf.mul(tf.mul(tf.relu(Z2), D2), factor);
    const Z3 = tf.add(tf.matMul(p.W3, A2 as tf.Tensor2D), p.b3);
    const A3 = tf.sigmoid(Z3);
    const cache: Record<string, tf.Tensor> = { Z1, D1, A1, Z2: a.cachedZ2 ? a.cachedZ2(Z2) : Z2, D2, A2, Z3 };
    return Object.fromEntries([["A3", { tensor: wire(A3) }], ...Object.entries(cache).map(([k, t]) => [`cache.${k}`, { tensor: wire(t) }])]);
  });
}

/** The record of the generator's use, as the harness makes it. */
const rngUse = (...calls: [string, ...unknown[]][]): RngUse => ({
  calls: calls.map(([method, ...args]) => ({ method, args })),
  draws: calls.filter(([method]) => method === "rand").reduce((n, [, r, c]) => n + (r as number) * (c as number), 0),
});

function result(values: Record<string, WireValue>, extra: Partial<CallResult> = {}): CallResult {
  return { kind: "result", id: 1, ok: true, values, mutated: [], output: "", durationMs: 1, repeat: { ok: true, values }, ...extra };
}

/** The draws of a case's generator (D1's, then D2's) and the right masks. */
const draws = (inputs: ForwardInputs) => generatorMasks(inputs);
/** A 0/1 mask: kept where the draw is below t (as plain numbers). */
const below = (d: WireTensor, t: number) => d.values.map((v) => (v < t ? 1 : 0));
/** The masks of a generator seeded `seed`, drawn D1 first. */
const masksOfSeed = (inputs: ForwardInputs, seed: number) => generatorMasks({ ...inputs, seed });
/** The masks of the case's generator drawn D2 first. */
function masksD2First(inputs: ForwardInputs): { D1: number[]; D2: number[] } {
  const v = forwardValues(inputs, { order: "D2 first" });
  const of = (k: string) => (v[k] as { tensor: WireTensor }).tensor.values;
  return { D1: of("cache.D1"), D2: of("cache.D2") };
}

// ---------------------------------------------------------------------------------------------- diagnoseRngUse

describe("diagnoseRngUse: how the generator was used", () => {
  const use = (inputs: ForwardInputs, rng: RngUse) => {
    const [n1, n2] = [inputs.parameters.W1.shape[0], inputs.parameters.W2.shape[0]];
    return diagnoseRngUse(result({}, { rng }), inputs, [n1, n2]);
  };

  it("the right draws, D1's then D2's, say nothing (every net)", () => {
    expect(use(distinct(), rngUse(["rand", 5, 6], ["rand", 4, 6]))).toBeUndefined();
    expect(use(sameWidth(), rngUse(["rand", 4, 6], ["rand", 4, 6]))).toBeUndefined();
    expect(use(course(), rngUse(["rand", 2, 5], ["rand", 3, 5]))).toBeUndefined();
  });

  it("a net whose A2 is shaped like A3 ([1, m]): its right D2 = rng.rand(1, m) is no mask 'shaped [1, examples]'", () => {
    expect(use(narrow(), rngUse(["rand", 5, 6], ["rand", 1, 6]))).toBeUndefined();
    // D1 of [1, m] where A1 has 5 rows is one.
    expect(use(narrow(), rngUse(["rand", 1, 6], ["rand", 1, 6]))).toContain("shaped [units, 1]");
  });

  it("reseeding: 'reseeds', whatever the draws", () => {
    expect(use(distinct(), rngUse(["seed", 1], ["rand", 5, 6], ["rand", 4, 6]))).toContain("reseeds the generator (rng.seed)");
  });

  it("never drawing: a generator of its own or Math.random", () => {
    expect(use(distinct(), rngUse())).toContain("never draws from the generator it is given");
  });

  it("the wrong method: randn's normal values are not probabilities", () => {
    const said = use(distinct(), rngUse(["randn", 5, 6], ["randn", 4, 6]));
    expect(said).toContain("your function used rng.randn (normal values, which are not probabilities)");
  });

  it("masks shaped [units, 1]: one mask shared by all examples", () => {
    expect(use(distinct(), rngUse(["rand", 5, 1], ["rand", 4, 1]))).toContain("Your masks are shaped [units, 1]");
  });

  it("D2's draw before D1's on a net whose layers differ: 'before D1's', with the calls as made", () => {
    const said = use(distinct(), rngUse(["rand", 4, 6], ["rand", 5, 6]));
    expect(said).toContain("You drew D2's mask before D1's: rng.rand(4, 6) first, then rng.rand(5, 6)");
  });

  it("the course's net (X and A2 both [3, 5]): rand(3, 5) then rand(2, 5) may be D2 first or X's mask then D1's, so neither is said", () => {
    // The same two calls come from "D2 before D1" and from "dropout on X and on layer 1 only": the calls are listed.
    const said = use(course(), rngUse(["rand", 3, 5], ["rand", 2, 5]));
    expect(said).not.toContain("before D1's");
    expect(said).not.toContain("shaped like X");
    expect(said).toContain("Your function called: rand(3, 5), rand(2, 5)");
  });

  it("the course's net, a first draw of [3, 5] (X's shape or A2's?): the calls listed, never 'shaped like X'", () => {
    const said = use(course(), rngUse(["rand", 3, 5], ["rand", 3, 5]));
    expect(said).not.toContain("shaped like X");
    expect(said).toContain("Your function called: rand(3, 5), rand(3, 5)");
  });

  it("a first mask shaped like X where no other tensor has X's shape: 'shaped like X'", () => {
    expect(use(distinct(), rngUse(["rand", 3, 6], ["rand", 5, 6]))).toContain("Your first mask is shaped like X");
    expect(use(distinct(), rngUse(["rand", 3, 6], ["rand", 5, 6], ["rand", 4, 6]))).toContain("Your first mask is shaped like X");
  });

  it("a third mask shaped like A3: said where only A3 is [1, m], not where A2 is [1, m] too", () => {
    expect(use(distinct(), rngUse(["rand", 5, 6], ["rand", 4, 6], ["rand", 1, 6]))).toContain("third mask shaped like A3");
    const ambiguous = use(narrow(), rngUse(["rand", 5, 6], ["rand", 1, 6], ["rand", 1, 6]));
    expect(ambiguous).not.toContain("shaped like A3");
    expect(ambiguous).toContain("Draw exactly two masks");
  });

  it("same-width layers: two draws of the same shape, in either order, say nothing (the order cannot be seen)", () => {
    expect(use(sameWidth(), rngUse(["rand", 4, 6], ["rand", 4, 6]))).toBeUndefined();
  });

  it("each reading names its misconception by id; listing the calls names none", () => {
    const ids = (inputs: ForwardInputs, rng: RngUse) => kit.diagnoseRngUse(result({}, { rng }), inputs, [inputs.parameters.W1.shape[0], inputs.parameters.W2.shape[0]])?.misconceptions;
    expect(ids(distinct(), rngUse(["seed", 1], ["rand", 5, 6], ["rand", 4, 6]))).toEqual(["reseeds-generator"]);
    expect(ids(distinct(), rngUse())).toEqual(["never-draws-from-generator"]);
    expect(ids(distinct(), rngUse(["randn", 5, 6], ["randn", 4, 6]))).toEqual(["wrong-generator-method"]);
    expect(ids(distinct(), rngUse(["rand", 5, 1], ["rand", 4, 1]))).toEqual(["mask-shared-by-examples"]);
    expect(ids(narrow(), rngUse(["rand", 1, 6], ["rand", 1, 6]))).toEqual(["mask-shared-by-units"]);
    expect(ids(distinct(), rngUse(["rand", 4, 6], ["rand", 5, 6]))).toEqual(["masks-drawn-in-wrong-order"]);
    expect(ids(distinct(), rngUse(["rand", 3, 6], ["rand", 5, 6]))).toEqual(["dropout-on-input"]);
    expect(ids(distinct(), rngUse(["rand", 5, 6], ["rand", 4, 6], ["rand", 1, 6]))).toEqual(["dropout-on-output"]);
    expect(ids(course(), rngUse(["rand", 3, 5], ["rand", 2, 5]))).toEqual(["draws-other-masks"]);
  });
});

// ---------------------------------------------------------------------------------------------- thresholdUsed

describe("thresholdUsed: the keep probability a mask was really drawn with", () => {
  it("a mask drawn with 0.5 while keepProb is 0.8: 0.5", () => {
    const d = draws(distinct()).draws1;
    expect(thresholdUsed(below(d, 0.5), d.values, 0.8)).toBe(0.5);
  });

  it("the simplest decimal in the interval: 0.65 rather than the largest kept draw", () => {
    const d = scoped(() => wire(new RandomState(5).rand(40, 50)));
    expect(thresholdUsed(below(d, 0.65), d.values, 0.8)).toBe(0.65);
  });

  it("a mask drawn with keepProb itself: undefined (nothing hard-coded)", () => {
    for (const inputs of [distinct(), distinctHalf(), sameWidth(), course()]) {
      const { draws1, draws2, D1, D2 } = draws(inputs);
      expect(thresholdUsed(D1.values, draws1.values, inputs.keepProb)).toBeUndefined();
      expect(thresholdUsed(D2.values, draws2.values, inputs.keepProb)).toBeUndefined();
    }
  });

  it("no threshold of the draws (another generator's mask), all kept, all dropped, or not 0/1: undefined", () => {
    const inputs = distinct();
    const d = draws(inputs).draws1;
    expect(thresholdUsed(masksOfSeed(inputs, 42).D1.values, d.values, 0.8)).toBeUndefined();
    expect(thresholdUsed(d.values.map(() => 1), d.values, 0.8)).toBeUndefined();
    expect(thresholdUsed(d.values.map(() => 0), d.values, 0.8)).toBeUndefined();
    expect(thresholdUsed(d.values.map((v) => (v < 0.5 ? 1.25 : 0)), d.values, 0.8)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------- diagnoseMask

describe("diagnoseMask: a wrong mask, read from its values", () => {
  const mask = (inputs: ForwardInputs, label: "D1" | "D2", kept: number[], rng?: RngUse, other?: number[]) => {
    const d = draws(inputs)[label === "D1" ? "draws1" : "draws2"];
    return diagnoseMask(label, kept, d.values, d.shape, inputs, recomputedOutcomes(inputs), rng, other);
  };

  it("the right masks say nothing (every net)", () => {
    for (const inputs of [distinct(), distinctHalf(), sameWidth(), course(), narrow()]) {
      const right = draws(inputs);
      expect(mask(inputs, "D1", right.D1.values, rngUse(["rand", ...right.draws1.shape], ["rand", ...right.draws2.shape]))).toBeUndefined();
      expect(mask(inputs, "D2", right.D2.values)).toBeUndefined();
    }
  });

  it("the inverted threshold (draw >= keepProb)", () => {
    const inputs = distinct();
    expect(mask(inputs, "D1", draws(inputs).draws1.values.map((v) => (v >= 0.8 ? 1 : 0)))).toContain("Your threshold is inverted");
  });

  it("each row constant: one mask shared by all examples; each column constant: shared by all units", () => {
    // From the generator: rng.rand(5, 1) (then rng.rand(4, 1)) tiled along the examples, rng.rand(1, 6) along the units.
    // D1 is [5, 6], D2 [4, 6]; a generator seed whose lines keep some units and drop some.
    const lines = (seed: number) => scoped(() => Array.from(new RandomState(seed).rand(1, 9).dataSync()).map((v) => (v < 0.8 ? 1 : 0)));
    const mixed = (v: number[]) => v.includes(0) && v.includes(1);
    const seed = Array.from({ length: 100 }, (_, s) => s).find((s) => mixed(lines(s).slice(0, 5)) && mixed(lines(s).slice(5, 9)) && mixed(lines(s).slice(0, 6)))!;
    const inputs = { ...distinct(), seed };
    const stream = lines(seed);
    expect(mask(inputs, "D1", stream.slice(0, 5).flatMap((v) => Array(6).fill(v)))).toContain("is the same for every example (each row constant)");
    expect(mask(inputs, "D2", stream.slice(5, 9).flatMap((v) => Array(6).fill(v)))).toContain("is the same for every example (each row constant)");
    expect(mask(inputs, "D1", Array.from({ length: 5 }, () => stream.slice(0, 6)).flat())).toContain("is the same for every unit (each column constant)");
  });

  it("audit: constant rows or columns the generator's draws do not give (Math.random, tf.dropout): not 'shared'", () => {
    // The course's D1 has 2 units: other draws leave each column constant about 7% of the time.
    const inputs = course(); // D1 [2, 5]
    const columns = [1, 0, 0, 1, 1, 1, 0, 0, 1, 1]; // not the generator's rng.rand(1, 5) either (0.417, 0.720, ... < 0.7: 1, 0, 1, 1, 1)
    expect(mask(inputs, "D1", columns) ?? "").not.toContain("the same for every unit");
    expect(mask(distinct(), "D1", [1, 0, 1, 1, 0].flatMap((v) => Array(6).fill(v))) ?? "").not.toContain("the same for every example");
  });

  it("D2 drawn before D1 (layers of different widths): both masks say 'before D1's'", () => {
    for (const inputs of [distinct(), course()]) {
      const swapped = masksD2First(inputs);
      expect(mask(inputs, "D1", swapped.D1, undefined, swapped.D2)).toContain("mask of the generator's second draw: you drew D2's mask before D1's");
      expect(mask(inputs, "D2", swapped.D2, undefined, swapped.D1)).toContain("mask of the generator's first draw: you drew D2's mask before D1's");
    }
    // Where the shapes differ from X's, D1 alone is enough.
    const inputs = distinct();
    expect(mask(inputs, "D1", masksD2First(inputs).D1)).toContain("you drew D2's mask before D1's");
  });

  it("on the course's net (X and A2 both [3, 5]) D1 alone cannot tell D2-first from dropout on X: neither is said", () => {
    const inputs = course();
    const swapped = masksD2First(inputs);
    const said = mask(inputs, "D1", swapped.D1) ?? "";
    expect(said).not.toContain("before D1's");
    expect(said).not.toContain("shaped like X");
  });

  it("a draw shaped like X first (dropout on the input): named when both masks fit that order", () => {
    for (const inputs of [distinct(), course()]) {
      const values = scoped(() => {
        const rng = new RandomState(inputs.seed);
        const m = inputs.X.shape[1];
        rng.rand(inputs.X.shape[0], m);
        const keep = (rows: number) => Array.from(tf.cast(tf.less(rng.rand(rows, m), inputs.keepProb), "float32").dataSync());
        const D1 = keep(inputs.parameters.W1.shape[0]);
        return { D1, D2: keep(inputs.parameters.W2.shape[0]) };
      });
      expect(mask(inputs, "D1", values.D1, undefined, values.D2)).toContain("a first draw shaped like X");
      expect(mask(inputs, "D1", values.D1, undefined, values.D2)).not.toContain("before D1's");
    }
  });

  it("same-width layers, D2 drawn first: no 'before D1's' (a cache that swaps D1 and D2 gives the same values)", () => {
    const inputs = sameWidth();
    const swapped = masksD2First(inputs);
    expect(swapped.D1).not.toEqual(draws(inputs).D1.values);
    expect(mask(inputs, "D1", swapped.D1) ?? "").not.toContain("before D1's");
    expect(mask(inputs, "D2", swapped.D2) ?? "").not.toContain("before D1's");
  });

  it("a keep probability written into the function (0.5 where keepProb is 0.8): 'does not use its keepProb argument'", () => {
    const inputs = distinct();
    const said = mask(inputs, "D1", below(draws(inputs).draws1, 0.5));
    expect(said).toMatch(/keeps a unit where its draw is below (about 0\.5|a number other than keepProb), but keepProb is 0\.8/);
    expect(said).toContain("does not use its keepProb argument");
  });

  it("a number is named only where the draws pin the threshold closely (0.86 must not be said as 0.81)", () => {
    // 1,000 draws: the interval around 0.86 is narrow, and the number said is within it.
    const wide = { shape: [40, 25], values: Array.from({ length: 1000 }, (_, k) => ((k * 0.6180339887) % 1)) };
    const inputs = distinct();
    const d = (values: number[]) => diagnoseMask("D1", values.map((v) => (v < 0.86 ? 1 : 0)), values, [40, 25], { ...inputs, keepProb: 0.8 }, recomputedOutcomes({ ...inputs, keepProb: 0.8 }));
    expect(d(wide.values)).toContain("below about 0.86");
    // 6 draws: many thresholds fit, so none is named.
    const few = [0.1, 0.3, 0.5, 0.82, 0.95, 0.99]; // kept up to 0.82, dropped from 0.95: 0.86 and 0.9 fit alike
    const said = diagnoseMask("D1", few.map((v) => (v < 0.86 ? 1 : 0)), few, [2, 3], { ...inputs, keepProb: 0.8 }, recomputedOutcomes({ ...inputs, keepProb: 0.8 }));
    expect(said).toContain("below a number other than keepProb, but keepProb is 0.8");
  });

  it("audit: the record says the given generator was never drawn from (tf.randomUniform, Math.random): no claim read off its draws", () => {
    // A mask of other draws can happen to be a threshold of the given generator's draws (small masks often are).
    const inputs = distinct();
    const d = draws(inputs).draws1;
    for (const kept of [below(d, 0.5), below(d, 1 - inputs.keepProb), d.values.map((v) => (v >= inputs.keepProb ? 1 : 0))]) {
      expect(mask(inputs, "D1", kept, rngUse())).toBeUndefined();
      expect(mask(inputs, "D1", kept)).toBeDefined(); // without a record, the values alone still speak
    }
  });

  it("a mask drawn with keepProb itself is never 'does not use its keepProb argument'", () => {
    const inputs = distinct();
    expect(mask(inputs, "D1", below(draws(inputs).draws1, 0.8))).toBeUndefined();
  });

  it("audit: a mask that keeps every unit (a threshold written in, above every draw) is never 'a generator seeded with'", () => {
    // The course's D1 ([2, 5]) from seed 1 thresholded at 0.86 keeps all 10 units, and so does seed 2's at keepProb 0.7.
    const inputs = course();
    const d = draws(inputs).draws1;
    const allKept = below(d, 0.86);
    expect(allKept.every((v) => v === 1)).toBe(true);
    expect(masksOfSeed(inputs, 2).D1.values.every((v) => v === 1)).toBe(true);
    expect(mask(inputs, "D1", allKept) ?? "").not.toContain("a generator seeded");
  });

  it("audit: a mask kept where the draw is below 1 - keepProb: said so, never 'does not use its keepProb argument'", () => {
    for (const inputs of [course(), distinct()]) {
      const d = draws(inputs).draws1;
      const said = mask(inputs, "D1", below(d, 1 - inputs.keepProb)) ?? "";
      expect(said).toContain("below 1 - keepProb");
      expect(said).not.toContain("does not use its keepProb argument");
    }
  });

  for (const seed of [0, 1, 2, 3, 42]) {
    it(`a generator seeded ${seed} made inside the function (no call on the given rng): 'made inside your function', not 'reseeds'`, () => {
      const inputs = distinct();
      const said = mask(inputs, "D1", masksOfSeed(inputs, seed).D1.values, rngUse());
      expect(said).toContain(`a generator seeded with ${seed}, made inside your function (new RandomState(${seed}))`);
      expect(said).not.toContain("reseeds");
    });

    it(`the given generator reseeded with ${seed} (rng.seed in the record): 'reseeds', not 'made inside'`, () => {
      const inputs = distinct();
      const said = mask(inputs, "D2", masksOfSeed(inputs, seed).D2.values, rngUse(["seed", seed], ["rand", 5, 6], ["rand", 4, 6]));
      expect(said).toContain(`your function reseeds the generator (rng.seed(${seed}))`);
      expect(said).not.toContain("made inside");
    });
  }

  it("'made inside your function' only where the function's code makes a generator (as written, or compiled to module.RandomState); copied masks: 'other-generator'", () => {
    const inputs = distinct();
    const d = draws(inputs).draws1;
    const kept = masksOfSeed(inputs, 1).D1.values;
    const named = (source?: string) => kit.diagnoseMask("D1", kept, d.values, d.shape, inputs, recomputedOutcomes(inputs), rngUse(), undefined, source);
    for (const source of [undefined, "const own = new RandomState(1);", "const own = new dropout_kit_1.RandomState(1);"]) {
      expect(named(source)?.misconceptions, String(source)).toEqual(["own-generator"]);
      expect(named(source)?.text).toContain("made inside your function");
    }
    const copied = named("const c = published.expectedCache; D1 = tf.tensor2d(c.D1);");
    expect(copied?.misconceptions).toEqual(["other-generator"]);
    expect(copied?.text).not.toContain("made inside");
  });

  it("another seed's mask with no rng.seed in the record (or no record): neither 'reseeds' nor 'made inside' is claimed", () => {
    const inputs = distinct();
    const kept = masksOfSeed(inputs, 42).D1.values;
    for (const rng of [undefined, rngUse(["rand", 5, 6], ["rand", 4, 6])]) {
      const said = mask(inputs, "D1", kept, rng);
      expect(said).toContain("a generator seeded with 42, not of the one you are given");
      expect(said).not.toContain("reseeds");
      expect(said).not.toContain("made inside");
    }
  });
});

// ---------------------------------------------------------------------------------------------- diagnoseDegenerateMask

describe("diagnoseDegenerateMask", () => {
  it("drops every unit; keeps every unit while keepProb < 1", () => {
    expect(diagnoseDegenerateMask("D1", [0, 0, 0, 0], 0.8)).toContain("Your D1 drops every unit");
    expect(diagnoseDegenerateMask("D2", [1, 1, 1, 1], 0.8)).toContain("Your D2 keeps every unit");
  });

  it("all kept at keepProb 1, a mixed mask, an empty one: nothing", () => {
    expect(diagnoseDegenerateMask("D1", [1, 1, 1, 1], 1)).toBeUndefined();
    expect(diagnoseDegenerateMask("D1", [1, 0, 1, 1], 0.8)).toBeUndefined();
    expect(diagnoseDegenerateMask("D1", [], 0.8)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------- deadWrites

describe("deadWrites: writes into the array dataSync() returned, which never becomes a tensor again", () => {
  it("writes through a name, through arraySync's rows, with .set/.fill, or straight into dataSync()'s array", () => {
    expect(deadWrites("const a = A1.dataSync();\nfor (let i = 0; i < a.length; i++) a[i] = a[i] / keepProb;\nreturn A1;")).toBe("a");
    expect(deadWrites("let rows: number[][] = A1.arraySync() as number[][];\nrows[i][j] *= 1 / keepProb;")).toBe("rows");
    expect(deadWrites("const v = D1.dataSync();\nv.fill(0);")).toBe("v");
    expect(deadWrites("A1.dataSync()[k] /= keepProb;")).toBe("the array dataSync() returned");
  });

  it("dataSync() only read (indexing, comparisons, length): undefined", () => {
    expect(deadWrites("const v = A1.dataSync();\nlet n = 0;\nfor (let i = 0; i < v.length; i++) if (v[i] === 0 || v[i] >= 1) n += v[i];\nconsole.log(n);")).toBeUndefined();
  });

  it("the written array made a tensor again (tf.tensor2d), or returned: undefined", () => {
    expect(deadWrites("const v = A1.dataSync().slice();\nfor (let i = 0; i < v.length; i++) v[i] = v[i] / keepProb;\nA1 = tf.tensor2d(v, A1.shape);")).toBeUndefined();
    expect(deadWrites("const v = Array.from(A1.dataSync());\nv[0] = 1;\nreturn { values: v };")).toBeUndefined();
  });

  it("writes only in comments, no dataSync, no source: undefined", () => {
    expect(deadWrites("// const a = A1.dataSync(); a[0] = 1;\nreturn tf.div(A1, keepProb);")).toBeUndefined();
    expect(deadWrites("const a = [0, 0];\na[0] = 1;")).toBeUndefined();
    expect(deadWrites(undefined)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------- diagnoseNonFinite

describe("diagnoseNonFinite: where a NaN or an Infinity comes from", () => {
  const atOne = once("distinct-1", () => netInputs([3, 5, 4, 1], 6, 1, 9));
  const overOneMinus = { factor: (k: number) => 1 / (1 - k) };

  it("at keepProb 1, divided by 1 - keepProb: Infinity where relu(Z1)·D1 > 0, NaN where 0 — '1 - keepProb, which is 0'", () => {
    const said = diagnoseNonFinite(result(forwardValues(atOne(), overOneMinus)), 1);
    expect(said).toMatch(/^A1\[\d, \d\] is (NaN|Infinity), from a finite Z1: you divided by 1 - keepProb, which is 0 at keepProb = 1/);
  });

  it("the same Infinity/NaN pattern at keepProb 0.5 (another division by 0): where it appears, not '1 - keepProb'", () => {
    const inputs = distinctHalf();
    const said = diagnoseNonFinite(result(forwardValues(inputs, { factor: () => Infinity })), 0.5);
    expect(said).toContain("layer 1's ReLU and dropout step made it");
    expect(said).not.toContain("1 - keepProb");
  });

  it("NaN at keepProb 0.5 from dividing by the mask (0 / 0 where dropped): not '1 - keepProb'", () => {
    const said = diagnoseNonFinite(result(forwardValues(distinctHalf(), { layer1: (r, d, f) => tf.div(tf.mul(tf.mul(r, d), f), d) })), 0.5);
    expect(said).toMatch(/^A1\[\d, \d\] is NaN, from a finite Z1: layer 1's ReLU and dropout step made it/);
    expect(said).not.toContain("1 - keepProb");
  });

  it("NaN at keepProb 1 that is no division by 1 - keepProb (a square root of Z1): not '1 - keepProb'", () => {
    const said = diagnoseNonFinite(result(forwardValues(atOne(), { layer1: (_, d, f) => tf.mul(tf.mul(tf.sqrt(tf.sub(tf.zerosLike(d), 1)), d), f) })), 1);
    expect(said).toContain("layer 1's ReLU and dropout step made it");
    expect(said).not.toContain("1 - keepProb");
  });

  it("the first output holding one is named: Z2 from a finite A1", () => {
    const said = diagnoseNonFinite(result(forwardValues(distinct(), { cachedZ2: (z) => tf.div(z, 0) })), 0.8);
    expect(said).toMatch(/^Z2\[0, 0\] is (NaN|-?Infinity), from a finite A1: the linear step of layer 2 made it/);
  });

  it("finite outputs, right or wrong: nothing", () => {
    expect(diagnoseNonFinite(result(forwardValues(distinct())), 0.8)).toBeUndefined();
    expect(diagnoseNonFinite(result(forwardValues(atOne())), 1)).toBeUndefined();
    expect(diagnoseNonFinite(result(forwardValues(distinct(), { factor: () => 1 })), 0.8)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------- diagnoseForwardValues

describe("diagnoseForwardValues: the typical mistake the output matches", () => {
  const diagnose = (inputs: ForwardInputs, answer?: ForwardAnswer, source?: string) => diagnoseForwardValues(result(forwardValues(inputs, answer)), inputs, recomputedOutcomes(inputs), source);
  const deadSource = "const A1 = tf.mul(tf.relu(Z1), D1);\nconst a = A1.dataSync();\nfor (let i = 0; i < a.length; i++) a[i] /= keepProb;";
  const liveSource = "const a = tf.mul(tf.relu(Z1), D1).dataSync().slice();\nfor (let i = 0; i < a.length; i++) a[i] /= keepProb;\nconst A1 = tf.tensor2d(a, Z1.shape);";

  it("the right pass says nothing, with or without a source that reads dataSync() or rebuilds a tensor from it", () => {
    for (const inputs of [distinct(), distinctHalf(), course()]) expect(diagnose(inputs)).toBeUndefined();
    expect(diagnose(distinct(), {}, liveSource)).toBeUndefined();
    expect(diagnose(distinct(), {}, "const v = A1.dataSync();\nconsole.log(v[0] > 0);")).toBeUndefined();
  });

  it("times keepProb, the inverted threshold, 1 / (1 - keepProb), no scaling: each named", () => {
    const inputs = distinct();
    expect(diagnose(inputs, { factor: (k) => k })).toContain("You multiplied the kept activations by keepProb instead of dividing by it");
    expect(diagnose(inputs, { mask: (d, k) => tf.cast(tf.greaterEqual(d, k), "float32") })).toContain("Your threshold is inverted");
    expect(diagnose(inputs, { factor: (k) => 1 / (1 - k) })).toContain("You divided by 1 - keepProb");
    expect(diagnose(inputs, { factor: () => 1 })).toContain("not divided by keepProb (step 4)");
  });

  it("at keepProb 0.5 (where 1 / (1 - keepProb) = 1 / keepProb), right A3 and A1 with another output wrong: no '1 - keepProb'", () => {
    const inputs = distinctHalf();
    expect(diagnose(inputs, { cachedZ2: (z) => tf.relu(z) })).toBeUndefined();
  });

  it("a keep probability written into the function: 'does not use its keepProb argument', confirmed by recomputing with it", () => {
    const said = diagnose(distinct(), { keepProb: 0.5 });
    expect(said).toContain("Your function does not use its keepProb argument: with keepProb 0.8 it drops and divides as if keepProb were 0.5");
  });

  it("audit: 1 - keepProb used as the keep probability (mask and division): said so, never 'does not use its keepProb argument'", () => {
    for (const inputs of [course(), distinct()]) {
      const said = diagnose(inputs, { keepProb: 1 - inputs.keepProb }) ?? "";
      expect(said).not.toContain("does not use its keepProb argument");
      expect(said).not.toContain("written into");
    }
  });

  it("keepProb itself in the mask, scaling missing: 'step 4', never 'does not use its keepProb argument'", () => {
    const said = diagnose(distinct(), { factor: () => 1 });
    expect(said).not.toContain("does not use its keepProb argument");
  });

  it("no scaling, and the source divides dataSync()'s copy: 'had no effect'", () => {
    const said = diagnose(distinct(), { factor: () => 1 }, deadSource);
    expect(said).toContain("Your function writes into a, the array dataSync() (or arraySync()) returned, and those writes had no effect: the kept activations are not divided by keepProb");
  });

  it("no scaling, and the source makes the written array a tensor again: the plain 'step 4', no 'had no effect'", () => {
    const said = diagnose(distinct(), { factor: () => 1 }, liveSource);
    expect(said).toContain("not divided by keepProb (step 4)");
    expect(said).not.toContain("had no effect");
  });

  it("nothing dropped and nothing divided, with dead writes in the source: 'had no effect'; without them, nothing", () => {
    const plain = { mask: (d: tf.Tensor2D) => tf.onesLike(d), factor: () => 1 };
    expect(diagnose(distinct(), plain, "const m = D1.dataSync();\nm.set(kept);")).toContain("had no effect: nothing was dropped and nothing divided");
    expect(diagnose(distinct(), plain)).toBeUndefined();
  });

  it("dead writes in the source but values that show no missing step: no 'had no effect'", () => {
    expect(diagnose(distinct(), {}, deadSource)).toBeUndefined();
    expect(diagnose(distinct(), { factor: (k) => k }, deadSource)).not.toContain("had no effect");
  });

  it("at keepProb 1, divided by 1 - keepProb: the NaN's origin", () => {
    const inputs = netInputs([3, 5, 4, 1], 6, 1, 9);
    expect(diagnose(inputs, { factor: (k) => 1 / (1 - k) })).toContain("you divided by 1 - keepProb, which is 0 at keepProb = 1");
  });
});

// ---------------------------------------------------------------------------------------------- backward

describe("backwardStepVariant and diagnoseBackwardStep: dropout's step in the backward pass", () => {
  /** Same-width layers [3, 4, 4, 1]: Wᵀ·dZ for dA1, and the two masks, both [4, 6], from the case's generator. */
  const sameWidthStep = () => {
    const inputs = sameWidth();
    const masks = draws(inputs);
    const WTdZ = scoped(() => wire(new RandomState(5).randn(4, 6)));
    return { WTdZ, D: masks.D1, other: masks.D2, keepProb: inputs.keepProb };
  };
  type Step = ReturnType<typeof sameWidthStep>;
  const compute = (body: (t: { WTdZ: tf.Tensor; D: tf.Tensor; other: tf.Tensor }) => tf.Tensor, s: Step) =>
    scoped(() => wire(body({ WTdZ: T(s.WTdZ), D: T(s.D), other: T(s.other) })));
  const variant = (received: WireTensor, s: Step, other: WireTensor | undefined = s.other) =>
    scoped(() => backwardStepVariant("dA1", received, stepCandidates(T(s.WTdZ), T(s.D), s.keepProb, other && T(other))));
  const diagnose = (received: WireTensor, s: Step, source?: string, other: WireTensor | undefined = s.other) =>
    scoped(() => diagnoseBackwardStep("dA1", received, stepCandidates(T(s.WTdZ), T(s.D), s.keepProb, other && T(other)), s.D.values, source));

  it("each variant is recognised, and named in words", () => {
    const s = sameWidthStep();
    const p = s.keepProb;
    const cases: [string, (t: { WTdZ: tf.Tensor; D: tf.Tensor; other: tf.Tensor }) => tf.Tensor, string | undefined][] = [
      ["correct", (t) => tf.div(tf.mul(t.WTdZ, t.D), p), undefined],
      ["no-mask", (t) => tf.div(t.WTdZ, p), "is not multiplied by the mask from the cache (step 1)"],
      ["no-scaling", (t) => tf.mul(t.WTdZ, t.D), "is not divided by keepProb (step 2)"],
      ["neither", (t) => t.WTdZ, "is neither masked nor divided by keepProb"],
      ["times-keepprob", (t) => tf.mul(tf.mul(t.WTdZ, t.D), p), "is multiplied by keepProb instead of divided by it"],
      ["one-minus-keepprob", (t) => tf.div(tf.mul(t.WTdZ, t.D), 1 - p), "is divided by 1 - keepProb instead of keepProb"],
      ["swapped", (t) => tf.div(tf.mul(t.WTdZ, t.other), p), "the masks are swapped between the layers"],
    ];
    for (const [name, body, words] of cases) {
      const received = compute(body, s);
      expect(variant(received, s), name).toBe(name);
      if (words) expect(diagnose(received, s), name).toContain(words);
      else expect(diagnose(received, s), name).toBeUndefined();
    }
  });

  it("each wrong variant names its misconceptions by id (neither: both); a dA no variant explains names none", () => {
    const s = sameWidthStep();
    const p = s.keepProb;
    const ids = (body: (t: { WTdZ: tf.Tensor; D: tf.Tensor; other: tf.Tensor }) => tf.Tensor) => {
      const received = compute(body, s);
      return scoped(() => kit.diagnoseBackwardStep("dA1", received, stepCandidates(T(s.WTdZ), T(s.D), s.keepProb, T(s.other)), s.D.values))?.misconceptions;
    };
    expect(ids((t) => tf.div(t.WTdZ, p))).toEqual(["backward-no-mask"]);
    expect(ids((t) => tf.mul(t.WTdZ, t.D))).toEqual(["backward-no-scaling"]);
    expect(ids((t) => t.WTdZ)).toEqual(["backward-no-mask", "backward-no-scaling"]);
    expect(ids((t) => tf.mul(tf.mul(t.WTdZ, t.D), p))).toEqual(["backward-times-keepprob"]);
    expect(ids((t) => tf.div(tf.mul(t.WTdZ, t.D), 1 - p))).toEqual(["backward-one-minus-keepprob"]);
    expect(ids((t) => tf.div(tf.mul(t.WTdZ, t.other), p))).toEqual(["masks-swapped"]);
    expect(ids((t) => tf.div(tf.mul(tf.mul(t.WTdZ, t.D), 7.25), p))).toEqual([]);
    expect(ids((t) => tf.div(tf.mul(t.WTdZ, t.D), p))).toBeUndefined();
  });

  it("a right answer is 'correct', not 'swapped', even where Wᵀ·dZ is 0 on every unit the two masks disagree on", () => {
    const s = sameWidthStep();
    // D2 = D1 but for column 0, where Wᵀ·dZ is 0 (every layer-2 unit of that example dropped or inactive).
    const D = s.D.values;
    const other = { shape: s.D.shape, values: D.map((v, k) => (k % 6 === 0 ? 1 - v : v)) };
    const WTdZ = { shape: s.WTdZ.shape, values: s.WTdZ.values.map((v, k) => (k % 6 === 0 ? 0 : v)) };
    const step = { ...s, WTdZ, other };
    const right = compute((t) => tf.div(tf.mul(t.WTdZ, t.D), s.keepProb), step);
    expect(variant(right, step)).toBe("correct");
    expect(diagnose(right, step)).toBeUndefined();
  });

  it("masks of different shapes (layers of different widths) or equal masks: never 'swapped'", () => {
    const s = sameWidthStep();
    const correct = compute((t) => tf.div(tf.mul(t.WTdZ, t.D), s.keepProb), s);
    // The other layer's mask of a shape of its own: D1 [5, 6] beside D2 [4, 6], and one that broadcasts, [1, 6].
    const wider = draws(distinct()).D1;
    expect(variant(correct, s, wider)).toBe("correct");
    const row = { shape: [1, 6], values: s.other.values.slice(0, 6) };
    const broadcastOther = compute((t) => tf.div(tf.mul(t.WTdZ, T(row)), s.keepProb), s);
    expect(variant(broadcastOther, s, row)).not.toBe("swapped");
    expect(diagnose(broadcastOther, s, undefined, row) ?? "").not.toContain("swapped");
    // The same mask twice: the right answer.
    expect(variant(correct, s, s.D)).toBe("correct");
  });

  it("no scaling with dead writes in the source: 'had no effect'; with the array made a tensor again: the plain message", () => {
    const s = sameWidthStep();
    const unscaled = compute((t) => tf.mul(t.WTdZ, t.D), s);
    const dead = "let dA1 = tf.mul(tf.matMul(W2, dZ2, true), D1);\nconst v = dA1.dataSync();\nfor (let i = 0; i < v.length; i++) v[i] /= keepProb;";
    expect(diagnose(unscaled, s, dead)).toContain("those writes had no effect: dA1 is not divided by keepProb");
    const live = `${dead}\ndA1 = tf.tensor2d(v, dA1.shape);`;
    const said = diagnose(unscaled, s, live);
    expect(said).toContain("is not divided by keepProb (step 2)");
    expect(said).not.toContain("had no effect");
    // The right answer with a source that reads dataSync(): nothing.
    expect(diagnose(compute((t) => tf.div(tf.mul(t.WTdZ, t.D), s.keepProb), s), s, "const v = dA1.dataSync();\nconsole.log(v[0]);")).toBeUndefined();
  });

  it("a fresh mask in the backward pass: 'nonzero where the forward pass dropped the unit'", () => {
    const s = sameWidthStep();
    const fresh = scoped(() => wire(tf.cast(tf.less(new RandomState(99).rand(4, 6), s.keepProb), "float32")));
    const received = compute((t) => tf.div(tf.mul(t.WTdZ, T(fresh)), s.keepProb), s);
    expect(variant(received, s)).toBeUndefined();
    expect(diagnose(received, s)).toContain("nonzero where the forward pass dropped the unit");
  });
});

// ---------------------------------------------------------------------------------------------- diagnoseBroadcastError

describe("diagnoseBroadcastError: a tfjs broadcast error between the two layers' shapes", () => {
  const layers = { layer1: [2, 5], layer2: [3, 5] };
  const error = (a: string, b: string) => `Operands could not be broadcast together with shapes ${a} and ${b}.`;

  it("layer 2's shape with layer 1's, in either order", () => {
    const said = diagnoseBroadcastError(error("3,5", "2,5"), layers);
    expect(said).toContain("a tensor of layer 2's shape [3, 5] with one of layer 1's shape [2, 5]");
    expect(diagnoseBroadcastError(error("2,5", "3,5"), layers)).toContain("layer 1's shape [2, 5] with one of layer 2's shape [3, 5]");
  });

  it("shapes of no layer, one layer's shape with an unrelated one, same-width layers, another error: undefined", () => {
    expect(diagnoseBroadcastError(error("4,5", "2,5"), layers)).toBeUndefined();
    expect(diagnoseBroadcastError(error("3,5", "1,6"), layers)).toBeUndefined();
    expect(diagnoseBroadcastError(error("4,6", "4,6"), { layer1: [4, 6], layer2: [4, 6] })).toBeUndefined();
    expect(diagnoseBroadcastError("Error in matMul: inner shapes (2) and (3) of Tensors with shapes 3,2 and 3,5 must match", layers)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------- diagnoseLayerStep

describe("diagnoseLayerStep: one layer's dropout step, from the student's own Z and D", () => {
  const step = (inputs: ForwardInputs, layer1: ForwardAnswer["layer1"]) => diagnoseLayerStep(result(forwardValues(inputs, { layer1 })), inputs.keepProb);

  it("names the layer and the factor: times keepProb, no division, 1 - keepProb, another number", () => {
    const inputs = distinct();
    expect(step(inputs, (r, d) => tf.mul(tf.mul(r, d), inputs.keepProb))).toMatch(/^In layer 1, A1 = relu\(Z1\) \* D1 times keepProb\. You multiplied/);
    expect(step(inputs, (r, d) => tf.mul(r, d))).toMatch(/^In layer 1, A1 = relu\(Z1\) \* D1 without the division by keepProb \(step 4\)/);
    expect(step(inputs, (r, d) => tf.div(tf.mul(r, d), 1 - inputs.keepProb))).toMatch(/^In layer 1, A1 = relu\(Z1\) \* D1 \/ \(1 - keepProb\)/);
    expect(step(inputs, (r, d) => tf.div(tf.mul(r, d), 0.5))).toMatch(/^In layer 1, A1 = relu\(Z1\) \* D1 \/ 0\.5, but keepProb is 0\.8 here/);
  });

  it("audit: divided by keepProb twice (keepProb²): said so, never 'a number written into it'", () => {
    const inputs0 = distinct();
    const ids = (layer1: ForwardAnswer["layer1"]) => kit.diagnoseLayerStep(result(forwardValues(inputs0, { layer1 })), inputs0.keepProb)?.misconceptions;
    expect(ids((r, d) => tf.div(tf.div(tf.mul(r, d), inputs0.keepProb), inputs0.keepProb))).toEqual(["divides-twice"]);
    expect(ids((r, d) => tf.mul(tf.mul(r, d), inputs0.keepProb))).toEqual(["times-keepprob"]);
    expect(ids((r, d) => tf.mul(r, d))).toEqual(["no-scaling"]);
    expect(ids((r, d) => tf.div(tf.mul(r, d), 1 - inputs0.keepProb))).toEqual(["one-minus-keepprob"]);
    expect(ids((r, d) => tf.div(tf.mul(r, d), 0.5))).toEqual(["ignores-keepprob"]);
    for (const inputs of [distinct(), course()]) {
      const said = step(inputs, (r, d) => tf.div(tf.div(tf.mul(r, d), inputs.keepProb), inputs.keepProb)) ?? "";
      expect(said).toContain("keepProb²");
      expect(said).not.toContain("written into");
    }
  });

  it("says nothing for a right step, a mask that keeps everything, a dropped unit left active, or factors that vary", () => {
    const inputs = distinct();
    expect(step(inputs, undefined)).toBeUndefined();
    expect(step(inputs, (r) => tf.mul(r, 1))).toBeUndefined(); // D ignored: active where D is 0, so no factor explains it
    expect(step(inputs, (r, d) => tf.mul(tf.mul(r, d), tf.linspace(1, 2, r.size).reshape(r.shape)))).toBeUndefined();
    const allKept = forwardValues(inputs, { mask: (d) => tf.onesLike(d) as tf.Tensor2D, factor: () => 1 });
    expect(diagnoseLayerStep(result(allKept), inputs.keepProb)).toBeUndefined();
  });
});
