/**
 * What the grader checks. Each check's points are a setting (grader/source/settings.ts); a graded
 * function is worth the sum of its checks, which the release writes into its test cell's nbgrader points.
 */
import { points } from "../source/settings";

export type GradedFunctionName = "forwardPropagationWithDropout" | "backwardPropagationWithDropout";

export interface CheckSpec {
  id: string;
  fn: GradedFunctionName;
  /** What a student reads as the test's name. */
  name: string;
  /** From the settings (grader/source/settings.ts). */
  points: number;
}

export const CHECKS: CheckSpec[] = ([
  { id: "forward.course", fn: "forwardPropagationWithDropout", name: "forward: the course's published case" },
  { id: "forward.cases", fn: "forwardPropagationWithDropout", name: "forward: other seeds, shapes and keepProbs" },
  { id: "forward.masks", fn: "forwardPropagationWithDropout", name: "forward: the masks are the generator's: rng.rand shaped like A1, then like A2, kept where the draw is below keepProb" },
  { id: "forward.kept-fraction", fn: "forwardPropagationWithDropout", name: "forward: over many units, the kept fraction is close to keepProb" },
  { id: "forward.scaling", fn: "forwardPropagationWithDropout", name: "forward: kept units are divided by keepProb, dropped ones are 0" },
  { id: "forward.keep-all", fn: "forwardPropagationWithDropout", name: "forward: keepProb = 1 gives the plain forward pass" },
  { id: "forward.layers", fn: "forwardPropagationWithDropout", name: "forward: no dropout on the input or the output layer" },
  { id: "forward.inputs", fn: "forwardPropagationWithDropout", name: "forward: inputs left unchanged" },
  { id: "backward.course", fn: "backwardPropagationWithDropout", name: "backward: the course's published case" },
  { id: "backward.cases", fn: "backwardPropagationWithDropout", name: "backward: other shapes and keepProbs" },
  { id: "backward.masks", fn: "backwardPropagationWithDropout", name: "backward: the forward pass's masks re-applied, and the division by keepProb" },
  { id: "backward.autodiff", fn: "backwardPropagationWithDropout", name: "backward: gradients equal TensorFlow.js's autodiff (tf.grad) with the masks fixed" },
  { id: "backward.deterministic", fn: "backwardPropagationWithDropout", name: "backward: no randomness (the same inputs give the same gradients)" },
  { id: "backward.inputs", fn: "backwardPropagationWithDropout", name: "backward: inputs left unchanged" },
] as Omit<CheckSpec, "points">[]).map((check) => {
  const value = points[check.id];
  if (typeof value !== "number" || !(value >= 0)) throw new Error(`grader/source/settings.ts: points["${check.id}"] must be a number >= 0, got ${String(value)}`);
  return { ...check, points: value };
});
for (const id of Object.keys(points)) {
  if (!CHECKS.some((c) => c.id === id)) throw new Error(`grader/source/settings.ts: points["${id}"] names no check; the checks are ${CHECKS.map((c) => c.id).join(", ")}`);
}

/** The graded cells and the functions they define. */
export const GRADED_CELLS: Record<GradedFunctionName, string> = {
  forwardPropagationWithDropout: "forward_propagation_with_dropout",
  backwardPropagationWithDropout: "backward_propagation_with_dropout",
};

/** The instructor's cell that the graded cells need first (imports, backend). */
export const SETUP_CELL = "setup";

export function pointsOf(fn: GradedFunctionName): number {
  return CHECKS.filter((c) => c.fn === fn).reduce((sum, c) => sum + c.points, 0);
}

export const MAX_SCORE = CHECKS.reduce((sum, c) => sum + c.points, 0);
