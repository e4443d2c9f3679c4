/**
 * The grader's test cases: inputs only, each rebuilt deterministically from its seeds. Expected outputs
 * live elsewhere (grader/references/, generated from the solution by `npm run assign`) and never
 * reach the sandbox. The cases themselves are settings (grader/source/settings.ts).
 */
import { courseBackwardCase, courseInputs, initializeParameters, RandomState, tf } from "dropout-kit";
import type { WireTensor } from "../sandbox/protocol";
import { scoped } from "./wire";
import { cases } from "../source/settings";
import type { BackwardCaseSettings, ForwardCaseSettings } from "../source/settings";

export type ForwardCaseSpec = ForwardCaseSettings;
export type BackwardCaseSpec = BackwardCaseSettings;

export const FORWARD_CASES: ForwardCaseSpec[] = cases.forward;
/** A large case for the statistics of the masks (kept fraction): checked by properties, no stored reference. */
export const STATISTICS_CASE: ForwardCaseSpec = cases.statistics;
export const BACKWARD_CASES: BackwardCaseSpec[] = cases.backward;

export interface ForwardInputs {
  X: WireTensor;
  parameters: Record<string, WireTensor>;
  keepProb: number;
  seed: number;
}

export function toWire(t: tf.Tensor): WireTensor {
  return { shape: t.shape.slice(), values: Array.from(t.dataSync() as ArrayLike<number>, Number) };
}

export function forwardInputs(spec: ForwardCaseSpec): ForwardInputs {
  return scoped(() => {
    if (spec.course) {
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

export interface BackwardInputs {
  X: WireTensor;
  Y: WireTensor;
  cache: Record<string, WireTensor>;
  keepProb: number;
}

/**
 * The course's backward case as wire inputs. The other backward cases are built from a forward case's
 * reference cache (see references.ts), since a backward pass needs a consistent cache.
 */
export function courseBackwardInputs(): BackwardInputs {
  return scoped(() => {
    const c = courseBackwardCase();
    return { X: toWire(c.X), Y: toWire(c.Y), cache: mapValues(c.cache as unknown as Record<string, tf.Tensor>, toWire), keepProb: c.keepProb };
  });
}

/** 0/1 labels for m examples from a seed. */
export function labels(m: number, seed: number): WireTensor {
  const rng = new RandomState(seed);
  return { shape: [1, m], values: Array.from(rng.uniformArray(m), (u) => (u < 0.5 ? 1 : 0)) };
}

export function mapValues<A, B>(record: Record<string, A>, f: (a: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
