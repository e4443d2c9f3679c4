/**
 * Naming what is wrong in a student's L2 answer, from their own numbers on every case (describe.ts reads the
 * L2 part off them and says it in the formula's terms). What the reading needs from outside (the cross-entropy,
 * the weights' statistics, the expected cost, the plain gradients) are the facts: the grader recomputes them on
 * every case (grader/assignments/l2-regularization/checks/); the notebook's public tests read them from the data
 * `npm run assign` wrote for the public cases. Nothing here computes the L2 term or its gradient.
 */
import type { CallResult, WireTensor } from "../../testing/tensorData";
import { tensorOf } from "../../testing/tensorData";
import type { Diagnosis } from "../../testing/verdicts";
import type { CostObservation, DescribeContext, GradientObservation, WeightStatistics } from "./describe";
import { costExplained, describeCostTerm, describeGradientTerms, gradientsExplained } from "./describe";
import type { L2BackwardInputs, L2CaseInfo, L2CostInputs } from "./calls";

/** What the cost's reading needs of a case: "no-term" is computeCost(A3, Y), "right" the expected cost (where known). */
export type L2CostOutcomes = Record<string, number>;

/** A cost case's facts: its outcomes and the statistics of its weights (ΣW_l², ΣW_l, Σb_l², by layer). */
export interface L2CostFacts {
  outcomes: L2CostOutcomes;
  statistics: WeightStatistics;
}

/** A backward case's facts: each dW_l's plain gradient ("missing": no term) and the right one, each db_l's plain one. */
export interface L2BackwardOutcomes {
  dW: Record<string, { right?: WireTensor; missing: WireTensor }>;
  db: Record<string, { plain: WireTensor }>;
}

/** The student's cost, when it is a finite number. */
export function costValueOf(result: CallResult): number | undefined {
  const t = tensorOf(result.values.cost);
  return t && t.values.length === 1 && Number.isFinite(t.values[0]) ? t.values[0] : undefined;
}

interface CaseRun<Inputs> {
  spec: L2CaseInfo;
  inputs: Inputs;
  result: CallResult;
}

/**
 * What the student's cost's L2 part is, read on every case with a finite cost: a description in the formula's
 * terms, or what is known; undefined on a right answer and where nothing can be pinned.
 */
export function diagnoseCostRuns(runs: CaseRun<L2CostInputs>[], factsOf: (run: CaseRun<L2CostInputs>) => L2CostFacts, context: DescribeContext = {}): Diagnosis | undefined {
  return describeCostTerm(costObservations(runs, factsOf), context);
}

/** Whether the reading explains the student's costs on every case as a computation (then no output of theirs is taken for a recalled one). */
export function costRunsExplained(runs: CaseRun<L2CostInputs>[], factsOf: (run: CaseRun<L2CostInputs>) => L2CostFacts): boolean {
  return costExplained(costObservations(runs, factsOf));
}

function costObservations(runs: CaseRun<L2CostInputs>[], factsOf: (run: CaseRun<L2CostInputs>) => L2CostFacts): CostObservation[] {
  return runs.flatMap((run) => {
    const cost = costValueOf(run.result);
    if (cost === undefined) return [];
    const { outcomes, statistics } = factsOf(run);
    return [{ where: run.spec.description, lambd: run.inputs.lambd, m: run.inputs.Y.shape[1], cost, crossEntropy: outcomes["no-term"], stats: statistics, expected: outcomes.right }];
  });
}

const LAYERS = [1, 2, 3] as const;

function minus(a: WireTensor | undefined, b: WireTensor): WireTensor | undefined {
  if (!a || a.shape.join() !== b.shape.join()) return undefined;
  return { shape: b.shape.slice(), values: a.values.map((v, k) => v - b.values[k]) };
}

/** dW_l − (1/m)·dZ_l·A_{l−1}ᵀ from the student's own dZ_l: the term alone, whatever the plain part. */
function ownTermOf(run: CaseRun<L2BackwardInputs>, layer: 1 | 2 | 3): WireTensor | undefined {
  const dZ = tensorOf(run.result.values[`dZ${layer}`]);
  const dW = tensorOf(run.result.values[`dW${layer}`]);
  const previous = layer === 1 ? run.inputs.X : run.inputs.cache[`A${layer - 1}`];
  const W = run.inputs.cache[`W${layer}`];
  if (!dZ || !dW || dZ.shape.length !== 2 || dZ.shape[1] !== previous.shape[1] || dW.shape.join() !== W.shape.join() || dZ.shape[0] !== W.shape[0]) return undefined;
  const [rows, m] = dZ.shape;
  const cols = previous.shape[0];
  const values = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let k = 0; k < m; k++) sum += dZ.values[i * m + k] * previous.values[j * m + k];
      values[i * cols + j] = dW.values[i * cols + j] - sum / m;
    }
  }
  return { shape: [rows, cols], values };
}

/** What the student's regularization terms are, read on every case: each dW and db minus the plain ones. */
export function diagnoseBackwardRuns(runs: CaseRun<L2BackwardInputs>[], outcomesOf: (run: CaseRun<L2BackwardInputs>) => L2BackwardOutcomes, context: DescribeContext = {}): Diagnosis | undefined {
  return describeGradientTerms(gradientObservations(runs, outcomesOf), context);
}

/** Whether the reading explains the student's gradients on every case as a computation. */
export function backwardRunsExplained(runs: CaseRun<L2BackwardInputs>[], outcomesOf: (run: CaseRun<L2BackwardInputs>) => L2BackwardOutcomes): boolean {
  return gradientsExplained(gradientObservations(runs, outcomesOf));
}

function gradientObservations(runs: CaseRun<L2BackwardInputs>[], outcomesOf: (run: CaseRun<L2BackwardInputs>) => L2BackwardOutcomes): GradientObservation[] {
  return runs
    .filter((run) => run.result.ok)
    .map((run) => {
      const outcomes = outcomesOf(run);
      const c = run.inputs.cache;
      return {
        where: run.spec.description,
        lambd: run.inputs.lambd,
        m: run.inputs.Y.shape[1],
        weightParts: Object.fromEntries(LAYERS.map((l) => [l, minus(tensorOf(run.result.values[`dW${l}`]), outcomes.dW[`dW${l}`].missing)])),
        biasParts: Object.fromEntries(LAYERS.map((l) => [l, minus(tensorOf(run.result.values[`db${l}`]), outcomes.db[`db${l}`].plain)])),
        weights: { 1: c.W1, 2: c.W2, 3: c.W3 },
        biases: { 1: c.b1, 2: c.b2, 3: c.b3 },
        ownWeightParts: Object.fromEntries(LAYERS.map((l) => [l, ownTermOf(run, l)])),
      };
    });
}
