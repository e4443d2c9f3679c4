/**
 * Typical mistakes in the L2 exercises, each the tests' oracle solution (l2Solution.ts) with one part changed,
 * with the diagnosis it must get (a pattern of its message) and the checks it must fail. Shared by the
 * diagnoses', the checks' and the public tests' test files.
 */
import { tf } from "dropout-kit";
import type { BackwardWithRegularization, CostWithRegularization } from "dropout-kit";
import { backwardWith, biasesOf, costWith, RIGHT_L2_TERM, RIGHT_WEIGHT_FACTOR, sumOfSquares, weightsOf } from "./l2Solution";
import type { Layer } from "./l2Solution";

export interface Mistake<Fn> {
  name: string;
  fn: Fn;
  /** What its diagnosis says (a pattern of the message). */
  diagnosis: RegExp;
  /** The checks it fails (every other check of its function passes). */
  fails: string[];
}

const COST_VALUE_CHECKS = ["cost.course", "cost.cases"];

const withoutLayer = (layer: Layer): Mistake<CostWithRegularization> => ({
  name: `W${layer}'s term left out`,
  fn: costWith((p, lambd, m) => tf.mul(sumOfSquares(weightsOf(p).filter((_, k) => k + 1 !== layer)), lambd / (2 * m))),
  diagnosis: new RegExp(`leaves out W${layer}: sum the squared weights of all three layers`),
  fails: COST_VALUE_CHECKS,
});

export const COST_MISTAKES: Mistake<CostWithRegularization>[] = [
  { name: "no division by m", fn: costWith((p, lambd) => tf.mul(sumOfSquares(weightsOf(p)), lambd / 2)), diagnosis: /is \(λ\/2\)·ΣW²: it is not divided by m/, fails: COST_VALUE_CHECKS },
  { name: "λ/m instead of λ/(2m)", fn: costWith((p, lambd, m) => tf.mul(sumOfSquares(weightsOf(p)), lambd / m)), diagnosis: /is \(λ\/m\)·ΣW²: its factor is twice the course's λ\/2/, fails: COST_VALUE_CHECKS },
  {
    name: "biases regularized",
    fn: costWith((p, lambd, m) => tf.mul(tf.add(sumOfSquares(weightsOf(p)), sumOfSquares(biasesOf(p))), lambd / (2 * m))),
    diagnosis: /also counts the squared biases/,
    fails: [...COST_VALUE_CHECKS, "cost.biases"],
  },
  { name: "sum of W instead of W²", fn: costWith((p, lambd, m) => tf.mul(tf.addN(weightsOf(p).map((W) => tf.sum(W))), lambd / (2 * m))), diagnosis: /sums the weights themselves, not their squares/, fails: COST_VALUE_CHECKS },
  ...([1, 2, 3] as const).map(withoutLayer),
  // The plain cross-entropy: right at lambd 0, the same for other biases, its inputs left alone: those checks count.
  { name: "the L2 term missing", fn: costWith(() => tf.scalar(0)), diagnosis: /is the plain cross-entropy: the L2 term .* is not added/, fails: COST_VALUE_CHECKS },
  { name: "the L2 term subtracted", fn: costWith((p, lambd, m) => tf.neg(RIGHT_L2_TERM(p, lambd, m))), diagnosis: /is subtracted from the cross-entropy: add it/, fails: COST_VALUE_CHECKS },
];

const BACKWARD_VALUE_CHECKS = ["backward.course", "backward.cases", "backward.autodiff"];

const layerWithoutTerm = (layer: Layer): Mistake<BackwardWithRegularization> => ({
  name: `dW${layer}'s term missing`,
  fn: backwardWith((lambd, m, l) => (l === layer ? 0 : lambd / m)),
  diagnosis: new RegExp(`Your dW${layer} has no regularization term`),
  fails: BACKWARD_VALUE_CHECKS,
});

export const BACKWARD_MISTAKES: Mistake<BackwardWithRegularization>[] = [
  // The plain backward pass: its db's are right and its inputs left alone, and those checks count.
  { name: "the gradient term missing", fn: backwardWith(() => 0), diagnosis: /Your dW1, dW2 and dW3 have no regularization term/, fails: BACKWARD_VALUE_CHECKS },
  { name: "λ·W, without /m", fn: backwardWith((lambd) => lambd), diagnosis: /have the regularization term λ·W where the course's is \(λ\/m\)·W: it is not divided by m/, fails: BACKWARD_VALUE_CHECKS },
  { name: "λ/(2m)·W", fn: backwardWith((lambd, m) => lambd / (2 * m)), diagnosis: /have the regularization term \(λ\/\(2m\)\)·W where the course's is \(λ\/m\)·W: it is half of it/, fails: BACKWARD_VALUE_CHECKS },
  { name: "the term subtracted", fn: backwardWith((lambd, m) => -lambd / m), diagnosis: /have the regularization term −\(λ\/m\)·W where the course's is \(λ\/m\)·W: it is subtracted/, fails: BACKWARD_VALUE_CHECKS },
  ...([1, 2, 3] as const).map(layerWithoutTerm),
  { name: "biases regularized", fn: backwardWith(RIGHT_WEIGHT_FACTOR, (lambd, m) => lambd / m), diagnosis: /Your db1, db2 and db3 include a regularization term \(λ\/m\)·b/, fails: [...BACKWARD_VALUE_CHECKS, "backward.biases"] },
];
