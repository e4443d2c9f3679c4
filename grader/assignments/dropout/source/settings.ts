/**
 * The assignment's settings, in one place. `npm run assign` carries them everywhere they are used:
 * - `notebook`: the values the notebook's cells use. The instructor notebook imports them from here
 *   (tslab compiles local files beside the notebook); the release gets them written out as constants in
 *   the set-up cell, since students do not have this file.
 * - `points`: each check's points; a graded function is worth the sum of its checks, and its test cell in
 *   the release carries that sum as its nbgrader points.
 * - `cases`: the grader's test cases (hidden but for the course's published ones): seeds, shapes, keepProbs.
 * Plain values only (no imports): this file is compiled by tslab's own TypeScript as well as the project's.
 */

export const notebook = {
  /** load2DDataset's options: the pitch's points, their label noise and the fraction of flipped labels. */
  DATASET: { seed: 1, trainSize: 211, testSize: 200, noise: 0.05, outliers: 0.03 },
  /** model()'s options for both trainings in the notebook; the initial weights come from INIT_SEED. */
  TRAINING: { numIterations: 30000, learningRate: 0.3 },
  INIT_SEED: 3,
  /** The keepProb of the training with dropout. */
  KEEP_PROB: 0.86,
};

export const points: Record<string, number> = {
  "forward.course": 1,
  "forward.cases": 1,
  "forward.masks": 0.5,
  "forward.kept-fraction": 0.5,
  "forward.scaling": 0.5,
  "forward.keep-all": 0.5,
  "forward.layers": 0.5,
  "forward.inputs": 0.5,
  "backward.course": 1,
  "backward.cases": 1,
  "backward.masks": 1,
  "backward.autodiff": 1,
  "backward.deterministic": 0.5,
  "backward.inputs": 0.5,
};

export interface ForwardCaseSettings {
  id: string;
  description: string;
  /** Layer sizes [n0, n1, n2, 1]; ignored when the inputs are the course's. */
  dims: number[];
  examples: number;
  keepProb: number;
  /** Seed of the generator handed to the student's function (the masks come from it). */
  maskSeed: number;
  /** Seed of the inputs (initial weights, then X). */
  inputSeed: number;
  /** The course's published case: public (its expected values may be shown), and its inputs are the course's own. */
  course?: boolean;
  /**
   * The course's inputs, with a generator and keepProb of the grader's own: hidden. The course check needs it
   * too, so that returning the published values for the published inputs is not taken for a computation.
   */
  courseInputs?: boolean;
  /** A public case: the notebook's public tests and `npm run check` run it too, and its expected values may be shown. */
  public?: boolean;
}

export interface BackwardCaseSettings {
  id: string;
  description: string;
  /** The course's published case: X, Y, its cache and keepProb 0.8 are the course's own. */
  course?: boolean;
  /** The course's X and cache with labels from labelSeed and this case's keepProb: hidden (see ForwardCaseSettings). */
  courseInputs?: boolean;
  /** A public case (see ForwardCaseSettings). */
  public?: boolean;
  /**
   * Otherwise a case of its own: inputs from inputSeed (as a forward case's), a forward pass of the solution
   * with a generator seeded maskSeed makes its cache, labels from labelSeed. Its seeds are used by no forward
   * case, so its inputs (sent to the student's code) hold no forward case's expected values.
   */
  dims?: number[];
  examples?: number;
  keepProb?: number;
  inputSeed?: number;
  maskSeed?: number;
  labelSeed?: number;
}

export const cases: { forward: ForwardCaseSettings[]; statistics: ForwardCaseSettings; backward: BackwardCaseSettings[] } = {
  forward: [
    { id: "course", description: "the course's published case (seed 1, keepProb 0.7)", dims: [3, 2, 3, 1], examples: 5, keepProb: 0.7, maskSeed: 1, inputSeed: 1, course: true },
    // Public too, and every tensor of its net has a shape of its own (X [3, 6], A1 [5, 6], A2 [4, 6], A3 [1, 6];
    // the course's net gives A2 and X the same shape), so that no shape can be taken for another's.
    { id: "public-shapes", description: "the public case: a net [3, 5, 4, 1], 6 examples, keepProb 0.8, seed 9", dims: [3, 5, 4, 1], examples: 6, keepProb: 0.8, maskSeed: 9, inputSeed: 19, public: true },
    { id: "course-twin", description: "the course's inputs with a generator of the grader's own, keepProb 0.75 (hidden)", dims: [3, 2, 3, 1], examples: 5, keepProb: 0.75, maskSeed: 4, inputSeed: 1, courseInputs: true },
    { id: "net-0.86", description: "the course's net [2, 20, 3, 1], 12 examples, keepProb 0.86, seed 7", dims: [2, 20, 3, 1], examples: 12, keepProb: 0.86, maskSeed: 7, inputSeed: 3 },
    { id: "wide-0.5", description: "a net [4, 6, 5, 1], 7 examples, keepProb 0.5, seed 11", dims: [4, 6, 5, 1], examples: 7, keepProb: 0.5, maskSeed: 11, inputSeed: 5 },
    { id: "net-0.95", description: "a net [3, 8, 4, 1], 9 examples, keepProb 0.95, seed 21", dims: [3, 8, 4, 1], examples: 9, keepProb: 0.95, maskSeed: 21, inputSeed: 13 },
    { id: "keep-all", description: "keepProb 1 (no unit dropped), the course's net, 9 examples", dims: [2, 20, 3, 1], examples: 9, keepProb: 1, maskSeed: 2, inputSeed: 3 },
  ],
  /** A large case for the statistics of the masks (kept fraction): checked by properties, no stored reference. */
  statistics: { id: "statistics", description: "the course's net, 2000 examples, keepProb 0.7", dims: [2, 20, 3, 1], examples: 2000, keepProb: 0.7, maskSeed: 5, inputSeed: 17 },
  backward: [
    { id: "course", description: "the course's published case (keepProb 0.8)", course: true },
    // Public too: D1 and D2 of the same shape, so that masks swapped between the layers give numbers to compare
    // (elsewhere they give a broadcast error).
    { id: "public-same-width", description: "the public case: a net [3, 4, 4, 1], 6 examples, keepProb 0.75", dims: [3, 4, 4, 1], examples: 6, keepProb: 0.75, inputSeed: 71, maskSeed: 73, labelSeed: 35, public: true },
    { id: "net-0.86", description: "the course's net, 10 examples, keepProb 0.86", dims: [2, 20, 3, 1], examples: 10, keepProb: 0.86, inputSeed: 43, maskSeed: 47, labelSeed: 31 },
    { id: "wide-0.5", description: "a net [4, 6, 5, 1], 8 examples, keepProb 0.5", dims: [4, 6, 5, 1], examples: 8, keepProb: 0.5, inputSeed: 53, maskSeed: 59, labelSeed: 32 },
    { id: "net-0.8", description: "a net [3, 8, 4, 1], 11 examples, keepProb 0.8", dims: [3, 8, 4, 1], examples: 11, keepProb: 0.8, inputSeed: 61, maskSeed: 67, labelSeed: 33 },
    { id: "course-twin", description: "the course's X and cache with other labels and keepProb 0.6 (hidden)", courseInputs: true, keepProb: 0.6, labelSeed: 34 },
  ],
};
