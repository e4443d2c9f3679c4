/**
 * The L2 assignment's cases as data: each case's settings (id, seeds, shapes, lambd, public or hidden) and the
 * inputs rebuilt from them, deterministically, wherever they are needed (the grader, the references, the
 * public tests' data). The list itself lives with the assignment's settings
 * (grader/assignments/l2-regularization/source/settings.ts); the expected values live in the references.
 *
 * A case's inputs come from its own seed, so they hold no other case's expected values (a student's code can
 * print its inputs into the feedback): a backward case's cache is the plain forward pass of its own X, and a
 * cost case's predictions are drawn, not taken from another case's outputs.
 */
import { callGraded, courseL2BackwardCase, courseL2CostCase, costCall, forwardPropagation, fromTensor, isPublicCase, RandomState, regularizedBackwardCall, scoped, tensorOf, tf } from "dropout-kit";
import type { CallResult, GradedFunction, L2BackwardInputs, L2CaseInfo, L2CostInputs, L2FunctionName, Parameters, WireTensor } from "dropout-kit";

export interface L2CaseSettings {
  id: string;
  /** What a student reads: "On <description>: ...". */
  description: string;
  lambd: number;
  /** The course's published case (public): its inputs are the course's own. */
  course?: boolean;
  /** The course's inputs with a lambd of the grader's own: hidden, and the course check's gate (published values recalled are not a computation). */
  courseInputs?: boolean;
  /** A case of the public tests: the notebook runs it too, and its expected values may be shown. */
  public?: boolean;
  /** Otherwise a case of its own: layer sizes [n0, n1, n2, 1], */
  dims?: number[];
  /** the number of examples m, */
  examples?: number;
  /** the seed every input is drawn from, */
  inputSeed?: number;
  /** and the biases' spread (standard deviation; 0 gives zero biases). The biases are drawn last, so two cases that differ only here share every other input. */
  biasScale?: number;
}

export interface L2CaseList {
  cost: L2CaseSettings[];
  backward: L2CaseSettings[];
}

export function l2CaseInfo(settings: L2CaseSettings): L2CaseInfo {
  const { id, description, lambd, course, courseInputs } = settings;
  return { id, description, lambd, ...(course ? { course } : {}), ...(courseInputs ? { courseInputs } : {}), ...(settings.public ? { public: true } : {}) };
}

/** What the checks compare with: the solution's outputs by case id and value name (the cost as a tensor of shape []). */
export interface L2ExpectedOutputs {
  cost: Record<string, Record<string, WireTensor>>;
  backward: Record<string, Record<string, WireTensor>>;
}

const wireAll = (tensors: object) => Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, fromTensor(t as tf.Tensor)]));

interface OwnDraws {
  dims: number[];
  examples: number;
  rng: RandomState;
  biasScale: number;
}

function ownDraws(settings: L2CaseSettings): OwnDraws {
  const { id, dims, examples, inputSeed, biasScale = 1 } = settings;
  if (!dims || dims.length !== 4 || dims[3] !== 1 || examples === undefined || inputSeed === undefined) {
    throw new Error(`L2 case "${id}" needs dims [n0, n1, n2, 1], examples and inputSeed (or course / courseInputs)`);
  }
  return { dims, examples, rng: new RandomState(inputSeed), biasScale };
}

/** W1, W2, W3 drawn first (each scaled by 1 / sqrt(its fan-in) when `scaled`), the biases by `drawBiases` later. */
function drawWeights(dims: number[], rng: RandomState, scaled: boolean): tf.Tensor2D[] {
  return [1, 2, 3].map((l) => tf.mul(rng.randn(dims[l], dims[l - 1]), scaled ? 1 / Math.sqrt(dims[l - 1]) : 1) as tf.Tensor2D);
}

function drawBiases(dims: number[], rng: RandomState, scale: number): tf.Tensor2D[] {
  return [1, 2, 3].map((l) => tf.mul(rng.randn(dims[l], 1), scale) as tf.Tensor2D);
}

function parametersOf(weights: tf.Tensor2D[], biases: tf.Tensor2D[]): Parameters {
  const [W1, W2, W3] = weights;
  const [b1, b2, b3] = biases;
  return { W1, b1, W2, b2, W3, b3 };
}

/** The course's case keeps the course's lambd (its published values depend on it); its twin has its own. */
function courseLambd(settings: L2CaseSettings, published: number): number {
  if (settings.course && settings.lambd !== published) throw new Error(`L2 case "${settings.id}" is the course's, whose lambd is ${published}, not ${settings.lambd}`);
  return settings.lambd;
}

/** 0/1 labels, about half of each. */
const drawLabels = (rng: RandomState, m: number) => tf.cast(tf.less(rng.rand(1, m), 0.5), "float32") as tf.Tensor2D;

/**
 * A cost case's inputs. Its own: weights of unit spread (so that every layer's term is visible in the cost),
 * predictions A3 in [0.05, 0.95) (no log of 0), labels, then the biases.
 */
export function l2CostInputs(settings: L2CaseSettings): L2CostInputs {
  return scoped(() => {
    if (settings.course || settings.courseInputs) {
      const c = courseL2CostCase();
      return { A3: fromTensor(c.A3), Y: fromTensor(c.Y), parameters: wireAll(c.parameters), lambd: courseLambd(settings, c.lambd) };
    }
    const { dims, examples, rng, biasScale } = ownDraws(settings);
    const weights = drawWeights(dims, rng, false);
    const A3 = tf.add(0.05, tf.mul(rng.rand(1, examples), 0.9));
    const Y = drawLabels(rng, examples);
    const parameters = parametersOf(weights, drawBiases(dims, rng, biasScale));
    return { A3: fromTensor(A3), Y: fromTensor(Y), parameters: wireAll(parameters), lambd: settings.lambd };
  });
}

/**
 * A backward case's inputs. Its own: weights scaled as the course initializes them (so that the ReLUs are
 * neither all on nor all off), X, labels, the biases, and the cache: the plain forward pass of this X.
 */
export function l2BackwardInputs(settings: L2CaseSettings): L2BackwardInputs {
  return scoped(() => {
    if (settings.course || settings.courseInputs) {
      const c = courseL2BackwardCase();
      return { X: fromTensor(c.X), Y: fromTensor(c.Y), cache: wireAll(c.cache), lambd: courseLambd(settings, c.lambd) };
    }
    const { dims, examples, rng, biasScale } = ownDraws(settings);
    const weights = drawWeights(dims, rng, true);
    const X = rng.randn(dims[0], examples);
    const Y = drawLabels(rng, examples);
    const [, cache] = forwardPropagation(X, parametersOf(weights, drawBiases(dims, rng, biasScale)));
    return { X: fromTensor(X), Y: fromTensor(Y), cache: wireAll(cache), lambd: settings.lambd };
  });
}

/** A call's values as expected outputs: every one a tensor of finite numbers, or the solution is at fault. */
function expectedValuesOf(result: CallResult, where: string): Record<string, WireTensor> {
  if (!result.ok || result.form) throw new Error(`the solution failed on ${where}: ${result.error?.message ?? result.form}`);
  return Object.fromEntries(
    Object.entries(result.values).map(([name, value]) => {
      const t = tensorOf(value);
      if (!t || !t.values.every(Number.isFinite)) throw new Error(`the solution's ${name} on ${where} is not a tensor of finite numbers: an expected value must be one`);
      return [name, t];
    }),
  );
}

/**
 * The solution's outputs on every case, called as the grader calls a student's functions (the same requests):
 * what the checks compare with. For a solution in this process (tests, scripts); the engine derives the same
 * from the source notebook's solution.
 */
export function l2ExpectedOutputsOf(cases: L2CaseList, solution: Record<L2FunctionName, GradedFunction>): L2ExpectedOutputs {
  const outputs = (list: L2CaseSettings[], call: (s: L2CaseSettings) => CallResult, what: string) =>
    Object.fromEntries(list.map((s) => [s.id, expectedValuesOf(call(s), `${what} case "${s.id}"`)]));
  const expected = {
    cost: outputs(cases.cost, (s) => callGraded(solution.computeCostWithRegularization, costCall(l2CostInputs(s))), "the cost's"),
    backward: outputs(cases.backward, (s) => callGraded(solution.backwardPropagationWithRegularization, regularizedBackwardCall(l2BackwardInputs(s))), "the backward pass's"),
  };
  // Through JSON, as the references are stored: no -0.
  return JSON.parse(JSON.stringify(expected)) as L2ExpectedOutputs;
}
