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
import { realpathSync } from "node:fs";
import { dirname, isAbsolute, resolve, sep } from "node:path";
import type { CellConverter } from "../notebook/execute";
import { PROJECT_ROOT, readablePaths } from "./isolation";

/** Where the sandbox child runs (its working directory), from grader/sandbox/ and from its compiled grader/dist/sandbox/ alike. */
export const SANDBOX_ROOT = resolve(PROJECT_ROOT, "grader/dist");

/**
 * What the type checker may see: exactly what the sandbox may read (node_modules with TypeScript's standard
 * library and the packages' types, the helper library, the compiled sandbox runtime). A cell that imports
 * the references, the settings or any other file of the grader's gets the error a path that does not exist
 * gets: its type errors cannot show their structure, nor whether they are there.
 */
export function seenByTheSandbox(): (path: string) => boolean {
  const roots = readablePaths();
  const inside = (full: string) => roots.some((root) => full === root || full.startsWith(root.endsWith(sep) ? root : root + sep));
  const known = new Map<string, boolean>();
  return (path: string) => {
    // Not normalised first: the kernel follows a link before a ".." after it (node_modules/dropout-kit/..
    // is the project's folder, dropout-kit being a link to src), and so must the check.
    const raw = isAbsolute(path) ? path : `${SANDBOX_ROOT}${sep}${path}`;
    let seen = known.get(raw);
    if (seen === undefined) {
      // The text first (cheap: most paths the compiler probes outside end there), then where the kernel goes.
      seen = inside(resolve(raw)) && inside(realOrNearest(raw));
      if (known.size < 100_000) known.set(raw, seen);
    }
    return seen;
  };
}

/** Where the kernel resolves `path` (libc realpath: Node's own normalises ".." by the text first): its real path, or its nearest existing ancestor's (as written) and the rest. */
function realOrNearest(path: string): string {
  const parts = path.split(sep);
  for (let k = parts.length; k > 1; k--) {
    try {
      return resolve(realpathSync.native(parts.slice(0, k).join(sep) || sep), ...parts.slice(k));
    } catch {
      // not there: try its parent, as written
    }
  }
  return resolve(path);
}

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
const readPaths = new Set<string>();
let newReads: string[] = [];

/** The files the compiler has read since the last call (absolute paths). */
export function takeNewReads(): string[] {
  const taken = newReads;
  newReads = [];
  return taken;
}

/**
 * tslab's converter, made once per thread, rooted where the sandbox runs (so imports resolve alike). It
 * takes its root from TypeScript's `sys.getCurrentDirectory()` at creation; that is pointed at the
 * sandbox's folder for the moment (a worker thread cannot change the working directory).
 */
function tslabConverter(): TslabConverter {
  if (!converter) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const tslabDir = dirname(require.resolve("tslab/package.json"));
    const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [tslabDir] })) as {
      sys: {
        getCurrentDirectory(): string;
        readFile(path: string, encoding?: string): string | undefined;
        fileExists(path: string): boolean;
        directoryExists(path: string): boolean;
        getDirectories(path: string): string[];
        readDirectory(path: string, ...rest: unknown[]): string[];
        realpath?(path: string): string;
        watchFile?: unknown;
        watchDirectory?: unknown;
      };
    };
    // Nothing outside what the sandbox reads exists for the compiler (a path outside: no file, no folder).
    const visible = seenByTheSandbox();
    const { fileExists, directoryExists, getDirectories, readDirectory, realpath } = ts.sys;
    ts.sys.fileExists = (path) => visible(path) && fileExists.call(ts.sys, path);
    ts.sys.directoryExists = (path) => visible(path) && directoryExists.call(ts.sys, path);
    ts.sys.getDirectories = (path) => (visible(path) ? getDirectories.call(ts.sys, path) : []);
    ts.sys.readDirectory = (path, ...rest) => (visible(path) ? readDirectory.call(ts.sys, path, ...rest).filter(visible) : []);
    if (realpath) ts.sys.realpath = (path) => (visible(path) ? realpath.call(ts.sys, path) : path);
    // Every file the compiler reads, for the cache on disk (conversion-cache.ts): a conversion is valid while they are unchanged.
    const readFile = ts.sys.readFile;
    ts.sys.readFile = (path: string, encoding?: string) => {
      if (!visible(path)) return undefined;
      const text = readFile.call(ts.sys, path, encoding);
      if (text !== undefined && !readPaths.has(path)) {
        readPaths.add(path);
        newReads.push(path);
      }
      return text;
    };
    // No file watching: the grader compiles cells held in memory against typings that do not change while it
    // grades. tslab's converter is a watch program, and an event on a library file (a hard link made or removed
    // elsewhere changes the file's link count) scheduled a rebuild that failed the next compile with
    // "Unexpected pending rebuildTimer": every submission graded then was "could not be compiled".
    const unwatched = () => ({ close() {} });
    ts.sys.watchFile = unwatched;
    ts.sys.watchDirectory = unwatched;
    const { createConverter } = require("tslab/dist/converter.js") as { createConverter: () => TslabConverter };
    /* eslint-enable @typescript-eslint/no-require-imports */
    const original = ts.sys.getCurrentDirectory;
    ts.sys.getCurrentDirectory = () => SANDBOX_ROOT;
    try {
      converter = createConverter();
    } finally {
      ts.sys.getCurrentDirectory = original;
    }
  }
  return converter;
}

/**
 * tslab's "%module"/browser cells: not part of an assignment, refused with a clear message. A directive
 * is a line `// %module ...` or `// %mode ...`; the scan goes line by line with no regex that can span
 * lines (a pattern with `\s*` under /m is quadratic on many blank lines).
 */
export function isSpecialCell(src: string): boolean {
  for (let start = 0; start <= src.length; ) {
    let end = src.indexOf("\n", start);
    if (end < 0) end = src.length;
    const line = src.slice(start, Math.min(end, start + 200)).trimStart();
    if (line.startsWith("//") && /^\/\/[ \t]*%(module|mode)\b/.test(line)) return true;
    start = end + 1;
  }
  return false;
}

/**
 * Conversions already made, by (previous declarations, source): a conversion depends on nothing else.
 * Every submission starts with the same set-up cell (0.3-0.6 s to type-check each time), and copies of
 * a cell are common in a class.
 */
const cache = new Map<string, Conversion["result"]>();
const CACHE_ENTRIES = 256;

function remember(key: string, result: Conversion["result"]): void {
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, result);
}

/** Converts one cell against the declarations of the cells before it (tslab's `prevDecl`). */
export function compileCell(prevDecl: string, src: string): Conversion["result"] {
  if (isSpecialCell(src)) return { diagnostics: [diagnostic("tslab's %module and %mode cells are not supported by the grader: put your code in the graded cell itself")] };
  const key = `${prevDecl}\u0000${src}`;
  const known = cache.get(key);
  if (known) return known;
  try {
    const result = tslabConverter().convert(prevDecl, src);
    remember(key, result);
    return result;
  } catch (error) {
    // tslab's converter is left unusable by a throw (its rebuild timer stays pending): start afresh.
    converter?.close();
    converter = undefined;
    return { diagnostics: [diagnostic(`the TypeScript compiler failed on this cell: ${(error as Error).message}`)] };
  }
}

/**
 * TypeScript's own "I give up" errors: types whose checking would not end (TS2589 "Type instantiation is
 * excessively deep and possibly infinite", TS2590 "Expression produces a union type that is too complex to
 * represent", TS2321 "Excessive stack depth comparing types"). The same cell, on a slower machine, runs
 * into the grader's time limit instead; both are reported alike. Returns the compiler's message.
 */
const GIVE_UP_CODES = new Set([2589, 2590, 2321]);

export function compilerGaveUp(result: Conversion["result"]): string | undefined {
  for (const d of result.diagnostics as { code?: unknown; messageText?: unknown }[]) {
    if (typeof d?.code === "number" && GIVE_UP_CODES.has(d.code)) return typeof d.messageText === "string" ? d.messageText : `TS${d.code}`;
  }
  return undefined;
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
