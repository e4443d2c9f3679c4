/**
 * Gradescope's `run_autograder`: grades the notebook in /autograder/submission and writes
 * /autograder/results/results.json (Gradescope's format). `AUTOGRADER_ROOT` moves /autograder (tests).
 * Every outcome writes a results.json a student can read: no notebook, several, or a grader failure.
 */
import { lstatSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { initBackend } from "dropout-kit";
import { gradeBatch } from "../batch";
import { parseCommandLine } from "../command-line";
import { assignmentById } from "../assignments";
import type { GradedAssignment } from "../assignment";
import { maxScoreOf } from "../assignment";
import { writeAtomically } from "../atomic-write";
import { gradescopeResults } from "../reports";
import { bubblewrapProblem } from "../sandbox/isolation";
import { printError } from "../untrusted-text";

const root = process.env.AUTOGRADER_ROOT ?? "/autograder";
const submissionDir = join(root, "submission");
const resultsFile = join(root, "results", "results.json");

function notebooksIn(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith(".") || name === "__MACOSX") continue; // .ipynb_checkpoints, archive debris
      const path = join(d, name);
      // Links are not followed (a loop, or a way out of the submission); a linked .ipynb is still found,
      // and readSubmission refuses it with a message.
      const entry = lstatSync(path);
      if (entry.isDirectory() && !name.endsWith(".ipynb")) walk(path);
      else if (name.endsWith(".ipynb")) found.push(path);
    }
  };
  walk(dir);
  return found;
}

function failure(message: string, maxScore?: number): object {
  return { score: 0, ...(maxScore === undefined ? {} : { max_score: maxScore }), output: message, visibility: "visible", stdout_visibility: "hidden", tests: [] };
}

const USAGE = "usage: run_autograder --assignment ID   (the package's run_autograder passes its assignment; grades $AUTOGRADER_ROOT/submission, by default /autograder/submission)";

async function main(assignment: GradedAssignment): Promise<void> {
  const notebooks = notebooksIn(submissionDir);
  // One notebook, or among several the one named as the assignment's notebook is.
  const named = notebooks.filter((p) => basename(p) === assignment.notebook);
  const chosen = notebooks.length === 1 ? notebooks[0] : named.length === 1 ? named[0] : undefined;
  const expected = assignment.notebook;
  if (!chosen) {
    const message = notebooks.length === 0
      ? `No .ipynb file was found in your submission. Upload your saved notebook (${expected}).`
      : `Your submission holds several notebooks (${notebooks.map((p) => relative(submissionDir, p)).join(", ")}) and ${named.length === 0 ? `none is named ${expected}` : "more than one is named like an assignment's notebook"}. Upload only the assignment's notebook.`;
    writeAtomically(resultsFile, `${JSON.stringify(failure(message, maxScoreOf(assignment)), null, 2)}\n`);
    return;
  }
  await initBackend();
  // Gradescope runs each submission in a throw-away container of its own, which may refuse the namespaces
  // bubblewrap needs: then, and only here, the weaker isolation is chosen, and results.json says so.
  const problem = bubblewrapProblem();
  if (problem) {
    console.error(`run_autograder: ${problem}; grading under Node's permission model inside this container`);
    process.env.DROPOUT_GRADER_ISOLATION = "permission-model";
  }
  // This package's assignment only: a notebook of another assignment is refused with a message (score 0 of this
  // assignment's points), never graded as the other one.
  const [result] = await gradeBatch([chosen], { outDir: mkdtempSync(join(tmpdir(), "gradescope-")), jobs: 1, regrade: true, assignments: [assignment] });
  writeAtomically(resultsFile, `${JSON.stringify(gradescopeResults(result), null, 2)}\n`);
}

// The package's run_autograder names its assignment; anything else is a misuse of the command (exit 1, with the usage).
const { values } = parseCommandLine("run_autograder", USAGE, { options: { assignment: { type: "string" } }, allowPositionals: false });
if (values.assignment === undefined) {
  console.error(`run_autograder: --assignment is missing\n${USAGE}`);
  process.exit(1);
}
main(assignmentById(values.assignment)).then(
  () => process.exit(0),
  (error) => {
    writeAtomically(resultsFile, `${JSON.stringify(failure(`The autograder itself failed; please tell your instructor. (${(error as Error)?.message ?? String(error)})`), null, 2)}\n`);
    printError((error as Error)?.stack ?? String(error));
    process.exit(1);
  },
);
