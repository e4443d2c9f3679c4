/**
 * The L2 regularization assignment's settings, in one place (grader/source/settings.ts, the dropout
 * assignment's, says how `npm run assign` carries settings into the release).
 * - `notebook`: the values the notebook's cells use. The instructor notebook imports them from here
 *   (tslab compiles local files beside the notebook); the release gets them written out as constants in
 *   the set-up cell, since students do not have this file.
 * Plain values only (no imports): this file is compiled by tslab's own TypeScript as well as the project's.
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
