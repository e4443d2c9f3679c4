/**
 * Writes src/checks/l2/publicCases.json, the L2 public tests' cases with their expected outputs, from the case
 * list (grader/assignments/l2-regularization/source/settings.ts) and the tests' oracle solution
 * (test/helpers/l2Solution.ts). Rerun after changing either: `npx tsx scripts/l2-public-cases.ts` (after `npm
 * run build`). The engine's `npm run assign` will write the same file from the source notebook's solution;
 * test/l2-checks.test.ts checks that the file agrees with the oracle.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { initBackend, l2ExpectedOutputsOf, l2PublicCasesOf } from "dropout-kit";
import type { GradedFunction, L2FunctionName } from "dropout-kit";
import { cases } from "../grader/assignments/l2-regularization/source/settings";
import { backwardPropagationWithRegularization, computeCostWithRegularization } from "../test/helpers/l2Solution";

export const L2_PUBLIC_CASES_FILE = resolve(__dirname, "../src/checks/l2/publicCases.json");

async function main(): Promise<void> {
  await initBackend();
  const solution = { computeCostWithRegularization, backwardPropagationWithRegularization } as unknown as Record<L2FunctionName, GradedFunction>;
  const expected = l2ExpectedOutputsOf(cases, solution);
  writeFileSync(L2_PUBLIC_CASES_FILE, `${JSON.stringify(l2PublicCasesOf(cases, expected))}\n`);
  console.log(`wrote ${L2_PUBLIC_CASES_FILE}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
