/** The parts of nbformat 4 this project reads and writes, and reading a notebook with clear errors. */
import { readFileSync } from "node:fs";

export interface NbgraderMetadata {
  grade_id: string;
  grade: boolean;
  solution: boolean;
  locked: boolean;
  task?: boolean;
  points?: number;
  schema_version: 3;
  checksum?: string;
  cell_type?: string;
}

export interface Cell {
  id?: string;
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: { nbgrader?: NbgraderMetadata; [key: string]: unknown };
  outputs?: unknown[];
  execution_count?: number | null;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: { kernelspec?: { name: string; display_name: string; language?: string }; [key: string]: unknown };
  cells: Cell[];
}

export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Splits text into nbformat's list-of-lines form (every line but the last keeps its newline). */
export function toSourceLines(text: string): string[] {
  const lines = text.split("\n");
  return lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line)).filter((line) => line !== "");
}

export function gradeIdOf(cell: Cell): string | undefined {
  return cell.metadata?.nbgrader?.grade_id;
}

export function readNotebook(path: string): Notebook {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: not a readable JSON notebook (${(error as Error).message})`);
  }
  const nb = parsed as Partial<Notebook>;
  if (typeof nb !== "object" || nb === null || !Array.isArray(nb.cells) || typeof nb.nbformat !== "number") {
    throw new Error(`${path}: JSON, but not a Jupyter notebook (no "cells" list or "nbformat" number)`);
  }
  if (nb.nbformat !== 4) throw new Error(`${path}: nbformat ${nb.nbformat} is not supported; save it as nbformat 4`);
  return nb as Notebook;
}

/** Serialises like Jupyter does (1-space indent, trailing newline) so regenerated files diff cleanly. */
export function serializeNotebook(nb: Notebook): string {
  return `${JSON.stringify(nb, null, 1)}\n`;
}
