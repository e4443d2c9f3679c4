/**
 * dropout-kit: everything the notebooks (dropout, L2 regularization, experiments) import, in one line:
 *   import { tf, initBackend, RandomState, ... } from "dropout-kit";
 * `tf` is re-exported so that the notebook and the kit share one tfjs instance and one backend.
 */
export * as tf from "@tensorflow/tfjs";
export { initBackend } from "./backend";
export type { BackendName } from "./backend";
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
export { forwardPropagationWithDropoutTest, backwardPropagationWithDropoutTest, DROPOUT_SUITE } from "./publicTests";
export { computeCostWithRegularizationTest, backwardPropagationWithRegularizationTest, costPublicReport, regularizedBackwardPublicReport, L2_SUITE } from "./l2PublicTests";
export { PUBLIC_SUITES } from "./publicSuites";
export { compareMatrix, ATOL, RTOL } from "./compare";
// The checks and diagnoses the public tests, `npm run check` and the grader share (src/checks/).
export * from "./checks";
export { formatArray, formatShape, printArray } from "./format";
export { load2DDataset, boundaryScore, DATASET_DEFAULTS } from "./dataset";
export type { Dataset, DatasetOptions } from "./dataset";
export {
  loadPlotly, plotDataset, plotCosts, plotDecisionBoundary, plotWeightNorms, datasetFigure, costsFigure, decisionBoundaryFigure, weightNormsFigure,
  figureBundle, showFigure, display, plotlyBundleSource,
} from "./plots";
export type { Figure, DescribedFigure, DisplayBundle, PlotOptions, BoundaryOptions, NamedParameters } from "./plots";
export {
  averageOverMasks, unitTrace, scaledNorm, scalingConventions, dropoutMultiplier, trainWithDropoutLayer, scaleWeightsForTest, probabilities,
  probabilitiesWithDropout, accuracyOf, monteCarloDropout, noiseStatistics, thinnedNetworksPerIteration, lineFigure, histogramFigure, mask,
  norm, mean, variance, predictionShift, accuraciesWithDropoutOn, countAround, spreadByPrediction, costJumpiness, meanCostFrom,
  costWithoutDropout,
} from "./experiments";
export type {
  AveragingResult, DropoutLayerOptions, MaskShape, Noise, VariantTraining, VariantResult, Series, PredictionShift, SpreadBin,
} from "./experiments";
