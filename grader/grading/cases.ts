/**
 * The grader's test cases: inputs only, each rebuilt deterministically from its seeds. Expected outputs
 * live elsewhere (grader/references/, generated from the solution by `npm run references`) and never
 * reach the sandbox. Settings for the cases are here, in one place.
 */
import { courseBackwardCase, courseInputs, initializeParameters, RandomState, tf } from "dropout-kit";
import type { WireTensor } from "../sandbox/protocol";
import { scoped } from "./wire";

export interface ForwardCaseSpec {
  id: string;
  description: string;
  /** Layer sizes [n0, n1, n2, 1]; ignored for the course case. */
  dims: number[];
  examples: number;
  keepProb: number;
  /** Seed of the generator handed to the student's function (the masks come from it). */
  maskSeed: number;
  /** Seed of the inputs (initial weights, then X). */
  inputSeed: number;
  course?: boolean;
}

export const FORWARD_CASES: ForwardCaseSpec[] = [
  { id: "course", description: "the course's published case (seed 1, keepProb 0.7)", dims: [3, 2, 3, 1], examples: 5, keepProb: 0.7, maskSeed: 1, inputSeed: 1, course: true },
  { id: "net-0.86", description: "the course's net [2, 20, 3, 1], 12 examples, keepProb 0.86, seed 7", dims: [2, 20, 3, 1], examples: 12, keepProb: 0.86, maskSeed: 7, inputSeed: 3 },
  { id: "wide-0.5", description: "a net [4, 6, 5, 1], 7 examples, keepProb 0.5, seed 11", dims: [4, 6, 5, 1], examples: 7, keepProb: 0.5, maskSeed: 11, inputSeed: 5 },
  { id: "net-0.95", description: "a net [3, 8, 4, 1], 9 examples, keepProb 0.95, seed 21", dims: [3, 8, 4, 1], examples: 9, keepProb: 0.95, maskSeed: 21, inputSeed: 13 },
  { id: "keep-all", description: "keepProb 1 (no unit dropped), the course's net, 9 examples", dims: [2, 20, 3, 1], examples: 9, keepProb: 1, maskSeed: 2, inputSeed: 3 },
];

/** A large case for the statistics of the masks (kept fraction): checked by properties, no stored reference. */
export const STATISTICS_CASE: ForwardCaseSpec = {
  id: "statistics", description: "the course's net, 2000 examples, keepProb 0.7", dims: [2, 20, 3, 1], examples: 2000, keepProb: 0.7, maskSeed: 5, inputSeed: 17,
};

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

export interface BackwardCaseSpec {
  id: string;
  description: string;
  /** The forward case whose reference cache (from the solution) is the input; Y from labelSeed. */
  fromForward?: string;
  labelSeed?: number;
  course?: boolean;
}

export const BACKWARD_CASES: BackwardCaseSpec[] = [
  { id: "course", description: "the course's published case (keepProb 0.8)", course: true },
  { id: "net-0.86", description: "the course's net, 12 examples, keepProb 0.86", fromForward: "net-0.86", labelSeed: 31 },
  { id: "wide-0.5", description: "a net [4, 6, 5, 1], 7 examples, keepProb 0.5", fromForward: "wide-0.5", labelSeed: 32 },
  { id: "net-0.95", description: "a net [3, 8, 4, 1], 9 examples, keepProb 0.95", fromForward: "net-0.95", labelSeed: 33 },
];

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
