/**
 * The dropout assignment's part of the library: its calls, the diagnoses and rules the grader shares with the
 * public tests (each judging from an oracle: recomputed in grading, read from data here), and the public tests.
 */
export * from "./calls";
export * from "./diagnoses";
export * from "./evidence";
export * from "./rules";
export * from "./publicTests";
export { DROPOUT_CATALOGUE } from "./misconceptions";
export type { DropoutMisconception } from "./misconceptions";
