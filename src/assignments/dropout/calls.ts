/**
 * The dropout exercises' calls as data (harness.ts's CallRequest): which arguments each graded function gets,
 * in which order, and how its result is read. The grader's sandbox and the notebook's public tests make the
 * same requests.
 */
import { DROPOUT_CACHE_NAMES, GRADIENT_NAMES } from "../../types";
import type { CallRequest } from "../../testing/harness";
import type { WireTensor } from "../../testing/tensorData";

export interface ForwardInputs {
  X: WireTensor;
  parameters: Record<string, WireTensor>;
  keepProb: number;
  /** Seed of the generator handed to the student's function (the masks come from it). */
  seed: number;
}

export interface BackwardInputs {
  X: WireTensor;
  Y: WireTensor;
  cache: Record<string, WireTensor>;
  keepProb: number;
}

/** forwardPropagationWithDropout(X, parameters, keepProb, rng) -> [A3, cache]. */
export function forwardCall(inputs: ForwardInputs): CallRequest {
  return {
    fn: "forwardPropagationWithDropout",
    args: [
      { name: "X", tensor: inputs.X },
      { name: "parameters", tensors: inputs.parameters },
      { name: "keepProb", number: inputs.keepProb },
      { name: "rng", generator: inputs.seed },
    ],
    returns: { tuple: [{ tensor: "A3" }, { tensors: DROPOUT_CACHE_NAMES, prefix: "cache.", what: "the cache" }], what: "[A3, cache]" },
  };
}

/** backwardPropagationWithDropout(X, Y, cache, keepProb) -> the gradients. */
export function backwardCall(inputs: BackwardInputs): CallRequest {
  return {
    fn: "backwardPropagationWithDropout",
    args: [
      { name: "X", tensor: inputs.X },
      { name: "Y", tensor: inputs.Y },
      { name: "cache", tensors: inputs.cache },
      { name: "keepProb", number: inputs.keepProb },
    ],
    returns: { tensors: GRADIENT_NAMES, what: "an object of gradients" },
  };
}
