/**
 * dropout-kit: everything the notebooks (dropout, L2 regularization, experiments) import, in one line:
 *   import { tf, initBackend, RandomState, ... } from "dropout-kit";
 * `tf` is re-exported so that the notebook and the kit share one tfjs instance and one backend.
 */
export * as tf from "@tensorflow/tfjs";
export { initBackend } from "./backend";
export type { BackendName } from "./backend";
export { wasmKernelsInstalled, withStockKernels } from "./kernels/wasmKernels";
export { RandomState } from "./random";
export * from "./types";
export {
  relu, sigmoid, forwardPropagation, backwardPropagation, linearForward, linearBackward, reluBackward, averagedOuter, averagedRowSum,
} from "./propagation";
export { computeCost, computeCostFromLogits } from "./cost";
export { updateParameters, updateParametersInPlace } from "./update";
export { initializeParameters, LAYER_DIMS } from "./initialize";
export { predict, predictDec } from "./predict";
export { model, disposeParameters } from "./model";
export type { ModelOptions, TrainedModel, CostRecord } from "./model";
export { assertKeepProb, notImplemented, NotImplementedError } from "./dropout";
export { assertLambd, assertOneRegularizer } from "./regularization";
export { weightNorms } from "./weightNorms";
export type { WeightNorms } from "./weightNorms";
export { accuracyTable, formatAccuracyTable } from "./report";
export type { AccuracyRow } from "./report";
export { courseInputs, courseForwardCase, courseBackwardCase, courseL2CostCase, courseL2BackwardCase } from "./courseCases";
export type { ForwardCase, BackwardCase, L2CostCase, L2BackwardCase } from "./courseCases";
export { compareMatrix, ATOL, RTOL } from "./compare";
// The public tests' machinery (src/testing/), which the grader's sandbox and checks call through too.
export * from "./testing";
// Each assignment's calls, public tests (from the data `npm run assign` writes) and the diagnoses that read a
// student's own tensors or a mistake's precomputed outcome (src/assignments/<id>/). No graded function's output.
export * from "./assignments/dropout";
export * from "./assignments/l2-regularization";
export { PUBLIC_SUITES } from "./assignments";
export { formatArray, formatShape, printArray } from "./format";
// Text from a notebook or a student, safe to show (the grader quotes it in reports and on the terminal).
export { withoutControls } from "./notebookFile";
export { load2DDataset, boundaryScore, DATASET_DEFAULTS } from "./dataset";
export type { Dataset, DatasetOptions } from "./dataset";
export {
  loadPlotly, plotDataset, plotCosts, plotDecisionBoundary, plotWeightNorms, datasetFigure, costsFigure, decisionBoundaryFigure, weightNormsFigure,
  figureBundle, showFigure, display, plotlyBundleSource,
} from "./plots";
export type { Figure, DescribedFigure, DisplayBundle, PlotOptions, BoundaryOptions, NamedParameters } from "./plots";
