/**
 * Naming the misconception behind a wrong dropout answer, in words a student understands. Each diagnosis is
 * an experiment, not a guess: a mistake is named only when what that mistake gives on the case (its outcome)
 * equals the student's numbers; or it is read from the student's own tensors (ratios, NaN, the shape of a
 * mask) and from how they used the generator.
 *
 * Nothing here computes a pass: the outcomes of the mistakes come from outside (ForwardOutcomes,
 * BackwardStepCandidates). The grader recomputes them on every case (grader/assignments/dropout/checks/);
 * the notebook's public tests read them from the data `npm run assign` wrote for the public cases
 * (publicTests.json). So the words are the same in both, and this module can ship to students.
 */
import type { ForwardInputs } from "./calls";
import type { CallResult, RngUse, WireTensor } from "../../testing/tensorData";
import { compare, tensorOf } from "../../testing/tensorData";
import type { Diagnosis } from "../../testing/verdicts";
import type { DropoutMisconception } from "./misconceptions";
import { named } from "./misconceptions";

/** A typical mistake of the forward pass as a whole (both layers alike), or none ("correct"), or no dropout at all ("plain"). */
export type ForwardMistake = "correct" | "times-keepprob" | "inverted" | "one-minus-keepprob" | "no-scaling" | "plain";

/** The order a function drew its masks in: D1 then D2 (right), D2 first, or a draw shaped like X first (input dropout). */
export type DrawOrder = "D1 first" | "D2 first" | "X first";

/**
 * What the typical mistakes give on one forward case: the grader recomputes it, the public tests read it from
 * data. Each answer is undefined where it is not known (a public test has only what was precomputed).
 */
export interface ForwardOutcomes {
  /** A3 and A1 of the pass with `mistake` built in, with the keep probability `keepProb` (the case's by default); "plain" gives A3 only. */
  pass(mistake: ForwardMistake, keepProb?: number): { A3: WireTensor; A1?: WireTensor } | undefined;
  /** The masks (0/1, row-major) a generator seeded `seed` gives when drawn in `order`, with the case's keepProb. */
  masks(seed: number, order: DrawOrder): { D1: number[]; D2: number[] } | undefined;
  /** The first `count` uniform draws of the generator the student was given (float32, as rng.rand gives them). */
  stream(count: number): number[] | undefined;
}

/** How long a stream a case's mask diagnoses read: every draw order's masks, and a line more. */
export function streamLength(inputs: ForwardInputs): number {
  const [n0, m] = inputs.X.shape;
  const [n1, n2] = [inputs.parameters.W1.shape[0], inputs.parameters.W2.shape[0]];
  return (n0 + n1 + n2) * m + Math.max(n1, n2, m);
}

/** The seeds whose masks are recognised as "a generator seeded otherwise" (one made inside the function, or the given one reseeded). */
export const OTHER_SEEDS = [0, 1, 2, 3, 42];

/** The typical whole-pass mistakes and what a student reads when their output is one. */
export const FORWARD_MISTAKES: { id: Exclude<ForwardMistake, "correct" | "plain">; misconception: DropoutMisconception; explanation: string }[] = [
  {
    id: "times-keepprob",
    misconception: "times-keepprob",
    explanation: "You multiplied the kept activations by keepProb instead of dividing by it. Dividing (inverted dropout) keeps each activation's expected value the same as without dropout; multiplying leaves each activation, on average, at keepProb² of its value: once because only that fraction of the units survives, once more from the multiplication.",
  },
  {
    id: "inverted",
    misconception: "threshold-inverted",
    explanation: "Your threshold is inverted: a unit must be kept where the draw is below keepProb (D1 < keepProb), so that it survives with probability keepProb. Yours keeps it with probability 1 - keepProb.",
  },
  {
    id: "one-minus-keepprob",
    misconception: "one-minus-keepprob",
    explanation: "You divided by 1 - keepProb. The survivors are divided by the probability of surviving, keepProb, not by the probability of being dropped.",
  },
  {
    id: "no-scaling",
    misconception: "no-scaling",
    explanation: "The dropped units are right, but the kept activations are not divided by keepProb (step 4). Without it the next layer receives on average only keepProb times its usual input.",
  },
];
const explanationOf = (id: (typeof FORWARD_MISTAKES)[number]["id"]) => FORWARD_MISTAKES.find((m) => m.id === id)!.explanation;


/** Reads the generator's use: the most specific explanation of a wrong pattern, if any. */
export function diagnoseRngUse(result: CallResult, inputs: ForwardInputs, hiddenSizes: [number, number]): Diagnosis | undefined {
  const calls = result.rng?.calls ?? [];
  const m = inputs.X.shape[1];
  const [n0] = inputs.X.shape;
  const [n1, n2] = hiddenSizes;
  if (calls.some((c) => c.method === "seed")) {
    return named("reseeds-generator", "Your function reseeds the generator (rng.seed). Then every call, and so every training iteration, draws the same masks, and dropout stops being random. Use the rng you are given as it is.");
  }
  const rands = calls.filter((c) => c.method === "rand").map((c) => c.args as number[]);
  const others = calls.filter((c) => c.method !== "rand");
  if (calls.length === 0) {
    return named("never-draws-from-generator", "Your function never draws from the generator it is given. Draw the masks with rng.rand(rows, cols) (not Math.random or tf.randomUniform), so that results are reproducible and match the course's.");
  }
  if (others.length > 0 && rands.length === 0) {
    return named("wrong-generator-method", `Draw the masks with rng.rand(rows, cols), uniform in [0, 1); your function used rng.${others[0].method}${others[0].method === "randn" ? " (normal values, which are not probabilities)" : ""}.`);
  }
  // [1, m] is a mask shared by all units only where its layer has more than one unit (A2 may be [1, m]).
  const byExamples = rands.some(([, c]) => c === 1 && m > 1);
  if (byExamples || rands.some(([r, c], k) => r === 1 && c === m && rands.length === 2 && [n1, n2][k] > 1)) {
    return named(byExamples ? "mask-shared-by-examples" : "mask-shared-by-units", "Your masks are shaped [units, 1] (or [1, examples]): one mask shared by all examples, or by all units. Each example needs its own mask: draw D1 with rng.rand(A1.shape[0], A1.shape[1]).");
  }
  // A shape names a tensor only where no other tensor of this net has it (the course's net gives X and A2
  // the same shape, [3, 5]): otherwise the draws are listed as they are, without a guess.
  const onlyShape = (rows: number, others: number[]) => !others.includes(rows);
  // D2's shape first, then D1's: unless X has D2's shape too (the course's net), where the first draw may be X's
  // (dropout on the input and on layer 1 only) and only the masks' values can tell (diagnoseMask).
  if (rands.length === 2 && n1 !== n2 && n0 !== n2 && rands[0][0] === n2 && rands[0][1] === m && rands[1][0] === n1 && rands[1][1] === m) {
    return named("masks-drawn-in-wrong-order", `You drew D2's mask before D1's: rng.rand(${n2}, ${m}) first, then rng.rand(${n1}, ${m}). The generator's numbers go to the masks in the order they are drawn: D1 (shaped like A1) first, then D2 (shaped like A2).`);
  }
  if (rands.length >= 1 && rands[0][0] === n0 && rands[0][1] === m && onlyShape(n0, [n1, n2, 1])) {
    return named("dropout-on-input", "Your first mask is shaped like X: dropout applied to the input features. In this assignment only the two hidden layers are dropped out.");
  }
  if (rands.length === 3 && rands[2][0] === 1 && rands[2][1] === m && onlyShape(1, [n0, n1, n2])) {
    return named("dropout-on-output", "You drew a third mask shaped like A3: dropout on the output layer. The output unit is never dropped; only A1 and A2 are.");
  }
  if (rands.length !== 2 || rands[0][0] !== n1 || rands[0][1] !== m || rands[1][0] !== n2 || rands[1][1] !== m) {
    const seen = rands.map(([r, c]) => `rand(${r}, ${c})`).join(", ") || "none";
    return named("draws-other-masks", `Draw exactly two masks, D1 with rng.rand(${n1}, ${m}) (shaped like A1) and then D2 with rng.rand(${n2}, ${m}) (shaped like A2). Your function called: ${seen}.`);
  }
  return undefined;
}

/** The order the forward pass computes its outputs in: where a NaN first appears says where it came from. */
const FORWARD_STEPS = [
  { key: "cache.Z1", label: "Z1", from: "W1·X + b1", step: "the linear step of layer 1" },
  { key: "cache.A1", label: "A1", from: "Z1", step: "layer 1's ReLU and dropout step" },
  { key: "cache.Z2", label: "Z2", from: "A1", step: "the linear step of layer 2" },
  { key: "cache.A2", label: "A2", from: "Z2", step: "layer 2's ReLU and dropout step" },
  { key: "cache.Z3", label: "Z3", from: "A2", step: "the linear step of the output layer" },
  { key: "A3", label: "A3", from: "Z3", step: "the sigmoid" },
] as const;

/**
 * Where NaN or Infinity in a forward pass's outputs come from: the first output (in the order they are
 * computed) that holds one, the step that made it from finite values, and, at keepProb = 1, a division by
 * 1 - keepProb (= 0) when the values are exactly that: Infinity where the unit is active and kept, NaN (0 / 0)
 * where it is not.
 */
export function diagnoseNonFinite(result: CallResult, keepProb: number): Diagnosis | undefined {
  for (const [k, step] of FORWARD_STEPS.entries()) {
    const t = tensorOf(result.values[step.key]);
    if (!t) return undefined;
    const bad = t.values.findIndex((v) => !Number.isFinite(v));
    if (bad < 0) continue;
    const at = `${step.label}[${Math.floor(bad / t.shape[1])}, ${bad % t.shape[1]}] is ${String(t.values[bad])}`;
    const previous = k > 0 ? tensorOf(result.values[FORWARD_STEPS[k - 1].key]) : undefined;
    const layer = step.label === "A1" ? "1" : step.label === "A2" ? "2" : undefined;
    if (layer && previous && keepProb === 1) {
      const D = tensorOf(result.values[`cache.D${layer}`]);
      const overZero = D && D.values.length === t.values.length && t.values.every((v, i) => {
        const x = Math.max(previous.values[i], 0) * D.values[i];
        return x > 0 ? v === Infinity : Number.isNaN(v);
      });
      if (overZero) {
        return named("one-minus-keepprob", `${at}, from a finite ${step.from}: you divided by 1 - keepProb, which is 0 at keepProb = 1 (x / 0 is Infinity, 0 / 0 is NaN). The survivors are divided by keepProb, the probability of surviving.`);
      }
    }
    const origin = k === 0 ? "from the inputs, which are finite" : `from a finite ${step.from}`;
    return named("non-finite-values", `${at}, ${origin}: ${step.step} made it. NaN and Infinity come from a division by 0 (or 0 / 0, Infinity - Infinity); every later output inherits them.`);
  }
  return undefined;
}

/**
 * Writes into the array a tensor's dataSync() (or arraySync()) returned, in a function's source, when that
 * array never becomes a tensor again: those writes change no tensor (on the wasm backend the array is a copy).
 * Returns the array's name, or undefined. Only words a message whose mistake the values already show.
 */
export function deadWrites(source: string | undefined): string | undefined {
  if (!source) return undefined;
  const code = source.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "");
  if (/\.(dataSync|arraySync)\(\)\s*(\[[^\]]*\]\s*)+([-+*/]?=)(?!=)/.test(code)) return "the array dataSync() returned";
  for (const match of code.matchAll(/\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*[^;\n]*?\.(?:dataSync|arraySync)\(\)/g)) {
    const name = match[1];
    const rest = code.slice((match.index ?? 0) + match[0].length);
    const uses = [...rest.matchAll(new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g"))];
    const writes = uses.filter((u) => /^(\s*\[[^\]]*\])+\s*([-+*/]?=)(?!=)|^\.(set|fill)\(/.test(rest.slice((u.index ?? 0) + name.length)));
    // Read elsewhere (passed to tf.tensor2d, returned, ...): the writes may well matter; say nothing.
    const readsOnly = uses.every((u) => {
      const after = rest.slice((u.index ?? 0) + name.length);
      return /^(\s*\[[^\]]*\])+/.test(after) || /^\.(set|fill|length)\b/.test(after);
    });
    if (writes.length > 0 && readsOnly) return name;
  }
  return undefined;
}

function deadWritesExplanation(name: string, what: string): Diagnosis {
  return named("writes-into-datasync-copy", `Your function writes into ${name === "the array dataSync() returned" ? name : `${name}, the array dataSync() (or arraySync()) returned`}, and those writes had no effect: ${what}. That array is a copy of the tensor's values (on the wasm backend the notebook uses), so the tensor never changes. Compute with tfjs operations (tf.mul, tf.div), or build a new tensor from the array (tf.tensor2d(values, shape)) and use that.`);
}

/**
 * One layer's dropout step, from the student's own Z and D: A = relu(Z) * D times one factor on every kept
 * active unit. The factor says which mistake: keepProb (multiplied), 1 (not divided), 1 / (1 - keepProb), or
 * 1 / q for another number q (a keep probability written in). Only a mistake in one layer, or the same in
 * both, reaches here (whole-pass variants are tried first).
 */
export function diagnoseLayerStep(result: CallResult, keepProb: number, writes?: string): Diagnosis | undefined {
  for (const layer of ["1", "2"]) {
    const [Z, D, A] = ["Z", "D", "A"].map((n) => tensorOf(result.values[`cache.${n}${layer}`]));
    if (!Z || !D || !A || Z.values.length !== A.values.length || D.values.length !== A.values.length) return undefined;
    // A mask that keeps everything (or nothing) is no dropout at all: a missing division is not the explanation.
    if (D.values.every((v) => v === D.values[0])) return undefined;
    const ratios: number[] = [];
    let zeroedWrong = false;
    A.values.forEach((a, k) => {
      const base = Math.max(Z.values[k], 0) * D.values[k];
      if (Math.abs(base) > 1e-4) ratios.push(a / base);
      else if (Math.abs(a) > 1e-4) zeroedWrong = true;
    });
    if (zeroedWrong || ratios.length === 0) continue;
    const factor = ratios[0];
    if (!ratios.every((r) => Math.abs(r - factor) <= 1e-4 * Math.abs(factor))) continue;
    const near = (x: number) => Math.abs(factor - x) <= 1e-4 * Math.abs(x);
    if (near(1 / keepProb)) continue; // this layer is right
    const where = `In layer ${layer}, A${layer} = relu(Z${layer}) * D${layer}`;
    if (near(1)) return writes ? deadWritesExplanation(writes, `A${layer} is not divided by keepProb`) : named("no-scaling", `${where} without the division by keepProb (step 4). ${explanationOf("no-scaling").replace(/^The dropped units are right, but the kept activations are not divided by keepProb \(step 4\)\. /, "")}`);
    if (near(keepProb)) return named("times-keepprob", `${where} times keepProb. ${explanationOf("times-keepprob")}`);
    if (keepProb < 1 && near(1 / (1 - keepProb))) return named("one-minus-keepprob", `${where} / (1 - keepProb). ${explanationOf("one-minus-keepprob")}`);
    if (keepProb < 1 && near(1 / (keepProb * keepProb))) return named("divides-twice", `${where} / keepProb² (${Number((keepProb * keepProb).toPrecision(4))}, keepProb being ${keepProb} here): the kept activations are divided by keepProb twice. Divide them by keepProb once.`);
    const q = Number((1 / factor).toPrecision(4));
    if (q > 0 && q <= 1) return named("ignores-keepprob", `${where} / ${q}, but keepProb is ${keepProb} here: divide by the keepProb your function is given, not by a number written into it.`);
  }
  return undefined;
}

/**
 * Which typical mistake the student's forward output matches, if any, against what each mistake gives on
 * the case (`outcomes`). `source` is their function's code (wording only).
 */
export function diagnoseForwardValues(result: CallResult, inputs: ForwardInputs, outcomes: ForwardOutcomes, source?: string): Diagnosis | undefined {
  const A3 = tensorOf(result.values.A3);
  const A1 = tensorOf(result.values["cache.A1"]);
  if (!A3) return undefined;
  const nonFinite = diagnoseNonFinite(result, inputs.keepProb);
  if (nonFinite) return nonFinite;
  if (inputs.keepProb === 1) return undefined;
  const matches = (expected: { A3: WireTensor; A1?: WireTensor } | undefined) =>
    !!expected && compare("A3", A3, expected.A3, false).ok && (!A1 || !expected.A1 || compare("A1", A1, expected.A1, false).ok);
  // Right A3 and A1: the mistake is elsewhere (at keepProb 0.5, dividing by 1 - keepProb would match them too).
  if (matches(outcomes.pass("correct"))) return undefined;
  const writes = deadWrites(source);
  for (const mistake of FORWARD_MISTAKES) {
    if (!matches(outcomes.pass(mistake.id))) continue;
    if (writes && mistake.id === "no-scaling") return deadWritesExplanation(writes, "the kept activations are not divided by keepProb");
    return named(mistake.misconception, mistake.explanation);
  }
  // 1 - keepProb (the drop probability, tf.dropout's rate) used as the keep probability, in the mask and the division.
  if (inputs.keepProb !== 0.5 && matches(outcomes.pass("correct", 1 - inputs.keepProb))) {
    return named("uses-drop-probability", `Your function drops and divides as if the keep probability were 1 - keepProb (${Number((1 - inputs.keepProb).toPrecision(4))}), the probability of dropping a unit (what tf.dropout calls its rate). Keep a unit where its draw is below keepProb, and divide the survivors by keepProb.`);
  }
  // The masks and the scaling of another keep probability: the argument ignored.
  const D1 = tensorOf(result.values["cache.D1"]);
  const draws = D1 ? outcomes.stream(D1.values.length)?.slice(0, D1.values.length) : undefined;
  if (D1 && draws && draws.length === D1.values.length) {
    const used = thresholdUsed(D1.values, draws, inputs.keepProb);
    if (used !== undefined && !thresholdFits(D1.values, draws, 1 - inputs.keepProb) && matches(outcomes.pass("correct", used))) {
      return named("ignores-keepprob", `Your function does not use its keepProb argument: with keepProb ${inputs.keepProb} it drops and divides as if keepProb were ${used} (a number written into the function?). Use the keepProb it is given.`);
    }
  }
  if (writes) {
    const plain = outcomes.pass("plain");
    if (plain && compare("A3", A3, plain.A3, false).ok) return deadWritesExplanation(writes, "nothing was dropped and nothing divided");
  }
  return diagnoseLayerStep(result, inputs.keepProb, writes);
}

/**
 * The keep probability a 0/1 mask was really drawn with, if any: kept where the draw is below t means every
 * kept draw < t <= every dropped draw. Returns the simplest decimal in that interval (0.7 rather than
 * 0.6993), or undefined when the mask is no threshold of the draws or keepProb itself fits.
 */
export function thresholdUsed(kept: number[], draws: number[], keepProb: number): number | undefined {
  let [above, upTo] = [-Infinity, Infinity]; // t in (above, upTo]
  for (let k = 0; k < kept.length; k++) {
    if (kept[k] === 1) above = Math.max(above, draws[k]);
    else if (kept[k] === 0) upTo = Math.min(upTo, draws[k]);
    else return undefined;
  }
  if (!(above < upTo) || (keepProb > above && keepProb <= upTo)) return undefined;
  if (above === -Infinity || upTo === Infinity) return undefined; // keeps nothing or everything: diagnoseDegenerateMask says that
  for (let digits = 1; digits <= 4; digits++) {
    const scale = 10 ** digits;
    const t = Math.floor(above * scale) / scale + 1 / scale;
    if (t > above && t <= upTo && t > 0 && t <= 1) return Number(t.toFixed(digits));
  }
  return undefined;
}

/** Whether a 0/1 mask is the draws thresholded at t: every kept draw below t, every dropped one at or above it. */
export function thresholdFits(kept: number[], draws: number[], t: number): boolean {
  return kept.length === draws.length && kept.every((v, k) => (v === 1 ? draws[k] < t : v === 0 && draws[k] >= t));
}

const sameValues = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, k: number) => v === b[k]);

/**
 * Which typical mistake a wrong mask is, read from the mask itself (outputs, not the call's report): the
 * draws are the generator's (recomputed from the seed), `kept` the student's 0/1 values. `rng`, the call's
 * record of the generator's use, only words a message (a generator of their own, or the one given reseeded).
 * `otherMask`, the student's other mask, tells apart draw orders that give this mask alike (on the course's
 * net a draw shaped like X and one shaped like A2 are the same numbers): without it, such a diagnosis is not
 * stated.
 */
export function diagnoseMask(label: "D1" | "D2", kept: number[], draws: number[], shape: number[], inputs: ForwardInputs, outcomes: ForwardOutcomes, rng?: RngUse, otherMask?: number[], source?: string): Diagnosis | undefined {
  const [rows, cols] = shape;
  const keepProb = inputs.keepProb;
  if (kept.length !== draws.length || kept.length === 0) return undefined;
  // Every diagnosis but the generator's seed reads the mask as made from the given generator's draws: where the
  // record says it was never drawn from (tf.randomUniform, Math.random), a small mask fitting them is chance.
  if (rng && !rng.calls.some((c) => c.method === "rand")) return generatorSeedDiagnosis(label, kept, inputs, outcomes, rng, source);
  if (keepProb < 1 && kept.every((v, k) => v === (draws[k] >= keepProb ? 1 : 0))) return named("threshold-inverted", explanationOf("inverted"));
  const sameAlong = (step: number, count: number, lines: number, start: (line: number) => number) => {
    for (let line = 0; line < lines; line++) for (let j = 1; j < count; j++) if (kept[start(line) + j * step] !== kept[start(line)]) return false;
    return true;
  };
  const degenerate = kept.every((v) => v === kept[0]);
  // A mask shared along one axis is said only when the generator's draws give its lines (rng.rand(rows, 1) or
  // rng.rand(1, cols), at any offset the other mask's draw can leave): a small mask of other draws (Math.random,
  // tf.dropout) can have constant columns by chance (the course's D1 has 2 units).
  const [n1, n2] = [inputs.parameters.W1.shape[0], inputs.parameters.W2.shape[0]];
  const m = inputs.X.shape[1];
  const linesFromGenerator = (lines: number[]) => {
    const offsets = label === "D1" ? [0] : [n1, m, n1 * m];
    const stream = outcomes.stream(n1 * m + Math.max(n2, m) + lines.length);
    return !!stream && offsets.some((o) => lines.every((v, k) => v === (stream[o + k] < keepProb ? 1 : 0)));
  };
  if (!degenerate && cols > 1 && sameAlong(1, cols, rows, (i) => i * cols) && linesFromGenerator(Array.from({ length: rows }, (_, i) => kept[i * cols]))) {
    return named("mask-shared-by-examples", `Your ${label} is the same for every example (each row constant): one mask shared by all examples. Each example needs its own mask: draw ${label} with rng.rand(rows, cols), shaped like the activations, not [units, 1].`);
  }
  if (!degenerate && rows > 1 && sameAlong(cols, rows, cols, (j) => j) && linesFromGenerator(kept.slice(0, cols))) {
    return named("mask-shared-by-units", `Your ${label} is the same for every unit (each column constant): one mask shared by all units of an example. Draw ${label} with rng.rand(rows, cols), shaped like the activations.`);
  }
  // A draw order other than D1 then D2: D2's draw first, or a draw shaped like X first (input dropout). Both
  // masks must fit an order, and only one order may fit (the course's net draws X's and A2's shapes alike).
  const other = label === "D1" ? "D2" : "D1";
  const fits = (order: "D2 first" | "X first") => {
    const masks = outcomes.masks(inputs.seed, order);
    return !!masks && sameValues(kept, masks[label]) && (otherMask === undefined || sameValues(otherMask, masks[other]));
  };
  const [d2First, xFirst] = [!degenerate && n1 !== n2 && fits("D2 first"), !degenerate && fits("X first")];
  if (d2First && !xFirst) {
    return named("masks-drawn-in-wrong-order", `Your ${label} is the mask of the generator's ${label === "D1" ? "second" : "first"} draw: you drew D2's mask before D1's. The generator's numbers go to the masks in the order they are drawn: D1 = rng.rand(${n1}, ${cols}) first, then D2 = rng.rand(${n2}, ${cols}).`);
  }
  if (xFirst && !d2First) {
    return named("dropout-on-input", `Your ${label} is the mask of the generator's ${label === "D1" ? "second" : "third"} draw: a first draw shaped like X, [${inputs.X.shape.join(", ")}], came before it, dropout applied to the input features. In this assignment only the two hidden layers are dropped out: draw D1 first.`);
  }
  // Kept below 1 - keepProb (the drop probability, tf.dropout's rate): a mistake made with the argument, not a
  // number written in. Said as what the mask is (any threshold in the interval the draws leave fits as well).
  if (!degenerate && keepProb < 1 && keepProb !== 0.5 && thresholdFits(kept, draws, 1 - keepProb)) {
    return named("uses-drop-probability", `Your ${label} keeps a unit where its draw is below 1 - keepProb (${Number((1 - keepProb).toPrecision(4))}), the probability of dropping it, so a unit survives with probability 1 - keepProb. Keep a unit where its draw is below keepProb (${keepProb} here).`);
  }
  // A keep probability other than the argument: a number written into the function.
  const used = thresholdUsed(kept, draws, keepProb);
  if (used !== undefined && !degenerate) {
    // The draws pin the threshold only to an interval: a number is named only where that interval is narrow.
    // A loop, not Math.min(...): the large case's masks hold 40,000 units.
    let [above, upTo] = [-Infinity, Infinity];
    draws.forEach((d, k) => (kept[k] === 1 ? (above = Math.max(above, d)) : (upTo = Math.min(upTo, d))));
    const narrow = upTo - above <= 0.02;
    const threshold = narrow ? `about ${used}` : `a number other than keepProb`;
    return named("ignores-keepprob", `Your ${label} keeps a unit where its draw is below ${threshold}, but keepProb is ${keepProb} here: your function does not use its keepProb argument (a number written into it?). Use the keepProb it is given, in the mask and in the division.`);
  }
  return generatorSeedDiagnosis(label, kept, inputs, outcomes, rng, source);
}

/** The masks of a generator seeded otherwise: one made inside the function, or the one given reseeded. */
function generatorSeedDiagnosis(label: "D1" | "D2", kept: number[], inputs: ForwardInputs, outcomes: ForwardOutcomes, rng?: RngUse, source?: string): Diagnosis | undefined {
  // A mask that keeps (or drops) every unit matches any generator whose draws all fall on one side: no evidence.
  if (kept.every((v) => v === kept[0])) return undefined;
  const usedGiven = (rng?.calls.length ?? 1) > 0;
  const reseeded = rng?.calls.find((c) => c.method === "seed");
  for (const seed of OTHER_SEEDS) {
    if (seed === inputs.seed) continue;
    const masks = outcomes.masks(seed, "D1 first");
    if (masks && sameValues(kept, masks[label])) {
      const cost = "Then every call draws the same masks, and a training run drops the same units at every iteration: dropout stops being random (the course's original notebook had this quirk; here training draws fresh masks).";
      // "Made inside your function" only where its code makes one (compiled code may call it as module.RandomState):
      // masks copied from elsewhere fit the seed as well.
      if (!reseeded && !usedGiven && (source === undefined || /\bnew\s+(?:[\w$]+\.)*RandomState\s*\(/.test(source))) {
        return named("own-generator", `Your ${label} is the mask of a generator seeded with ${seed}, made inside your function (new RandomState(${seed})), not of the one you are given. ${cost} Draw from the rng parameter.`);
      }
      if (reseeded) return named("reseeds-generator", `Your ${label} is the mask of a generator seeded with ${seed}, not of the one you are given: your function reseeds the generator (rng.seed(${seed})). ${cost} Use the rng you are given as it is.`);
      // No record of the generator's use, or one with no rng.seed: which generator it was is not known.
      return named("other-generator", `Your ${label} is the mask of a generator seeded with ${seed}, not of the one you are given. ${cost} Draw from the rng parameter, as it is.`);
    }
  }
  return undefined;
}

/** A mask that keeps nothing, or everything while keepProb < 1. */
export function diagnoseDegenerateMask(label: string, kept: number[], keepProb: number): Diagnosis | undefined {
  if (kept.length > 0 && kept.every((v) => v === 0)) return named("mask-drops-everything", `Your ${label} drops every unit: a unit is kept where its draw is below keepProb, which with keepProb ${keepProb} happens to about ${Math.round(100 * keepProb)}% of them.`);
  if (kept.length > 0 && kept.every((v) => v === 1) && keepProb < 1) return named("mask-keeps-everything", `Your ${label} keeps every unit: draw ${label} with rng.rand(rows, cols) and keep a unit only where its draw is below keepProb.`);
  return undefined;
}

/** Dropout's step in the backward pass, as the student did it: dA from Wᵀ·dZ (their own dZ) and the cache's mask. */
export type BackwardStepVariant = "correct" | "no-mask" | "no-scaling" | "neither" | "times-keepprob" | "one-minus-keepprob" | "swapped";

/** The misconceptions each wrong version of the step names. */
const BACKWARD_MISCONCEPTIONS: Record<Exclude<BackwardStepVariant, "correct">, DropoutMisconception[]> = {
  "no-mask": ["backward-no-mask"],
  "no-scaling": ["backward-no-scaling"],
  neither: ["backward-no-mask", "backward-no-scaling"],
  "times-keepprob": ["backward-times-keepprob"],
  "one-minus-keepprob": ["backward-one-minus-keepprob"],
  swapped: ["masks-swapped"],
};

const BACKWARD_EXPLANATIONS: Record<Exclude<BackwardStepVariant, "correct">, (label: string) => string> = {
  "no-mask": (label) => `${label} is not multiplied by the mask from the cache (step 1): the gradient must flow only through the units the forward pass kept, so a dropped unit gets a zero gradient.`,
  "no-scaling": (label) => `${label} is not divided by keepProb (step 2). The forward pass divided the kept activations by keepProb, so their gradient carries the same factor.`,
  neither: (label) => `${label} is neither masked nor divided by keepProb: the backward pass must apply the forward pass's mask (from the cache) and divide by keepProb.`,
  "times-keepprob": (label) => `${label} is multiplied by keepProb instead of divided by it.`,
  "one-minus-keepprob": (label) => `${label} is divided by 1 - keepProb instead of keepProb.`,
  swapped: (label) => `${label} is multiplied by the other layer's mask (${label === "dA2" ? "D1" : "D2"}): the masks are swapped between the layers. Each gradient goes through the units its own layer kept: dA2 with D2, dA1 with D1.`,
};

/**
 * What each version of dropout's backward step gives for one dA: computed by the grader from the student's own
 * Wᵀ·dZ, read by the public tests from their data. "correct" first: where Wᵀ·dZ is 0 on every unit the masks
 * disagree on, the right answer is "swapped" too.
 */
export type BackwardStepCandidates = [BackwardStepVariant, WireTensor][];

/** The versions of the step, in the order they are tried. */
export const BACKWARD_STEP_VARIANTS: BackwardStepVariant[] = ["correct", "swapped", "no-mask", "no-scaling", "neither", "times-keepprob", "one-minus-keepprob"];

/** Which version of the step the student's dA is, if any (the first candidate it equals). */
export function backwardStepVariant(label: string, received: WireTensor, candidates: BackwardStepCandidates): BackwardStepVariant | undefined {
  for (const [variant, candidate] of candidates) {
    if (!candidate.values.every(Number.isFinite)) continue; // 1 / (1 - keepProb) at keepProb 1
    if (compare(label, received, candidate, false).ok) return variant;
  }
  return undefined;
}

/**
 * Backward: dropout's part of one step, checked against what each version of it gives: dA = Wᵀ·dZ (from the
 * student's dZ) times the mask, divided by keepProb. `mask` is the cache's mask for this layer (0/1 values).
 * Returns an explanation of the first mismatch.
 */
export function diagnoseBackwardStep(label: "dA1" | "dA2", received: WireTensor, candidates: BackwardStepCandidates, mask: ArrayLike<number>, source?: string): Diagnosis | undefined {
  const variant = backwardStepVariant(label, received, candidates);
  if (variant === "correct") return undefined;
  const writes = deadWrites(source);
  if (writes && (variant === "no-mask" || variant === "no-scaling" || variant === "neither")) {
    return deadWritesExplanation(writes, `${label} is ${variant === "no-mask" ? "not masked" : variant === "no-scaling" ? "not divided by keepProb" : "neither masked nor divided by keepProb"}`);
  }
  if (variant) return named(BACKWARD_MISCONCEPTIONS[variant], BACKWARD_EXPLANATIONS[variant](label));
  // Nonzero where the forward pass dropped the unit: a different mask.
  if (received.values.some((v, k) => mask[k] === 0 && v !== 0)) {
    return named("backward-fresh-mask", `${label} is nonzero where the forward pass dropped the unit: use the masks stored in the cache (D1, D2); drawing a fresh mask in the backward pass sends gradient through units that were never used.`);
  }
  return named([], `${label} does not equal Wᵀ·dZ (from your own dZ) times the mask from the cache, divided by keepProb.`);
}

/**
 * A tfjs broadcast error between a tensor of layer 1's shape and one of layer 2's (where the two differ): one
 * layer's gradient combined with the other layer's mask or activations. Said from the shapes in the error.
 */
export function diagnoseBroadcastError(message: string, layerShapes: { layer1: number[]; layer2: number[] }): Diagnosis | undefined {
  const match = /broadcast together with shapes ([\d,]+) and ([\d,]+)/.exec(message);
  if (!match) return undefined;
  const [a, b] = [match[1], match[2]];
  const [one, two] = [layerShapes.layer1.join(), layerShapes.layer2.join()];
  if (one === two || !((a === one && b === two) || (a === two && b === one))) return undefined;
  const show = (shape: string) => `[${shape.split(",").join(", ")}]`;
  return named("masks-swapped", `tfjs could not multiply a tensor of layer ${a === one ? 1 : 2}'s shape ${show(a)} with one of layer ${b === one ? 1 : 2}'s shape ${show(b)}: one layer's gradient met the other layer's mask (or activations). Each layer's gradient goes with its own mask: dA2 with D2 (shaped like A2), dA1 with D1 (shaped like A1).`);
}
