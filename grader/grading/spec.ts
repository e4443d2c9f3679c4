/**
 * What the grader checks, and the points of each check: the one place where points are set. Each graded
 * function is worth the points of its graded cell in the instructor notebook (a test keeps the two equal).
 */
export type GradedFunctionName = "forwardPropagationWithDropout" | "backwardPropagationWithDropout";

export interface CheckSpec {
  id: string;
  fn: GradedFunctionName;
  /** What a student reads as the test's name. */
  name: string;
  points: number;
}

export const CHECKS: CheckSpec[] = [
  { id: "forward.course", fn: "forwardPropagationWithDropout", name: "forward: the course's published case", points: 1 },
  { id: "forward.cases", fn: "forwardPropagationWithDropout", name: "forward: other seeds, shapes and keepProbs", points: 1 },
  { id: "forward.masks", fn: "forwardPropagationWithDropout", name: "forward: masks of 0s and 1s, shaped like the activations, one rng.rand per layer", points: 0.5 },
  { id: "forward.kept-fraction", fn: "forwardPropagationWithDropout", name: "forward: over many units, the kept fraction is close to keepProb", points: 0.5 },
  { id: "forward.scaling", fn: "forwardPropagationWithDropout", name: "forward: kept units are divided by keepProb, dropped ones are 0", points: 0.5 },
  { id: "forward.keep-all", fn: "forwardPropagationWithDropout", name: "forward: keepProb = 1 gives the plain forward pass", points: 0.5 },
  { id: "forward.layers", fn: "forwardPropagationWithDropout", name: "forward: no dropout on the input or the output layer", points: 0.5 },
  { id: "forward.inputs", fn: "forwardPropagationWithDropout", name: "forward: inputs left unchanged", points: 0.5 },
  { id: "backward.course", fn: "backwardPropagationWithDropout", name: "backward: the course's published case", points: 1 },
  { id: "backward.cases", fn: "backwardPropagationWithDropout", name: "backward: other shapes and keepProbs", points: 1 },
  { id: "backward.masks", fn: "backwardPropagationWithDropout", name: "backward: the forward pass's masks re-applied, and the division by keepProb", points: 1 },
  { id: "backward.autodiff", fn: "backwardPropagationWithDropout", name: "backward: gradients equal TensorFlow.js's autodiff (tf.grad) with the masks fixed", points: 1 },
  { id: "backward.deterministic", fn: "backwardPropagationWithDropout", name: "backward: no randomness (the same inputs give the same gradients)", points: 0.5 },
  { id: "backward.inputs", fn: "backwardPropagationWithDropout", name: "backward: inputs left unchanged", points: 0.5 },
];

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
