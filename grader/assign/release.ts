/**
 * ClearSolutions, nbgrader-style: turns the instructor notebook into the student notebook.
 * - `// BEGIN SOLUTION` ... `// END SOLUTION` becomes the YOUR CODE region with a stub that throws;
 * - `// BEGIN HIDDEN TESTS` ... `// END HIDDEN TESTS` is removed;
 * - outputs and execution counts are cleared;
 * - nbgrader checksums are computed (ComputeChecksums), so the grader can tell an edited read-only cell.
 * The stub's message names the function and the step, taken from the comment line just above the marker.
 */
import { withChecksums } from "../notebook/checksum";
import { cellSource, gradeIdOf, Notebook, toSourceLines } from "../notebook/notebook";

const BEGIN_SOLUTION = /^(\s*)\/\/\s*BEGIN SOLUTION\s*$/;
const END_SOLUTION = /^\s*\/\/\s*END SOLUTION\s*$/;
const BEGIN_HIDDEN = /^\s*\/\/\s*BEGIN HIDDEN TESTS\s*$/;
const END_HIDDEN = /^\s*\/\/\s*END HIDDEN TESTS\s*$/;

export class MarkerError extends Error {}

export function releaseCellSource(source: string, where: string): string {
  const lines = source.split("\n");
  const out: string[] = [];
  const functionName = /function\s+(\w+)/.exec(source)?.[1];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const begin = BEGIN_SOLUTION.exec(line);
    if (begin) {
      const end = findClosing(lines, i, END_SOLUTION, BEGIN_SOLUTION, `${where}, line ${i + 1}: BEGIN SOLUTION`);
      const indent = begin[1];
      const hint = /^\s*\/\/\s*(.*?)\.?\s*$/.exec(lines[i - 1] ?? "")?.[1];
      const what = [functionName, hint].filter(Boolean).join(": ") || where;
      out.push(`${indent}// YOUR CODE STARTS HERE`, `${indent}throw new NotImplementedError(${JSON.stringify(what)});`, `${indent}// YOUR CODE ENDS HERE`);
      i = end;
    } else if (BEGIN_HIDDEN.test(line)) {
      i = findClosing(lines, i, END_HIDDEN, BEGIN_HIDDEN, `${where}, line ${i + 1}: BEGIN HIDDEN TESTS`);
    } else if (END_SOLUTION.test(line) || END_HIDDEN.test(line)) {
      throw new MarkerError(`${where}, line ${i + 1}: "${line.trim()}" has no matching BEGIN marker above it`);
    } else {
      out.push(line);
    }
  }
  return out.join("\n");
}

function findClosing(lines: string[], from: number, end: RegExp, begin: RegExp, what: string): number {
  for (let j = from + 1; j < lines.length; j++) {
    if (end.test(lines[j])) return j;
    if (begin.test(lines[j])) throw new MarkerError(`${what} is opened again at line ${j + 1} before it was closed`);
  }
  throw new MarkerError(`${what} is never closed`);
}

export function releaseNotebook(source: Notebook, name = "notebook"): Notebook {
  const release: Notebook = JSON.parse(JSON.stringify(source));
  release.cells = release.cells.map((cell, index) => {
    if (cell.cell_type !== "code") return cell;
    const where = `${name}, cell ${index} (${gradeIdOf(cell) ?? "no grade_id"})`;
    return { ...cell, source: toSourceLines(releaseCellSource(cellSource(cell), where)), outputs: [], execution_count: null };
  });
  return withChecksums(release);
}
