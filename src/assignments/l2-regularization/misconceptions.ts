/**
 * The L2 assignment's misconceptions: each id the reading of a student's numbers (describe.ts) can name, with a
 * short title and the section of the notebook that explains it. Ids are stable (results.json carries them); add,
 * never rename.
 */
import type { Catalogue, Section } from "../../testing/misconceptions";
import { COMMON_CATALOGUE } from "../../testing/misconceptions";

const cost: Section = { notebook: "l2-regularization.ipynb", heading: "3.1 - The regularized cost" };
const backward: Section = { notebook: "l2-regularization.ipynb", heading: "3.2 - Backward propagation with regularization" };
const smaller: Section = { notebook: "l2-regularization.ipynb", heading: "3.4 - Why it works: smaller weights" };

export const L2_CATALOGUE = {
  ...COMMON_CATALOGUE,
  "cost-no-term": { title: "the cost is the plain cross-entropy: no L2 term added", explainedIn: [cost] },
  "cost-term-subtracted": { title: "the cost's L2 term is subtracted", explainedIn: [cost, smaller] },
  "cost-sums-weights": { title: "sums the weights, not their squares", explainedIn: [cost] },
  "cost-counts-biases": { title: "the cost's L2 term counts the biases too", explainedIn: [cost] },
  "cost-misses-layers": { title: "the cost's L2 term leaves out a layer's weights", explainedIn: [cost] },
  "cost-not-divided-by-m": { title: "the cost's L2 term is not divided by m", explainedIn: [cost] },
  "cost-divided-by-m-squared": { title: "the cost's L2 term is divided by m²", explainedIn: [cost] },
  "cost-multiplied-by-m": { title: "the cost's L2 term is multiplied by m", explainedIn: [cost] },
  "cost-missing-half": { title: "λ/m instead of λ/(2m) in the cost (the 1/2 left out)", explainedIn: [cost] },
  "cost-wrong-factor": { title: "the cost's L2 term has another factor than λ/(2m)", explainedIn: [cost] },
  "cost-ignores-lambd": { title: "the cost's L2 term does not use the lambd argument", explainedIn: [cost] },
  "cost-cross-entropy-wrong": { title: "the L2 term is right, the cross-entropy part is not", explainedIn: [cost] },
  "gradient-no-term": { title: "no regularization term in any dW", explainedIn: [backward] },
  "gradient-misses-layers": { title: "a layer's dW has no regularization term", explainedIn: [backward] },
  "gradient-term-subtracted": { title: "the regularization term is subtracted from dW", explainedIn: [backward, smaller] },
  "gradient-squares-weights": { title: "dW's term grows with W², not W", explainedIn: [backward] },
  "gradient-sign-of-weights": { title: "dW's term follows sign(W) (an L1 derivative)", explainedIn: [backward] },
  "gradient-not-divided-by-m": { title: "dW's term is not divided by m", explainedIn: [backward] },
  "gradient-divided-by-m-squared": { title: "dW's term is divided by m²", explainedIn: [backward] },
  "gradient-multiplied-by-m": { title: "dW's term is multiplied by m", explainedIn: [backward] },
  "gradient-half-factor": { title: "(λ/(2m))·W in dW: the square's 2 not cancelled", explainedIn: [backward] },
  "gradient-wrong-factor": { title: "dW's term has another factor than λ/m", explainedIn: [backward] },
  "gradient-ignores-lambd": { title: "dW's term does not use the lambd argument", explainedIn: [backward] },
  "gradient-plain-part-wrong": { title: "the regularization terms are right, the plain backward pass is not", explainedIn: [backward] },
  "gradient-regularizes-biases": { title: "db gets a regularization term", explainedIn: [backward] },
} satisfies Catalogue<string>;

export type L2Misconception = keyof typeof L2_CATALOGUE;
