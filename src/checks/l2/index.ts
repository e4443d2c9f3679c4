/**
 * The L2 regularization assignment's calls, cases, checks and diagnoses (the dropout assignment's are one
 * folder up). What the grader, `npm run check` and the notebook's public tests share.
 */
export * from "./l2Calls";
export * from "./l2Cases";
export * from "./l2Checks";
export { diagnoseCost, diagnoseRegularizedBackward, costValueOf } from "./l2Diagnoses";
// l2Recompute.ts (the cost and the gradients recomputed) is the checks' own, not the notebooks': not re-exported.
