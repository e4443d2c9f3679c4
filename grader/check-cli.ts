/**
 * `npm run check -- <notebook>`: a student's self-check. Runs the graded functions of the notebook in the
 * grader's sandbox on the course's published cases only, and prints what the grader says about them: the
 * same checks and messages as the real grading, on public inputs (the real grading adds hidden cases).
 */
import { resolve } from "node:path";
import { initBackend } from "dropout-kit";
import { gradeSubmission } from "./grading/grade";
import { readReferences } from "./grading/references";
import { bubblewrapProblem, isolation } from "./sandbox/isolation";

async function main(): Promise<number> {
  const path = process.argv[2];
  if (!path || process.argv.length > 3) {
    console.error("usage: npm run check -- <your notebook.ipynb>");
    return 2;
  }
  await initBackend();
  // A student checks their own code on their own machine: the operating system's sandbox when there is
  // one, else Node's permission model (said once).
  const problem = bubblewrapProblem();
  if (problem) console.error(`(note: ${problem}; your code runs under Node's permission model only)\n`);
  const result = await gradeSubmission(resolve(path), readReferences(), { publicOnly: true, isolation: isolation(problem ? "permission-model" : "bubblewrap") });
  console.log(`Self-check of ${result.submission} on the course's public cases (the grader also runs hidden ones):\n`);
  for (const note of result.notes) console.log(`! ${note}\n`);
  for (const t of result.tests) {
    console.log(`${t.passed ? "✓" : "✗"} ${t.name}`);
    if (!t.passed) console.log(`    ${t.output.replace(/\n/g, "\n    ")}`);
  }
  const passed = result.tests.filter((t) => t.passed).length;
  console.log(`\n${passed} of ${result.tests.length} public checks passed.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`check: ${(error as Error).message}`);
    process.exit(1);
  },
);
