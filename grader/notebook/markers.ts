/**
 * nbgrader's markers, as this project's TypeScript cells write them: a comment line of its own,
 * `// BEGIN SOLUTION` ... `// END SOLUTION` around a solution, `// BEGIN HIDDEN TESTS` ... `// END HIDDEN TESTS`
 * around tests students never see. The one definition the release (assign/release.ts) and the checks of what
 * students get (assign/validate.ts) both match.
 */

/** A marker line: the comment alone on its line, any indentation (captured: the region's indentation). */
const markerLine = (words: string): RegExp => new RegExp(`^(\\s*)\\/\\/\\s*${words}\\s*$`);

export const BEGIN_SOLUTION = markerLine("BEGIN SOLUTION");
export const END_SOLUTION = markerLine("END SOLUTION");
export const BEGIN_HIDDEN_TESTS = markerLine("BEGIN HIDDEN TESTS");
export const END_HIDDEN_TESTS = markerLine("END HIDDEN TESTS");

/** The regions whose lines no student may see, each as its [begin, end] markers. */
export const SECRET_REGIONS: readonly (readonly [begin: RegExp, end: RegExp])[] = [
  [BEGIN_SOLUTION, END_SOLUTION],
  [BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS],
];
