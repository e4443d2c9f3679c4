/**
 * Compiling a student's cells in the grader's process, with tslab's own converter, so that the sandbox
 * child never loads the TypeScript compiler (its start-up and first type-check cost about 2 s per
 * submission: most of the grading time). Compiling does not run the student's code; the child runs
 * the compiled JavaScript through tslab's executor, which replays these conversions.
 *
 * Kernel semantics are kept exactly: each cell is converted against the declarations of the cells before
 * it (tslab's `prevDecl`), as the executor does. The executor keeps a cell's declarations only when the
 * cell also *ran* without an error; compiling ahead assumes every cell runs. When one fails at run time,
 * the child finds no conversion for the next cell's real `prevDecl` and says so (`MISSING_CONVERSION`);
 * the grader then runs each graded cell in a sandbox of its own, where the assumption holds.
 */
import { resolve } from "node:path";
import type { CellConverter } from "../notebook/execute";

export const SANDBOX_ROOT = resolve(__dirname, "../dist");

/** A diagnostic the replaying converter returns when a conversion was not made in advance. */
export const MISSING_CONVERSION = "grader: no conversion prepared for this cell";

export interface Conversion {
  prevDecl: string;
  src: string;
  /** tslab's ConvertResult (plain JSON). */
  result: { diagnostics: unknown[]; declOutput?: string; [key: string]: unknown };
}

interface TslabConverter {
  convert(prevDecl: string, src: string): Conversion["result"];
  close(): void;
}

let converter: TslabConverter | undefined;

/** tslab's converter, made once per grader process, rooted where the sandbox runs (so imports resolve alike). */
function tslabConverter(): TslabConverter {
  if (!converter) {
    const previous = process.cwd();
    // The converter takes its root from the working directory at creation, and keeps it.
    process.chdir(SANDBOX_ROOT);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      converter = (require("tslab/dist/converter.js") as { createConverter: () => TslabConverter }).createConverter();
    } finally {
      process.chdir(previous);
    }
  }
  return converter;
}

/** tslab's "%module"/browser cells: not part of this assignment, refused with a clear message. */
function isSpecialCell(src: string): boolean {
  return /^\s*\/\/\s*%(module|mode)\b/m.test(src);
}

/** Converts the cells in order, each against the declarations of the ones before (assuming all run). */
export function compileCells(sources: string[]): Conversion[] {
  const conversions: Conversion[] = [];
  let decl = "";
  for (const src of sources) {
    if (isSpecialCell(src)) {
      conversions.push({ prevDecl: decl, src, result: { diagnostics: [diagnostic("tslab's %module and %mode cells are not supported by the grader: put your code in the graded cell itself")] } });
      continue;
    }
    const result = tslabConverter().convert(decl, src);
    conversions.push({ prevDecl: decl, src, result });
    if (result.diagnostics.length === 0) decl = result.declOutput ?? "";
  }
  return conversions;
}

export function diagnostic(messageText: string): unknown {
  return { start: { offset: 0, line: 0, character: 0 }, end: { offset: 0, line: 0, character: 0 }, messageText, category: 1, code: 0 };
}

/** The child's converter: hands back the conversions made in advance. */
export function replayingConverter(conversions: Conversion[]): CellConverter {
  return {
    convert(prevDecl: string, src: string) {
      const found = conversions.find((c) => c.src === src && c.prevDecl === prevDecl);
      return found ? found.result : { diagnostics: [diagnostic(MISSING_CONVERSION)] };
    },
    addModule() {
      return [diagnostic("tslab's %module cells are not supported by the grader")];
    },
    close() {},
  };
}
