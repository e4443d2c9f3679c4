/**
 * Compiling in worker threads (compile-worker.ts, compiled to grader/dist/): one idle worker is reused per
 * request, a new one started when all are busy, so concurrent sessions compile in parallel. A request that
 * runs out of time, or a worker that fails, takes its worker down; the next request starts a fresh one.
 */
import { resolve } from "node:path";
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { Conversion } from "./compiler";
import type { CompileReply, CompileRequest } from "./compile-worker";
import { rememberConversion } from "./conversion-cache";

const WORKER_SCRIPT = resolve(__dirname, "../../grader/dist/sandbox/compile-worker.js");

/** The compiler's heap; a cell whose types explode fails with this limit instead of taking the grader down. */
const WORKER_HEAP_MB = 1024;

export class CompileFailed extends Error {
  constructor(readonly timedOut: boolean, message: string) {
    super(message);
    this.name = "CompileFailed";
  }
}

/** A worker and its warm-up: the compiler's first type-check (of the libraries' declarations) takes seconds. */
interface CompileWorker {
  worker: Worker;
  ready: Promise<void>;
}

const idle: CompileWorker[] = [];

/** Generous: warming up runs trusted code only, but may wait for a busy machine. */
export const TRUSTED_COMPILE_TIMEOUT_MS = 120_000;

function startWorker(warmUp: string): CompileWorker {
  if (!existsSync(WORKER_SCRIPT)) throw new Error(`${WORKER_SCRIPT} is missing: run \`npm run build\` first`);
  const worker = new Worker(WORKER_SCRIPT, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, stdout: true, stderr: true });
  worker.stdout.resume(); // the compiler's own warnings: not the grader's output
  worker.stderr.resume();
  started++;
  const ready = exchange(worker, { prevDecl: "", src: warmUp }, TRUSTED_COMPILE_TIMEOUT_MS, "warming up the TypeScript compiler").then(() => undefined);
  return { worker, ready };
}

/** Compilers started by this process (each costs seconds: the cache on disk is there to avoid them). */
let started = 0;
export const compilersStarted = () => started;

/**
 * One request to a worker; the worker is terminated when it fails or runs out of time. A conversion it
 * makes is remembered on disk (conversion-cache.ts) with the files its compiler has read.
 */
function exchange(worker: Worker, request: CompileRequest, timeoutMs: number, what: string): Promise<Conversion["result"]> {
  worker.ref();
  return new Promise<Conversion["result"]>((resolvePromise, reject) => {
    const finish = (outcome: () => void, healthy: boolean) => {
      clearTimeout(timer);
      worker.removeAllListeners("message").removeAllListeners("error").removeAllListeners("exit");
      if (healthy) worker.unref(); // an idle worker never keeps the grader alive
      else void worker.terminate();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new CompileFailed(true, `${what} took longer than ${timeoutMs / 1000} s`)), false), Math.max(0, timeoutMs));
    if (timeoutMs <= 0) return finish(() => reject(new CompileFailed(true, `no time was left for ${what}`)), true);
    worker.on("message", (reply: CompileReply) =>
      reply.ok
        ? finish(() => {
            rememberConversion(request.prevDecl, request.src, reply.result, reply.reads);
            resolvePromise(reply.result);
          }, true)
        : finish(() => reject(new CompileFailed(false, reply.error)), false),
    );
    worker.on("error", (error) => finish(() => reject(new CompileFailed(false, error.message)), false));
    worker.on("exit", (code) => finish(() => reject(new CompileFailed(false, `the compiler stopped (exit status ${code})`)), false));
    worker.postMessage(request);
  });
}

/**
 * Compiles one cell (against `prevDecl`, the declarations of the cells before it) in a worker; rejects with
 * CompileFailed when it takes longer than `timeoutMs` (or what it returns, asked when the worker is ready) or fails. `warmUp` (trusted code: the instructor's
 * set-up cell) warms a new worker up before the limit starts.
 */
export async function compileInWorker(prevDecl: string, src: string, timeoutMs: number | (() => number), warmUp: string): Promise<Conversion> {
  const compiler = idle.pop() ?? startWorker(warmUp);
  try {
    await compiler.ready;
  } catch (error) {
    throw error instanceof CompileFailed ? new CompileFailed(false, error.message) : error;
  }
  // A function: the limit is decided once the worker is warm (warming up is not the student's time).
  const result = await exchange(compiler.worker, { prevDecl, src }, typeof timeoutMs === "function" ? timeoutMs() : timeoutMs, "type-checking");
  idle.push(compiler);
  return { prevDecl, src, result };
}

/**
 * Makes sure a warm compiler is waiting (starting one takes seconds: the grader's own cost, trusted code
 * only), so that a submission's clock starts after it.
 */
export async function warmCompiler(warmUp: string): Promise<void> {
  const compiler = idle.pop() ?? startWorker(warmUp);
  try {
    await compiler.ready;
    idle.push(compiler);
  } catch {
    // A worker that failed to warm up is gone; compileInWorker will start another and report the problem.
  }
}
