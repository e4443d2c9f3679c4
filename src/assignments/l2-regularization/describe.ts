/**
 * What a student's L2 term is, read off their own numbers and said in the formula's terms, instead of matched
 * against a list of known mistakes. The cost's L2 part is the student's cost minus the cross-entropy of their
 * A3 and Y; a gradient's is each dW (or db) minus the plain backward pass's from the same cache. Each part is
 * then fitted, over every case at once, by a family of terms:
 *
 *   factor · lambd^a · m^b · Σ_{l in layers} (ΣW_l², ΣW_l, or ΣW_l² + Σb_l²)        (the cost)
 *   factor · lambd^a · m^b · (W_l, W_l², or sign(W_l)), on the layers it covers          (each dW_l; db_l with b_l)
 *
 * with a = 1 (the lambd argument) or 0 (a lambd of its own, the same on every case), b in {-2, -1, 0, 1}, and
 * one factor fitted to the student's numbers. A description is given only when one such term reproduces the
 * student's numbers on every case, and every term that does says the same; otherwise the feedback says what is
 * known (how the L2 part compares with the expected one on a case) and where to look. At lambd = 0, on a right
 * answer, or where two readings fit, nothing is claimed.
 *
 * Nothing here computes the L2 term: the statistics of the weights (cost) come from outside, with the cross-entropy
 * and the expected values (the grader recomputes them; the public tests read them from data), and the gradients'
 * plain parts are the library's plain backward pass or the data's.
 */
import { ATOL, RTOL } from "../../compare";
import type { WireTensor } from "../../testing/tensorData";
import type { Diagnosis } from "../../testing/verdicts";
import { diagnosis } from "../../testing/verdicts";
import type { L2Misconception } from "./misconceptions";

/** One way a reading differs from the course's term: the misconception it names and why, in words. */
type Reason = [L2Misconception, string];
const said = (ids: L2Misconception[], text: string): Diagnosis => diagnosis(ids, text);

const LAYERS = [1, 2, 3] as const;
type Layer = (typeof LAYERS)[number];

/** What an L2 term of the cost can be made of, per layer (index 0 is layer 1). */
export interface WeightStatistics {
  squares: number[];
  sums: number[];
  biasSquares: number[];
}

/** One case of the cost, as the describer reads it. */
export interface CostObservation {
  where: string;
  lambd: number;
  /** The number of examples. */
  m: number;
  /** The student's cost. */
  cost: number;
  /** computeCost(A3, Y): what the L2 term is added to. */
  crossEntropy: number;
  stats: WeightStatistics;
  /** The right cost, where it is known (the references; the public data). */
  expected?: number;
}

type CostStatistic = "squares" | "sums" | "squares+biases";
const M_POWERS = [-1, 0, -2, 1] as const;
type MPower = (typeof M_POWERS)[number];

interface Reading<Stat> {
  stat: Stat;
  layers: Layer[];
  /** Whether the term follows the lambd argument (a = 1) or has a lambd of its own (a = 0). */
  usesLambd: boolean;
  mPower: MPower;
  factor: number;
}

/** Every non-empty set of layers, all three first. */
const LAYER_SETS: Layer[][] = [[1, 2, 3], [1, 2], [1, 3], [2, 3], [1], [2], [3]];

const near = (received: number, expected: number, scale = 1) => Math.abs(received - expected) <= scale * (ATOL + RTOL * Math.abs(expected));

function statOf(stat: CostStatistic, stats: WeightStatistics, layer: Layer): number {
  const k = layer - 1;
  if (stat === "squares") return stats.squares[k];
  if (stat === "sums") return stats.sums[k];
  return stats.squares[k] + stats.biasSquares[k];
}

const lambdPart = (usesLambd: boolean, lambd: number) => (usesLambd ? lambd : 1);

/** The cost readings that give the student's cost on every observation (a factor fitted to all of them). */
function costReadings(observations: CostObservation[]): Reading<CostStatistic>[] {
  const found: Reading<CostStatistic>[] = [];
  for (const stat of ["squares", "sums", "squares+biases"] as const) {
    for (const layers of LAYER_SETS) {
      for (const usesLambd of [true, false]) {
        for (const mPower of M_POWERS) {
          const basis = observations.map((o) => lambdPart(usesLambd, o.lambd) * o.m ** mPower * layers.reduce((sum, l) => sum + statOf(stat, o.stats, l), 0));
          const bb = basis.reduce((sum, g) => sum + g * g, 0);
          if (!(bb > 0)) continue;
          const factor = observations.reduce((sum, o, k) => sum + (o.cost - o.crossEntropy) * basis[k], 0) / bb;
          if (!Number.isFinite(factor) || Math.abs(factor) < 1e-9) continue;
          if (observations.every((o, k) => near(o.crossEntropy + factor * basis[k], o.cost, 2))) found.push({ stat, layers, usesLambd, mPower, factor });
        }
      }
    }
  }
  return found;
}

/** A number for a sentence: 2, 0.5, 1.5, 0.943. */
function shown(x: number): string {
  const r = Math.round(x * 1000) / 1000;
  return String(Math.abs(r - Math.round(r)) < 1e-9 ? Math.round(r) : r);
}

/** "W2", "W1 and W3". */
function listed(names: string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

const COURSE_COST_TERM = "(1/m)·(λ/2)·(ΣW1² + ΣW2² + ΣW3²)";

/**
 * The scale of a reading as a formula: factor·λ^a·m^b, e.g. "λ/m", "λ/(2m)", "λ", "λ/m²", "3·λ/m", "0.7/m".
 * The sign is left out (the caller says it).
 */
function scaleFormula(factor: number, usesLambd: boolean, mPower: MPower): string {
  const f = Math.abs(factor);
  const inverse = Math.round(1 / f);
  const isInverse = usesLambd && inverse >= 2 && inverse <= 12 && near(f * inverse, 1, 10);
  const lambdPart = usesLambd ? (near(f, 1, 10) || isInverse ? "λ" : `${shown(f)}·λ`) : shown(f);
  const mText = mPower === -1 ? "m" : mPower === -2 ? "m²" : "";
  if (mPower === 1) return `${isInverse ? `${lambdPart}/${inverse}` : lambdPart}·m`;
  if (mText === "") return isInverse ? `${lambdPart}/${inverse}` : lambdPart;
  return isInverse ? `${lambdPart}/(${inverse}${mText})` : `${lambdPart}/${mText}`;
}

/** The course's term in the family: squares of every layer's weights, times lambd / (2m). */
const isCourseCostTerm = (r: Reading<CostStatistic>) => r.stat === "squares" && r.layers.length === 3 && r.usesLambd && r.mPower === -1 && r.factor > 0 && near(r.factor, 0.5, 10);

/** How `m^power` enters, against the course's 1/m: undefined where it is the course's. `of`: whose misconception (the cost's or the gradient's). */
function mWords(power: MPower, what: string, of: "cost" | "gradient"): Reason | undefined {
  if (power === -1) return undefined;
  if (power === 0) return [`${of}-not-divided-by-m`, `${what} not divided by m: like the cross-entropy, the L2 term is averaged over the m examples (m = Y.shape[1])`];
  if (power === -2) return [`${of}-divided-by-m-squared`, `${what} divided by m twice (by m², where the course divides by m once)`];
  return [`${of}-multiplied-by-m`, `${what} multiplied by m, where the course divides by m`];
}

/** The student's cost term as a formula: "(λ/2)·ΣW²", "−(λ/(2m))·(ΣW1² + ΣW2²)", "(λ/(2m))·Σ(W² + b²)". */
function costFormula(r: Reading<CostStatistic>): string {
  const each = (l: Layer) => (r.stat === "squares" ? `ΣW${l}²` : r.stat === "sums" ? `ΣW${l}` : `(ΣW${l}² + Σb${l}²)`);
  const body = r.layers.length === 3 ? (r.stat === "squares" ? "ΣW²" : r.stat === "sums" ? "ΣW" : "Σ(W² + b²)") : r.layers.length === 1 ? each(r.layers[0]) : `(${r.layers.map(each).join(" + ")})`;
  return `${r.factor < 0 ? "−" : ""}(${scaleFormula(r.factor, r.usesLambd, r.mPower)})·${body}`;
}

/** One reading of the cost's L2 part, in words: its formula, and each way it differs from the course's, with why (and the misconceptions named). */
function costReadingWords(r: Reading<CostStatistic>, context: DescribeContext): { text: string; ids: L2Misconception[] } {
  if (isCourseCostTerm(r)) return { text: "", ids: [] };
  const reasons: Reason[] = [];
  if (r.factor < 0) reasons.push(["cost-term-subtracted", "it is subtracted from the cross-entropy: add it (the penalty makes large weights cost more, so that gradient descent keeps them small)"]);
  if (r.stat === "sums") reasons.push(["cost-sums-weights", "it sums the weights themselves, not their squares: use tf.sum(tf.square(W)) for each layer"]);
  if (r.stat === "squares+biases") reasons.push(["cost-counts-biases", "it also counts the squared biases: L2 regularization penalizes the weights only, so leave b1, b2 and b3 out"]);
  const left = LAYERS.filter((l) => !r.layers.includes(l)).map((l) => `W${l}`);
  if (left.length > 0) reasons.push(["cost-misses-layers", `it leaves out ${listed(left)}: sum the squared weights of all three layers`]);
  const mPart = mWords(r.mPower, "it is", "cost");
  if (mPart) reasons.push(mPart);
  const magnitude = Math.abs(r.factor);
  if (r.usesLambd) {
    const times = magnitude / 0.5;
    if (!near(times, 1, 10)) {
      const twice = near(times, 2, 10);
      const why = twice ? " (the 1/2 is there so that its derivative is the (λ/m)·W the backward pass adds)" : "";
      reasons.push([twice ? "cost-missing-half" : "cost-wrong-factor", `its factor is ${twice ? "twice" : `${shown(times)} times`} the course's λ/2${why}`]);
    }
  } else {
    const own = 2 * magnitude;
    const whose = context.notebookLambd !== undefined && near(own, context.notebookLambd, 10) ? ` (the notebook's LAMBD)` : "";
    reasons.push(["cost-ignores-lambd", `it does not use the lambd it is given: it is as if lambd were always ${shown(own)}${whose}, whatever the argument, so even at lambd = 0 your cost has an L2 term`]);
  }
  return { text: `${costFormula(r)}: ${reasons.map(([, why]) => why).join("; ")}`, ids: reasons.map(([id]) => id) };
}

export interface DescribeContext {
  /** The notebook's own lambd (settings' LAMBD): a term that ignores its argument often uses it. */
  notebookLambd?: number;
}

/**
 * What the student's cost's L2 part is, on the evidence of every observation; undefined when the cost is right
 * everywhere, or nothing can be said (no observation with lambd > 0).
 */
export function describeCostTerm(observations: CostObservation[], context: DescribeContext = {}): Diagnosis | undefined {
  const usable = observations.filter((o) => Number.isFinite(o.cost));
  if (usable.length === 0) return undefined;
  const wrong = usable.filter((o) => o.expected !== undefined && !near(o.cost, o.expected));
  if (usable.every((o) => o.expected !== undefined) && wrong.length === 0) return undefined;
  const regularized = usable.filter((o) => o.lambd > 0);
  if (regularized.length > 0 && regularized.every((o) => near(o.cost, o.crossEntropy)) && usable.every((o) => o.lambd > 0 || near(o.cost, o.crossEntropy))) {
    return said(["cost-no-term"], `Your cost is the plain cross-entropy: the L2 term ${COURSE_COST_TERM} is not added to it.`);
  }
  const readings = costReadings(usable);
  if (readings.some(isCourseCostTerm)) return undefined; // the course's term fits: whatever is wrong is not the L2 term
  const words = new Map(readings.map((r) => costReadingWords(r, context)).map((w) => [w.text, w.ids]));
  if (words.size === 1) {
    const [[text, ids]] = words;
    return said(ids, `Your L2 term (your cost minus the cross-entropy computeCost(A3, Y), on every case) is ${text}. The course's is ${COURSE_COST_TERM}.`);
  }
  if (words.size > 1) {
    // Several readings give the same numbers on these cases: none is claimed, and no misconception named.
    const formulas = [...new Set(readings.map(costFormula))];
    return said([], `Your L2 term (your cost minus the cross-entropy computeCost(A3, Y)) is not the course's ${COURSE_COST_TERM}; on these cases ${formulas.slice(0, 4).join(", ")} would all give your costs, so which factor is off cannot be told from them.`);
  }
  // No term of the family fits: is the L2 term right and the rest of the cost wrong?
  const crossEntropyPart = crossEntropyWords(usable);
  if (crossEntropyPart) return crossEntropyPart;
  const first = wrong.find((o) => o.lambd > 0) ?? wrong[0];
  if (!first || first.expected === undefined) return undefined;
  const part = first.cost - first.crossEntropy;
  const expectedPart = first.expected - first.crossEntropy;
  const ratio = expectedPart !== 0 ? part / expectedPart : NaN;
  const compared = Number.isFinite(ratio) && Math.abs(ratio) < 1e6 ? `${shown(Math.round(ratio * 100) / 100)} times the expected one` : "not the expected one";
  return said([], `On ${first.where}, your L2 part (your cost minus computeCost(A3, Y)) is ${compared}, and no single term of the weights gives your costs on every case: check each factor of ${COURSE_COST_TERM} (λ, the 1/2, the 1/m) and that every layer's squared weights are summed.`);
}

/** Whether one term of the family (or no term at all) gives the student's cost on every observation: their costs are a computation. */
export function costExplained(observations: CostObservation[]): boolean {
  const usable = observations.filter((o) => Number.isFinite(o.cost));
  if (usable.length === 0) return false;
  if (usable.every((o) => near(o.cost, o.crossEntropy))) return true;
  return costReadings(usable).length > 0;
}

/**
 * The cross-entropy part wrong: the student's cost minus the expected L2 term is not computeCost(A3, Y) but a
 * constant multiple of it, or the cross-entropy off by the same amount on every case.
 */
function crossEntropyWords(observations: CostObservation[]): Diagnosis | undefined {
  const known = observations.filter((o) => o.expected !== undefined);
  if (known.length < 2 || known.length !== observations.length) return undefined;
  const rest = known.map((o) => o.cost - (o.expected! - o.crossEntropy));
  if (known.every((o, k) => near(rest[k], o.crossEntropy))) return undefined;
  const cc = known.reduce((sum, o) => sum + o.crossEntropy * o.crossEntropy, 0);
  const k = known.reduce((sum, o, i) => sum + rest[i] * o.crossEntropy, 0) / cc;
  if (Number.isFinite(k) && known.every((o, i) => near(k * o.crossEntropy, rest[i], 2))) {
    return said(["cost-cross-entropy-wrong"], `Your L2 term is the course's, but the rest of your cost is ${shown(k)} times the cross-entropy computeCost(A3, Y) on every case: the part without the L2 term is the one that is wrong. Add the L2 term to computeCost(A3, Y) as it is.`);
  }
  const offset = rest[0] - known[0].crossEntropy;
  if (known.every((o, i) => near(rest[i] - o.crossEntropy, offset, 2))) {
    return said(["cost-cross-entropy-wrong"], `Your L2 term is the course's, but the rest of your cost is the cross-entropy computeCost(A3, Y) ${offset > 0 ? "plus" : "minus"} ${shown(Math.abs(offset))} on every case: the part without the L2 term is the one that is wrong.`);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------- the gradients

/** One case of the backward pass: per layer, the student's dW_l and db_l minus the plain ones, and W_l, b_l. */
export interface GradientObservation {
  where: string;
  lambd: number;
  m: number;
  /** dW_l − the plain dW_l (from the same cache), by layer; missing where the student's dW_l is not a tensor of W_l's shape. */
  weightParts: Partial<Record<Layer, WireTensor>>;
  weights: Record<Layer, WireTensor>;
  biasParts: Partial<Record<Layer, WireTensor>>;
  biases: Record<Layer, WireTensor>;
  /** dW_l − (1/m)·dZ_l·A_{l−1}ᵀ from the student's own dZ_l: the term alone even where the plain part is wrong. */
  ownWeightParts?: Partial<Record<Layer, WireTensor>>;
}

type GradientBasis = "W" | "W²" | "sign(W)";

function basisValues(kind: GradientBasis, W: WireTensor): number[] {
  if (kind === "W") return W.values;
  if (kind === "W²") return W.values.map((w) => w * w);
  return W.values.map((w) => Math.sign(w));
}

const isZero = (t: WireTensor) => t.values.every((v) => Math.abs(v) <= ATOL);

/** Whether `part` is scaled·basis element by element (float32 noise aside). */
function fits(part: WireTensor, basis: number[], scaled: number): boolean {
  return part.values.length === basis.length && part.values.every((v, k) => Math.abs(v - scaled * basis[k]) <= ATOL + RTOL * Math.abs(scaled * basis[k]) + 1e-4 * Math.abs(v));
}

/** What one layer's part (dW_l's or db_l's, on every case) is: nothing, a term of the family (each reading that fits), or none of them. */
type LayerReading = { kind: "none" } | { kind: "terms"; readings: Reading<GradientBasis>[] } | { kind: "unknown" };

function layerReading(parts: WireTensor[], bases: WireTensor[], observations: GradientObservation[], layer: Layer): LayerReading {
  if (parts.every(isZero)) return { kind: "none" };
  const readings: Reading<GradientBasis>[] = [];
  for (const stat of ["W", "W²", "sign(W)"] as const) {
    for (const usesLambd of [true, false]) {
      for (const mPower of M_POWERS) {
        let num = 0;
        let den = 0;
        const scales = observations.map((o) => lambdPart(usesLambd, o.lambd) * o.m ** mPower);
        parts.forEach((part, i) => {
          const basis = basisValues(stat, bases[i]);
          part.values.forEach((v, k) => {
            num += v * scales[i] * basis[k];
            den += (scales[i] * basis[k]) ** 2;
          });
        });
        if (!(den > 0)) continue;
        const factor = num / den;
        if (!Number.isFinite(factor) || Math.abs(factor) < 1e-9) continue;
        if (parts.every((part, i) => fits(part, basisValues(stat, bases[i]), factor * scales[i]))) readings.push({ stat, layers: [layer], usesLambd, mPower, factor });
      }
    }
  }
  return readings.length > 0 ? { kind: "terms", readings } : { kind: "unknown" };
}

const isCourseGradientTerm = (r: Reading<GradientBasis>) => r.stat === "W" && r.usesLambd && r.mPower === -1 && r.factor > 0 && near(r.factor, 1, 10);

/** A gradient term as a formula: "(λ/m)·W", "λ·W", "−(λ/m)·W", "(λ/(2m))·W²", "(0.7/m)·sign(W)". */
function gradientFormula(r: Reading<GradientBasis>, base: "W" | "b"): string {
  const scale = scaleFormula(r.factor, r.usesLambd, r.mPower);
  const basis = r.stat === "W" ? base : r.stat === "W²" ? `${base}²` : `sign(${base})`;
  return `${r.factor < 0 ? "−" : ""}${/^[λ\d.]+$/.test(scale) ? scale : `(${scale})`}·${basis}`;
}

/** Why a dW term differs from the course's (λ/m)·W: each difference, with why. */
function gradientReasons(r: Reading<GradientBasis>, context: DescribeContext): Reason[] {
  const reasons: Reason[] = [];
  if (r.factor < 0) reasons.push(["gradient-term-subtracted", "it is subtracted: the derivative of + (λ/(2m))·ΣW² is + (λ/m)·W, and added it makes every gradient step shrink the weights (weight decay)"]);
  if (r.stat === "W²") reasons.push(["gradient-squares-weights", "it grows with W², not with W: the derivative of (λ/(2m))·W² is (λ/m)·W (the square's 2 cancels the 1/2)"]);
  if (r.stat === "sign(W)") reasons.push(["gradient-sign-of-weights", "it follows the sign of W (an L1 term's derivative), not W itself"]);
  const mPart = mWords(r.mPower, "it is", "gradient");
  if (mPart) reasons.push(r.mPower === 0 ? [mPart[0], `${mPart[1].replace("the L2 term is averaged", "the cost's L2 term is averaged")}, and so is its derivative, (λ/m)·W`] : mPart);
  const magnitude = Math.abs(r.factor);
  if (r.usesLambd) {
    if (!near(magnitude, 1, 10)) reasons.push(near(magnitude, 0.5, 10) ? ["gradient-half-factor", "it is half of it: the derivative of (λ/(2m))·W² is (λ/m)·W (the square's 2 cancels the 1/2)"] : ["gradient-wrong-factor", `its factor is ${shown(magnitude)} times the course's λ`]);
  } else {
    const whose = context.notebookLambd !== undefined && near(magnitude, context.notebookLambd, 10) ? " (the notebook's LAMBD)" : "";
    reasons.push(["gradient-ignores-lambd", `it does not use the lambd it is given: it is as if lambd were always ${shown(magnitude)}${whose}, whatever the argument`]);
  }
  return reasons;
}

/** Layers' names grouped by what is said of them, in layer order: [["dW1", "dW3"], sentence], ... */
function grouped(entries: [string, string][]): [string[], string][] {
  const groups: [string[], string][] = [];
  for (const [name, sentence] of entries) {
    const group = groups.find(([, s]) => s === sentence);
    if (group) group[0].push(name);
    else groups.push([[name], sentence]);
  }
  return groups;
}

const have = (names: string[]) => (names.length === 1 ? "has" : "have");

/** The dW terms, layer by layer, in words (nothing for the layers that are right). */
function weightSentences(observations: GradientObservation[], context: DescribeContext, parts: (o: GradientObservation) => Partial<Record<Layer, WireTensor>>): { sentences: string[]; ids: L2Misconception[]; allRight: boolean; unknown: Layer[] } {
  const entries: [string, string][] = [];
  const ids: L2Misconception[] = [];
  const unknown: Layer[] = [];
  for (const l of LAYERS) {
    const reading = layerReading(observations.map((o) => parts(o)[l]!), observations.map((o) => o.weights[l]), observations, l);
    if (reading.kind === "none") entries.push([`dW${l}`, "none"]);
    else if (reading.kind === "unknown") unknown.push(l);
    else if (!reading.readings.some(isCourseGradientTerm)) {
      const readings = new Map(reading.readings.map((r) => {
        const reasons = gradientReasons(r, context);
        return [`the regularization term ${gradientFormula(r, "W")} where the course's is (λ/m)·W: ${reasons.map(([, why]) => why).join("; ")}`, reasons.map(([id]) => id)];
      }));
      const formulas = [...new Set(reading.readings.map((r) => gradientFormula(r, "W")))];
      // One reading: its misconceptions are named; several that fit alike: none is claimed.
      if (readings.size === 1) ids.push(...[...readings.values()][0]);
      entries.push([`dW${l}`, readings.size === 1 ? [...readings.keys()][0] : `a regularization term that is not the course's (λ/m)·W; on these cases ${formulas.slice(0, 4).join(", ")} would all give your numbers, so which factor is off cannot be told from them`]);
    }
  }
  const missing = entries.filter(([, said]) => said === "none").length;
  if (missing > 0) ids.push(missing === LAYERS.length ? "gradient-no-term" : "gradient-misses-layers");
  const sentences = grouped(entries).map(([names, said]) =>
    said === "none"
      ? `Your ${listed(names)} ${have(names)} no regularization term: each dW_l is the plain backward pass's plus (λ/m)·W_l, the derivative of the cost's L2 term.`
      : `Your ${listed(names)} ${have(names)} ${said}.`,
  );
  return { sentences, ids, allRight: entries.length === 0 && unknown.length === 0, unknown };
}

/** Whether every layer's dW and db part is read as a term of the family, or as none: the student's gradients are a computation. */
export function gradientsExplained(observations: GradientObservation[]): boolean {
  const usable = observations.filter((o) => LAYERS.every((l) => o.weightParts[l] && o.biasParts[l]));
  if (usable.length === 0) return false;
  return LAYERS.every((l) =>
    (["weight", "bias"] as const).every((which) => {
      const parts = usable.map((o) => (which === "weight" ? o.weightParts : o.biasParts)[l]!);
      const bases = usable.map((o) => (which === "weight" ? o.weights : o.biases)[l]);
      return layerReading(parts, bases, usable, l).kind !== "unknown";
    }),
  );
}

/**
 * What the student's regularization terms in the gradients are, on the evidence of every observation (each
 * dW and db minus the plain ones); undefined when they are the course's or nothing can be pinned.
 */
export function describeGradientTerms(observations: GradientObservation[], context: DescribeContext = {}): Diagnosis | undefined {
  const usable = observations.filter((o) => LAYERS.every((l) => o.weightParts[l] && o.biasParts[l]));
  if (usable.length === 0 || usable.every((o) => o.lambd === 0)) return undefined;
  const sentences: string[] = [];
  const ids: L2Misconception[] = [];
  const weights = weightSentences(usable, context, (o) => o.weightParts);
  if (weights.unknown.length > 0 && usable.every((o) => o.ownWeightParts && LAYERS.every((l) => o.ownWeightParts![l]))) {
    // Measured from the student's own dZ, is the term right? Then the plain part is what is wrong.
    const own = weightSentences(usable, context, (o) => o.ownWeightParts!);
    if (own.allRight) ids.push("gradient-plain-part-wrong");
    if (own.allRight) sentences.push("Your regularization terms are the course's (λ/m)·W, but the plain part of your dW's is not the plain backward pass's: your dZ's differ from it (dZ3 = A3 − Y, and each dZ_l is dA_l masked by A_l > 0).");
  }
  if (sentences.length === 0) {
    sentences.push(...weights.sentences);
    ids.push(...weights.ids);
    for (const l of weights.unknown) {
      const o = usable.find((x) => x.lambd > 0 && !isZero(x.weightParts[l]!)) ?? usable[0];
      sentences.push(`On ${o.where}, your dW${l} minus the plain backward pass's dW${l} is not one multiple of W${l} (nor of W${l}², nor of its sign) on every case: the regularization term is (λ/m)·W${l}, with the lambd the function is given.`);
    }
  }
  const biasEntries: [string, string][] = [];
  for (const l of LAYERS) {
    const reading = layerReading(usable.map((o) => o.biasParts[l]!), usable.map((o) => o.biases[l]), usable, l);
    if (reading.kind === "none") continue;
    const formulas = reading.kind === "terms" ? [...new Set(reading.readings.map((r) => gradientFormula(r, "b")))] : [];
    biasEntries.push([`db${l}`, formulas.length === 1 ? ` ${formulas[0]}` : ""]);
  }
  if (biasEntries.length > 0) ids.push("gradient-regularizes-biases");
  for (const [names, formula] of grouped(biasEntries)) {
    sentences.push(`Your ${listed(names)} ${names.length === 1 ? "includes" : "include"} a regularization term${formula}. The biases are not regularized (the cost's L2 term has no b), so db1, db2 and db3 are the plain backward pass's.`);
  }
  return sentences.length > 0 ? said(ids, sentences.join("\n")) : undefined;
}
