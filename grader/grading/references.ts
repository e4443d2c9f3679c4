/**
 * Reference outputs, as grading reads them: what the solution computes on every grader case, and the released
 * set-up cell the grader runs before a student's cells, both derived by `npm run assign`
 * (grader/assign/references.ts) into grader/references/dropout.json and read by the grader's parent process
 * only. Grading needs this file and nothing of the instructor notebook or the release step.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { WireTensor } from "dropout-kit";
import type { BackwardInputs } from "./cases";

export const REFERENCES_FILE = resolve(__dirname, "../references/dropout.json");

export interface References {
  /** The set-up cell as students have it (imports, settings written out, backend): the grader runs it before their cells. */
  setupCell: string;
  /** forward case id -> A3 and cache.<name> values. */
  forward: Record<string, Record<string, WireTensor>>;
  /**
   * backward case id -> its inputs and the gradients (`outputs`, the file's name for the expected outputs).
   * A hidden case's inputs come from seeds of its own (a forward pass of the solution makes its cache), never
   * from a forward case's expected outputs.
   */
  backward: Record<string, { inputs: BackwardInputs; outputs: Record<string, WireTensor> }>;
}

/** The set-up cell to run before a student's graded cells: derived data, from the references. */
export function setupCellOf(references: References): string {
  if (typeof references.setupCell !== "string" || references.setupCell.trim() === "") {
    throw new Error(`${REFERENCES_FILE} holds no set-up cell: run \`npm run assign\` to regenerate it`);
  }
  return references.setupCell;
}

export function readReferences(file = REFERENCES_FILE): References {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run assign\` to generate it from the solution`);
  return JSON.parse(readFileSync(file, "utf8")) as References;
}
