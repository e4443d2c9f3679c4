/**
 * The instructor notebook becomes the student notebook through small named steps, nbgrader-style:
 * - ClearSolutions: `// BEGIN SOLUTION` ... `// END SOLUTION` becomes the YOUR CODE region with a stub that
 *   throws (its message names the function and the step, from the comment line just above the marker);
 *   `// BEGIN HIDDEN TESTS` ... `// END HIDDEN TESTS` is removed;
 * - InlineSettings: the instructor's `import { notebook as settings } from "./settings"` and the
 *   `const { ... } = settings;` after it become constants with the values written out;
 * - SetPoints: each test cell's nbgrader points are the sum of its function's checks (settings.ts);
 * - ClearOutputs: outputs and execution counts are cleared;
 * - ComputeChecksums: nbgrader checksums, so the grader can tell an edited read-only cell.
 */
import { withChecksums } from "../notebook/checksum";
import { BEGIN_HIDDEN_TESTS, BEGIN_SOLUTION, END_HIDDEN_TESTS, END_SOLUTION } from "../notebook/markers";
import { cellSource, gradeIdOf, Notebook, toSourceLines } from "../notebook/notebook";
import type { Assignment } from "../assignment";
import { pointsOf } from "../assignment";
import { ASSIGNMENT_METADATA } from "dropout-kit";

export class MarkerError extends Error {}

export interface ReleaseOptions {
  /**
   * Keep each solution between the YOUR CODE markers instead of a stub: the student's copy as a student who
   * solved the exercise hands it in (the example gallery starts from it).
   */
  keepSolutions?: boolean;
}

export function releaseCellSource(source: string, where: string, { keepSolutions = false }: ReleaseOptions = {}): string {
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
      const body = keepSolutions ? lines.slice(i + 1, end) : [`${indent}throw new NotImplementedError(${JSON.stringify(what)});`];
      out.push(`${indent}// YOUR CODE STARTS HERE`, ...body, `${indent}// YOUR CODE ENDS HERE`);
      i = end;
    } else if (BEGIN_HIDDEN_TESTS.test(line)) {
      i = findClosing(lines, i, END_HIDDEN_TESTS, BEGIN_HIDDEN_TESTS, `${where}, line ${i + 1}: BEGIN HIDDEN TESTS`);
    } else if (END_SOLUTION.test(line) || END_HIDDEN_TESTS.test(line)) {
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

const SETTINGS_IMPORT = /^\s*import\s*\{\s*notebook(?:\s+as\s+(\w+))?\s*\}\s*from\s*["']\.\/settings["'];.*$/;

/** InlineSettings: the settings import and its destructuring become constants with the values. */
export function inlineSettings(source: string, where: string, values: Record<string, unknown>): string {
  const lines = source.split("\n");
  const at = lines.findIndex((line) => SETTINGS_IMPORT.test(line));
  if (at < 0) return source;
  const alias = SETTINGS_IMPORT.exec(lines[at])![1] ?? "notebook";
  const destructure = new RegExp(`^\\s*const\\s*\\{([^}]*)\\}\\s*=\\s*${alias}\\s*;\\s*(//.*)?$`);
  const names = lines.map((line) => destructure.exec(line)).find(Boolean)?.[1];
  if (!names) throw new MarkerError(`${where}: the settings are imported but not unpacked; follow the import with \`const { NAME, ... } = ${alias};\``);
  const constants = names.split(",").map((n) => n.trim()).filter(Boolean).map((name) => {
    if (!(name in values)) throw new MarkerError(`${where}: "${name}" is not among the notebook settings (${Object.keys(values).join(", ")}) in the assignment's settings.ts`);
    return `const ${name} = ${tsLiteral(values[name])};`;
  });
  const written = ["// The assignment's settings (chosen by your instructor):", ...constants];
  return lines.flatMap((line, i) => (i === at ? [] : destructure.test(line) ? written : [line])).join("\n");
}

/** A value as TypeScript source, written the way a person would: `{ seed: 1, noise: 0.05 }`. */
export function tsLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tsLiteral).join(", ")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${tsLiteral(v)}`);
    return entries.length ? `{ ${entries.join(", ")} }` : "{}";
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string" || value === null) return JSON.stringify(value);
  throw new Error(`a notebook setting must be plain data, got ${typeof value}`);
}

/** The test cell of each graded function (`<graded cell's grade_id>_test`) and its points: the sum of its checks'. */
function testCellPoints(assignment: Assignment): Record<string, number> {
  return Object.fromEntries(Object.entries(assignment.gradedCells).map(([fn, gradeId]) => [`${gradeId}_test`, pointsOf(assignment, fn)]));
}

/**
 * The student's copy of one of the assignment's source notebooks (`name`, its file name); the graded notebook
 * also names its assignment in its metadata, so the grader knows what it is.
 */
export function releaseNotebook(source: Notebook, name: string, assignment: Assignment): Notebook {
  const release: Notebook = JSON.parse(JSON.stringify(source));
  const points = testCellPoints(assignment);
  release.cells = release.cells.map((cell, index) => {
    if (cell.cell_type !== "code") return cell;
    const where = `${name}, cell ${index} (${gradeIdOf(cell) ?? "no grade_id"})`;
    const code = inlineSettings(releaseCellSource(cellSource(cell), where), where, assignment.notebookSettings);
    const nbgrader = cell.metadata.nbgrader;
    const cellPoints = nbgrader?.grade ? points[nbgrader.grade_id] : undefined;
    const metadata = cellPoints === undefined ? cell.metadata : { ...cell.metadata, nbgrader: { ...nbgrader!, points: cellPoints } };
    return { ...cell, metadata, source: toSourceLines(code), outputs: [], execution_count: null };
  });
  if (name === assignment.notebook) release.metadata = { ...release.metadata, [ASSIGNMENT_METADATA]: { assignment: assignment.id } };
  return withChecksums(release);
}
