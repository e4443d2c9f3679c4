/**
 * The L2 exercises' calls as data (harness.ts's CallRequest): which arguments each graded function gets, in
 * which order, and how its result is read. The grader's sandbox and the notebook's public tests make the same
 * requests.
 */
import { GRADIENT_NAMES } from "../../types";
import type { CallRequest } from "../../testing/harness";
import type { CaseInfo } from "../../testing/cases";
import type { WireTensor } from "../../testing/tensorData";

/** The graded functions of the L2 assignment. */
export type L2FunctionName = "computeCostWithRegularization" | "backwardPropagationWithRegularization";

/** What computeCostWithRegularization receives: predictions, labels, the net's parameters, the regularization strength. */
export interface L2CostInputs {
  A3: WireTensor;
  Y: WireTensor;
  /** W1, b1, W2, b2, W3, b3. */
  parameters: Record<string, WireTensor>;
  lambd: number;
}

/** What backwardPropagationWithRegularization receives: the plain forward pass's cache of X, and the labels. */
export interface L2BackwardInputs {
  X: WireTensor;
  Y: WireTensor;
  /** Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3. */
  cache: Record<string, WireTensor>;
  lambd: number;
}

/** computeCostWithRegularization(A3, Y, parameters, lambd) -> the cost, a number (a one-element tensor is read as one). */
export function costCall(inputs: L2CostInputs): CallRequest {
  return {
    fn: "computeCostWithRegularization",
    args: [
      { name: "A3", tensor: inputs.A3 },
      { name: "Y", tensor: inputs.Y },
      { name: "parameters", tensors: inputs.parameters },
      { name: "lambd", number: inputs.lambd },
    ],
    returns: { scalar: "cost" },
  };
}

/** backwardPropagationWithRegularization(X, Y, cache, lambd) -> the gradients. */
export function regularizedBackwardCall(inputs: L2BackwardInputs): CallRequest {
  return {
    fn: "backwardPropagationWithRegularization",
    args: [
      { name: "X", tensor: inputs.X },
      { name: "Y", tensor: inputs.Y },
      { name: "cache", tensors: inputs.cache },
      { name: "lambd", number: inputs.lambd },
    ],
    returns: { tensors: GRADIENT_NAMES, what: "an object of gradients" },
  };
}

/** What the checks know of an L2 case: CaseInfo's id, description and public flags, and its lambd. */
export type L2CaseInfo = CaseInfo & { lambd: number };
