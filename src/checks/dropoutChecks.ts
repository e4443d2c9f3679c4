/**
 * The checks: from what the student's functions returned to a score and a message per check.
 *
 * Scores come from outputs only, checked here against this process's own recomputation: the references
 * (the solution's outputs), the masks the generator gives (this process has the seed), the plain forward
 * pass, tf.grad. What the sandbox says about the call itself (which generator methods it saw, which inputs it
 * saw change) shapes the wording of a message, never a score.
 *
 * No check passes vacuously: a rule that degenerate outputs satisfy trivially (masks that keep nothing or
 * everything, zero gradients, the plain forward pass, published values recalled for the published inputs)
 * is credited only together with evidence of real work, as each check's gating rule says. Expected values of
 * hidden cases are never shown: only the public course case's are.
 */
import * as tf from "@tensorflow/tfjs";
import { ATOL } from "../compare";
import { formatShape } from "../format";
import { forwardPropagation } from "../propagation";
import { RandomState } from "../random";
import { isHiddenCase, isPublicCase } from "./cases";
import type { BackwardInputs, CaseInfo, ForwardInputs } from "./cases";
import { backwardStepVariant, diagnoseBackwardStep, diagnoseBroadcastError, diagnoseDegenerateMask, diagnoseForwardValues, diagnoseMask, diagnoseNonFinite, diagnoseRngUse } from "./diagnoses";
import type { CallResult, WireTensor } from "./tensorData";
import { compare, firstDifference, fromTensor, round, scoped, tensorOf, toTensor } from "./tensorData";
import { autodiffGradients } from "./recompute";
import { all, callError, changedInputs, fail, firstFailure, gated, ok, overCases, repeatsItself, safely, scoredResults } from "./verdicts";
import type { CheckOf, CheckResult, UnavailableOf, Verdict } from "./verdicts";

// Shared with the other assignments' checks (./verdicts.ts), and exported from dropout-kit as before.
export { isAccessDenied } from "./verdicts";
export type { CheckResult, Verdict } from "./verdicts";

export type GradedFunctionName = "forwardPropagationWithDropout" | "backwardPropagationWithDropout";

/** A check: one entry. The grader adds its points (grader/assignments/dropout/source/settings.ts); the public tests run the public ones. */
export type CheckDefinition = CheckOf<GradedFunctionName, Evidence, ExpectedOutputs>;

export const CHECK_DEFINITIONS: CheckDefinition[] = [
  { id: "forward.course", fn: "forwardPropagationWithDropout", public: true, name: "forward: the course's published case", verdict: (evidence, references) => courseForward(evidence, references) },
  // Rule (the references are the evidence): every hidden case (keepProb 1 included) equals the solution's outputs.
  { id: "forward.cases", fn: "forwardPropagationWithDropout", public: false, name: "forward: other seeds, shapes and keepProbs", verdict: (evidence, references) => overCases(evidence.forward.filter(hiddenForward), (r) => forwardReference(r, references)) },
  { id: "forward.masks", fn: "forwardPropagationWithDropout", public: true, name: "forward: the masks are the generator's: rng.rand shaped like A1, then like A2, kept where the draw is below keepProb", verdict: (evidence) => overCases(forwardRuns(evidence), masksOf) },
  { id: "forward.kept-fraction", fn: "forwardPropagationWithDropout", public: false, name: "forward: over many units, the kept fraction is close to keepProb", verdict: (evidence) => keptFraction(evidence.statistics) },
  { id: "forward.scaling", fn: "forwardPropagationWithDropout", public: true, name: "forward: kept units are divided by keepProb, dropped ones are 0", verdict: (evidence) => forwardScaling(evidence) },
  { id: "forward.keep-all", fn: "forwardPropagationWithDropout", public: false, name: "forward: keepProb = 1 gives the plain forward pass", verdict: (evidence) => keepAll(evidence) },
  { id: "forward.layers", fn: "forwardPropagationWithDropout", public: true, name: "forward: no dropout on the input or the output layer", verdict: (evidence) => layers(evidence) },
  { id: "forward.inputs", fn: "forwardPropagationWithDropout", public: true, name: "forward: inputs left unchanged", verdict: (evidence) => forwardInputsUnchanged(evidence) },
  { id: "backward.course", fn: "backwardPropagationWithDropout", public: true, name: "backward: the course's published case", verdict: (evidence, references) => courseBackward(evidence, references) },
  // Rule (the references are the evidence): every hidden case with a cache of its own equals the solution's gradients.
  { id: "backward.cases", fn: "backwardPropagationWithDropout", public: false, name: "backward: other shapes and keepProbs", verdict: (evidence, references) => overCases(evidence.backward.filter(hiddenBackward), (r) => backwardReference(r, references, false)) },
  { id: "backward.masks", fn: "backwardPropagationWithDropout", public: true, name: "backward: the forward pass's masks re-applied, and the division by keepProb", verdict: (evidence) => backwardMasks(evidence.backward) },
  { id: "backward.autodiff", fn: "backwardPropagationWithDropout", public: false, name: "backward: gradients equal TensorFlow.js's autodiff (tf.grad) with the masks fixed", verdict: (evidence) => backwardAutodiff(evidence.backward.filter(hiddenBackward)) },
  { id: "backward.deterministic", fn: "backwardPropagationWithDropout", public: false, name: "backward: no randomness (the same inputs give the same gradients)", verdict: (evidence) => deterministic(evidence.backward) },
  { id: "backward.inputs", fn: "backwardPropagationWithDropout", public: true, name: "backward: inputs left unchanged", verdict: (evidence) => backwardInputsUnchanged(evidence.backward) },
];

/** What the checks compare with: the solution's outputs on the cases (the grader's references, or the public ones). */
export interface ExpectedOutputs {
  /** forward case id -> A3 and cache.<name> values. */
  forward: Record<string, Record<string, WireTensor>>;
  /** backward case id -> the gradients. */
  backward: Record<string, { outputs: Record<string, WireTensor> }>;
}


export interface ForwardRun {
  /** The student's function's source, where known: it only words a diagnosis whose mistake the values show. */
  source?: string;
  spec: CaseInfo & { keepProb: number };
  inputs: ForwardInputs;
  result: CallResult;
}

export interface BackwardRun {
  /** The student's function's source, where known (wording only, as ForwardRun's). */
  source?: string;
  id: string;
  description: string;
  /** A public case of the public tests (the course's is public by its id "course"). */
  public?: boolean;
  /** The course's X and cache with labels and keepProb of the grader's own (hidden; the course check's gate). */
  courseInputs?: boolean;
  inputs: BackwardInputs;
  result: CallResult;
  /** The same call made again by the parent with fresh input tensors (determinism), where it was made. */
  again?: CallResult;
}

/** Why a whole function could not be checked (missing, not implemented, crashed): every check of it fails with this. */
export type Unavailable = UnavailableOf<GradedFunctionName>;

/** A backward call's error, with what a broadcast error between the two layers' shapes means. */
function backwardCallError(run: BackwardRun): string | undefined {
  const error = callError(run, run.description);
  const message = run.result.error?.message;
  if (!error || !message) return error;
  const c = run.inputs.cache;
  const hint = c.D1 && c.D2 ? diagnoseBroadcastError(message, { layer1: c.D1.shape, layer2: c.D2.shape }) : undefined;
  return hint ? `${error}\n${hint}` : error;
}

/** Why a mask is not one, said the same way by every check that needs a mask. */
function notAMask(where: string, label: string, values: number[]): Verdict | undefined {
  return values.every((v) => v === 0 || v === 1) ? undefined : fail(`On ${where}: ${label} holds values other than 0 and 1; a mask is (draw < keepProb) as 0s and 1s.`);
}

type Got = { ok: true; t: WireTensor } | { ok: false; why: string };

/** One of the student's outputs as a tensor of finite numbers (of the given shape): something to compute from. */
function output(result: CallResult, key: string, description: string, shape?: number[], keepProb?: number): Got {
  const label = key.replace(/^cache\./, "");
  const t = tensorOf(result.values[key]);
  if (!t) {
    const v = result.values[key];
    const what = v && "other" in v ? String(v.other).slice(0, 200) : "nothing";
    return { ok: false, why: `On ${description}: ${label} should be a tensor${shape ? ` of shape ${formatShape(shape)}` : ""}; your function gave ${what}.` };
  }
  if (t.shape.length !== 2 || (shape && t.shape.join() !== shape.join())) return { ok: false, why: `On ${description}: ${label} has shape ${formatShape(t.shape)}; it should have shape ${shape ? formatShape(shape) : "[rows, columns]"}.` };
  const bad = t.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    // A forward pass's NaN is traced to the step that made it; later steps' checks then say where it came from.
    const origin = keepProb !== undefined ? diagnoseNonFinite(result, keepProb) : undefined;
    if (origin) return { ok: false, why: `On ${description}: every value must be a finite number, and ${origin}` };
    return { ok: false, why: `On ${description}: ${label}[${Math.floor(bad / t.shape[1])}, ${bad % t.shape[1]}] is ${round(t.values[bad])}; every value must be a finite number (NaN and Infinity usually come from a division by 0, or from 0 / 0).` };
  }
  return { ok: true, t };
}


// ---------------------------------------------------------------------------------------------- recomputation

export interface GeneratorMasks {
  /** The uniform draws: rng.rand shaped like A1, then like A2, from a generator seeded as the student's was. */
  draws1: WireTensor;
  draws2: WireTensor;
  D1: WireTensor;
  D2: WireTensor;
}

const masksMemo = new WeakMap<ForwardInputs, GeneratorMasks>();

/** The masks the contract gives on a case (README): D1 = rand(rows of A1, m) < keepProb, then D2 likewise. */
export function generatorMasks(inputs: ForwardInputs): GeneratorMasks {
  const memo = masksMemo.get(inputs);
  if (memo) return memo;
  const masks = scoped(() => {
    const rng = new RandomState(inputs.seed);
    const m = inputs.X.shape[1];
    const draws1 = rng.rand(inputs.parameters.W1.shape[0], m);
    const draws2 = rng.rand(inputs.parameters.W2.shape[0], m);
    const keep = (d: tf.Tensor) => fromTensor(tf.cast(tf.less(d, inputs.keepProb), "float32"));
    return { draws1: fromTensor(draws1), draws2: fromTensor(draws2), D1: keep(draws1), D2: keep(draws2) };
  });
  masksMemo.set(inputs, masks);
  return masks;
}

/** The forward pass without dropout: what keepProb = 1 must give. */
export function plainForward(inputs: ForwardInputs): WireTensor {
  return scoped(() => {
    const parameters = Object.fromEntries(Object.entries(inputs.parameters).map(([k, w]) => [k, toTensor(w)]));
    return fromTensor(forwardPropagation(toTensor(inputs.X), parameters as never)[0]);
  });
}

const LAYERS = [
  { Z: "cache.Z1", D: "cache.D1", A: "cache.A1", W: "W1" },
  { Z: "cache.Z2", D: "cache.D2", A: "cache.A2", W: "W2" },
] as const;

const short = (key: string) => key.replace(/^cache\./, "");

/** The shape of a layer's activations on a case: [units, examples]. */
function layerShape(inputs: ForwardInputs, W: "W1" | "W2"): number[] {
  return [inputs.parameters[W].shape[0], inputs.X.shape[1]];
}

/** Hidden cases: neither the course's published case nor its twin on the same (published) inputs. */
function hiddenForward(r: ForwardRun): boolean {
  return isHiddenCase(r.spec);
}
function hiddenBackward(r: BackwardRun): boolean {
  return isHiddenCase({ ...r, course: r.id === "course" });
}

/** The cases whose expected values may be shown: the course's and the public tests' own. */
const isPublic = (run: ForwardRun) => isPublicCase(run.spec);

// ---------------------------------------------------------------------------------------------- evidence of real work

/**
 * Evidence that the forward pass does dropout, pooled per hidden layer over the hidden cases with keepProb <
 * 1 (the large one's 46,000 units included; not the course's case nor its twin, whose published values can
 * be recalled; a self-check, which runs the course's case only, uses that): every mask holds 0s and 1s only,
 * both of them (keeping nothing or everything over so many units cannot happen by chance), the activations
 * are 0 wherever the mask is 0, some kept unit is active, and some dropped unit would have been active (its
 * pre-activation is positive), so that something was really dropped.
 */
export function dropoutShown(evidence: Evidence): Verdict {
  const hidden = forwardRuns(evidence).filter((r) => hiddenForward(r) && r.spec.keepProb < 1);
  const runs = hidden.length > 0 ? hidden : evidence.forward.filter((r) => isPublic(r) && r.spec.keepProb < 1);
  if (runs.length === 0) return fail("No case that shows the masks at work was run.");
  const where = hidden.length > 0 ? "the hidden cases" : runs[0].spec.description;
  for (const { Z, D, A, W } of LAYERS) {
    const [Dn, An, Zn] = [short(D), short(A), short(Z)];
    let [units, kept, keptActive, droppedActive] = [0, 0, 0, 0];
    for (const run of runs) {
      const error = callError(run, run.spec.description);
      if (error) return fail(error);
      const shape = layerShape(run.inputs, W);
      const got = [output(run.result, Z, run.spec.description, shape, run.spec.keepProb), output(run.result, D, run.spec.description, shape, run.spec.keepProb), output(run.result, A, run.spec.description, shape, run.spec.keepProb)];
      for (const g of got) if (!g.ok) return fail(g.why);
      const [z, d, a] = got.map((g) => (g as { t: WireTensor }).t.values);
      const notMask = notAMask(run.spec.description, Dn, d);
      if (notMask) return notMask;
      if (d.some((v, k) => v === 0 && Math.abs(a[k]) > ATOL)) return fail(`On ${run.spec.description}: ${An} is nonzero where ${Dn} is 0; a dropped unit's activation must be 0 (${An} * ${Dn}).`);
      units += d.length;
      d.forEach((v, k) => {
        kept += v;
        if (v === 1 && Math.abs(a[k]) > ATOL) keptActive++;
        if (v === 0 && z[k] > ATOL) droppedActive++;
      });
    }
    if (kept === 0 || kept === units) {
      return fail(`Over ${where} (${units} units of ${An}), your ${Dn} ${kept === 0 ? "drops every unit" : "keeps every unit"}; with keepProb below 1 that cannot happen by chance. Draw ${Dn} with rng.rand(rows, cols) and keep a unit where its draw is below keepProb.`);
    }
    if (keptActive === 0) return fail(`Over ${where}, no unit of ${An} that ${Dn} keeps is active (all are 0).`);
    if (droppedActive === 0) return fail(`Over ${where}, no unit that ${Dn} drops was active (${Zn} > 0) to begin with, so nothing was really dropped.`);
  }
  return ok();
}

/**
 * Real work in the forward pass: dropout shown (above), and some value check against this process's own
 * recomputation passes: keepProb = 1 gives the plain forward pass, or Z1 = W1·X + b1 on every case, or the
 * masks are the generator's on every case.
 */
function forwardWork(evidence: Evidence): Verdict {
  const shown = dropoutShown(evidence);
  if (!shown.passed) return shown;
  const keepAllRun = evidence.forward.find((r) => r.spec.keepProb === 1);
  const runs = forwardRuns(evidence);
  const valueChecks = [
    () => (keepAllRun ? keepAllValue(keepAllRun) : fail("")),
    () => firstFailure(runs.map(linearLayer)),
    () => firstFailure(runs.map(masksOf)),
  ];
  if (valueChecks.some((check) => check().passed)) return ok();
  return fail("None of its outputs matches a recomputation: neither the plain forward pass at keepProb = 1, nor Z1 = W1·X + b1, nor the masks rng.rand gives.");
}

/** Every forward run, the large case included. */
function forwardRuns(evidence: Evidence): ForwardRun[] {
  return [...evidence.forward, ...(evidence.statistics ? [evidence.statistics] : [])];
}

/**
 * Real work in the backward pass, on every case: dZ3 = A3 − Y (recomputed here from the inputs: never zero),
 * dZ2 = dA2 ⊙ (A2 > 0) from the student's own dA2 (so the chain from dZ3 to dA1 is theirs and not faked),
 * gradient reaches both hidden layers (Wᵀ·dZ is nonzero), and each dA is Wᵀ·dZ with dropout's step applied
 * at least in part: times the cache's mask and/or a keepProb factor. Zero gradients and the plain backward
 * pass (no mask, no factor) are not real work.
 */
function backwardChain(run: BackwardRun): Verdict {
  const error = backwardCallError(run);
  if (error) return fail(error);
  const c = run.inputs.cache;
  const reveal = !hiddenBackward(run) && !run.courseInputs;
  const where = run.description;
  const got = (name: string, like: WireTensor) => output(run.result, name, where, like.shape);
  const dZ3 = got("dZ3", c.A3);
  if (!dZ3.ok) return fail(dZ3.why);
  const expectedDZ3 = scoped(() => fromTensor(tf.sub(toTensor(c.A3), toTensor(run.inputs.Y))));
  const c3 = compare("dZ3", dZ3.t, expectedDZ3, reveal);
  if (!c3.ok) return fail(`On ${where}: dZ3 should be A3 − Y (from the cache and the labels): ${c3.why}.`);
  const dA2 = got("dA2", c.A2);
  if (!dA2.ok) return fail(dA2.why);
  const dZ2 = got("dZ2", c.A2);
  if (!dZ2.ok) return fail(dZ2.why);
  const expectedDZ2 = scoped(() => fromTensor(tf.mul(toTensor(dA2.t), tf.step(toTensor(c.A2)))));
  const c2 = compare("dZ2", dZ2.t, expectedDZ2, reveal);
  if (!c2.ok) return fail(`On ${where}: dZ2 should be dA2 * (A2 > 0), from your own dA2 (ReLU's derivative): ${c2.why}.`);
  const through = scoped(() => [fromTensor(tf.matMul(tf.transpose(toTensor(c.W3)), toTensor(dZ3.t))), fromTensor(tf.matMul(tf.transpose(toTensor(c.W2)), toTensor(dZ2.t)))]);
  if (!through.every((t) => t.values.some((v) => Math.abs(v) > ATOL))) return fail(`On ${where}: no gradient reaches the hidden layers (W3ᵀ·dZ3 or W2ᵀ·dZ2 is zero).`);
  return ok();
}

function backwardStepApplied(run: BackwardRun): Verdict {
  const v = run.result.values;
  const c = run.inputs.cache;
  for (const [label, W, dZ, D] of [["dA2", "W3", "dZ3", "D2"], ["dA1", "W2", "dZ2", "D1"]] as const) {
    const received = tensorOf(v[label]);
    const from = tensorOf(v[dZ]);
    if (!received || !from) return fail(`On ${run.description}: return ${label} and ${dZ} as tensors.`);
    const variant = safely(() => scoped(() => backwardStepVariant(label, received, tf.matMul(tf.transpose(toTensor(c[W])), toTensor(from)), toTensor(c[D]), run.inputs.keepProb, toTensor(c[D === "D1" ? "D2" : "D1"]))));
    if (!variant || variant === "neither") {
      return fail(`On ${run.description}: ${label} is not Wᵀ·dZ with dropout's step applied (the cache's mask ${D}, the division by keepProb): ${variant === "neither" ? "it is the plain backward pass, without dropout" : "it matches no version of the step"}.`);
    }
  }
  return ok();
}

function backwardWork(runs: BackwardRun[]): Verdict {
  return firstFailure(runs.map((run) => all(() => backwardChain(run), () => backwardStepApplied(run))));
}

// ---------------------------------------------------------------------------------------------- forward

/** A3 and the cache equal the references (the solution's outputs on the same inputs). */
function forwardReference(run: ForwardRun, references: ExpectedOutputs, description = run.spec.description): Verdict {
  const error = callError(run, description);
  if (error) return fail(error);
  const expected = references.forward[run.spec.id];
  if (!expected) throw new Error(`no reference outputs for forward case "${run.spec.id}": run \`npm run assign\``);
  for (const label of ["A3", "cache.D1", "cache.A1", "cache.D2", "cache.A2", "cache.Z1", "cache.Z2", "cache.Z3"]) {
    const c = compare(short(label), run.result.values[label], expected[label], isPublic(run));
    if (!c.ok) {
      const hidden = hiddenSizes(run.inputs);
      const diagnosis = maskDiagnosis(run) ?? diagnoseRngUse(run.result, run.inputs, hidden) ?? diagnoseForwardValues(run.result, run.inputs, run.source);
      return fail(`On ${description}: ${c.why}.${diagnosis ? `\n${diagnosis}` : ""}`);
    }
  }
  return ok();
}

function hiddenSizes(inputs: ForwardInputs): [number, number] {
  return [inputs.parameters.W1.shape[0], inputs.parameters.W2.shape[0]];
}

/**
 * forward.course. Rule: the course's case equals the published values (the references). Gate: the same
 * inputs with a generator and keepProb of the grader's own (the hidden twin, run in every grading) give the
 * solution's values too, so recalling the published outputs for the published inputs is not credited.
 */
function courseForward(evidence: Evidence, references: ExpectedOutputs): Verdict {
  const course = evidence.forward.find((r) => r.spec.course);
  if (!course) return fail("The course's case was not run.");
  const twin = evidence.forward.find((r) => r.spec.courseInputs);
  return all(
    () => forwardReference(course, references),
    () => (twin ? gated(forwardReference(twin, references)) : ok()),
  );
}

/** What is wrong with the first mask that is not the generator's, when the mask itself shows it. */
function maskDiagnosis(run: ForwardRun): string | undefined {
  const expected = generatorMasks(run.inputs);
  for (const [label, draws, mask] of [["D1", expected.draws1, expected.D1], ["D2", expected.draws2, expected.D2]] as const) {
    const got = tensorOf(run.result.values[`cache.${label}`]);
    if (!got || got.shape.join() !== mask.shape.join() || got.values.every((v, k) => v === mask.values[k])) continue;
    const other = tensorOf(run.result.values[label === "D1" ? "cache.D2" : "cache.D1"]);
    const diagnosis = diagnoseMask(label, got.values, draws.values, got.shape, run.inputs, run.result.rng, other?.values);
    if (diagnosis) return diagnosis;
  }
  return undefined;
}

/**
 * forward.masks. Rule (nothing to gate: the recomputation is the evidence): on every case, the large one
 * included, D1 and D2 are exactly the generator's masks, recomputed here from the seed: D1 = rand(rows of A1,
 * m) < keepProb, then D2 = rand(rows of A2, m) < keepProb (all ones at keepProb 1). The large case's masks
 * keep some units and drop some, so masks that keep nothing or everything fail.
 */
function masksOf(run: ForwardRun): Verdict {
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const where = run.spec.description;
  const expected = generatorMasks(run.inputs);
  for (const [{ D, A, W }, draws, mask] of [[LAYERS[0], expected.draws1, expected.D1], [LAYERS[1], expected.draws2, expected.D2]] as const) {
    const label = short(D);
    const got = tensorOf(run.result.values[D]);
    if (!got) return fail(`On ${where}: the cache has no tensor ${label}; store the mask there (the backward pass needs it).`);
    const activation = tensorOf(run.result.values[A]);
    if (activation && got.shape.join() !== activation.shape.join()) return fail(`On ${where}: ${label} has shape ${formatShape(got.shape)} but ${short(A)} has shape ${formatShape(activation.shape)}; a mask is shaped like its activations.`);
    if (got.shape.join() !== layerShape(run.inputs, W).join()) return fail(`On ${where}: ${label} has shape ${formatShape(got.shape)}; it should be shaped like ${short(A)}, ${formatShape(layerShape(run.inputs, W))}.`);
    const odd = got.values.find((v) => v !== 0 && v !== 1);
    if (odd !== undefined) return fail(`On ${where}: ${label} holds values other than 0 and 1 (for example ${round(odd)}); store the mask (D < keepProb), not the random draws.`);
    const k = got.values.findIndex((v, i) => v !== mask.values[i]);
    if (k >= 0) {
      // The first wrong mask's diagnosis, or the other wrong mask's when the first shows nothing (one that keeps every unit).
      const diagnosis = maskDiagnosis(run) ?? diagnoseRngUse(run.result, run.inputs, hiddenSizes(run.inputs)) ?? diagnoseDegenerateMask(label, got.values, run.inputs.keepProb);
      const at = `[${Math.floor(k / got.shape[1])}, ${k % got.shape[1]}]`;
      const value = isPublic(run) ? `${label}${at} is ${round(got.values[k])}; the generator's mask has ${mask.values[k]}` : `${label}${at} is ${round(got.values[k])}, not what the generator gives`;
      return fail(`On ${where}: ${label} is not the mask the generator you are given makes (first D1 = rng.rand(rows, cols) < keepProb shaped like A1, then D2 likewise shaped like A2, nothing else drawn): ${value}.${diagnosis ? `\n${diagnosis}` : ""}`);
    }
  }
  return ok();
}

/**
 * forward.kept-fraction. Rule: on the large case (40,000 + 6,000 units, keepProb 0.7), D1 and D2 are 0/1
 * masks shaped like their activations that keep a fraction within 0.03 of keepProb. Gate: the units are
 * dropped independently: neighbouring examples' masks agree about p² + (1 − p)² of the time (within 0.03),
 * so a fixed pattern or a mask shared by all examples is not credited; masks keeping nothing or everything
 * fail the rule itself.
 */
function keptFraction(run: ForwardRun | undefined): Verdict {
  if (!run) return fail("The large case was not run.");
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const p = run.spec.keepProb;
  const tolerance = 0.03; // 9 standard deviations for D1's 40,000 units, 4 for D2's 6,000: a correct mask never fails
  for (const { D, W } of LAYERS) {
    const label = short(D);
    const mask = output(run.result, D, run.spec.description, layerShape(run.inputs, W), run.spec.keepProb);
    if (!mask.ok) return fail(mask.why);
    const values = mask.t.values;
    const notMask = notAMask(run.spec.description, label, values);
    if (notMask) return notMask;
    const kept = values.filter((v) => v === 1).length / values.length;
    if (Math.abs(kept - p) > tolerance) {
      return fail(`With keepProb ${p} on ${run.spec.description}, your ${label} keeps ${(100 * kept).toFixed(1)}% of the units; about ${100 * p}% should survive.${Math.abs(kept - (1 - p)) <= tolerance ? " That is 1 - keepProb: the threshold is inverted (keep where the draw is below keepProb)." : ""}`);
    }
    const [rows, cols] = mask.t.shape;
    let same = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j + 1 < cols; j++) same += values[i * cols + j] === values[i * cols + j + 1] ? 1 : 0;
    const agreement = same / (rows * (cols - 1));
    const independent = p * p + (1 - p) * (1 - p);
    if (Math.abs(agreement - independent) > tolerance) {
      return gated(fail(`On ${run.spec.description}, a unit's ${label} agrees with the next example's ${(100 * agreement).toFixed(1)}% of the time; masks drawn independently agree about ${(100 * independent).toFixed(1)}% of the time. Each unit of each example gets its own draw: ${label} = rng.rand(rows, cols) < keepProb.`));
    }
  }
  return ok();
}

/**
 * forward.scaling. Rule: on every case with keepProb < 1, the large one included, A1 = relu(Z1) * D1 /
 * keepProb and A2 = relu(Z2) * D2 / keepProb from the student's own Z and D (0/1 masks). Gate: dropout shown
 * over the hidden cases (dropoutShown): kept active units and dropped would-be-active units both occur, so
 * the division and the zeroing are both exercised; masks of 0s (A ≡ 0) or of 1s are not credited.
 */
function forwardScaling(evidence: Evidence): Verdict {
  const runs = forwardRuns(evidence).filter((r) => r.spec.keepProb < 1);
  return all(
    () =>
      firstFailure(
        runs.map((run) => {
          const error = callError(run, run.spec.description);
          if (error) return fail(error);
          for (const { Z, D, A, W } of LAYERS) {
            const shape = layerShape(run.inputs, W);
            const got = [output(run.result, Z, run.spec.description, shape, run.spec.keepProb), output(run.result, D, run.spec.description, shape, run.spec.keepProb)];
            for (const g of got) if (!g.ok) return fail(`${g.why} ${short(A)} should be relu(${short(Z)}) * ${short(D)} / keepProb, from your own ${short(Z)} and ${short(D)}.`);
            const [z, d] = got.map((g) => (g as { t: WireTensor }).t);
            const notMask = notAMask(run.spec.description, short(D), d.values);
            if (notMask) return notMask;
            const expected = scoped(() => fromTensor(tf.div(tf.mul(tf.relu(toTensor(z)), toTensor(d)), run.spec.keepProb)));
            const c = compare(short(A), run.result.values[A], expected, isPublic(run));
            if (!c.ok) {
              const diagnosis = diagnoseForwardValues(run.result, run.inputs, run.source);
              return fail(`On ${run.spec.description}: ${short(A)} should be relu(${short(Z)}) * ${short(D)} / keepProb, from your own ${short(Z)} and ${short(D)}; ${c.why}.${diagnosis ? `\n${diagnosis}` : ""}`);
            }
          }
          return ok();
        }),
      ),
    () => gated(dropoutShown(evidence)),
  );
}

/** A3 at keepProb = 1 is the plain forward pass (recomputed here). */
function keepAllValue(run: ForwardRun): Verdict {
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const c = compare("A3", run.result.values.A3, plainForward(run.inputs), isPublic(run));
  if (c.ok) return ok();
  const origin = diagnoseNonFinite(run.result, run.spec.keepProb);
  return fail(`With keepProb = 1 nothing may be dropped and nothing scaled, so A3 must equal the plain forward pass: ${c.why}.${origin ? `\nThe first of them: ${origin}` : ""}`);
}

/**
 * forward.keep-all. Rule: at keepProb = 1, A3 equals the plain forward pass (recomputed here). Gate: dropout
 * shown at keepProb < 1 over the hidden cases (dropoutShown), so a function that never drops (the plain
 * forward pass everywhere) is not credited.
 */
function keepAll(evidence: Evidence): Verdict {
  const run = evidence.forward.find((r) => r.spec.keepProb === 1);
  if (!run) return fail("The keepProb = 1 case was not run.");
  return all(() => keepAllValue(run), () => gated(dropoutShown(evidence)));
}

/** Z1 = W1·X + b1, recomputed here from the inputs: the input features are not dropped. */
function linearLayer(run: ForwardRun): Verdict {
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const z1 = scoped(() => fromTensor(tf.add(tf.matMul(toTensor(run.inputs.parameters.W1), toTensor(run.inputs.X)), toTensor(run.inputs.parameters.b1))));
  const c = compare("Z1", run.result.values["cache.Z1"], z1, isPublic(run));
  return c.ok ? ok() : fail(`On ${run.spec.description}: Z1 should be W1·X + b1 with X as it is (no dropout on the input features); ${c.why}.`);
}

/**
 * forward.layers. Rule: on every case, the large one included, Z1 = W1·X + b1 (recomputed here: the input is
 * not dropped), Z3 = W3·A2 + b3 and A3 = sigmoid(Z3) from the student's own A2 and Z3 (the output is not
 * dropped). Gate: dropout shown over the hidden cases (dropoutShown): "no dropout on the input or output
 * layer" means nothing for a function that drops nothing anywhere.
 */
function layers(evidence: Evidence): Verdict {
  const runs = forwardRuns(evidence);
  // The output layer is judged from the student's own A2: where A2 holds NaN or Infinity (a mistake of the
  // dropout step, which the other checks name), this check has nothing to say about that case, and says so
  // only if no case is left.
  const finiteA2 = (run: ForwardRun) => tensorOf(run.result.values["cache.A2"])?.values.every(Number.isFinite) ?? true;
  const judged = runs.filter(finiteA2);
  return all(
    () => (judged.length === 0 && runs.length > 0 ? fail(`Not checked: your A2 holds NaN or Infinity on every case, so the output layer cannot be judged. ${diagnoseNonFinite(runs[0].result, runs[0].spec.keepProb) ?? ""}`.trim()) : ok()),
    () =>
      firstFailure(
        runs.map((run) =>
          all(
            () => linearLayer(run),
            () => {
              if (!finiteA2(run)) return ok();
              const where = run.spec.description;
              const [n3, m] = [run.inputs.parameters.W3.shape[0], run.inputs.X.shape[1]];
              const A2 = output(run.result, "cache.A2", where, layerShape(run.inputs, "W2"), run.spec.keepProb);
              if (!A2.ok) return fail(A2.why);
              const Z3 = output(run.result, "cache.Z3", where, [n3, m], run.spec.keepProb);
              if (!Z3.ok) return fail(Z3.why);
              const p = run.inputs.parameters;
              const z3 = scoped(() => fromTensor(tf.add(tf.matMul(toTensor(p.W3), toTensor(A2.t)), toTensor(p.b3))));
              const c3 = compare("Z3", Z3.t, z3, isPublic(run));
              if (!c3.ok) return fail(`On ${where}: Z3 should be W3·A2 + b3, from your own A2; ${c3.why}.`);
              const a3 = scoped(() => fromTensor(tf.sigmoid(toTensor(Z3.t))));
              const c = compare("A3", run.result.values.A3, a3, isPublic(run));
              return c.ok ? ok() : fail(`On ${where}: A3 should be sigmoid(Z3), with no mask and no scaling (no dropout on the output layer); ${c.why}.`);
            },
          ),
        ),
      ),
    () => gated(dropoutShown(evidence)),
  );
}

/**
 * forward.inputs. Rule: on every case, the large one included, the repeat (the same input objects, with a
 * generator seeded alike) returns exactly what the first call returned: a first call that changed X or a
 * parameter, or that drew from anything but the generator given, shows there. Gate: real forward work (see
 * forwardWork), so a function computing nothing from its inputs is not credited. The sandbox's own report
 * of changed inputs only words the message.
 */
function forwardInputsUnchanged(evidence: Evidence): Verdict {
  const runs = forwardRuns(evidence);
  return all(
    () => firstFailure(runs.map((run) => callError(run, run.spec.description)).filter(Boolean).map((e) => fail(e!))),
    () =>
      firstFailure(
        runs.map((run) =>
          repeatsItself(run, run.spec.description, () =>
            run.result.mutated.length > 0
              ? changedInputs(run.result.mutated)
              : "Either it changed its inputs (X or the parameters: write results into new tensors, never into the inputs), or it draws randomness from something other than the rng it is given (Math.random, tf.randomUniform).",
          ),
        ),
      ),
    () => gated(forwardWork(evidence)),
  );
}

// ---------------------------------------------------------------------------------------------- backward

function backwardReference(run: BackwardRun, references: ExpectedOutputs, reveal: boolean): Verdict {
  const error = backwardCallError(run);
  if (error) return fail(error);
  const reference = references.backward[run.id];
  if (!reference) throw new Error(`no reference outputs for backward case "${run.id}": run \`npm run assign\``);
  for (const label of ["dA2", "dA1", "dZ3", "dW3", "db3", "dZ2", "dW2", "db2", "dZ1", "dW1", "db1"]) {
    const c = compare(label, run.result.values[label], reference.outputs[label], reveal);
    if (!c.ok) {
      const step = backwardStep(run);
      return fail(`On ${run.description}: ${c.why}.${step ? `\n${step}` : ""}`);
    }
  }
  return ok();
}

/** Dropout's two steps in the backward pass, from the student's own dZ3 and dZ2. */
function backwardStep(run: BackwardRun): string | undefined {
  const v = run.result.values;
  const [dZ3, dZ2, dA2, dA1] = [tensorOf(v.dZ3), tensorOf(v.dZ2), tensorOf(v.dA2), tensorOf(v.dA1)];
  if (!dZ3 || !dZ2 || !dA2 || !dA1) return "Return all eleven gradients (dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1) as tensors.";
  const c = run.inputs.cache;
  const diagnosis = safely(() =>
    scoped(() => {
      const step2 = diagnoseBackwardStep("dA2", dA2, tf.matMul(tf.transpose(toTensor(c.W3)), toTensor(dZ3)), toTensor(c.D2), run.inputs.keepProb, toTensor(c.D1), run.source);
      if (step2) return step2;
      return diagnoseBackwardStep("dA1", dA1, tf.matMul(tf.transpose(toTensor(c.W2)), toTensor(dZ2)), toTensor(c.D1), run.inputs.keepProb, toTensor(c.D2), run.source);
    }),
  );
  // Undefined too when it cannot be computed (dZ of the wrong shape): the comparisons and gates say that.
  return diagnosis;
}

/**
 * backward.course. Rule: the course's case equals the published gradients. Gate: the course's X and cache
 * with labels and keepProb of the grader's own (the hidden twin, run in every grading) give the solution's
 * gradients too, so recalling the published gradients for the published inputs is not credited.
 */
function courseBackward(evidence: Evidence, references: ExpectedOutputs): Verdict {
  const course = evidence.backward.find((r) => r.id === "course");
  if (!course) return fail("The course's case was not run.");
  const twin = evidence.backward.find((r) => r.courseInputs);
  return all(
    () => backwardReference(course, references, true),
    () => (twin ? gated(backwardReference(twin, references, false)) : ok()),
  );
}

/**
 * backward.masks. Rule: on every case, dA2 = W3ᵀ·dZ3 * D2 / keepProb and dA1 = W2ᵀ·dZ2 * D1 / keepProb,
 * from the student's own dZ3 and dZ2 and the cache's masks. Gate: dZ3 = A3 − Y (recomputed here) and dZ2 =
 * dA2 * (A2 > 0), and gradient reaches both layers (backwardChain): zero gradients (for which the rule holds
 * trivially) or a faked dZ are not credited.
 */
function backwardMasks(runs: BackwardRun[]): Verdict {
  // Cases that returned gradients first: a mistake confirmed on numbers says more than another case's error.
  const ordered = [...runs].sort((a, b) => Number(!a.result.ok) - Number(!b.result.ok));
  return firstFailure(
    ordered.map((run) =>
      all(
        () => {
          const error = backwardCallError(run);
          if (error) return fail(error);
          const step = backwardStep(run);
          return step ? fail(`On ${run.description}: ${step}`) : ok();
        },
        () => gated(backwardChain(run)),
      ),
    ),
  );
}


/**
 * backward.autodiff. Rule (nothing to gate: the recomputation is the evidence): on every hidden case with a
 * consistent cache (its own forward pass; not the course's published cache), dW1..db3 equal tf.grad of the
 * cost with the masks held fixed. The expected gradients are nonzero, so zero gradients fail.
 */
function backwardAutodiff(runs: BackwardRun[]): Verdict {
  if (runs.length === 0) return fail("No case of this check was run, so it cannot be passed.");
  return firstFailure(
    runs.map((run) => {
      const error = backwardCallError(run);
      if (error) return fail(error);
      const expected = autodiffGradients(run.inputs);
      for (const name of ["dW3", "db3", "dW2", "db2", "dW1", "db1"]) {
        const c = compare(name, run.result.values[name], expected[name], false);
        if (!c.ok) {
          const step = backwardStep(run);
          return fail(`On ${run.description}: ${c.why} (compared with tf.grad of the cost, the forward pass's masks held fixed).${step ? `\n${step}` : ""}`);
        }
      }
      return ok();
    }),
  );
}

/**
 * backward.deterministic. Rule: on every case, the repeat (the same input objects, called again) returns
 * exactly the first call's gradients, and so does the grader's own second call with fresh inputs where it
 * made one. Gate: real backward work (backwardWork), so constant or zero gradients are not credited.
 */
function deterministic(runs: BackwardRun[]): Verdict {
  const explain = "The backward pass draws nothing: it re-uses the masks D1 and D2 from the cache.";
  return all(
    () => firstFailure(runs.map((run) => backwardCallError(run)).filter(Boolean).map((e) => fail(e!))),
    () =>
      firstFailure(
        runs.map((run) => {
          const again = run.again;
          if (again && !again.ok) return fail(callError({ result: again }, `${run.description}, called a second time`) ?? "The second call failed.");
          if (again?.ok) {
            const name = firstDifference(run.result.values, again.values);
            if (name !== undefined) return fail(`Called twice with the same inputs (${run.description}), your function returned different ${name}. ${explain}`);
          }
          // Inputs the call changed or disposed explain a differing (or failing) repeat better than randomness.
          const repeated = repeatsItself(run, run.description, () => (run.result.mutated.length > 0 ? changedInputs(run.result.mutated) : explain));
          return repeated.passed ? repeated : fail(repeated.why.replace("returned a different", "returned different"));
        }),
      ),
    () => gated(backwardWork(runs)),
  );
}

/**
 * backward.inputs. Rule: on every case, the repeat (the same input objects, called again right after)
 * returns exactly the first call's gradients: a first call that changed X, Y or the cache's tensors shows
 * there. Gate: real backward work (backwardWork). The sandbox's own report of changed inputs only words the
 * message.
 */
function backwardInputsUnchanged(runs: BackwardRun[]): Verdict {
  return all(
    () => firstFailure(runs.map((run) => backwardCallError(run)).filter(Boolean).map((e) => fail(e!))),
    () =>
      firstFailure(
        runs.map((run) =>
          repeatsItself(run, run.description, () =>
            run.result.mutated.length > 0
              ? changedInputs(run.result.mutated)
              : "Either it changed its inputs (X, Y or the cache's tensors: write results into new tensors), or it draws randomness, which the backward pass never does.",
          ),
        ),
      ),
    () => gated(backwardWork(runs)),
  );
}

// ---------------------------------------------------------------------------------------------- all

export interface Evidence {
  forward: ForwardRun[];
  /** The large case: run in grading, not in a self-check. */
  statistics?: ForwardRun;
  backward: BackwardRun[];
}


/** Each given check's verdict (the grader passes them all with their points; the public tests the public ones). */
export function runChecks(evidence: Evidence, references: ExpectedOutputs, unavailable: Unavailable, checks: (CheckDefinition & { points: number })[]): CheckResult[] {
  return scoredResults(checks, unavailable, evidence, references);
}

