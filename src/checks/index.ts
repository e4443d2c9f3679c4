/**
 * The checks and the diagnoses of the dropout exercises, shared by the notebook's public tests (on the public
 * cases), the grader's self-check and the grader (on every case): pure functions from what a student's
 * function returned, as plain data, to verdicts and messages. No expected value of a hidden case lives here.
 */
export * from "./tensorData";
export * from "./cases";
export * from "./diagnoses";
export * from "./dropoutChecks";
export * from "./harness";
export * from "./dropoutCalls";
export * from "./publicSuite";
export * from "./l2";
