/**
 * The checks on hand-made results (no sandbox): each check's rule and its gate, with answers that must
 * pass and answers that must not (degenerate ones that satisfy a property trivially, recalled published
 * values, NaN), that the sandbox's report about itself never raises a score, that hidden expected values
 * never reach a message, and compare's handling of NaN, ±Infinity, null and -0.
 * Fails when: a gate is dropped (zero masks and zero gradients then pass the property checks), compare
 * lets NaN or null equal a number, or a rule reads the child's rng/mutated report for its verdict (each
 * mutation seen red once by its author).
 */
import { describe, expect, it } from "vitest";
import { compare, DROPOUT_CACHE_NAMES, isPublicCase, RandomState, round, scoped, tf } from "dropout-kit";
import { autodiffGradients } from "../grader/assignments/dropout/checks/recompute";
import type { BackwardRun, CallResult, CheckResult, ForwardRun, WireTensor, WireValue } from "dropout-kit";
import { BACKWARD_CASES, COURSE_TWIN, courseBackwardInputs, FORWARD_CASES, forwardInputs, sharedSeeds, STATISTICS_CASE } from "../grader/assignments/dropout/cases";
import type { BackwardInputs, ForwardCaseSpec, ForwardInputs } from "../grader/assignments/dropout/cases";
import { releasedSetupCell } from "../grader/assign/references";
import { readDropoutReferences } from "../grader/assignments/dropout";
import { dropoutAuthoring } from "../grader/assignments/dropout/authoring";
import { readReferences, setupCellOf } from "../grader/grading/references";
import { CHECKS, PUBLIC_CHECKS } from "../grader/assignments/dropout/checks";
import { generatorMasks } from "../grader/assignments/dropout/checks/recompute";
import { runChecks as runSharedChecks } from "../grader/assignments/dropout/checks/rules";
import type { Evidence, ExpectedOutputs, Unavailable } from "../grader/assignments/dropout/checks/rules";

/** The grader's checks, with their points. */
const runChecks = (evidence: Evidence, expected: ExpectedOutputs, unavailable: Unavailable) => runSharedChecks(evidence, expected, unavailable, CHECKS);

const references = readDropoutReferences();

// ---------------------------------------------------------------------------------------------- hand-made answers

type Tensors = Record<string, tf.Tensor>;
const wire = (t: tf.Tensor): WireTensor => ({ shape: t.shape.slice(), values: Array.from(t.dataSync(), Number) });
const T = (w: WireTensor) => tf.tensor2d(w.values, w.shape as [number, number]);
const asValues = (tensors: Tensors): Record<string, WireValue> => Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, { tensor: wire(t) }]));

interface ForwardAnswer {
  /** The mask from the generator's draws (correct: draw < keepProb). */
  mask?: (draws: tf.Tensor2D, keepProb: number, layer: 1 | 2) => tf.Tensor2D;
  /** The factor the kept activations get (correct: 1 / keepProb). */
  factor?: (keepProb: number) => number;
  /** The output layer's activation (correct: sigmoid(Z3)). */
  output?: (Z3: tf.Tensor2D, keepProb: number) => tf.Tensor2D;
  /** What the cache holds instead of a value (e.g. NaN for zeros). */
  cacheValue?: (name: string, t: tf.Tensor2D) => tf.Tensor2D;
}

function forwardValues(inputs: ForwardInputs, answer: ForwardAnswer = {}): Record<string, WireValue> {
  return scoped(() => {
    const p = Object.fromEntries(Object.entries(inputs.parameters).map(([k, v]) => [k, T(v)]));
    const rng = new RandomState(inputs.seed);
    const mask = answer.mask ?? ((d, keep) => tf.cast(tf.less(d, keep), "float32") as tf.Tensor2D);
    const factor = (answer.factor ?? ((keep) => 1 / keep))(inputs.keepProb);
    const Z1 = tf.add(tf.matMul(p.W1, T(inputs.X)), p.b1) as tf.Tensor2D;
    const D1 = mask(rng.rand(Z1.shape[0], Z1.shape[1]), inputs.keepProb, 1);
    const A1 = tf.mul(tf.mul(tf.relu(Z1), D1), factor) as tf.Tensor2D;
    const Z2 = tf.add(tf.matMul(p.W2, A1), p.b2) as tf.Tensor2D;
    const D2 = mask(rng.rand(Z2.shape[0], Z2.shape[1]), inputs.keepProb, 2);
    const A2 = tf.mul(tf.mul(tf.relu(Z2), D2), factor) as tf.Tensor2D;
    const Z3 = tf.add(tf.matMul(p.W3, A2), p.b3) as tf.Tensor2D;
    const A3 = (answer.output ?? ((z) => tf.sigmoid(z) as tf.Tensor2D))(Z3, inputs.keepProb);
    const cache: Tensors = { Z1, D1, A1, W1: p.W1, b1: p.b1, Z2, D2, A2, W2: p.W2, b2: p.b2, Z3, A3, W3: p.W3, b3: p.b3 };
    const shown = Object.fromEntries(DROPOUT_CACHE_NAMES.map((n) => [`cache.${n}`, answer.cacheValue ? answer.cacheValue(n, cache[n] as tf.Tensor2D) : cache[n]]));
    return asValues({ A3, ...shown });
  });
}

interface BackwardAnswer {
  /** dA from Wᵀ·dZ and the cache's mask (correct: times the mask, divided by keepProb). */
  step?: (WTdZ: tf.Tensor2D, D: tf.Tensor2D, keepProb: number) => tf.Tensor2D;
  zero?: boolean;
  /** dZ2 faked to zero (so dA1 = W2ᵀ·0 holds trivially). */
  fakeDZ2?: boolean;
  /** dZ3 from A3 and Y (correct: A3 − Y). */
  dZ3?: (A3: tf.Tensor2D, Y: tf.Tensor2D) => tf.Tensor2D;
}

function backwardValues(inputs: BackwardInputs, answer: BackwardAnswer = {}): Record<string, WireValue> {
  return scoped(() => {
    const c = Object.fromEntries(Object.entries(inputs.cache).map(([k, v]) => [k, T(v)]));
    const [X, Y, p] = [T(inputs.X), T(inputs.Y), inputs.keepProb];
    const m = X.shape[1];
    const step = answer.step ?? ((WTdZ, D, keep) => tf.div(tf.mul(WTdZ, D), keep) as tf.Tensor2D);
    const dZ3 = answer.dZ3 ? answer.dZ3(c.A3 as tf.Tensor2D, Y as tf.Tensor2D) : tf.sub(c.A3, Y);
    const dW3 = tf.div(tf.matMul(dZ3, c.A2, false, true), m);
    const db3 = tf.mean(dZ3, 1, true);
    const dA2 = step(tf.matMul(tf.transpose(c.W3), dZ3) as tf.Tensor2D, c.D2 as tf.Tensor2D, p);
    const dZ2 = answer.fakeDZ2 ? tf.zerosLike(dA2) : tf.mul(dA2, tf.step(c.A2));
    const dW2 = tf.div(tf.matMul(dZ2, c.A1, false, true), m);
    const db2 = tf.mean(dZ2, 1, true);
    const dA1 = step(tf.matMul(tf.transpose(c.W2), dZ2) as tf.Tensor2D, c.D1 as tf.Tensor2D, p);
    const dZ1 = tf.mul(dA1, tf.step(c.A1));
    const dW1 = tf.div(tf.matMul(dZ1, X, false, true), m);
    const db1 = tf.mean(dZ1, 1, true);
    const grads: Tensors = { dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1 };
    return asValues(answer.zero ? Object.fromEntries(Object.entries(grads).map(([k, t]) => [k, tf.zerosLike(t)])) : grads);
  });
}

/** What the sandbox would send: by default a repeat equal to the first call, nothing mutated, the right draws. */
function result(values: Record<string, WireValue>, extra: Partial<CallResult> = {}): CallResult {
  return { kind: "result", id: 1, ok: true, values, mutated: [], output: "", durationMs: 1, repeat: { ok: true, values }, ...extra };
}

// Made when first needed: the backend is ready only once the tests run.
const forwardMemo = new Map<ForwardCaseSpec, ForwardInputs>();
const forwardCaseInputs = { get: (spec: ForwardCaseSpec) => forwardMemo.get(spec) ?? forwardMemo.set(spec, forwardInputs(spec)).get(spec) };
const backwardMemo = new Map<string, BackwardInputs>();
const backwardCaseInputs = {
  get: (id: string) => backwardMemo.get(id) ?? backwardMemo.set(id, id === "course" ? courseBackwardInputs() : references.backward[id].inputs).get(id),
};

interface Answers {
  forward?: (spec: ForwardCaseSpec, inputs: ForwardInputs) => CallResult;
  backward?: (id: string, inputs: BackwardInputs) => CallResult;
  /** A self-check: the course's cases only. */
  publicOnly?: boolean;
}

const right = {
  forward: (_: ForwardCaseSpec, inputs: ForwardInputs) => result(forwardValues(inputs)),
  backward: (_: string, inputs: BackwardInputs) => result(backwardValues(inputs)),
};

function evidence({ forward = right.forward, backward = right.backward, publicOnly = false }: Answers = {}): Evidence {
  const run = (spec: ForwardCaseSpec): ForwardRun => ({ spec, inputs: forwardCaseInputs.get(spec)!, result: forward(spec, forwardCaseInputs.get(spec)!) });
  const backwardRun = (id: string): BackwardRun => {
    const spec = BACKWARD_CASES.find((c) => c.id === id)!;
    const inputs = backwardCaseInputs.get(id)!;
    return { id, description: spec.description, public: spec.public, courseInputs: spec.courseInputs, inputs, result: backward(id, inputs) };
  };
  return {
    forward: FORWARD_CASES.filter((c) => !publicOnly || isPublicCase(c)).map(run),
    statistics: publicOnly ? undefined : run(STATISTICS_CASE),
    backward: BACKWARD_CASES.filter((c) => !publicOnly || isPublicCase(c)).map((c) => backwardRun(c.id)),
  };
}

function grade(answers: Answers = {}): Record<string, CheckResult> {
  return Object.fromEntries(runChecks(evidence(answers), references, {}).map((r) => [r.id, r]));
}

const failed = (results: Record<string, CheckResult>) => Object.values(results).filter((r) => !r.passed).map((r) => r.id).sort();
const ALL = CHECKS.map((c) => c.id).sort();
const FORWARD = ALL.filter((id) => id.startsWith("forward."));
const BACKWARD = ALL.filter((id) => id.startsWith("backward."));

// Answers.
const zerosMask = { mask: (d: tf.Tensor2D) => tf.zerosLike(d) };
const onesMask = { mask: (d: tf.Tensor2D) => tf.onesLike(d) };
/** The plain forward pass, whatever keepProb: all-ones masks and no division. */
const plainForwardAnswer = { ...onesMask, factor: () => 1 };
const zeroGradients = { zero: true };
const plainBackward = { step: (WTdZ: tf.Tensor2D) => WTdZ };
const publishedOnCourse = (spec: ForwardCaseSpec, inputs: ForwardInputs): CallResult => {
  // The course's published values (the references of its case) for the course's inputs, the plain pass elsewhere.
  const isCourseInputs = inputs.X.values[0] === forwardCaseInputs.get(FORWARD_CASES.find((c) => c.course)!)!.X.values[0];
  return result(isCourseInputs ? Object.fromEntries(Object.entries(references.forward.course).map(([k, t]) => [k, { tensor: t }])) : forwardValues(inputs, plainForwardAnswer));
};
const publishedBackward = (_: string, inputs: BackwardInputs): CallResult =>
  result(inputs.X.shape[1] === 5 ? Object.fromEntries(Object.entries(references.backward.course.outputs).map(([k, t]) => [k, { tensor: t }])) : backwardValues(inputs, plainBackward));

const sorted = (values: number[]) => Float64Array.from(values.filter(Number.isFinite)).sort();
/** Whether a sorted list holds a number within a few float32 ulps of x. */
function near(list: Float64Array, x: number): boolean {
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  const tolerance = 3e-7 * Math.max(Math.abs(x), 1e-3);
  return [lo - 1, lo].some((k) => k >= 0 && k < list.length && Math.abs(list[k] - x) <= tolerance);
}

/** Significant digits of a number as printed: 0.49683389 has 8, 0.5 has 1. */
const significant = (text: string) => text.replace(/^-/, "").replace(/e.*$/, "").replace(".", "").replace(/^0+/, "").length;

/**
 * Every value of the hidden cases' expected outputs, as feedback would print it, minus trivial ones (0, 1,
 * 0.5...) and those the public course case has too (sigmoid(b3) where a column of A2 is all 0, say).
 */
/** The public cases: their expected values may be shown (the notebook's public tests show them). */
const PUBLIC_FORWARD = FORWARD_CASES.filter(isPublicCase).map((c) => c.id);
const PUBLIC_BACKWARD = BACKWARD_CASES.filter(isPublicCase).map((c) => c.id);

function hiddenValues({ backward = true } = {}): Set<string> {
  const shown = (t: WireTensor) => t.values.map(round).filter((text) => significant(text) > 3);
  const published = new Set(
    [...PUBLIC_FORWARD.flatMap((id) => Object.values(references.forward[id])), ...PUBLIC_BACKWARD.flatMap((id) => Object.values(references.backward[id].outputs))].flatMap(shown),
  );
  const out = new Set<string>();
  const add = (t: WireTensor) => shown(t).forEach((text) => !published.has(text) && out.add(text));
  for (const [id, tensors] of Object.entries(references.forward)) if (!PUBLIC_FORWARD.includes(id)) for (const [name, t] of Object.entries(tensors)) if (!/cache\.[Wb]/.test(name)) add(t);
  if (backward) for (const [id, b] of Object.entries(references.backward)) if (!PUBLIC_BACKWARD.includes(id)) Object.values(b.outputs).forEach(add);
  return out;
}

// ---------------------------------------------------------------------------------------------- compare

describe("compare: NaN, ±Infinity, null and -0", () => {
  const expected = { shape: [1, 3], values: [0, 0.5, -2] };
  for (const [bad, shown] of [[NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"], [null, "NaN"]] as const) {
    it(`${String(bad)} never equals a number, and the message says ${shown}`, () => {
      for (const k of [0, 1, 2]) {
        const values = expected.values.slice() as (number | null)[];
        values[k] = bad;
        for (const reveal of [true, false]) {
          const c = compare("A1", { tensor: { shape: [1, 3], values: values as number[] } }, expected, reveal);
          expect(c.ok).toBe(false);
          const why = (c as { why: string }).why;
          expect(why).toContain(`A1[0, ${k}] is ${shown}`);
          expect(why).not.toContain("null");
        }
      }
    });
  }

  it("-0 is the number 0 (tfjs gives it for a negative gradient times a dropped unit), and is shown as -0", () => {
    expect(compare("dA2", { tensor: { shape: [1, 2], values: [-0, 0.5] } }, { shape: [1, 2], values: [0, 0.5] }, true)).toEqual({ ok: true });
    expect(round(-0)).toBe("-0");
    expect((compare("x", { tensor: { shape: [1, 1], values: [-0] } }, { shape: [1, 1], values: [1] }, true) as { why: string }).why).toBe("x[0, 0] is -0; expected 1");
  });

  it("expected values must be finite: the grader stops rather than compare with NaN", () => {
    expect(() => compare("A3", { tensor: { shape: [1, 1], values: [NaN] } }, { shape: [1, 1], values: [NaN] }, false)).toThrow(/expected values must be finite/);
  });

  it("a tensor whose values do not fill its shape, or hold non-numbers, is not taken for one", () => {
    expect(compare("A3", { tensor: { shape: [1, 3], values: [0, 0.5] } }, expected, false).ok).toBe(false);
    expect(compare("A3", { tensor: { shape: [1, 3], values: [0, 0.5, -2, 7] } }, expected, false).ok).toBe(false);
    expect(compare("A3", { tensor: { shape: [1, 3], values: [0, "0.5", -2] as unknown as number[] } }, expected, false).ok).toBe(false);
    expect(compare("A3", { tensor: { shape: [1, 3], values: [0, 0.5, -2] } }, expected, false).ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------- the checks

describe("answers that must pass", () => {
  it("the right outputs pass every check", () => {
    const results = grade();
    expect(failed(results), JSON.stringify(Object.values(results).filter((r) => !r.passed), null, 1)).toEqual([]);
  });

  it("in a self-check (the course's cases only), the right outputs pass every public check", () => {
    const results = runChecks(evidence({ publicOnly: true }), references, {}).filter((r) => PUBLIC_CHECKS.includes(r.id));
    expect(results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.output}`)).toEqual([]);
  });

  it("the sandbox's own report cannot lower a score: inputs reported changed, or odd generator calls, with outputs that show nothing of it", () => {
    const results = grade({
      forward: (_, inputs) => result(forwardValues(inputs), { mutated: ["X"], rng: { calls: [{ method: "seed", args: [1] }], draws: 0 } }),
      backward: (_, inputs) => result(backwardValues(inputs), { mutated: ["cache.D1"] }),
    });
    expect(failed(results)).toEqual([]);
  });
});

describe("degenerate answers earn only what they truly satisfy, and no gate accuses", () => {
  it("masks that drop everything and zero gradients: what holds with nothing to judge says so; zero gradients do not follow the inputs", () => {
    const results = grade({ forward: (_, inputs) => result(forwardValues(inputs, zerosMask)), backward: (_, inputs) => result(backwardValues(inputs, zeroGradients)) });
    // Z1 = W1·X + b1 and A3 = sigmoid(W3·A2 + b3) are computed right, and the inputs are left alone: credited.
    expect(failed(results)).toEqual(ALL.filter((id) => !["forward.layers", "forward.inputs"].includes(id)));
    expect(results["forward.scaling"].output).toMatch(/^Nothing to judge: .*keeps no unit whose Z1 is positive/s);
    expect(results["backward.masks"].output).toMatch(/^Nothing to judge: your dZ3 is 0 on every case.*dZ3 is A3 − Y/s);
    for (const id of ["backward.deterministic", "backward.inputs"]) expect(results[id].output, id).toMatch(/^Not credited: your gradients are the same on every case \(\d+ cases\), although the right gradients differ/);
    for (const r of Object.values(results)) expect(r.output, r.id).not.toMatch(/real work/);
  });

  it("masks that keep everything (the plain forward pass): the checks of dropout fail; those it truly passes are credited", () => {
    const results = grade({ forward: (_, inputs) => result(forwardValues(inputs, plainForwardAnswer)) });
    expect(failed(results)).toEqual(["forward.cases", "forward.course", "forward.kept-fraction", "forward.masks", "forward.scaling"]);
    // keepProb = 1 does give the plain forward pass; the layers are right; the inputs are left alone.
    for (const id of ["forward.keep-all", "forward.layers", "forward.inputs"]) expect(results[id].passed, id).toBe(true);
    expect(results["forward.kept-fraction"].output).toContain("keeps 100.0%");
  });

  it("all-ones masks with the division (A = relu(Z) / keepProb): the masks and the fraction fail, the scaling from its own masks is right", () => {
    const results = grade({ forward: (_, inputs) => result(forwardValues(inputs, onesMask)) });
    expect(failed(results)).toEqual(["forward.cases", "forward.course", "forward.kept-fraction", "forward.masks"]);
  });

  it("the course's published values recalled for the course's inputs, the plain passes elsewhere: the course checks and the repeat checks say recall", () => {
    const results = grade({ forward: publishedOnCourse, backward: publishedBackward });
    expect(results["forward.course"].output).toMatch(/^Not credited: on the course's inputs with a generator of the grader's own.*, a case whose answer is not published, your A3 is exactly the published answer of the course's/s);
    expect(results["backward.course"].output).toMatch(/^Not credited: on the course's X and cache with other labels.*, your dA1 and dA2 are exactly the published answer of the course's/s);
    // The twin's recalled values are the only evidence against the repeat checks: they say so too.
    expect(results["forward.inputs"].output).toMatch(/^Not credited: on the course's inputs with a generator of the grader's own.*your A3 is exactly the published answer/s);
    for (const id of ["backward.deterministic", "backward.inputs"]) expect(results[id].output, id).toMatch(/^Not credited: on the course's X and cache with other labels.*your gradients are exactly the published answer/s);
    // The plain passes elsewhere: keepProb 1 and the layers are what they are.
    for (const id of ["forward.keep-all", "forward.layers"]) expect(results[id].passed, id).toBe(true);
    for (const id of ["forward.cases", "forward.masks", "forward.kept-fraction", "forward.scaling", "backward.cases", "backward.masks", "backward.autodiff"]) expect(results[id].passed, id).toBe(false);
  });

  it("...while the course's case alone (a self-check, where the twin is not run) passes on the published values", () => {
    const results = runChecks(evidence({ forward: publishedOnCourse, backward: publishedBackward, publicOnly: true }), references, {});
    expect(results.find((r) => r.id === "forward.course")!.passed).toBe(true);
    expect(results.find((r) => r.id === "backward.course")!.passed).toBe(true);
  });

  it("NaN where the cache has a 0: every forward check that reads the cache fails, and says NaN", () => {
    const nan = (name: string, t: tf.Tensor2D) => (["D1", "A1", "D2", "A2"].includes(name) ? (tf.where(tf.equal(t, 0), tf.fill(t.shape, NaN), t) as tf.Tensor2D) : t);
    for (const carried of ["as NaN", "as JSON's null"]) {
      const results = grade({
        forward: (_, inputs) => {
          const values = forwardValues(inputs, { cacheValue: nan });
          return result(carried === "as NaN" ? values : JSON.parse(JSON.stringify(values)));
        },
      });
      // keepProb 1 (A3 only, which is right here) and the repeat (the same NaN twice) judge no cached value.
      const cacheChecks = FORWARD.filter((id) => !["forward.keep-all", "forward.inputs"].includes(id));
      expect(failed(results), carried).toEqual(cacheChecks);
      for (const id of cacheChecks) expect(results[id].output, `${carried}, ${id}`).toContain("NaN");
    }
  });
});

describe("each check's rule and gate", () => {
  const forwardOnly = (answer: ForwardAnswer, extra: Partial<CallResult> = {}) => grade({ forward: (_, inputs) => result(forwardValues(inputs, answer), extra) });

  it("forward.course: the course's case must match; its twin withholds the credit only when given the published values", () => {
    // A twin that is merely wrong costs the hidden cases' check, not this one (its gate looks for recall only).
    const twinWrong = grade({ forward: (spec, inputs) => result(forwardValues(inputs, spec.id === COURSE_TWIN ? { factor: () => 1 } : {})) });
    expect(twinWrong["forward.course"].passed, twinWrong["forward.course"].output).toBe(true);
    expect(twinWrong["forward.cases"].passed).toBe(false);
    const courseWrong = grade({ forward: (spec, inputs) => result(forwardValues(inputs, spec.course ? { factor: () => 1 } : {})) });
    expect(courseWrong["forward.course"].output).toContain("expected"); // the public case shows its expected values
  });

  it("forward.masks: exactly the generator's masks; a report of the right draws does not help wrong masks", () => {
    const inverted = forwardOnly({ mask: (d, keep) => tf.cast(tf.greaterEqual(d, keep), "float32") as tf.Tensor2D }, { rng: { calls: [{ method: "rand", args: [2, 5] }, { method: "rand", args: [3, 5] }], draws: 25 } });
    expect(inverted["forward.masks"].passed).toBe(false);
    expect(inverted["forward.masks"].output).toContain("threshold is inverted");
    // One unit of the large case's D2 flipped: a mask that is not the generator's.
    const flipFirst = (m: tf.Tensor2D) => {
      const values = Array.from(m.dataSync());
      values[0] = 1 - values[0];
      return tf.tensor2d(values, m.shape);
    };
    const right = (d: tf.Tensor2D, keep: number) => tf.cast(tf.less(d, keep), "float32") as tf.Tensor2D;
    const oneOff = grade({ forward: (spec, inputs) => result(forwardValues(inputs, spec === STATISTICS_CASE ? { mask: (d, keep, layer) => (layer === 2 ? flipFirst(right(d, keep)) : right(d, keep)) } : {})) });
    expect(oneOff["forward.masks"].passed).toBe(false);
    expect(oneOff["forward.masks"].output).toContain("D2[0, 0] is");
    expect(oneOff["forward.masks"].output).not.toContain("the generator's mask has"); // a hidden case's mask is not shown, not even one unit
  });

  it("forward.kept-fraction: the right fraction and independent draws; a fixed pattern with the right fraction fails", () => {
    const pattern = { mask: (d: tf.Tensor2D) => tf.tensor2d(Array.from({ length: d.size }, (_, k) => (k % 10 < 7 ? 1 : 0)), d.shape as [number, number]) };
    const results = forwardOnly(pattern);
    expect(results["forward.kept-fraction"].passed).toBe(false);
    expect(results["forward.kept-fraction"].output).toMatch(/^On .*agrees with the next example's .*not one over many draws/s);
    // A mask shared by all examples (a common slip) fails the same rule, said as a fact, not as a withheld credit.
    const shared = forwardOnly({ mask: (d, keep) => tf.tile(tf.cast(tf.less(d.slice([0, 0], [d.shape[0], 1]), keep), "float32"), [1, d.shape[1]]) as tf.Tensor2D });
    // (its fraction is over one draw per unit: said as that, and named)
    expect(shared["forward.kept-fraction"].output).toMatch(/each unit of your D1 is the same in all \d+ examples: one mask shared by all examples, so its kept fraction \(\d+\.\d%\) is over \d+ draws/);
    expect(shared["forward.kept-fraction"].misconceptions).toEqual(["mask-shared-by-examples"]);
    expect(results["forward.kept-fraction"].misconceptions).toBeUndefined();
    expect(shared["forward.kept-fraction"].output).not.toMatch(/Not credited/);
    const inverted = forwardOnly({ mask: (d, keep) => tf.cast(tf.greaterEqual(d, keep), "float32") as tf.Tensor2D });
    expect(inverted["forward.kept-fraction"].output).toContain("That is 1 - keepProb");
    expect(forwardOnly({ mask: (d) => tf.zerosLike(d) })["forward.kept-fraction"].output).toContain("keeps 0.0%");
  });

  it("forward.scaling: A = relu(Z) * D / keepProb from the student's Z and D, with real masks", () => {
    expect(forwardOnly({ factor: (p) => p })["forward.scaling"].output).toContain("multiplied the kept activations by keepProb");
    // Own masks (shared by all examples) used consistently: the rule and the gate hold.
    const shared = { mask: (d: tf.Tensor2D, keep: number) => tf.tile(tf.cast(tf.less(d.slice([0, 0], [d.shape[0], 1]), keep), "float32"), [1, d.shape[1]]) as tf.Tensor2D };
    expect(forwardOnly(shared)["forward.scaling"].passed).toBe(true);
    // Masks that keep nothing: the rule holds with nothing scaled, and the check says there is nothing to judge.
    expect(forwardOnly({ mask: (d) => tf.zerosLike(d) })["forward.scaling"].output).toMatch(/^Nothing to judge: over every case with keepProb below 1, your D1 keeps no unit/);
    // Masks of 1s with the division: the scaling from its own masks is right, and credited.
    expect(forwardOnly(onesMask)["forward.scaling"].passed).toBe(true);
  });

  it("forward.keep-all: the plain forward pass at keepProb 1, recomputed from the inputs (nothing to gate)", () => {
    expect(forwardOnly({ mask: (d, keep) => tf.cast(tf.greaterEqual(d, keep), "float32") as tf.Tensor2D })["forward.keep-all"].output).toContain("must equal the plain forward pass");
    expect(forwardOnly(plainForwardAnswer)["forward.keep-all"].passed).toBe(true);
    expect(forwardOnly({ factor: (p) => p })["forward.keep-all"].passed).toBe(true);
  });

  it("forward.layers: Z1 = W1·X + b1, A3 = sigmoid(W3·A2 + b3), recomputed (nothing to gate)", () => {
    const dropsOutput = { output: (Z3: tf.Tensor2D, keep: number) => tf.div(tf.mul(tf.sigmoid(Z3), tf.cast(tf.less(tf.randomUniform(Z3.shape, 0, 1, "float32", 3), keep), "float32")), keep) as tf.Tensor2D };
    expect(forwardOnly(dropsOutput)["forward.layers"].output).toContain("no dropout on the output layer");
    expect(forwardOnly(zerosMask)["forward.layers"].passed).toBe(true);
    expect(forwardOnly({ cacheValue: (n, t) => (n === "Z1" ? (tf.add(t, 0.25) as tf.Tensor2D) : t) })["forward.layers"].output).toContain("Z1 should be W1·X + b1");
    expect(forwardOnly({ factor: (p) => p })["forward.layers"].passed).toBe(true);
  });

  it("forward.inputs: decided by the repeat, never by the sandbox's report; withheld only from outputs that do not follow the inputs", () => {
    const changedOnRepeat = (spec: ForwardCaseSpec, inputs: ForwardInputs) => {
      const values = forwardValues(inputs);
      return result(values, { mutated: [], repeat: { ok: true, values: spec.id === "wide-0.5" ? forwardValues({ ...inputs, seed: inputs.seed + 1 }) : values } });
    };
    const results = grade({ forward: changedOnRepeat });
    expect(results["forward.inputs"].passed).toBe(false);
    expect(results["forward.inputs"].output).toContain("returned a different");
    const noRepeat = grade({ forward: (_, inputs) => result(forwardValues(inputs), { repeat: undefined }) });
    expect(noRepeat["forward.inputs"].passed).toBe(false);
    const repeatThrew = grade({ forward: (_, inputs) => result(forwardValues(inputs), { repeat: { ok: false, values: {}, error: { name: "Error", message: "disposed" } } }) });
    expect(repeatThrew["forward.inputs"].passed).toBe(false);
    // Masks of zeros still compute A3 from the inputs (sigmoid(b3)): credited. One fixed A3 everywhere is not.
    expect(forwardOnly(zerosMask)["forward.inputs"].passed).toBe(true);
    const fixed = grade({ forward: (_, inputs) => result({ ...forwardValues(inputs), A3: { tensor: { shape: [1, inputs.X.shape[1]], values: new Array(inputs.X.shape[1]).fill(0.5) } } }) });
    expect(fixed["forward.inputs"].output).toMatch(/^Not credited: your A3 is the same on every case \(\d+ cases\), although the right A3 differs from case to case/);
  });

  const backwardOnly = (answer: BackwardAnswer, extra: Partial<CallResult> = {}) => grade({ backward: (_, inputs) => result(backwardValues(inputs, answer), extra) });
  const noMask = { step: (WTdZ: tf.Tensor2D, _D: tf.Tensor2D, keep: number) => tf.div(WTdZ, keep) as tf.Tensor2D };

  it("backward.course: the course's case must match; its twin withholds the credit only when given the published gradients", () => {
    const twinWrong = grade({ backward: (id, inputs) => result(backwardValues(inputs, id === COURSE_TWIN ? noMask : {})) });
    expect(twinWrong["backward.course"].passed, twinWrong["backward.course"].output).toBe(true);
    expect(twinWrong["backward.cases"].passed).toBe(false);
    const recalled = grade({ backward: publishedBackward });
    expect(recalled["backward.course"].output).toMatch(/^Not credited: on the course's X and cache with other labels/);
  });

  it("backward.masks: the step from the student's own dZ, judged where dZ is not zero", () => {
    expect(backwardOnly(noMask)["backward.masks"].output).toContain("not multiplied by the mask from the cache (step 1)");
    expect(backwardOnly(zeroGradients)["backward.masks"].output).toMatch(/^Nothing to judge: your dZ3 is 0 on every case/);
    expect(backwardOnly({ fakeDZ2: true })["backward.masks"].output).toMatch(/^Nothing to judge: your dZ2 is 0 on every case.*dZ2 is dA2 \* \(A2 > 0\)/s);
    // A wrong dZ3 that is not zero (1 − Y − A3, a sign slip): the step from it is right, and credited; the mistake costs the value checks.
    const signSlip = backwardOnly({ dZ3: (A3, Y) => tf.sub(Y, A3) as tf.Tensor2D });
    expect(signSlip["backward.masks"].passed, signSlip["backward.masks"].output).toBe(true);
    expect(signSlip["backward.autodiff"].passed).toBe(false);
  });

  it("backward.autodiff: tf.grad's gradients, which are never all zero", () => {
    expect(backwardOnly(zeroGradients)["backward.autodiff"].passed).toBe(false);
    // Without the mask, the ReLU's derivative (A2 > 0) still blocks dropped units: the weights' gradients are right.
    expect(backwardOnly(noMask)["backward.autodiff"].passed).toBe(true);
    expect(backwardOnly({ step: (WTdZ, D) => tf.mul(WTdZ, D) as tf.Tensor2D })["backward.autodiff"].output).toContain("not divided by keepProb (step 2)");
    for (const spec of BACKWARD_CASES.filter((c) => !c.course && !c.courseInputs)) {
      for (const [name, g] of Object.entries(autodiffGradients(references.backward[spec.id].inputs))) {
        if (name.startsWith("dW")) expect(g.values.some((v) => Math.abs(v) > 1e-4), `${spec.id} ${name}`).toBe(true);
      }
    }
  });

  it("backward.deterministic: the repeat and the grader's second call agree; withheld only from gradients that do not follow the inputs", () => {
    const differs = (inputs: BackwardInputs) => backwardValues({ ...inputs, keepProb: inputs.keepProb * 0.9 });
    const repeatDiffers = grade({ backward: (_, inputs) => result(backwardValues(inputs), { repeat: { ok: true, values: differs(inputs) } }) });
    expect(repeatDiffers["backward.deterministic"].output).toContain("returned different");
    const ev = evidence();
    ev.backward[1].again = result(differs(ev.backward[1].inputs));
    expect(runChecks(ev, references, {}).find((r) => r.id === "backward.deterministic")!.passed).toBe(false);
    // The plain backward pass (dropout's step forgotten) is deterministic: credited; zero gradients are not.
    expect(backwardOnly(plainBackward)["backward.deterministic"].passed).toBe(true);
    expect(backwardOnly(zeroGradients)["backward.deterministic"].output).toMatch(/^Not credited: your gradients are the same on every case/);
    expect(backwardOnly(noMask)["backward.deterministic"].passed).toBe(true);
  });

  it("audit: backward.deterministic, when the sandbox reports changed or disposed inputs, never blames randomness", () => {
    // A function that disposes the cache's masks: the repeat on the same objects throws.
    const disposed = backwardOnly({}, { mutated: ["D1", "D2"], repeat: { ok: false, values: {}, error: { name: "TypeError", message: "Cannot read properties of undefined (reading 'backend')" } } });
    expect(disposed["backward.deterministic"].passed).toBe(false);
    expect(disposed["backward.deterministic"].output).not.toContain("draws nothing");
    expect(disposed["backward.deterministic"].output).toContain("changed or disposed its inputs");
    expect(disposed["backward.inputs"].output).toContain("changed or disposed its inputs");
  });

  it("backward.inputs: decided by the repeat, never by the sandbox's report; withheld only from gradients that do not follow the inputs", () => {
    const results = grade({ backward: (id, inputs) => result(backwardValues(inputs), { mutated: [], repeat: { ok: true, values: id === "wide-0.5" ? backwardValues({ ...inputs, Y: { ...inputs.Y, values: inputs.Y.values.map((v) => 1 - v) } }) : backwardValues(inputs) } }) });
    expect(results["backward.inputs"].passed).toBe(false);
    expect(results["backward.inputs"].output).toContain("returned a different");
    expect(backwardOnly(zeroGradients)["backward.inputs"].output).toMatch(/^Not credited: your gradients are the same on every case/);
    expect(backwardOnly(plainBackward)["backward.inputs"].passed).toBe(true);
    expect(backwardOnly({ step: (WTdZ, D) => tf.mul(WTdZ, D) as tf.Tensor2D })["backward.inputs"].passed).toBe(true);
  });
});

describe("hidden expected values stay hidden", () => {
  const noMaskStep = { step: (WTdZ: tf.Tensor2D, _D: tf.Tensor2D, keep: number) => tf.div(WTdZ, keep) as tf.Tensor2D };
  it("no message of any check, on a range of wrong answers, shows a hidden expected value", () => {
    // As numbers: the parent's recomputation from a student's values may differ from the reference in the last float32 digit.
    const hidden = sorted([...hiddenValues()].map(Number));
    // Right on the course's cases (whose values may be shown), wrong on the hidden ones: each message is about a hidden case.
    const hiddenOnly = (answer: ForwardAnswer) => (spec: ForwardCaseSpec, inputs: ForwardInputs) => result(forwardValues(inputs, isPublicCase(spec) || spec.id === COURSE_TWIN ? {} : answer));
    const hiddenOnlyBackward = (answer: BackwardAnswer) => (id: string, inputs: BackwardInputs) => result(backwardValues(inputs, PUBLIC_BACKWARD.includes(id) || id === COURSE_TWIN ? {} : answer));
    const shifted = (names: string[]) => ({ cacheValue: (n: string, t: tf.Tensor2D) => (names.includes(n) ? (tf.add(t, 0.25) as tf.Tensor2D) : t) });
    const answers: Answers[] = [
      { forward: (_, inputs) => result(forwardValues(inputs, { factor: (p) => p })), backward: (_, inputs) => result(backwardValues(inputs, noMaskStep)) },
      { forward: hiddenOnly({ factor: (p) => p }), backward: hiddenOnlyBackward(noMaskStep) },
      { forward: hiddenOnly(shifted(["A1"])) },
      { forward: hiddenOnly(shifted(["Z1"])) },
      { forward: hiddenOnly(shifted(["Z3"])) },
      { forward: hiddenOnly({ output: (z) => tf.mul(tf.sigmoid(z), 0.5) as tf.Tensor2D }) },
      { forward: hiddenOnly({ factor: () => 1.1 }) },
      { forward: (_, inputs) => result(forwardValues(inputs, zerosMask)), backward: (_, inputs) => result(backwardValues(inputs, { step: (WTdZ, D) => tf.mul(WTdZ, D) as tf.Tensor2D })) },
      { backward: hiddenOnlyBackward({ fakeDZ2: true }) },
      { backward: (id, inputs) => result(PUBLIC_BACKWARD.includes(id) || id === COURSE_TWIN ? backwardValues(inputs) : { ...backwardValues(inputs), dZ3: backwardValues({ ...inputs, Y: { ...inputs.Y, values: inputs.Y.values.map((v) => 1 - v) } }).dZ3 }) },
    ];
    for (const answer of answers) {
      // A message may quote the student's own values: those that happen to be right are theirs already.
      const ev = evidence(answer);
      const own = sorted([...ev.forward, ...(ev.statistics ? [ev.statistics] : []), ...ev.backward].flatMap((run) => Object.values(run.result.values).flatMap((v) => ("tensor" in v ? v.tensor.values : []))));
      for (const r of runChecks(ev, references, {})) {
        const shown = (r.output.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number).filter((n) => near(hidden, n) && !near(own, n));
        expect(shown, `${r.id}: ${r.output}`).toEqual([]);
      }
    }
  });
});

describe("cases and references", () => {
  it("hidden backward cases have seeds of their own, and their inputs hold no forward case's expected values", () => {
    expect(sharedSeeds()).toEqual([]);
    // The forward cases' hidden expected values (cache.W* and b* are inputs; the course twin's Z1 is the course's own).
    const forwardOutputs = hiddenValues({ backward: false });
    for (const spec of BACKWARD_CASES.filter((c) => !c.course)) {
      const inputs = references.backward[spec.id].inputs;
      for (const [name, t] of Object.entries({ X: inputs.X, Y: inputs.Y, ...inputs.cache })) {
        expect(t.values.filter((v) => forwardOutputs.has(round(v))), `${spec.id} ${name}`).toEqual([]);
      }
    }
  });

  it("the course's twins differ from the course's case where it matters", () => {
    const course = references.backward.course.inputs;
    const twin = references.backward[COURSE_TWIN].inputs;
    expect(twin.cache).toEqual(course.cache);
    expect(twin.Y.values).not.toEqual(course.Y.values);
    expect(twin.keepProb).not.toBe(course.keepProb);
    const forwardTwin = FORWARD_CASES.find((c) => c.id === COURSE_TWIN)!;
    const courseMasks = generatorMasks(forwardCaseInputs.get(FORWARD_CASES.find((c) => c.course)!)!);
    const twinMasks = generatorMasks(forwardCaseInputs.get(forwardTwin)!);
    expect(twinMasks.D1.values).not.toEqual(courseMasks.D1.values);
  });

  it("the generator's masks keep some units and drop some on every case with keepProb < 1 but the smallest", () => {
    for (const spec of [...FORWARD_CASES, STATISTICS_CASE].filter((c) => c.keepProb < 1 && c.id !== "net-0.95")) {
      const { D1, D2 } = generatorMasks(forwardCaseInputs.get(spec)!);
      for (const D of [D1, D2]) expect(new Set(D.values), spec.id).toEqual(new Set([0, 1]));
    }
  });

  it("the references carry the released set-up cell, which the grader runs instead of reading the instructor notebook", () => {
    expect(setupCellOf(references)).toBe(releasedSetupCell(dropoutAuthoring));
    expect(references.setupCell).not.toContain("./settings");
    expect(references.setupCell).toContain("initBackend");
    expect(() => setupCellOf({ ...references, setupCell: "" })).toThrow(/npm run assign/);
  });
});
