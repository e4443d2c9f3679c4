/**
 * The L2 diagnoses (src/assignments/l2-regularization/describe.ts through diagnoses.ts, with the facts recomputed
 * as grading does) on answers built from parameters, not from a list: an L2 term of any factor, over any layers,
 * of the squares, the sums or the squares with the biases', with the lambd argument or a lambd of its own, divided
 * by m, by m² or not at all; gradient terms per layer of any factor, of W, W² or sign(W), with their own lambd or
 * power of m, and the biases' terms. Each is called on every case of the grader's through the harness, and what is
 * said must name each of the answer's parameters that differs from the course's, and only those. Silent: the
 * right answer, lambd = 0 alone, and where two readings fit (then the alternatives are listed, none claimed).
 * Seen red: a layer whose readings include the course's term taken as wrong (14 tests), the layers' sets of the
 * cost cut to all three (27), no lambd of its own tried for the cost (4), the cost's sign left out of the words (9).
 */
import { describe, expect, it } from "vitest";
import { callGraded, costCall, diagnoseBackwardRuns, diagnoseCostRuns, regularizedBackwardCall, tf } from "dropout-kit";
import type { BackwardWithRegularization, CostWithRegularization, GradedFunction, L2BackwardRun, L2CostRun, Matrix, Parameters as NetParameters } from "dropout-kit";
import { cases, notebook } from "../grader/assignments/l2-regularization/source/settings";
import { l2BackwardInputs, l2CaseInfo, l2CostInputs } from "../grader/assignments/l2-regularization/cases";
import type { L2CaseSettings } from "../grader/assignments/l2-regularization/cases";
import { recomputedBackwardOutcomes, recomputedCostFacts } from "../grader/assignments/l2-regularization/checks/diagnoses";
import { backwardPropagationWithRegularization, computeCostWithRegularization, costWith } from "./helpers/l2Solution";

const CONTEXT = { notebookLambd: notebook.LAMBD };
type Layer = 1 | 2 | 3;
const ALL: Layer[] = [1, 2, 3];
const listed = (names: string[]) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`);

const costRuns = (fn: CostWithRegularization, list: L2CaseSettings[]): L2CostRun[] =>
  list.map((s) => {
    const inputs = l2CostInputs(s);
    return { spec: l2CaseInfo(s), inputs, result: callGraded(fn as unknown as GradedFunction, costCall(inputs)) };
  });
const costDiagnosis = (fn: CostWithRegularization, list: L2CaseSettings[] = cases.cost) => diagnoseCostRuns(costRuns(fn, list), (run) => recomputedCostFacts(run.inputs), CONTEXT);
const costSaid = (fn: CostWithRegularization, list: L2CaseSettings[] = cases.cost) => costDiagnosis(fn, list)?.text;

const backwardRuns = (fn: BackwardWithRegularization, list: L2CaseSettings[]): L2BackwardRun[] =>
  list.map((s) => {
    const inputs = l2BackwardInputs(s);
    return { spec: l2CaseInfo(s), inputs, result: callGraded(fn as unknown as GradedFunction, regularizedBackwardCall(inputs)) };
  });
const backwardDiagnosis = (fn: BackwardWithRegularization, list: L2CaseSettings[] = cases.backward) => diagnoseBackwardRuns(backwardRuns(fn, list), (run) => recomputedBackwardOutcomes(run.inputs), CONTEXT);
const backwardSaid = (fn: BackwardWithRegularization, list: L2CaseSettings[] = cases.backward) => backwardDiagnosis(fn, list)?.text;

/** Cases of the tests' own, as the grader's are made (a net [3, 4, 2, 1]). */
const own = (id: string, examples: number, lambd: number, seed = 301): L2CaseSettings => ({ id, description: id, dims: [3, 4, 2, 1], examples, inputSeed: seed, biasScale: 1, lambd });

// ---------------------------------------------------------------------------------------------- the cost

/** An L2 term of the cost, by its parameters: factor · (λ/2) · m^mPower · Σ over `layers` of the statistic. */
interface CostTerm {
  factor: number;
  layers: Layer[];
  stat: "squares" | "sums" | "squares+biases";
  lambd: "argument" | number;
  mPower: -1 | 0 | -2;
}
const COURSE: CostTerm = { factor: 1, layers: ALL, stat: "squares", lambd: "argument", mPower: -1 };

function costOf(t: CostTerm): CostWithRegularization {
  const statOf = (p: NetParameters, l: Layer) => {
    const W = p[`W${l}`];
    if (t.stat === "sums") return tf.sum(W);
    if (t.stat === "squares") return tf.sum(tf.square(W));
    return tf.add(tf.sum(tf.square(W)), tf.sum(tf.square(p[`b${l}`])));
  };
  return costWith((p, lambd, m) => tf.mul(tf.addN(t.layers.map((l) => statOf(p, l))), (t.factor * (t.lambd === "argument" ? lambd : t.lambd) * m ** t.mPower) / 2) as tf.Scalar);
}

/** What must be said of a term, one pattern per parameter that differs from the course's. */
function costPhrases(t: CostTerm): RegExp[] {
  const phrases: RegExp[] = [];
  if (t.factor < 0) phrases.push(/it is subtracted from the cross-entropy: add it/);
  if (t.stat === "sums") phrases.push(/it sums the weights themselves, not their squares/);
  if (t.stat === "squares+biases") phrases.push(/it also counts the squared biases/);
  const left = ALL.filter((l) => !t.layers.includes(l)).map((l) => `W${l}`);
  if (left.length) phrases.push(new RegExp(`it leaves out ${listed(left)}: sum the squared weights of all three layers`));
  if (t.mPower === 0) phrases.push(/it is not divided by m/);
  if (t.mPower === -2) phrases.push(/it is divided by m twice/);
  const f = Math.abs(t.factor);
  if (t.lambd === "argument" && f !== 1) phrases.push(f === 2 ? /its factor is twice the course's λ\/2/ : new RegExp(`its factor is ${f} times the course's λ/2`));
  if (t.lambd !== "argument") phrases.push(new RegExp(`it is as if lambd were always ${f * t.lambd}${f * t.lambd === notebook.LAMBD ? " \\(the notebook's LAMBD\\)" : ","}`));
  return phrases;
}

const ALL_PHRASES = [/subtracted/, /sums the weights/, /squared biases/, /leaves out/, /not divided by m/, /by m twice/, /its factor is/, /as if lambd were always/];

const costTerms: CostTerm[] = [
  ...[2, 0.5, 3, -1].flatMap((factor) => ([[1, 2, 3], [1, 3], [2]] as Layer[][]).flatMap((layers) => (["squares", "sums", "squares+biases"] as const).map((stat) => ({ ...COURSE, factor, layers, stat })))),
  ...([[1, 2], [3]] as Layer[][]).map((layers) => ({ ...COURSE, layers })),
  { ...COURSE, stat: "sums" },
  { ...COURSE, stat: "squares+biases" },
  { ...COURSE, mPower: 0 },
  { ...COURSE, mPower: -2 },
  { ...COURSE, mPower: 0, stat: "squares+biases" },
  { ...COURSE, lambd: 0.7 },
  { ...COURSE, lambd: 0.25 },
  { ...COURSE, lambd: 0.7, mPower: 0 },
  { ...COURSE, lambd: 0.25, layers: [1, 2] },
];

const describeTerm = (t: CostTerm) => `${t.factor}·(λ/2)·m^${t.mPower}·Σ${t.stat}(${t.layers.join("")}), lambd ${t.lambd}`;

describe("the cost: the L2 part read off the student's costs on every case", () => {
  it.each(costTerms.map((t) => [describeTerm(t), t] as const))("%s: each parameter that differs is named, and nothing else", (_name, term) => {
    const said = costSaid(costOf(term));
    expect(said, describeTerm(term)).toBeDefined();
    const phrases = costPhrases(term);
    for (const phrase of phrases) expect(said).toMatch(phrase);
    for (const other of ALL_PHRASES.filter((p) => !phrases.some((q) => q.source.includes(p.source.slice(0, 8))))) expect(said).not.toMatch(other);
  });

  it("the right answer, written in any of these ways, gets nothing", () => {
    expect(costSaid(computeCostWithRegularization)).toBeUndefined();
    expect(costSaid(costOf(COURSE))).toBeUndefined();
  });

  it("at lambd = 0 alone every term with the lambd argument is right: nothing is said", () => {
    const lambdZero = cases.cost.filter((s) => s.lambd === 0);
    expect(lambdZero.length).toBeGreaterThan(0);
    for (const term of costTerms.filter((t) => t.lambd === "argument")) expect(costSaid(costOf(term), lambdZero), describeTerm(term)).toBeUndefined();
  });

  it("where two readings give the same costs (m = 2 on every case: λ/2 and λ/m), neither is claimed: both are listed", () => {
    const mTwo = [own("m2-a", 2, 0.6), own("m2-b", 2, 1.1, 302), own("m2-c", 2, 0.3, 303)];
    const said = costSaid(costOf({ ...COURSE, mPower: 0 }), mTwo)!;
    expect(said).toMatch(/would all give your costs/);
    expect(said).toContain("(λ/2)·ΣW²");
    expect(said).toContain("(λ/m)·ΣW²");
    expect(said).not.toMatch(/not divided by m|twice/);
    // With other m's the same answer is told apart.
    expect(costSaid(costOf({ ...COURSE, mPower: 0 }), [...mTwo, own("m3", 3, 0.6, 304)])).toMatch(/it is not divided by m/);
  });

  it("the cross-entropy part wrong, with the right L2 term: the part without the term is named", () => {
    const right = computeCostWithRegularization;
    const doubled: CostWithRegularization = (A3, Y, p, lambd) => 2 * right(A3, Y, p, 0) + (right(A3, Y, p, lambd) - right(A3, Y, p, 0));
    expect(costSaid(doubled)).toMatch(/Your L2 term is the course's, but the rest of your cost is 2 times the cross-entropy computeCost\(A3, Y\) on every case/);
    const shifted: CostWithRegularization = (A3, Y, p, lambd) => right(A3, Y, p, lambd) + 0.25;
    expect(costSaid(shifted)).toMatch(/the rest of your cost is the cross-entropy computeCost\(A3, Y\) plus 0\.25 on every case/);
  });

  it("a term no reading gives: what is known (its ratio to the expected one on a case) and where to look, no cause claimed", () => {
    const rooted = costWith((p, lambd, m) => tf.mul(tf.sqrt(tf.addN([p.W1, p.W2, p.W3].map((W) => tf.sum(tf.square(W))))), lambd / (2 * m)) as tf.Scalar);
    const said = costSaid(rooted)!;
    expect(said).toMatch(/your L2 part \(your cost minus computeCost\(A3, Y\)\) is -?[\d.]+ times the expected one, and no single term of the weights gives your costs on every case/);
    for (const phrase of ALL_PHRASES) expect(said).not.toMatch(phrase);
  });

  it("the plain cross-entropy is named as such; a cost that is not a number is left to its own message", () => {
    expect(costSaid(costWith(() => tf.scalar(0)))).toMatch(/Your cost is the plain cross-entropy: the L2 term .* is not added to it/);
    expect(costSaid(() => Number.NaN)).toBeUndefined();
  });

  it("a cost returned as a one-element tensor is read as the number it holds", () => {
    const twice = costOf({ ...COURSE, factor: 2 });
    const asTensor = ((...args: Parameters<CostWithRegularization>) => tf.scalar(twice(...args))) as unknown as CostWithRegularization;
    expect(costSaid(asTensor)).toMatch(/its factor is twice the course's λ\/2/);
  });
});

// ---------------------------------------------------------------------------------------------- the gradients

/** A layer's term added to the plain dW_l: factor · λ^a · m^mPower · basis(W_l); or none. */
interface GradientTerm {
  factor: number;
  basis: "W" | "W²" | "sign(W)";
  lambd: "argument" | number;
  mPower: -1 | 0 | -2;
}
const RIGHT: GradientTerm = { factor: 1, basis: "W", lambd: "argument", mPower: -1 };

/** The plain backward pass with each layer's term (undefined: none) added to dW_l, and `biasFactor`·(λ/m)·b_l to db_l. */
function backwardOf(terms: Record<Layer, GradientTerm | undefined>, biasFactor = 0): BackwardWithRegularization {
  return (X, Y, cache, lambd) =>
    tf.tidy(() => {
      const plain = backwardPropagationWithRegularization(X, Y, cache, 0) as Record<string, tf.Tensor>;
      const m = X.shape[1];
      const out = { ...plain };
      for (const l of ALL) {
        const t = terms[l];
        const W = cache[`W${l}`] as Matrix;
        if (t) {
          const basis = t.basis === "W" ? W : t.basis === "W²" ? tf.square(W) : tf.sign(W);
          out[`dW${l}`] = tf.add(plain[`dW${l}`], tf.mul(basis, t.factor * (t.lambd === "argument" ? lambd : t.lambd) * m ** t.mPower));
        }
        if (biasFactor) out[`db${l}`] = tf.add(plain[`db${l}`], tf.mul(cache[`b${l}`], (biasFactor * lambd) / m));
      }
      return out as never;
    });
}

function gradientPhrases(t: GradientTerm | undefined): RegExp[] {
  if (!t) return [/no regularization term/];
  const phrases: RegExp[] = [];
  if (t.factor < 0) phrases.push(/it is subtracted/);
  if (t.basis === "W²") phrases.push(/it grows with W², not with W/);
  if (t.basis === "sign(W)") phrases.push(/it follows the sign of W/);
  if (t.mPower === 0) phrases.push(/it is not divided by m/);
  if (t.mPower === -2) phrases.push(/it is divided by m twice/);
  const f = Math.abs(t.factor);
  if (t.lambd === "argument" && f !== 1) phrases.push(f === 0.5 ? /it is half of it/ : new RegExp(`its factor is ${f} times the course's λ`));
  if (t.lambd !== "argument") phrases.push(new RegExp(`as if lambd were always ${f * t.lambd}`));
  return phrases;
}

const GRADIENT_PHRASES = [/no regularization term/, /subtracted/, /grows with W²/, /sign of W/, /not divided by m/, /by m twice/, /half of it/, /its factor is/, /as if lambd were always/];

const variants: (GradientTerm | undefined)[] = [
  undefined,
  { ...RIGHT, factor: 0.5 },
  { ...RIGHT, factor: 3 },
  { ...RIGHT, factor: -1 },
  { ...RIGHT, mPower: 0 },
  { ...RIGHT, mPower: -2 },
  { ...RIGHT, basis: "W²", factor: 0.5 },
  { ...RIGHT, basis: "sign(W)" },
  { ...RIGHT, lambd: 0.7 },
  { ...RIGHT, lambd: 0.3, mPower: 0 },
];
const shown = (t: GradientTerm | undefined) => (t ? `${t.factor}·${t.lambd === "argument" ? "λ" : t.lambd}·m^${t.mPower}·${t.basis}` : "none");

/** Layer-by-layer answers: each variant in all three layers, in one layer with the others right, and two variants side by side. */
const layerings: Record<Layer, GradientTerm | undefined>[] = [
  ...variants.map((v) => ({ 1: v, 2: v, 3: v })),
  ...variants.map((v, k) => ({ 1: RIGHT, 2: RIGHT, 3: RIGHT, [((k % 3) + 1) as Layer]: v }) as Record<Layer, GradientTerm | undefined>),
  { 1: variants[4], 2: undefined, 3: RIGHT },
  { 1: variants[1], 2: variants[3], 3: variants[1] },
];

/** The line said of layer l (the sentence that names dW_l). */
const lineOf = (said: string, l: Layer) => said.split("\n").find((line) => new RegExp(`^Your (dW\\d, )*(dW\\d and )?dW${l}\\b|^Your [^:]*\\bdW${l}\\b`).test(line));

describe("the gradients: each layer's term read off dW − the plain dW on every case", () => {
  it.each(layerings.map((t) => [ALL.map((l) => shown(t[l])).join(" | "), t] as const))("%s: each wrong layer named with what is wrong, the right ones not", (_name, terms) => {
    const said = backwardSaid(backwardOf(terms)) ?? "";
    for (const l of ALL) {
      const t = terms[l];
      const right = t === RIGHT;
      const line = lineOf(said, l);
      if (right) {
        expect(line, `dW${l} is right: ${said}`).toBeUndefined();
        continue;
      }
      expect(line, `dW${l}: ${said}`).toBeDefined();
      const phrases = gradientPhrases(t);
      for (const phrase of phrases) expect(line).toMatch(phrase);
      for (const other of GRADIENT_PHRASES.filter((p) => !phrases.some((q) => q.source.includes(p.source.slice(0, 8))))) expect(line).not.toMatch(other);
    }
  });

  it("the right answer gets nothing; at lambd = 0 alone nothing is said of any variant", () => {
    expect(backwardSaid(backwardPropagationWithRegularization)).toBeUndefined();
    const lambdZero = cases.backward.filter((s) => s.lambd === 0);
    for (const v of variants.filter((x) => !x || x.lambd === "argument")) expect(backwardSaid(backwardOf({ 1: v, 2: v, 3: v }), lambdZero), shown(v)).toBeUndefined();
  });

  it("with one example on every case λ·W is the course's term: nothing is said; where two readings differ from it, both are listed", () => {
    const mOne = [own("m1-a", 1, 0.5), own("m1-b", 1, 0.9, 302)];
    expect(backwardSaid(backwardOf({ 1: { ...RIGHT, mPower: 0 }, 2: { ...RIGHT, mPower: 0 }, 3: { ...RIGHT, mPower: 0 } }), mOne)).toBeUndefined();
    const mTwo = [own("m2-a", 2, 0.5), own("m2-b", 2, 0.9, 302)];
    const twice = { ...RIGHT, factor: 2 };
    const said = backwardSaid(backwardOf({ 1: twice, 2: RIGHT, 3: RIGHT }), mTwo)!;
    expect(said).toMatch(/Your dW1 has a regularization term that is not the course's \(λ\/m\)·W; on these cases .*λ·W.* would all give your numbers/);
    expect(said).not.toMatch(/not divided by m|its factor is/);
  });

  it("the biases regularized, with any factor: named, with their term", () => {
    expect(backwardSaid(backwardOf({ 1: RIGHT, 2: RIGHT, 3: RIGHT }, 1))).toMatch(/Your db1, db2 and db3 include a regularization term \(λ\/m\)·b\. The biases are not regularized/);
    expect(backwardSaid(backwardOf({ 1: RIGHT, 2: RIGHT, 3: RIGHT }, 0.5))).toMatch(/include a regularization term \(λ\/\(2m\)\)·b/);
  });

  it("the right terms on a wrong plain part (dZ1 without ReLU's derivative): the plain part is named, not the terms", () => {
    const noRelu: BackwardWithRegularization = (X, Y, cache, lambd) => {
      const right = backwardPropagationWithRegularization(X, Y, cache, lambd);
      const m = X.shape[1];
      const dW1 = tf.add(tf.div(tf.matMul(right.dA1, X, false, true), m), tf.mul(cache.W1, lambd / m)) as tf.Tensor2D;
      return { ...right, dZ1: right.dA1, dW1, db1: tf.mean(right.dA1, 1, true) as tf.Tensor2D };
    };
    const said = backwardSaid(noRelu)!;
    expect(said).toMatch(/Your regularization terms are the course's \(λ\/m\)·W, but the plain part of your dW's is not the plain backward pass's/);
    for (const phrase of GRADIENT_PHRASES) expect(said).not.toMatch(phrase);
  });

  it("a term no reading gives: where it is, and what the term should be", () => {
    const constantDW1 = backwardOf({ 1: undefined, 2: RIGHT, 3: RIGHT });
    const garbled: BackwardWithRegularization = (X, Y, cache, lambd) => tf.tidy(() => {
      const g = constantDW1(X, Y, cache, lambd) as Record<string, tf.Tensor>;
      return { ...g, dW1: tf.add(g.dW1, lambd) } as never;
    });
    expect(backwardSaid(garbled)).toMatch(/your dW1 minus the plain backward pass's dW1 is not one multiple of W1 \(nor of W1², nor of its sign\) on every case/);
  });
});
