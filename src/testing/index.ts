/**
 * The public tests' machinery, which knows no assignment: tensors as data and their comparison, calling a
 * student's function into plain data (the grader's sandbox calls through the same harness), checks as entries
 * with their rules, and the one-screen report. It computes no graded function's output.
 */
export * from "./tensorData";
export * from "./harness";
export * from "./verdicts";
export * from "./misconceptions";
export * from "./cases";
export * from "./publicSuite";
export * from "./report";
