/**
 * The L2 assignment's example submissions (`npm run grade` with no paths grades them; test/l2-grader.test.ts
 * asserts each one's score and messages): the solution, the untouched release, the course's typical L2 mistakes
 * and correct answers written differently. Each is the instructor notebook's solution edited as a student would
 * (text substitutions in the graded cells), so the gallery follows the source. `npm run assign` writes them to
 * grader/assignments/l2-regularization/gallery/. The hostile and broken notebooks of the dropout gallery test
 * the engine, which is the same for every assignment.
 */
import { editedSubmission, galleryFilesOf, releasedCopy } from "../../assign/gallery";
import type { Edit, Example } from "../../assign/gallery";
import type { Assignment } from "../../assignment";
import { serializeNotebook } from "../../notebook/notebook";
import { GRADED_CELLS } from "./checks";

const COST = GRADED_CELLS.computeCostWithRegularization;
const BACKWARD = GRADED_CELLS.backwardPropagationWithRegularization;

const L2_TERM = "l2RegularizationCost = (1 / m) * (lambd / 2) * sumOfSquares;";
const SQUARES = "tf.sum(tf.square(W1)), tf.sum(tf.square(W2)), tf.sum(tf.square(W3)),";
/** The weight term of each layer's dW, as the solution writes it. */
const TERM = (layer: number) => `tf.mul(W${layer}, lambd / m)`;
/** Every layer's weight term replaced by what `to` makes of it. */
const everyLayer = (to: (layer: number) => string): Edit[] => [1, 2, 3].map((layer) => [BACKWARD, TERM(layer), to(layer)]);

export function galleryFiles(assignment: Assignment): { name: string; text: string }[] {
  const submission = (edits: Edit[] = []) => editedSubmission(assignment, edits);
  const examples: Example[] = [
    { name: "solution", description: "the instructor's solution, as a student's copy", build: submission() },
    { name: "untouched-release", description: "the student notebook as released", build: () => serializeNotebook(releasedCopy(assignment)) },
    // A borrowed answer: both graded functions call the checks' recomputation by path instead of computing (the library's old modules).
    {
      name: "borrows-recompute",
      description: "calls the checks' recomputation of the cost and the gradients instead of writing them",
      build: submission([
        [COST, "const crossEntropyCost = computeCost(A3, Y);", "const r = require(\"dropout-kit/dist/checks/l2/l2Recompute\");\n  return r.regularizedCostOf({ A3, Y, parameters, lambd });\n  const crossEntropyCost = computeCost(A3, Y);"],
        [BACKWARD, "const dZ3 = tf.sub(A3, Y) as Matrix;", "const r = require(\"dropout-kit/dist/checks/l2/l2Recompute\");\n  return r.plainGradientsOf({ X, Y, cache, lambd });\n  const dZ3 = tf.sub(A3, Y) as Matrix;"],
      ]),
    },
    // The cost's mistakes.
    { name: "cost-no-division-by-m", description: "the L2 term not divided by m", build: submission([[COST, L2_TERM, "l2RegularizationCost = (lambd / 2) * sumOfSquares;"]]) },
    { name: "cost-lambd-over-m", description: "lambd/m instead of lambd/(2m) in the cost", build: submission([[COST, L2_TERM, "l2RegularizationCost = (lambd / m) * sumOfSquares;"]]) },
    {
      name: "cost-regularizes-biases",
      description: "the biases' squares added to the L2 term",
      build: submission([
        [COST, "const { W1, W2, W3 } = parameters;", "const { W1, W2, W3, b1, b2, b3 } = parameters;"],
        [COST, SQUARES, `${SQUARES}\n    tf.sum(tf.square(b1)), tf.sum(tf.square(b2)), tf.sum(tf.square(b3)),`],
      ]),
    },
    { name: "cost-sum-not-squared", description: "the sum of the weights instead of the sum of their squares", build: submission([[COST, SQUARES, "tf.sum(W1), tf.sum(W2), tf.sum(W3),"]]) },
    { name: "cost-misses-a-layer", description: "W3 left out of the L2 term", build: submission([[COST, SQUARES, "tf.sum(tf.square(W1)), tf.sum(tf.square(W2)),"]]) },
    // The backward pass's mistakes.
    { name: "backward-no-weight-term", description: "the plain gradients: no (lambd/m) W added to any dW", build: submission(everyLayer(() => "0")) },
    { name: "backward-lambd-without-m", description: "lambd W added to each dW instead of (lambd/m) W", build: submission(everyLayer((l) => `tf.mul(W${l}, lambd)`)) },
    { name: "backward-half-factor", description: "(lambd/2m) W added to each dW: the cost's factor, not its derivative's", build: submission(everyLayer((l) => `tf.mul(W${l}, lambd / (2 * m))`)) },
    { name: "backward-wrong-sign", description: "(lambd/m) W subtracted from each dW", build: submission(everyLayer((l) => `tf.mul(W${l}, -lambd / m)`)) },
    { name: "backward-misses-layer-1", description: "dW1 without its weight term (dW2 and dW3 right)", build: submission([[BACKWARD, TERM(1), "0"]]) },
    {
      name: "backward-regularizes-biases",
      description: "(lambd/m) b added to each db",
      build: submission([1, 2, 3].map((l): Edit => [BACKWARD, `const db${l} = tf.mean(dZ${l}, 1, true) as Matrix;`, `const db${l} = tf.add(tf.mean(dZ${l}, 1, true), tf.mul(b${l}, lambd / m)) as Matrix;`])),
    },
    // Right answers written differently: full marks.
    {
      name: "correct-cost-loops",
      description: "the L2 term summed with loops over arraySync()",
      build: submission([
        [COST, `const sumOfSquares = tf.tidy(() => tf.addN([
    ${SQUARES}
  ]).dataSync()[0]);`, `let sumOfSquares = 0;
  for (const W of [W1, W2, W3]) for (const row of W.arraySync()) for (const w of row) sumOfSquares += w * w;`],
      ]),
    },
    { name: "correct-backward-divided-later", description: "the weight term written lambd * W / m", build: submission(everyLayer((l) => `tf.div(tf.mul(lambd, W${l}), m)`)) },
  ];
  return galleryFilesOf(examples);
}
