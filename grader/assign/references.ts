/**
 * Deriving the references (`npm run assign`): the solution (the instructor notebook's graded cells) run on every
 * grader case, the released set-up cell, and the public cases the notebook's public tests run. A test fails
 * when the committed files differ from what the source generates.
 */
import { resolve } from "node:path";
import { DROPOUT_CACHE_NAMES, GRADIENT_NAMES, isPublicCase, RandomState, tf } from "dropout-kit";
import type { DropoutCache, Matrix, Parameters, PublicCases, WireTensor } from "dropout-kit";
import { BACKWARD_CASES, courseBackwardInputs, FORWARD_CASES, forwardInputs, labels, mapValues, ownForwardOf, toWire } from "../grading/cases";
import type { BackwardInputs, ForwardInputs } from "../grading/cases";
import type { References } from "../grading/references";
import { SETUP_CELL } from "../grading/spec";
import { cellSource, gradeIdOf, readNotebook } from "../notebook/notebook";
import type { Notebook } from "../notebook/notebook";
import { INSTRUCTOR_NOTEBOOK } from "../reference-solution";
import type { DropoutFunctions } from "../reference-solution";
import { releaseNotebook } from "./release";

function fromWire(w: WireTensor): tf.Tensor {
  return tf.tensor(w.values, w.shape);
}

/** The set-up cell of the release (release.ts: settings written out), from the instructor notebook. */
export function releasedSetupCell(notebook: Notebook = readNotebook(INSTRUCTOR_NOTEBOOK)): string {
  const cell = releaseNotebook(notebook, "dropout.ipynb").cells.find((c) => gradeIdOf(c) === SETUP_CELL);
  if (!cell) throw new Error(`the instructor notebook has no cell with grade_id '${SETUP_CELL}'`);
  return cellSource(cell);
}

function runForward(solution: DropoutFunctions, inputs: ForwardInputs): Record<string, WireTensor> {
  const [A3, cache] = solution.forwardPropagationWithDropout(
    fromWire(inputs.X) as Matrix,
    mapValues(inputs.parameters, fromWire) as unknown as Parameters,
    inputs.keepProb,
    new RandomState(inputs.seed),
  );
  return { A3: toWire(A3), ...Object.fromEntries(DROPOUT_CACHE_NAMES.map((n) => [`cache.${n}`, toWire(cache[n])])) };
}

export function generateReferences(solution: DropoutFunctions): References {
  const forward: References["forward"] = {};
  const backward: References["backward"] = {};
  tf.tidy(() => {
    for (const spec of FORWARD_CASES) forward[spec.id] = runForward(solution, forwardInputs(spec));
    for (const spec of BACKWARD_CASES) {
      let inputs: BackwardInputs;
      if (spec.course) inputs = courseBackwardInputs();
      else if (spec.courseInputs) inputs = courseBackwardInputs(spec);
      else {
        // The case's own forward pass (its own seeds), for a consistent cache.
        const own = ownForwardOf(spec);
        const values = runForward(solution, own);
        const cache = Object.fromEntries(DROPOUT_CACHE_NAMES.map((n) => [n, values[`cache.${n}`]]));
        inputs = { X: own.X, Y: labels(own.X.shape[1], spec.labelSeed!), cache, keepProb: own.keepProb };
      }
      const grads = solution.backwardPropagationWithDropout(
        fromWire(inputs.X) as Matrix,
        fromWire(inputs.Y) as Matrix,
        mapValues(inputs.cache, fromWire) as unknown as DropoutCache,
        inputs.keepProb,
      );
      backward[spec.id] = { inputs, outputs: Object.fromEntries(GRADIENT_NAMES.map((n) => [n, toWire(grads[n])])) };
    }
  });
  for (const [where, tensors] of [...Object.entries(forward), ...Object.entries(backward).map(([id, b]) => [id, b.outputs] as const)]) {
    for (const [name, t] of Object.entries(tensors)) {
      if (!t.values.every(Number.isFinite)) throw new Error(`the solution's ${name} on case "${where}" holds NaN or Infinity: an expected value must be a finite number`);
    }
  }
  // Expected values hold no -0 (JSON writes it as 0): the same values in memory as on disk.
  return JSON.parse(JSON.stringify({ setupCell: releasedSetupCell(), forward, backward })) as References;
}

/** Where the public tests find the public cases (in the helper library, which students have). */
export const PUBLIC_CASES_FILE = resolve(__dirname, "../../src/checks/publicCases.json");

/** The public cases of the references, with their inputs and expected outputs: nothing of a hidden case. */
export function publicCasesOf(references: References): PublicCases {
  const forward = FORWARD_CASES.filter(isPublicCase).map((spec) => ({
    spec: { id: spec.id, description: spec.description, keepProb: spec.keepProb, course: spec.course, public: true },
    inputs: forwardInputs(spec),
    outputs: references.forward[spec.id],
  }));
  const backward = BACKWARD_CASES.filter(isPublicCase).map((spec) => ({
    id: spec.id,
    description: spec.description,
    public: true as const,
    inputs: references.backward[spec.id].inputs,
    outputs: references.backward[spec.id].outputs,
  }));
  return JSON.parse(JSON.stringify({ forward, backward })) as PublicCases;
}

export function serializeReferences(references: References | PublicCases): string {
  return `${JSON.stringify(references)}\n`;
}

