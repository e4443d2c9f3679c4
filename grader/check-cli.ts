/**
 * `npm run check -- <notebook>`: a student's self-check. Runs the graded functions of the notebook in the
 * grader's sandbox on the public cases only, and prints what the grader says about them: the
 * same checks and messages as the real grading, on public inputs (the real grading adds hidden cases).
 * Exit status: 0 when every public check passes, 1 when one fails, 2 when the file cannot be checked
 * (missing, not a notebook), the command is misused (no notebook, several, or an unknown flag: said with
 * the usage) or bubblewrap cannot run here and the weaker isolation was not named (said with what to do).
 */
import { resolve } from "node:path";
import { initBackend } from "dropout-kit";
import { parseCommandLine } from "./command-line";
import { gradeSubmission } from "./grading/grade";
import { assignmentById } from "./assignments";
import { isolation, IsolationUnavailable, requestedIsolation } from "./sandbox/isolation";
import { printError, printOut } from "./untrusted-text";

const USAGE = "usage: npm run check -- <your notebook.ipynb> [--assignment ID] [--isolation bubblewrap|permission-model]   (the notebook's metadata says which assignment it is)";
/** The exit status of a misuse (documented above). */
const MISUSE = 2;

async function main(): Promise<number> {
  const { positionals, values } = parseCommandLine("check", USAGE, { allowPositionals: true, options: { assignment: { type: "string" }, isolation: { type: "string" } } }, MISUSE);
  if (positionals.length !== 1) {
    console.error(USAGE);
    return MISUSE;
  }
  const [path] = positionals;
  let assignment;
  try {
    assignment = values.assignment === undefined ? undefined : assignmentById(values.assignment);
  } catch (error) {
    console.error(`check: ${(error as Error).message}\n${USAGE}`);
    return MISUSE;
  }
  // As `grade` does: the operating system's sandbox, or a refusal that says how to get it; the weaker
  // isolation only when named (a TA may check a student's file here: that code is untrusted too).
  let sandbox;
  try {
    sandbox = isolation(requestedIsolation(values.isolation));
  } catch (error) {
    if (!(error instanceof IsolationUnavailable)) throw error;
    printError(`check: ${error.message}`);
    return MISUSE;
  }
  if (sandbox.mode !== "bubblewrap") printError(`check: WARNING: the notebook's code runs under ${sandbox.description}\n`);
  await initBackend();
  const result = await gradeSubmission(resolve(path), { assignment, publicOnly: true, isolation: sandbox });
  if (result.status === "ungradable") {
    // The file itself is the problem: say it once, with what to do; no list of checks that could not run.
    printOut(`${result.submission} cannot be checked:\n\n${result.notes.join("\n\n")}`);
    return 2;
  }
  printOut(`Self-check of ${result.submission} on the public cases, the ones the notebook's test cells run (the grader also runs hidden ones):\n`);
  for (const note of result.notes) printOut(`! ${note}\n`);
  const said = new Set<string>();
  for (const t of result.tests) {
    printOut(`${t.passed ? "✓" : "✗"} ${t.name}`);
    if (t.passed) continue;
    // Each problem once: a reason shared by several checks (a cell that did not run) is printed the first time.
    printOut(said.has(t.output) ? "    (the same reason as above)" : `    ${t.output.replace(/\n/g, "\n    ")}`);
    said.add(t.output);
  }
  const passed = result.tests.filter((t) => t.passed).length;
  printOut(`\n${passed} of ${result.tests.length} public checks passed.${passed < result.tests.length ? "" : " The grader also runs hidden cases: this is no promise of full marks."}`);
  return passed === result.tests.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    printError(`check: ${(error as Error).message}`);
    process.exit(1);
  },
);
