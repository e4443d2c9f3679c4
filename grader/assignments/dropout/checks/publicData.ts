/**
 * The data the dropout notebook's public tests judge from (src/assignments/dropout/publicTests.json), written
 * by `npm run assign`: each public case's inputs and the solution's outputs, and what every typical mistake
 * gives there, recomputed here (recompute.ts): the whole-pass mistakes' A3 and A1, the masks of other draw
 * orders and other seeds, the generator's draws, and the versions of the backward step. Public cases only:
 * nothing of a hidden case, and no code that recomputes a pass, reaches the student.
 */
import { BACKWARD_STEP_VARIANTS, FORWARD_MISTAKES, isPublicCase, masksKey, OTHER_SEEDS, passKey, scoped, streamLength, tf, toTensor } from "dropout-kit";
import type { BackwardPublicCase, DropoutPublicData, ForwardInputs, ForwardOutcomeData, ForwardPublicCase } from "dropout-kit";
import { hiddenNumbers, holdsHidden } from "../../../assign/public-data";
import { BACKWARD_CASES, FORWARD_CASES, forwardInputs } from "../cases";
import type { DropoutReferences } from "../references";
import { forwardWith, masksFrom, plainForward, stepCandidates, streamOf } from "./recompute";

/** Keep probabilities a function may have written in, whose passes the public tests can then confirm. */
const WRITTEN_IN = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.86, 0.9, 0.95];

/** Every outcome the dropout diagnoses ask for on a forward case (diagnoses.ts's ForwardOutcomes), as data. */
export function forwardOutcomeData(inputs: ForwardInputs): ForwardOutcomeData {
  const p = inputs.keepProb;
  const passes: ForwardOutcomeData["passes"] = {};
  for (const mistake of FORWARD_MISTAKES) passes[passKey(mistake.id, p)] = forwardWith(mistake.id, inputs);
  for (const q of [1 - p, ...WRITTEN_IN].filter((q) => q > 0 && q <= 1 && Math.abs(q - p) > 1e-9)) passes[passKey("correct", q)] = forwardWith("correct", inputs, q);
  passes[passKey("plain", p)] = { A3: plainForward(inputs) };
  const masks: ForwardOutcomeData["masks"] = {};
  for (const seed of OTHER_SEEDS.filter((s) => s !== inputs.seed)) masks[masksKey(seed, "D1 first")] = masksFrom(seed, inputs, "D1 first");
  for (const order of ["D2 first", "X first"] as const) masks[masksKey(inputs.seed, order)] = masksFrom(inputs.seed, inputs, order);
  return { passes, masks, stream: streamOf(inputs, streamLength(inputs)) };
}

/** The versions of the backward step on a case, from the solution's own gradients: dA2's from its dZ3, dA1's from its dZ2. */
function stepsOf(c: { inputs: BackwardPublicCase["inputs"]; outputs: BackwardPublicCase["outputs"] }): BackwardPublicCase["steps"] {
  const { cache, keepProb } = c.inputs;
  const step = (W: string, dZ: string, D: string, other: string) =>
    scoped(() => stepCandidates(tf.matMul(tf.transpose(toTensor(cache[W])), toTensor(c.outputs[dZ])), toTensor(cache[D]), keepProb, toTensor(cache[other])));
  const steps = { dA2: step("W3", "dZ3", "D2", "D1"), dA1: step("W2", "dZ2", "D1", "D2") };
  for (const list of Object.values(steps)) if (list.some(([variant], k) => !BACKWARD_STEP_VARIANTS.includes(variant) || (k > 0 && variant === "correct"))) throw new Error("backward step candidates out of order");
  return steps;
}

/** The hidden cases' answers no public case shows: an outcome holding one is left out of the data (grader/assign/public-data.ts). */
function hiddenOf(references: DropoutReferences) {
  const isPublic = (id: string, list: { id: string }[]) => list.some((c) => c.id === id && isPublicCase(c as never));
  const forward = Object.entries(references.forward);
  const backward = Object.entries(references.backward);
  return hiddenNumbers(
    [...forward.filter(([id]) => !isPublic(id, FORWARD_CASES)).flatMap(([, t]) => Object.values(t)), ...backward.filter(([id]) => !isPublic(id, BACKWARD_CASES)).flatMap(([, c]) => Object.values(c.outputs))],
    [...forward.filter(([id]) => isPublic(id, FORWARD_CASES)).flatMap(([, t]) => Object.values(t)), ...backward.filter(([id]) => isPublic(id, BACKWARD_CASES)).flatMap(([, c]) => [...Object.values(c.outputs), ...Object.values(c.inputs.cache)])],
  );
}

/** The public tests' data, from the references: public cases only, and no outcome that holds a hidden case's value. */
export function dropoutPublicData(references: DropoutReferences): DropoutPublicData {
  const hidden = hiddenOf(references);
  const forward: ForwardPublicCase[] = FORWARD_CASES.filter(isPublicCase).map((spec) => {
    const inputs = forwardInputs(spec);
    return {
      spec: { id: spec.id, description: spec.description, keepProb: spec.keepProb, ...(spec.course ? { course: true } : {}), public: true },
      inputs,
      outputs: references.forward[spec.id],
      outcomes: ((data) => ({ ...data, passes: Object.fromEntries(Object.entries(data.passes).filter(([, p]) => !holdsHidden([p.A3, p.A1], hidden))) }))(forwardOutcomeData(inputs)),
    };
  });
  const backward: BackwardPublicCase[] = BACKWARD_CASES.filter(isPublicCase).map((spec) => {
    const { inputs, outputs } = references.backward[spec.id];
    const steps = stepsOf({ inputs, outputs });
    const clean = (list: BackwardPublicCase["steps"]["dA2"]) => list.filter(([, t]) => !holdsHidden([t], hidden));
    return { id: spec.id, description: spec.description, public: true as const, inputs, outputs, steps: { dA2: clean(steps.dA2), dA1: clean(steps.dA1) } };
  });
  // Through JSON: no -0 and no undefined, the same values in memory as on disk.
  return JSON.parse(JSON.stringify({ forward, backward })) as DropoutPublicData;
}

