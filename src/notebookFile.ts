/**
 * The parts of nbformat 4 this project reads and writes, reading a notebook with clear errors, and checking
 * the shape of every cell before anything reads one (a submission's JSON can hold anything: a source that
 * is an object, a cell that is null, metadata of the wrong types). Only cells that pass `checkCells` are
 * handed on, so `cellSource` and `gradeIdOf` can trust the types. `parseNotebook` is the one place notebook
 * JSON becomes cells: `readNotebook` (the project's own files), the grader's grading/submission.ts (a student's
 * file, read as hostile data) and the student bundle's self-check (src/selfCheck.ts) all go through it, and word
 * its problems for their readers. Not re-exported by dropout-kit's index (its names are no notebook's business),
 * but for `withoutControls`, which the grader's quoting of student text shares: the grader imports the rest as
 * "dropout-kit/dist/notebookFile".
 */
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

/** What is wrong with one cell, in words a student can act on. */
export interface CellProblem {
  /** The cell's position in the notebook, from 0. */
  index: number;
  /** Its nbgrader grade_id, when that much could be read. */
  gradeId?: string;
  /** What is wrong, e.g. "its source is an object, where Jupyter writes text or a list of lines". */
  what: string;
  /** The cell's code cannot be read at all, so the cell is left out; otherwise only its metadata is ignored. */
  unreadable: boolean;
}

export interface CheckedCells {
  /** The cells whose code can be read, in notebook order, with their positions; malformed metadata dropped. */
  cells: { index: number; cell: Cell }[];
  problems: CellProblem[];
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** "an object", "a list", "null", "a number"...: what a JSON value is, for a message. */
export function jsonKind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return "text";
  if (typeof v === "boolean") return `${v}`;
  return `a ${typeof v}`;
}

/** nbgrader's fields this project reads, and the JSON type each must have. */
const NBGRADER_FIELDS: Record<string, "string" | "boolean" | "number"> = {
  grade_id: "string",
  grade: "boolean",
  solution: "boolean",
  locked: "boolean",
  task: "boolean",
  points: "number",
  schema_version: "number",
  checksum: "string",
  cell_type: "string",
};
const TYPE_WORDS = { string: "text", boolean: "true or false", number: "a number" };

/**
 * Checks the shape of each cell (nbformat 4, plus nbgrader's metadata). A cell whose code cannot be read
 * (not an object, an unknown cell_type, a source that is not text or a list of text) is left out; a cell
 * whose metadata is malformed keeps its code and loses the metadata (its grade_id too, unless that is text).
 * Linear in the notebook's size; never throws, whatever the JSON.
 */
export function checkCells(cells: unknown[]): CheckedCells {
  const checked: CheckedCells = { cells: [], problems: [] };
  for (let index = 0; index < cells.length; index++) {
    const raw = cells[index];
    if (!isObject(raw)) {
      checked.problems.push({ index, what: `it is ${jsonKind(raw)}, not a cell (a cell is an object with a cell_type, a source and metadata)`, unreadable: true });
      continue;
    }
    const metadataProblems: string[] = [];
    let metadata: Cell["metadata"] = {};
    let gradeId: string | undefined;
    if (raw.metadata !== undefined && !isObject(raw.metadata)) metadataProblems.push(`its metadata is ${jsonKind(raw.metadata)}, not an object`);
    else if (raw.metadata !== undefined) {
      const { nbgrader, ...rest } = raw.metadata;
      metadata = rest;
      if (nbgrader !== undefined && !isObject(nbgrader)) metadataProblems.push(`its nbgrader metadata is ${jsonKind(nbgrader)}, not an object`);
      else if (nbgrader !== undefined) {
        if (typeof nbgrader.grade_id === "string") gradeId = nbgrader.grade_id;
        const wrong = Object.entries(NBGRADER_FIELDS)
          .filter(([field, type]) => nbgrader[field] !== undefined && (typeof nbgrader[field] !== type || (type === "number" && !Number.isFinite(nbgrader[field]))))
          .map(([field, type]) => `${field} is ${jsonKind(nbgrader[field])} where nbgrader writes ${TYPE_WORDS[type]}`);
        if (wrong.length > 0) {
          metadataProblems.push(`its nbgrader metadata is malformed (${wrong.join("; ")})`);
          // What can still be read identifies the cell; nothing else of a malformed entry is trusted.
          if (gradeId !== undefined) metadata.nbgrader = { grade_id: gradeId } as NbgraderMetadata;
        } else metadata.nbgrader = nbgrader as unknown as NbgraderMetadata;
      }
    }
    const cellType = raw.cell_type;
    const source = raw.source;
    let unreadable: string | undefined;
    if (cellType !== "code" && cellType !== "markdown" && cellType !== "raw") {
      unreadable = `its cell_type is ${typeof cellType === "string" ? `'${printable(cellType, 40)}'` : jsonKind(cellType)}, where Jupyter writes 'code', 'markdown' or 'raw'`;
    } else if (Array.isArray(source)) {
      const bad = source.findIndex((line) => typeof line !== "string");
      if (bad >= 0) unreadable = `its source is a list whose item ${bad + 1} is ${jsonKind(source[bad])}, where Jupyter writes a list of lines of text`;
    } else if (typeof source !== "string") {
      unreadable = `its source is ${source === undefined ? "missing" : jsonKind(source)}, where Jupyter writes text or a list of lines of text`;
    }
    const what = [...(unreadable ? [unreadable] : []), ...metadataProblems].join("; and ");
    if (what) checked.problems.push({ index, ...(gradeId !== undefined ? { gradeId } : {}), what, unreadable: !!unreadable });
    if (unreadable) continue;
    checked.cells.push({ index, cell: { ...(raw as unknown as Cell), cell_type: cellType as Cell["cell_type"], source: source as Cell["source"], metadata } });
  }
  return checked;
}

/**
 * A string from a submission, safe to quote in a message: control and invisible formatting characters
 * (newlines, terminal escapes, bidirectional overrides) shown as \u{...}, and cut to `max` characters.
 */
export function printable(text: string, max = 80): string {
  return withoutControls(text.length > max ? `${text.slice(0, max - 1)}…` : text, false);
}

/**
 * Control and invisible formatting characters (C0 and C1 controls, ESC and CSI among them, bidirectional
 * overrides, zero-width characters, lone surrogates, line and paragraph separators) shown as \u{...}; newlines
 * and tabs kept when `keepLines`. The grader's reports and terminal output quote a student's text with it too.
 */
export function withoutControls(text: string, keepLines = true): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (c) => (keepLines && (c === "\n" || c === "\t") ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`));
}

/** Why a text is not a notebook this project reads, found before any cell is looked at. */
export type NotANotebook =
  /** Not JSON at all (`detail`: the parser's message). */
  | { problem: "json"; detail: string }
  /** JSON, but not an object with a list of cells. */
  | { problem: "no-cells" }
  /** A notebook of another format than nbformat 4 (`nbformat`: whatever the file says, maybe not a number). */
  | { problem: "nbformat"; nbformat: unknown };

/** A notebook's JSON, parsed: the top level as it is, and its cells checked by `checkCells`. */
export interface ParsedNotebook {
  /** As parsed: nothing in it is trusted but its list of cells and its nbformat (4). */
  notebook: { nbformat: 4; cells: unknown[]; metadata?: unknown; [key: string]: unknown };
  checked: CheckedCells;
}

/**
 * The one place notebook JSON becomes cells: parses the text, checks that it is an nbformat 4 notebook,
 * then checks every cell's shape. Never throws, whatever the text; each caller words the problems for its
 * readers (an instructor's file, a student's submission).
 */
export function parseNotebook(text: string): ParsedNotebook | NotANotebook {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problem: "json", detail: (error as Error).message };
  }
  if (!isObject(data) || !Array.isArray(data.cells)) return { problem: "no-cells" };
  if (data.nbformat !== 4) return { problem: "nbformat", nbformat: data.nbformat };
  const notebook = data as ParsedNotebook["notebook"];
  return { notebook, checked: checkCells(notebook.cells) };
}

/** A notebook this project wrote or an instructor keeps: any problem is an error naming `where`. */
export function notebookFromText(text: string, where: string): Notebook {
  const parsed = parseNotebook(text);
  if ("problem" in parsed) {
    if (parsed.problem === "json") throw new Error(`${where}: not a readable JSON notebook (${parsed.detail})`);
    if (parsed.problem === "no-cells" || typeof parsed.nbformat !== "number") {
      throw new Error(`${where}: JSON, but not a Jupyter notebook (no "cells" list or "nbformat" number)`);
    }
    throw new Error(`${where}: nbformat ${parsed.nbformat} is not supported; save it as nbformat 4`);
  }
  const { problems } = parsed.checked;
  if (problems.length > 0) {
    throw new Error(`${where}: malformed cells: ${problems.slice(0, 5).map((p) => `cell ${p.index + 1}${p.gradeId ? ` (${printable(p.gradeId)})` : ""}: ${p.what}`).join("; ")}`);
  }
  // Every cell passed the check: the notebook as it was written (its keys in their order) is a Notebook.
  return parsed.notebook as unknown as Notebook;
}

export function readNotebook(path: string): Notebook {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`${path}: not a readable JSON notebook (${(error as Error).message})`);
  }
  return notebookFromText(text, path);
}

/** Serialises like Jupyter does (1-space indent, trailing newline) so regenerated files diff cleanly. */
export function serializeNotebook(nb: Notebook): string {
  return `${JSON.stringify(nb, null, 1)}\n`;
}
