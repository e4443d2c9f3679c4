/**
 * The L2 regularization assignment's part of the library: its calls, the diagnoses and rules the grader
 * shares with the public tests (each judging from outcomes: recomputed in grading, read from data here), and the
 * public tests.
 */
export * from "./calls";
export * from "./diagnoses";
export * from "./describe";
export * from "./evidence";
export * from "./rules";
export * from "./publicTests";
export { L2_CATALOGUE } from "./misconceptions";
export type { L2Misconception } from "./misconceptions";
