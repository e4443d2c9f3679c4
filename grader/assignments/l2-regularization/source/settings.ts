/**
 * The L2 regularization assignment's settings, in one place. `npm run assign` carries them everywhere they
 * are used. Plain values only (no imports): this file is compiled by tslab's own TypeScript as well as the
 * project's.
 * - `notebook`: the values the notebook's cells use. The instructor notebook imports them from here (tslab
 *   compiles local files beside the notebook); the release gets them written out as constants in the set-up
 *   cell, since students do not have this file.
 * - `points`: each check's points (the checks are dropout-kit's src/checks/l2/l2Checks.ts); a graded function
 *   is worth the sum of its checks, and its test cell in the release carries that sum.
 * - `cases`: the grader's cases (hidden but for the public ones), as dropout-kit's L2CaseSettings: ids, what a
 *   student reads about each, seeds, shapes, lambd. Inputs are rebuilt from them (src/checks/l2/l2Cases.ts).
 */

export const notebook = {
  /** load2DDataset's options: the dropout assignment's data set, so the two assignments can be compared. */
  DATASET: { seed: 1, trainSize: 211, testSize: 200, noise: 0.05, outliers: 0.03 },
  /** model()'s options for every training in the notebook; the initial weights come from INIT_SEED. */
  TRAINING: { numIterations: 30000, learningRate: 0.3 },
  INIT_SEED: 3,
  /** The L2 strength of the regularized training (the course's). */
  LAMBD: 0.7,
};

export const points: Record<string, number> = {
  "cost.course": 1.5,
  "cost.cases": 1.5,
  "cost.lambd-zero": 0.5,
  "cost.biases": 1,
  "cost.inputs": 0.5,
  "backward.course": 1.5,
  "backward.cases": 1,
  "backward.autodiff": 1,
  "backward.biases": 1,
  "backward.inputs": 0.5,
};

export const cases = {
  cost: [
    { id: "course", description: "the course's published case (seed 1, lambd 0.1)", lambd: 0.1, course: true },
    // Public too, with large biases, and beside it the same predictions, labels and weights with zero biases: a
    // cost that counts the biases differs between the two (cost.biases); every tensor of this net has a shape of its own.
    { id: "public-large-biases", description: "the public case: a net [4, 3, 2, 1], 7 examples, lambd 0.3, large biases", dims: [4, 3, 2, 1], examples: 7, inputSeed: 101, biasScale: 5, lambd: 0.3, public: true },
    { id: "public-zero-biases", description: "the public case's predictions, labels and weights with zero biases (lambd 0.3)", dims: [4, 3, 2, 1], examples: 7, inputSeed: 101, biasScale: 0, lambd: 0.3, public: true },
    // The course's inputs with a lambd of the grader's own: recalling the published cost is not computing it.
    { id: "course-twin", description: "the course's inputs with lambd 0.45 (hidden)", lambd: 0.45, courseInputs: true },
    { id: "net-0.7", description: "the course's net [2, 20, 3, 1], 12 examples, lambd 0.7", dims: [2, 20, 3, 1], examples: 12, inputSeed: 103, lambd: 0.7 },
    { id: "lambd-zero", description: "a net [3, 6, 4, 1], 9 examples, lambd 0 (no regularization)", dims: [3, 6, 4, 1], examples: 9, inputSeed: 107, lambd: 0 },
    { id: "large-lambd", description: "a net [2, 5, 3, 1], 8 examples, lambd 25", dims: [2, 5, 3, 1], examples: 8, inputSeed: 109, lambd: 25 },
    { id: "large-biases", description: "a net [5, 4, 3, 1], 6 examples, lambd 1.2, large biases", dims: [5, 4, 3, 1], examples: 6, inputSeed: 113, biasScale: 6, lambd: 1.2 },
    { id: "zero-biases", description: "the large-biases case's predictions, labels and weights with zero biases (lambd 1.2)", dims: [5, 4, 3, 1], examples: 6, inputSeed: 113, biasScale: 0, lambd: 1.2 },
  ],
  backward: [
    { id: "course", description: "the course's published case (seed 1, lambd 0.7)", lambd: 0.7, course: true },
    // Public too: every tensor of this net has a shape of its own, and its biases are not zero (db must not change).
    { id: "public-shapes", description: "the public case: a net [3, 5, 4, 1], 6 examples, lambd 0.4", dims: [3, 5, 4, 1], examples: 6, inputSeed: 201, lambd: 0.4, public: true },
    { id: "course-twin", description: "the course's X and cache with lambd 0.25 (hidden)", lambd: 0.25, courseInputs: true },
    { id: "net-0.7", description: "the course's net [2, 20, 3, 1], 10 examples, lambd 0.7", dims: [2, 20, 3, 1], examples: 10, inputSeed: 211, lambd: 0.7 },
    { id: "lambd-zero", description: "a net [3, 6, 4, 1], 8 examples, lambd 0 (no regularization)", dims: [3, 6, 4, 1], examples: 8, inputSeed: 223, lambd: 0 },
    { id: "large-lambd", description: "a net [4, 5, 3, 1], 7 examples, lambd 30", dims: [4, 5, 3, 1], examples: 7, inputSeed: 227, lambd: 30 },
  ],
};
