/**
 * The course's data set, made here instead of downloaded: where on the pitch the goalkeeper's kicks
 * came down, and whose player headed the ball (1, blue: ours; 0, red: theirs).
 *
 * The points are spread over the pitch [-0.75, 0.75]²; the two teams are separated by a gently bent
 * diagonal, and near it the labels are noisy (a player sometimes wins the ball on the other side). That
 * noise is what makes the point: an unregularized net has enough capacity to draw islands around the
 * noisy training points, which the test points (drawn from the same distribution with their own noise)
 * do not follow. Everything comes from one seeded generator, so a seed gives the same points everywhere.
 */
import * as tf from "@tensorflow/tfjs";
import { RandomState } from "./random";
import type { Matrix } from "./types";

export interface DatasetOptions {
  /** Seed of the generator the points come from (default 1). */
  seed?: number;
  /** Training points (default 211, as in the course). */
  trainSize?: number;
  /** Test points (default 200, as in the course). */
  testSize?: number;
  /** Standard deviation of the label noise across the boundary (default 0.05; 0 gives clean labels). */
  noise?: number;
  /** Fraction of points, anywhere on the pitch, whose label is flipped: lucky headers (default 0.03). */
  outliers?: number;
}

export interface Dataset {
  /** [2, trainSize]: one column per point, rows x₁ and x₂. */
  trainX: Matrix;
  /** [1, trainSize]: labels 0/1. */
  trainY: Matrix;
  testX: Matrix;
  testY: Matrix;
}

export const DATASET_DEFAULTS: Required<DatasetOptions> = { seed: 1, trainSize: 211, testSize: 200, noise: 0.05, outliers: 0.03 };

/** Signed distance-like score: positive on our side (above the bent diagonal). */
export function boundaryScore(x1: number, x2: number): number {
  return x2 - 0.8 * x1 - 0.12 * Math.sin(4 * x1);
}

/** The training and test sets; the same options always give the same points. */
export function load2DDataset(options: DatasetOptions = {}): Dataset {
  const { seed, trainSize, testSize, noise, outliers } = { ...DATASET_DEFAULTS, ...options };
  for (const [name, n] of [["trainSize", trainSize], ["testSize", testSize]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`load2DDataset: ${name} must be a positive integer, got ${n}`);
  }
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new RangeError(`load2DDataset: noise must be a finite number >= 0, got ${noise}`);
  if (!(outliers >= 0 && outliers <= 0.5)) throw new RangeError(`load2DDataset: outliers must be a fraction in [0, 0.5], got ${outliers}`);
  const rng = new RandomState(seed);
  const [trainX, trainY] = points(rng, trainSize, noise, outliers);
  const [testX, testY] = points(rng, testSize, noise, outliers);
  return { trainX, trainY, testX, testY };
}

function points(rng: RandomState, m: number, noise: number, outliers: number): [Matrix, Matrix] {
  const x = new Float32Array(2 * m);
  const y = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    const x1 = 1.5 * rng.uniform() - 0.75;
    const x2 = 1.5 * rng.uniform() - 0.75;
    x[j] = x1;
    x[m + j] = x2;
    const ours = boundaryScore(x1, x2) + noise * rng.gaussian() > 0;
    const flipped = rng.uniform() < outliers;
    y[j] = ours !== flipped ? 1 : 0;
  }
  return [tf.tensor2d(x, [2, m]), tf.tensor2d(y, [1, m])];
}
