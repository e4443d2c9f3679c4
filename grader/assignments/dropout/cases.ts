/**
 * The grader's test cases: inputs only, each rebuilt deterministically from its seeds. Expected outputs
 * live elsewhere (references.json, generated from the solution by `npm run assign`) and never
 * reach the sandbox. The cases themselves are settings (grader/assignments/dropout/source/settings.ts).
 *
 * What the sandbox receives must hold no expected value of any case: a student's code can print or throw
 * its inputs into the feedback. So a hidden backward case is not built from a forward case's outputs: it
 * has seeds of its own (checked below), and its cache comes from a forward pass on its own inputs.
 */
import { courseBackwardCase, courseInputs, fromTensor, initializeParameters, RandomState, scoped, tf } from "dropout-kit";
import type { BackwardInputs, ForwardInputs, WireTensor } from "dropout-kit";
import { cases } from "./source/settings";
import type { BackwardCaseSettings, ForwardCaseSettings } from "./source/settings";

export type ForwardCaseSpec = ForwardCaseSettings;
export type BackwardCaseSpec = BackwardCaseSettings;

export const FORWARD_CASES: ForwardCaseSpec[] = cases.forward;
/** A large case for the statistics of the masks (kept fraction): checked by properties, no stored reference. */
export const STATISTICS_CASE: ForwardCaseSpec = cases.statistics;
export const BACKWARD_CASES: BackwardCaseSpec[] = cases.backward;

/** The hidden cases on the course's inputs (see settings.ts): the course checks need them too. */
export const COURSE_TWIN = "course-twin";

export type { BackwardInputs, ForwardInputs };

/** A tensor as plain data (the one conversion, dropout-kit's checks/tensorData.ts). */
export const toWire = fromTensor;

/** Inputs of a forward pass from the seeds of a case (forward, or a hidden backward case's own forward pass). */
export function forwardInputs(spec: Pick<ForwardCaseSpec, "dims" | "examples" | "keepProb" | "maskSeed" | "inputSeed" | "course" | "courseInputs">): ForwardInputs {
  return scoped(() => {
    if (spec.course || spec.courseInputs) {
      const { X, parameters } = courseInputs();
      return { X: toWire(X), parameters: mapValues(parameters, toWire), keepProb: spec.keepProb, seed: spec.maskSeed };
    }
    const rng = new RandomState(spec.inputSeed);
    const parameters = initializeParameters(spec.dims, rng);
    // Inputs of either sign, so the ReLUs are neither all on nor all off.
    const X = rng.randn(spec.dims[0], spec.examples);
    return { X: toWire(X), parameters: mapValues(parameters, toWire), keepProb: spec.keepProb, seed: spec.maskSeed };
  });
}

/** The seeds a hidden backward case's own forward pass is made from (see references.ts). */
export function ownForwardOf(spec: BackwardCaseSpec): ForwardInputs {
  const { dims, examples, keepProb, inputSeed, maskSeed } = spec;
  if (!dims || examples === undefined || keepProb === undefined || inputSeed === undefined || maskSeed === undefined || spec.labelSeed === undefined) {
    throw new Error(`grader/assignments/dropout/source/settings.ts: backward case "${spec.id}" needs dims, examples, keepProb, inputSeed, maskSeed and labelSeed (or course / courseInputs)`);
  }
  return forwardInputs({ dims, examples, keepProb, inputSeed, maskSeed });
}

/**
 * The course's backward case as wire inputs; with `twin`, the hidden case on the course's X and cache with
 * labels and keepProb of the grader's own. Other backward cases' inputs are made at assign time, from the
 * solution (references.ts), and read from the references.
 */
export function courseBackwardInputs(twin?: BackwardCaseSpec): BackwardInputs {
  const inputs = scoped(() => {
    const c = courseBackwardCase();
    return { X: toWire(c.X), Y: toWire(c.Y), cache: mapValues(c.cache as unknown as Record<string, tf.Tensor>, toWire), keepProb: c.keepProb };
  });
  if (!twin) return inputs;
  if (twin.labelSeed === undefined || twin.keepProb === undefined) throw new Error(`grader/assignments/dropout/source/settings.ts: backward case "${twin.id}" needs labelSeed and keepProb`);
  return { ...inputs, Y: labels(inputs.X.shape[1], twin.labelSeed), keepProb: twin.keepProb };
}

/** 0/1 labels for m examples from a seed. */
export function labels(m: number, seed: number): WireTensor {
  const rng = new RandomState(seed);
  return { shape: [1, m], values: Array.from(rng.uniformArray(m), (u) => (u < 0.5 ? 1 : 0)) };
}

export function mapValues<A, B>(record: Record<string, A>, f: (a: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

/**
 * Every hidden backward case's seeds are its own: no forward case (nor the large one) draws its inputs or its
 * masks from them, so no part of its cache is a forward case's expected output. Checked when the grader loads.
 */
export function sharedSeeds(): string[] {
  const forward = [...FORWARD_CASES, STATISTICS_CASE];
  const problems: string[] = [];
  for (const b of BACKWARD_CASES.filter((c) => !c.course && !c.courseInputs)) {
    for (const f of forward) {
      for (const seed of [b.inputSeed, b.maskSeed]) {
        if (seed === f.inputSeed || seed === f.maskSeed) problems.push(`backward case "${b.id}" uses seed ${seed}, which forward case "${f.id}" uses too`);
      }
    }
  }
  return problems;
}
{
  const problems = sharedSeeds();
  if (problems.length) throw new Error(`grader/assignments/dropout/source/settings.ts: ${problems.join("; ")}: a hidden backward case's inputs would hold a forward case's expected values`);
}
