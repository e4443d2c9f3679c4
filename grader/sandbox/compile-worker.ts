/**
 * A worker thread that compiles students' cells with tslab's converter (compiler.ts), so that a cell
 * which makes the TypeScript compiler work without end (types can be made to explode) is stopped by a
 * time limit instead of freezing the grader, and submissions are compiled on all cores.
 */
import { parentPort } from "node:worker_threads";
import { compileCell, takeNewReads } from "./compiler";
import type { Conversion } from "./compiler";

/** One cell, against the declarations of the cells before it. */
export interface CompileRequest {
  prevDecl: string;
  src: string;
}

/** `reads`: the files the compiler read for the first time while it made this reply (for the cache on disk). */
export type CompileReply = { ok: true; result: Conversion["result"]; reads: string[] } | { ok: false; error: string };

parentPort!.on("message", (request: CompileRequest) => {
  let reply: CompileReply;
  try {
    const result = compileCell(request.prevDecl, request.src);
    reply = { ok: true, result, reads: takeNewReads() };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
