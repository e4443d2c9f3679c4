/**
 * The classic course's published test cases, rebuilt exactly.
 *
 * Inputs come from numpy's `np.random.seed(1)` stream (reproduced by RandomState); the forward case's masks
 * come from reseeding with 1 before the masks are drawn, as the original forward function did. The
 * expected values are the course's published outputs (8 significant decimals, computed in float64 by
 * numpy): a reference nobody here wrote. Our float32 results are compared with a tolerance.
 *
 * Where the L2 half's numbers were read (the public GitHub repository amanchadha/coursera-deep-learning-specialization,
 * commit e9de0f4d1549b5a974c7f5cba013097fe162a798, folder "C2 - Improving Deep Neural Networks Hyperparameter
 * tuning, Regularization and Optimization/Week 1/Regularization/"): `testCases.py` for how each case builds its
 * inputs (which arrays come from seed(1) and in what order, which are typed in), `Regularization_v2a.ipynb` for the
 * outputs it prints and expects, `reg_utils.py` for the cross-entropy the cost adds its L2 term to.
 */
import * as tf from "@tensorflow/tfjs";
import { RandomState } from "./random";
import { DROPOUT_CACHE_NAMES } from "./types";
import type { DropoutCache, ForwardCache, Gradients, Matrix, Parameters } from "./types";

type Rows = number[][];

export interface ForwardCase {
  name: string;
  X: Matrix;
  parameters: Parameters;
  keepProb: number;
  /** A generator in the state the masks must be drawn from. */
  rng: RandomState;
  expectedA3: Rows;
  /** Published cache values, where known (masks as 0/1). */
  expectedCache?: Partial<Record<keyof DropoutCache, Rows>>;
}

export interface BackwardCase {
  name: string;
  X: Matrix;
  Y: Matrix;
  cache: DropoutCache;
  keepProb: number;
  expected: Partial<Record<keyof Gradients, Rows>>;
}

/** The labels every course case uses: five examples, three of class 1. */
const COURSE_LABELS: Rows = [[1, 1, 0, 1, 0]];

/** Z1 = W1 X + b1 of the course's inputs, as the course prints it (the same in every case built on them). */
const COURSE_Z1: Rows = [
  [-1.52855314, 3.32524635, 2.13994541, 2.60700654, -0.75942115],
  [-1.98043538, 4.1600994, 0.79051021, 1.46493512, -0.45506242],
];

/**
 * The weights and biases that both backward cases type into their caches. They are the seed(1) draws that
 * follow X, i.e. `courseInputs().parameters`, printed to 8 decimals (test/l2-course-cases.test.ts checks it).
 */
const CACHED_PARAMETERS: Record<keyof Parameters, Rows> = {
  W1: [[-1.09989127, -0.17242821, -0.87785842], [0.04221375, 0.58281521, -1.10061918]],
  b1: [[1.14472371], [0.90159072]],
  W2: [[0.50249434, 0.90085595], [-0.68372786, -0.12289023], [-0.93576943, -0.26788808]],
  b2: [[0.53035547], [-0.69166075], [-0.39675353]],
  W3: [[-0.6871727, -0.84520564, -0.67124613]],
  b3: [[-0.0126646]],
};

/** A3 of the plain forward pass on the course's inputs: the L2 cost case's prediction and its backward cache's A3. */
const COURSE_PLAIN_A3: Rows = [[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]];

const tensor = (rows: Rows): Matrix => tf.tensor2d(rows);

/**
 * A backward case's cache: the arrays the case types in, plus the Z1 and the weights every such cache shares,
 * in the course's cache order (the order the grader sends them in).
 */
function typedInCache<Name extends keyof DropoutCache>(arrays: Record<Name, Rows>): Record<Name | "Z1" | keyof Parameters, Matrix> {
  const rows: Partial<Record<keyof DropoutCache, Rows>> = { ...arrays, Z1: COURSE_Z1, ...CACHED_PARAMETERS };
  const names = DROPOUT_CACHE_NAMES.filter((name) => rows[name] !== undefined);
  return Object.fromEntries(names.map((name) => [name, tensor(rows[name]!)])) as Record<Name | "Z1" | keyof Parameters, Matrix>;
}

/** W1 (2x3), b1, W2 (3x2), b2, W3 (1x3), b3 of a [3, 2, 3, 1] net, drawn by randn in the course's order. */
function drawParameters(rng: RandomState): Parameters {
  const W1 = rng.randn(2, 3);
  const b1 = rng.randn(2, 1);
  const W2 = rng.randn(3, 2);
  const b2 = rng.randn(3, 1);
  const W3 = rng.randn(1, 3);
  const b3 = rng.randn(1, 1);
  return { W1, b1, W2, b2, W3, b3 };
}

/** X (3x5) then W1, b1, W2, b2, W3, b3 of a [3, 2, 3, 1] net, all from `np.random.seed(1)`'s randn stream. */
export function courseInputs(): { X: Matrix; parameters: Parameters } {
  const rng = new RandomState(1);
  const X = rng.randn(3, 5);
  return { X, parameters: drawParameters(rng) };
}

/** The course's forward test: keep_prob 0.7, masks after reseeding with 1. */
export function courseForwardCase(): ForwardCase {
  const { X, parameters } = courseInputs();
  return {
    name: "course case (seed 1, keepProb 0.7)",
    X,
    parameters,
    keepProb: 0.7,
    rng: new RandomState(1),
    expectedA3: [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]],
    expectedCache: {
      Z1: COURSE_Z1,
      D1: [
        [1, 0, 1, 1, 1],
        [1, 1, 1, 1, 1],
      ],
      A1: [
        [0, 0, 3.05706487, 3.72429505, 0],
        [0, 5.94299915, 1.1293003, 2.09276446, 0],
      ],
      Z2: [
        [0.53035547, 5.88414161, 3.08385015, 4.28707196, 0.53035547],
        [-0.69166075, -1.42199726, -2.92064114, -3.49524533, -0.69166075],
        [-0.39675353, -1.98881216, -3.55998747, -4.44246165, -0.39675353],
      ],
      D2: [
        [1, 1, 1, 0, 1],
        [1, 1, 1, 1, 1],
        [0, 0, 1, 1, 0],
      ],
      A2: [
        [0.75765067, 8.40591658, 4.40550021, 0, 0.75765067],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ],
      Z3: [[-0.53330145, -5.78898099, -3.04000407, -0.0126646, -0.53330145]],
      A3: [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]],
    },
  };
}

/**
 * The course's backward test: keep_prob 0.8 and a hand-written cache (its values are the course's, and
 * are not all mutually consistent: it tests the backward formulas, not a forward pass).
 */
export function courseBackwardCase(): BackwardCase {
  const { X } = courseInputs();
  const cache: DropoutCache = typedInCache({
    D1: [[1, 0, 1, 1, 1], [1, 1, 1, 1, 0]],
    A1: [
      [0, 0, 4.27989081, 5.21401307, 0],
      [0, 8.32019881, 1.58102041, 2.92987024, 0],
    ],
    Z2: [
      [0.53035547, 8.02565606, 4.10524802, 5.78975856, 0.53035547],
      [-0.69166075, -1.71413186, -3.81223329, -4.61667916, -0.69166075],
      [-0.39675353, -2.62563561, -4.82528105, -6.0607449, -0.39675353],
    ],
    D2: [[1, 0, 1, 0, 1], [0, 1, 0, 1, 1], [0, 0, 1, 0, 0]],
    A2: [
      [1.06071093, 0, 8.21049603, 0, 1.06071093],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ],
    Z3: [[-0.7415562, -0.0126646, -5.65469333, -0.0126646, -0.7415562]],
    A3: [[0.32266394, 0.49683389, 0.00348883, 0.49683389, 0.32266394]],
  });
  return {
    name: "course case (seed 1, keepProb 0.8)",
    X,
    Y: tensor(COURSE_LABELS),
    cache,
    keepProb: 0.8,
    expected: {
      dZ3: [[-0.67733606, -0.50316611, 0.00348883, -0.50316611, 0.32266394]],
      dW3: [[-0.06951191, 0, 0]],
      db3: [[-0.2715031]],
      dA2: [
        [0.58180856, 0, -0.00299679, 0, -0.27715731],
        [0, 0.53159854, -0, 0.53159854, -0.34089673],
        [0, 0, -0.00292733, 0, -0],
      ],
      dZ2: [
        [0.58180856, 0, -0.00299679, 0, -0.27715731],
        [0, 0, -0, 0, -0],
        [0, 0, -0, 0, -0],
      ],
      dW2: [[-0.00256518, -0.0009476], [0, 0], [0, 0]],
      db2: [[0.06033089], [0], [0]],
      dA1: [
        [0.36544439, 0, -0.00188233, 0, -0.17408748],
        [0.65515713, 0, -0.00337459, 0, -0],
      ],
      dZ1: [
        [0, 0, -0.00188233, 0, -0],
        [0, 0, -0.00337459, 0, -0],
      ],
      dW1: [[0.00019884, 0.00028657, 0.00012138], [0.00035647, 0.00051375, 0.00021761]],
      db1: [[-0.00037647], [-0.00067492]],
    },
  };
}

/** The L2 half's cost test: what `computeCostWithRegularization(A3, Y, parameters, lambd)` receives and must return. */
export interface L2CostCase {
  name: string;
  A3: Matrix;
  Y: Matrix;
  parameters: Parameters;
  lambd: number;
  /** The course's published cost (float64), cross-entropy plus (1/m)(lambd/2) times the sum of every squared weight. */
  expectedCost: number;
}

/** The L2 half's backward test: what `backwardPropagationWithRegularization(X, Y, cache, lambd)` receives. */
export interface L2BackwardCase {
  name: string;
  X: Matrix;
  Y: Matrix;
  cache: ForwardCache;
  lambd: number;
  /** The course publishes the three weight gradients only. */
  expected: Record<"dW1" | "dW2" | "dW3", Rows>;
}

/**
 * The course's L2 cost test, lambd 0.1. The parameters are the first draws after seed(1), with no X drawn
 * before them (so they are not `courseInputs()`'s); A3 and Y are typed in by the course.
 */
export function courseL2CostCase(): L2CostCase {
  return {
    name: "course case (seed 1, lambd 0.1)",
    A3: tensor(COURSE_PLAIN_A3),
    Y: tensor(COURSE_LABELS),
    parameters: drawParameters(new RandomState(1)),
    lambd: 0.1,
    expectedCost: 1.78648594516,
  };
}

/**
 * The course's L2 backward test, lambd 0.7. X is seed(1)'s first 15 draws; the whole cache is typed in by
 * the course, and this time it is consistent: the plain forward pass of `courseInputs()` to 8 decimals.
 */
export function courseL2BackwardCase(): L2BackwardCase {
  const { X } = courseInputs();
  const cache: ForwardCache = typedInCache({
    A1: [
      [0, 3.32524635, 2.13994541, 2.60700654, 0],
      [0, 4.1600994, 0.79051021, 1.46493512, 0],
    ],
    Z2: [
      [0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547],
      [-0.69166075, -3.47645987, -2.25194702, -2.65416996, -0.69166075],
      [-0.39675353, -4.62285846, -2.61101729, -3.22874921, -0.39675353],
    ],
    A2: [
      [0.53035547, 5.94892323, 2.31780174, 3.16005701, 0.53035547],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ],
    Z3: [[-0.3771104, -4.10060224, -1.60539468, -2.18416951, -0.3771104]],
    A3: COURSE_PLAIN_A3,
  });
  return {
    name: "course case (seed 1, lambd 0.7)",
    X,
    Y: tensor(COURSE_LABELS),
    cache,
    lambd: 0.7,
    expected: {
      dW1: [[-0.25604646, 0.12298827, -0.28297129], [-0.17706303, 0.34536094, -0.4410571]],
      dW2: [[0.79276486, 0.85133918], [-0.0957219, -0.01720463], [-0.13100772, -0.03750433]],
      dW3: [[-1.77691347, -0.11832879, -0.09397446]],
    },
  };
}
