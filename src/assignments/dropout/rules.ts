/**
 * The dropout checks' rules for one call, shared by the grader (every case) and the notebook's public tests
 * (the public cases): each compares the student's outputs with what is expected on the case, given by an
 * oracle. The grader's oracle recomputes (grader/assignments/dropout/checks/recompute.ts) and reads its
 * references; the public tests' oracle reads the data `npm run assign` wrote for the public cases. So a check
 * says the same in both, and nothing here computes a pass with dropout: what is recomputed here is the plain
 * part the course gives (W·A + b, the sigmoid, A3 − Y, ReLU's derivative), from the inputs or the student's
 * own tensors.
 */
import * as tf from "@tensorflow/tfjs";
import { ATOL } from "../../compare";
import { formatShape } from "../../format";
import type { WireTensor } from "../../testing/tensorData";
import { close, compare, fromTensor, round, scoped, tensorOf, toTensor } from "../../testing/tensorData";
import type { Diagnosis, GateRun, Verdict } from "../../testing/verdicts";
import { callError, diagnosis, fail, failed, failWith, flatValues, ok, safely } from "../../testing/verdicts";
import type { ForwardInputs } from "./calls";
import { named } from "./misconceptions";
import type { BackwardStepCandidates, ForwardOutcomes } from "./diagnoses";
import { diagnoseBackwardStep, diagnoseDegenerateMask, diagnoseForwardValues, diagnoseMask, diagnoseRngUse } from "./diagnoses";
import type { BackwardRun, ForwardRun } from "./evidence";
import { backwardCallError, LAYERS, layerShape, notAMask, output, short } from "./evidence";

/** The generator's draws and masks on a case: rng.rand shaped like A1, then like A2, and each < keepProb. */
export interface GeneratorMasks {
  draws1: WireTensor;
  draws2: WireTensor;
  D1: WireTensor;
  D2: WireTensor;
}

/** What a forward case is judged against: the solution's outputs, the generator's masks, what the typical mistakes give. */
export interface ForwardOracle {
  /** A3 and cache.<name> as the solution gives them. */
  outputs(): Record<string, WireTensor>;
  masks(): GeneratorMasks;
  outcomes: ForwardOutcomes;
}

/** The versions of dropout's backward step for dA2 (from W3ᵀ·dZ3) or dA1 (from W2ᵀ·dZ2), given the student's own dZ. */
export type BackwardSteps = (label: "dA2" | "dA1", ownDZ: WireTensor) => BackwardStepCandidates | undefined;

const FORWARD_OUTPUTS = ["A3", "cache.D1", "cache.A1", "cache.D2", "cache.A2", "cache.Z1", "cache.Z2", "cache.Z3"];
const GRADIENTS = ["dA2", "dA1", "dZ3", "dW3", "db3", "dZ2", "dW2", "db2", "dZ1", "dW1", "db1"];

export function hiddenSizes(inputs: ForwardInputs): [number, number] {
  return [inputs.parameters.W1.shape[0], inputs.parameters.W2.shape[0]];
}

/** A3 and the cache equal the solution's outputs on the same inputs; `reveal`: whether the expected values may be shown. */
export function forwardReference(run: ForwardRun, oracle: ForwardOracle, reveal: boolean, description = run.spec.description): Verdict {
  const error = callError(run, description);
  if (error) return fail(error);
  const expected = oracle.outputs();
  for (const label of FORWARD_OUTPUTS) {
    const c = compare(short(label), run.result.values[label], expected[label], reveal);
    if (!c.ok) {
      const diagnosis = maskDiagnosis(run, oracle) ?? diagnoseRngUse(run.result, run.inputs, hiddenSizes(run.inputs)) ?? diagnoseForwardValues(run.result, run.inputs, oracle.outcomes, run.source);
      return failWith(`On ${description}: ${c.why}.`, diagnosis);
    }
  }
  return ok();
}

/** What is wrong with the first mask that is not the generator's, when the mask itself shows it. */
export function maskDiagnosis(run: ForwardRun, oracle: ForwardOracle): Diagnosis | undefined {
  const expected = oracle.masks();
  for (const [label, draws, mask] of [["D1", expected.draws1, expected.D1], ["D2", expected.draws2, expected.D2]] as const) {
    const got = tensorOf(run.result.values[`cache.${label}`]);
    if (!got || got.shape.join() !== mask.shape.join() || got.values.every((v, k) => v === mask.values[k])) continue;
    const other = tensorOf(run.result.values[label === "D1" ? "cache.D2" : "cache.D1"]);
    const diagnosis = diagnoseMask(label, got.values, draws.values, got.shape, run.inputs, oracle.outcomes, run.result.rng, other?.values, run.source);
    if (diagnosis) return diagnosis;
  }
  return undefined;
}

/**
 * forward.masks' rule (nothing to gate: the generator's masks are the evidence): D1 and D2 are exactly the
 * generator's masks: D1 = rand(rows of A1, m) < keepProb, then D2 = rand(rows of A2, m) < keepProb (all
 * ones at keepProb 1).
 */
export function masksOf(run: ForwardRun, oracle: ForwardOracle, reveal: boolean): Verdict {
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const where = run.spec.description;
  const expected = oracle.masks();
  for (const [{ D, A, W }, mask] of [[LAYERS[0], expected.D1], [LAYERS[1], expected.D2]] as const) {
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
      const diagnosis = maskDiagnosis(run, oracle) ?? diagnoseRngUse(run.result, run.inputs, hiddenSizes(run.inputs)) ?? diagnoseDegenerateMask(label, got.values, run.inputs.keepProb);
      const at = `[${Math.floor(k / got.shape[1])}, ${k % got.shape[1]}]`;
      const value = reveal ? `${label}${at} is ${round(got.values[k])}; the generator's mask has ${mask.values[k]}` : `${label}${at} is ${round(got.values[k])}, not what the generator gives`;
      return failWith(`On ${where}: ${label} is not the mask the generator you are given makes (first D1 = rng.rand(rows, cols) < keepProb shaped like A1, then D2 likewise shaped like A2, nothing else drawn): ${value}.`, diagnosis);
    }
  }
  return ok();
}

/**
 * forward.scaling's rule on one case with keepProb < 1: A1 = relu(Z1) * D1 / keepProb and A2 = relu(Z2) * D2
 * / keepProb, from the student's own Z and D (0/1 masks): the student's own numbers against each other.
 */
export function scalingOf(run: ForwardRun, outcomes: ForwardOutcomes, reveal: boolean): Verdict {
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  for (const { Z, D, A, W } of LAYERS) {
    const shape = layerShape(run.inputs, W);
    const got = [output(run.result, Z, run.spec.description, shape, run.spec.keepProb), output(run.result, D, run.spec.description, shape, run.spec.keepProb)];
    for (const g of got) if (!g.ok) return fail(`${g.why} ${short(A)} should be relu(${short(Z)}) * ${short(D)} / keepProb, from your own ${short(Z)} and ${short(D)}.`, g.misconceptions, g.naming);
    const [z, d] = got.map((g) => (g as { t: WireTensor }).t);
    const notMask = notAMask(run.spec.description, short(D), d.values);
    if (notMask) return notMask;
    const scaled = { shape: z.shape, values: z.values.map((v, k) => (Math.max(v, 0) * d.values[k]) / run.spec.keepProb) };
    const c = compare(short(A), run.result.values[A], scaled, reveal);
    if (!c.ok) {
      const diagnosis = diagnoseForwardValues(run.result, run.inputs, outcomes, run.source);
      return failWith(`On ${run.spec.description}: ${short(A)} should be relu(${short(Z)}) * ${short(D)} / keepProb, from your own ${short(Z)} and ${short(D)}; ${c.why}.`, diagnosis);
    }
  }
  return ok();
}

/** Z1 = W1·X + b1, from the inputs: the input features are not dropped. */
export function linearLayer(run: ForwardRun, reveal: boolean): Verdict {
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const z1 = scoped(() => fromTensor(tf.add(tf.matMul(toTensor(run.inputs.parameters.W1), toTensor(run.inputs.X)), toTensor(run.inputs.parameters.b1))));
  const c = compare("Z1", run.result.values["cache.Z1"], z1, reveal);
  if (c.ok) return ok();
  const why = `On ${run.spec.description}: Z1 should be W1·X + b1 with X as it is (no dropout on the input features); ${c.why}.`;
  return failWith(why, inputDropped(run) ? named("dropout-on-input", "Your Z1 is W1·(X * D / keepProb) + b1 for a 0/1 mask D on the input features: dropout applied to the input. Only the two hidden layers are dropped out.") : undefined);
}

/**
 * Whether the student's Z1 is W1·(X * M / keepProb) + b1 for a 0/1 mask M on the input features: tried example by
 * example over every mask of its features (a net with a few input features only). Said only where the evidence
 * shows dropout, not another mistake: some example keeps a feature (scaled by 1 / keepProb) and drops another.
 * Z1 = b1 (no W1·X at all) fits the empty mask everywhere, and is not input dropout.
 */
function inputDropped(run: ForwardRun): boolean {
  const Z1 = tensorOf(run.result.values["cache.Z1"]);
  const { X, parameters: { W1, b1 }, keepProb } = run.inputs;
  const [n0, m] = X.shape;
  const n1 = W1.shape[0];
  if (!Z1 || Z1.shape.join() !== [n1, m].join() || n0 > 8 || keepProb >= 1) return false;
  let dropped = false;
  for (let j = 0; j < m; j++) {
    let fits = false;
    for (let mask = 0; mask < 1 << n0 && !fits; mask++) {
      fits = Array.from({ length: n1 }, (_, i) => {
        let z = b1.values[i];
        for (let k = 0; k < n0; k++) if (mask & (1 << k)) z += (W1.values[i * n0 + k] * X.values[k * m + j]) / keepProb;
        return close(Z1.values[i * m + j], z);
      }).every(Boolean);
      if (fits && mask !== 0 && mask !== (1 << n0) - 1) dropped = true;
    }
    if (!fits) return false;
  }
  return dropped;
}

/**
 * Whether the student's A3 is sigmoid(Z3) * D / keepProb for a 0/1 mask D that drops some unit and keeps another
 * (the kept ones showing the division): dropout on the output layer. An A3 of zeros is not.
 */
function outputDropped(A3: WireTensor | undefined, sigmoid: WireTensor, keepProb: number): boolean {
  if (!A3 || A3.values.length !== sigmoid.values.length || keepProb >= 1) return false;
  let [dropped, kept] = [false, false];
  const each = A3.values.every((a, k) => {
    if (a === 0 && sigmoid.values[k] > 1e-6) return (dropped = true);
    if (a !== 0 && close(a, sigmoid.values[k] / keepProb) && !close(a, sigmoid.values[k])) return (kept = true);
    return false;
  });
  return each && dropped && kept;
}

/** Z3 = W3·A2 + b3 and A3 = sigmoid(Z3), from the student's own A2 and Z3: the output layer is not dropped. */
export function outputLayer(run: ForwardRun, reveal: boolean): Verdict {
  const where = run.spec.description;
  const [n3, m] = [run.inputs.parameters.W3.shape[0], run.inputs.X.shape[1]];
  const A2 = output(run.result, "cache.A2", where, layerShape(run.inputs, "W2"), run.spec.keepProb);
  if (!A2.ok) return fail(A2.why, A2.misconceptions, A2.naming);
  const Z3 = output(run.result, "cache.Z3", where, [n3, m], run.spec.keepProb);
  if (!Z3.ok) return fail(Z3.why, Z3.misconceptions, Z3.naming);
  const p = run.inputs.parameters;
  const z3 = scoped(() => fromTensor(tf.add(tf.matMul(toTensor(p.W3), toTensor(A2.t)), toTensor(p.b3))));
  const c3 = compare("Z3", Z3.t, z3, reveal);
  if (!c3.ok) return fail(`On ${where}: Z3 should be W3·A2 + b3, from your own A2; ${c3.why}.`);
  const a3 = scoped(() => fromTensor(tf.sigmoid(toTensor(Z3.t))));
  const c = compare("A3", run.result.values.A3, a3, reveal);
  if (c.ok) return ok();
  const why = `On ${where}: A3 should be sigmoid(Z3), with no mask and no scaling (no dropout on the output layer); ${c.why}.`;
  return failWith(why, outputDropped(tensorOf(run.result.values.A3), a3, run.spec.keepProb) ? named("dropout-on-output", "Your A3 is sigmoid(Z3) masked and divided by keepProb: dropout applied to the output layer. The output unit is never dropped.") : undefined);
}

// ---------------------------------------------------------------------------------------------- backward

/** All eleven gradients equal the solution's (`expected`); a mismatch gets dropout's step diagnosed. */
export function backwardReference(run: BackwardRun, expected: Record<string, WireTensor>, reveal: boolean, steps: BackwardSteps): Verdict {
  const error = backwardCallError(run);
  if (error) return failed(error);
  for (const label of GRADIENTS) {
    const c = compare(label, run.result.values[label], expected[label], reveal);
    if (!c.ok) {
      const step = backwardStep(run, steps);
      return failWith(`On ${run.description}: ${c.why}.`, step);
    }
  }
  return ok();
}

/** Dropout's two steps in the backward pass, from the student's own dZ3 and dZ2: what is wrong with them, if anything. */
export function backwardStep(run: BackwardRun, steps: BackwardSteps): Diagnosis | undefined {
  const v = run.result.values;
  const [dZ3, dZ2, dA2, dA1] = [tensorOf(v.dZ3), tensorOf(v.dZ2), tensorOf(v.dA2), tensorOf(v.dA1)];
  if (!dZ3 || !dZ2 || !dA2 || !dA1) return diagnosis([], "Return all eleven gradients (dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1) as tensors.");
  const c = run.inputs.cache;
  // Undefined too when it cannot be computed (dZ of the wrong shape): the comparisons and gates say that.
  return safely(() => {
    const candidates2 = steps("dA2", dZ3);
    const step2 = candidates2 && diagnoseBackwardStep("dA2", dA2, candidates2, c.D2.values, run.source);
    if (step2) return step2;
    const candidates1 = steps("dA1", dZ2);
    return candidates1 && diagnoseBackwardStep("dA1", dA1, candidates1, c.D1.values, run.source);
  });
}

/**
 * What backward.masks needs before it can judge anything, over `runs`: the student's own dZ3 and dZ2 are not 0
 * on every case, so the mask and the division show in dA2 and dA1. A dZ of zeros satisfies dA = Wᵀ·dZ * D /
 * keepProb with nothing masked: the check says so as a fact (it is not judged), never as a reason to withhold
 * a check it passed.
 */
export function stepSeen(runs: BackwardRun[]): Verdict {
  for (const [dZ, dA, D, W] of [["dZ3", "dA2", "D2", "W3"], ["dZ2", "dA1", "D1", "W2"]] as const) {
    if (runs.some((run) => tensorOf(run.result.values[dZ])?.values.some((v) => Math.abs(v) > ATOL))) continue;
    const why = dZ === "dZ3" ? "dZ3 is A3 − Y, from the cache and the labels." : "dZ2 is dA2 * (A2 > 0), from your own dA2 (ReLU's derivative).";
    return fail(`Nothing to judge: your ${dZ} is 0 on every case, so ${dA} = ${W}ᵀ·${dZ} * ${D} / keepProb holds with nothing to mask or divide. ${why}`);
  }
  return ok();
}

/** The outputs the gates of forward.inputs compare across cases (showsWork): A3. */
export function forwardGateRun(run: ForwardRun, hidden: boolean, expected: WireTensor | undefined): GateRun {
  return { where: run.spec.description, hidden, values: run.result.ok ? flatValues([tensorOf(run.result.values.A3)]) : undefined, expected: expected && expected.values };
}

/** The gradients the gates of the backward pass's repeat checks compare across cases (showsWork). */
export const GATE_GRADIENTS = ["dA1", "dA2", "dW1", "db1", "dW2", "db2", "dW3", "db3"];

export function backwardGateRun(run: BackwardRun, hidden: boolean, expected: Record<string, WireTensor> | undefined): GateRun {
  return {
    where: run.description,
    hidden,
    values: run.result.ok ? flatValues(GATE_GRADIENTS.map((name) => tensorOf(run.result.values[name]))) : undefined,
    expected: expected && flatValues(GATE_GRADIENTS.map((name) => expected[name])),
  };
}
