/**
 * One sandboxed run of a student's code: a child Node process (sandbox/child.ts, compiled to
 * grader/dist/) inside the isolation chosen for the batch (isolation.ts: bubblewrap by default), with
 * limits the parent enforces:
 * - the child reads only node_modules, the helper library and the compiled sandbox runtime: never the
 *   references, cases, settings, the instructor notebook, the submissions or the reports;
 * - no network (a namespace with only its own loopback; the child's own guard refuses sockets and DNS besides);
 * - time: a limit per request, and the submission's deadline for the whole session; the whole sandbox
 *   (its process group, and with bubblewrap its pid namespace) is killed when either runs out;
 * - memory: V8's heap limit, and a watchdog on the resident memory of the sandbox's processes (typed
 *   arrays and wasm memory live outside V8's heap);
 * - what comes back is framed (frames.ts), capped per message and per submission, and checked
 *   (replies.ts) against the request in flight: anything else stops the session with a clear reason.
 * After a stop, every later request answers at once with the reason, so grading goes on.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ByteBudget } from "./frames";
import { encodeFrame, FrameError, FrameReader } from "./frames";
import { isolation, PROJECT_ROOT, readablePaths, requestedIsolation } from "./isolation";
import type { Isolation } from "./isolation";
import { valueNamesOf } from "dropout-kit";
import type { CallRequest } from "dropout-kit";
import type { CallMessage, CallResult, Loaded, LoadRequest, PackedArgument, ParentMessage, WireTensor } from "./protocol";
import { ChildFatal, checkReply, ReplyError } from "./replies";
import { packWire } from "./tensor-codec";
import { printError } from "../untrusted-text";

/** The compiled child; `npm run build` makes it (the tests' global set-up too). */
export const CHILD_SCRIPT = resolve(PROJECT_ROOT, "grader/dist/sandbox/child.js");

export interface SandboxLimits {
  /** Type-checking the student's cells (all of them together), and, apart, running them in the sandbox. */
  loadTimeoutMs: number;
  /** One call of a graded function. */
  callTimeoutMs: number;
  /** The whole submission: type-checking and every sandbox it needs, on one wall clock. */
  totalTimeoutMs: number;
  /** Resident memory of the sandbox, in megabytes. */
  memoryMb: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { loadTimeoutMs: 30_000, callTimeoutMs: 10_000, totalTimeoutMs: 120_000, memoryMb: 1024 };

/** One frame from the child: far above the largest honest reply of the course's assignments (about 5 MB); an assignment with larger outputs raises it. */
export const MAX_REPLY_BYTES = 32 * 1024 * 1024;
/** All frames of one submission, across its sandboxes. */
export const MAX_SUBMISSION_REPLY_BYTES = 128 * 1024 * 1024;

export type StopReason =
  | { kind: "timeout"; what: string; limitMs: number; hint?: string }
  | { kind: "memory"; limitMb: number }
  | { kind: "crash"; detail: string }
  | { kind: "protocol"; detail: string }
  | { kind: "closed" };

export class SandboxStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(describeStop(reason));
    this.name = "SandboxStopped";
  }
}

export function describeStop(reason: StopReason): string {
  switch (reason.kind) {
    case "timeout":
      return `${reason.what} did not finish within ${reason.limitMs / 1000} s (${reason.hint ?? "an endless loop, or a computation far bigger than needed?"}), so it was stopped`;
    case "memory":
      return `your code used more than ${reason.limitMb} MB of memory, so it was stopped`;
    case "crash":
      return `the process running your code ended unexpectedly: ${reason.detail}`;
    case "protocol":
      return `${reason.detail}, so it was stopped: graded code computes and returns values, it does not talk to the grader`;
    case "closed":
      return "the sandbox was closed";
  }
}

export interface SessionOptions {
  limits?: SandboxLimits;
  /** When the submission's time is up (Date.now() scale); the session is stopped then. */
  deadline?: number;
  /** Bytes the child may still send, shared by the submission's sessions. */
  replyBudget?: ByteBudget;
  isolation?: Isolation;
}

interface Pending {
  request: ParentMessage;
  valueNames: readonly string[];
  resolve: (reply: Loaded | CallResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class SandboxSession {
  private child: ChildProcess | undefined;
  private stopped: StopReason | undefined;
  private pending: Pending | undefined;
  private readonly sessionTimer: NodeJS.Timeout;
  private readonly memoryTimer: NodeJS.Timeout;
  private readonly frames: FrameReader;
  private readonly limits: SandboxLimits;
  private stderr = "";
  private nextId = 1;
  readonly isolation: Isolation;

  constructor(options: SessionOptions = {}) {
    if (!existsSync(CHILD_SCRIPT)) throw new Error(`${CHILD_SCRIPT} is missing: run \`npm run build\` first`);
    const limits = (this.limits = options.limits ?? DEFAULT_LIMITS);
    const deadline = options.deadline ?? Date.now() + limits.totalTimeoutMs;
    this.isolation = options.isolation ?? isolation(requestedIsolation());
    this.frames = new FrameReader(MAX_REPLY_BYTES, options.replyBudget ?? { left: MAX_SUBMISSION_REPLY_BYTES });
    const nodeArgs = ["--experimental-permission", ...readablePaths().map((p) => `--allow-fs-read=${p}`), `--max-old-space-size=${Math.max(64, Math.floor(limits.memoryMb / 2))}`, "--no-warnings", CHILD_SCRIPT];
    const cwd = resolve(PROJECT_ROOT, "grader/dist");
    // CPU time counts every thread (V8's compiler and GC run beside the student's code): a generous backstop;
    // the deadline is the limit a student meets.
    const { file, args } = this.isolation.command(nodeArgs, cwd, { cpuSeconds: 4 * ((deadline - Date.now()) / 1000) + 10 });
    // Its own process group: a stop kills everything in it (with bubblewrap, killing bwrap ends the whole
    // pid namespace). Requests go in on stdin, replies come out on fd 3, both as frames.
    this.child = spawn(file, args, { cwd, detached: true, stdio: ["pipe", "pipe", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" } });
    const replies = this.child.stdio[3] as NodeJS.ReadableStream;
    replies.on("data", (chunk: Buffer) => this.receive(chunk));
    replies.on("error", () => undefined);
    this.child.stdin!.on("error", () => undefined); // a child that closed its stdin: seen as its exit
    this.child.stdout!.on("data", () => undefined); // student output outside a call: dropped
    this.child.stderr!.on("data", (chunk: Buffer) => {
      if (this.stderr.length < 16_000) this.stderr += chunk.toString("utf8").slice(0, 16_000);
    });
    this.child.on("error", (error) => this.stop({ kind: "crash", detail: `it could not be started: ${error.message}` }));
    this.child.on("exit", (code, signal) => {
      if (this.stopped) return;
      if (signal === "SIGXCPU") this.stop({ kind: "timeout", what: "your code", limitMs: limits.totalTimeoutMs, hint: "it used all the CPU time a submission may" });
      else this.stop({ kind: "crash", detail: signal ? `signal ${signal}` : `exit status ${code}${this.stderrTail()}` });
    });
    this.sessionTimer = setTimeout(() => this.stop({ kind: "timeout", what: "grading your notebook as a whole", limitMs: limits.totalTimeoutMs }), Math.max(0, deadline - Date.now()));
    this.memoryTimer = setInterval(() => {
      const rss = treeResidentMb(this.child?.pid);
      if (rss !== undefined && rss > limits.memoryMb) this.stop({ kind: "memory", limitMb: limits.memoryMb });
    }, 100);
  }

  private stderrTail(): string {
    const text = this.stderr.trim();
    return text ? `; it printed: ${text.slice(-600)}` : "";
  }

  /** Frames from the child: each must answer the request in flight, or the session stops. */
  private receive(chunk: Buffer): void {
    if (this.stopped) return;
    let messages: unknown[];
    try {
      messages = this.frames.push(chunk);
    } catch (error) {
      return this.stop({ kind: "protocol", detail: `the sandbox sent data the grader did not ask for (${(error as FrameError).message})` });
    }
    for (const raw of messages) {
      const waiting = this.pending;
      if (!waiting) return this.stop({ kind: "protocol", detail: "the sandbox sent data the grader did not ask for (a message when none was expected)" });
      let reply: Loaded | CallResult;
      try {
        reply = checkReply(raw, waiting.request, waiting.valueNames);
      } catch (error) {
        if (error instanceof ChildFatal) {
          // The details (a stack with the grader's paths) are the instructor's, not the student's.
          printError(`grader: a sandbox runtime failure: ${error.message}`);
          return this.stop({ kind: "crash", detail: "the grader's sandbox failed while running your code (your instructor has the details)" });
        }
        return this.stop({ kind: "protocol", detail: error instanceof ReplyError ? error.message : `the sandbox sent data the grader did not ask for (${String(error)})` });
      }
      this.pending = undefined;
      clearTimeout(waiting.timer);
      waiting.resolve(reply);
    }
  }

  /** Kills the sandbox (if still running) and fails the request in flight with the reason. */
  stop(reason: StopReason): void {
    if (this.stopped) return;
    this.stopped = reason;
    clearTimeout(this.sessionTimer);
    clearInterval(this.memoryTimer);
    const pid = this.child?.pid;
    if (pid) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        this.child?.kill("SIGKILL");
      }
    }
    this.child = undefined;
    const waiting = this.pending;
    this.pending = undefined;
    if (waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(new SandboxStopped(reason));
    }
  }

  get stopReason(): StopReason | undefined {
    return this.stopped;
  }

  private request<T extends Loaded | CallResult>(message: ParentMessage, valueNames: readonly string[], timeoutMs: number, what: string): Promise<T> {
    if (this.stopped) return Promise.reject(new SandboxStopped(this.stopped));
    if (this.pending) return Promise.reject(new Error("one request at a time"));
    return new Promise<T>((resolvePromise, reject) => {
      const timer = setTimeout(() => this.stop({ kind: "timeout", what, limitMs: timeoutMs }), timeoutMs);
      this.pending = { request: message, valueNames, resolve: resolvePromise as (r: Loaded | CallResult) => void, reject, timer };
      this.child!.stdin!.write(encodeFrame(message));
    });
  }

  /** Runs the cells from their conversions (compile-cells.ts made them; the child never compiles). */
  load(request: Omit<LoadRequest, "kind" | "id">): Promise<Loaded> {
    return this.request<Loaded>({ kind: "load", id: this.nextId++, ...request }, [], this.limits.loadTimeoutMs, "running your notebook's graded cells");
  }

  /** Calls a graded function as the request says; the reply may hold only the values its return form names. */
  call(request: CallRequest): Promise<CallResult> {
    const args: PackedArgument[] = request.args.map((arg) =>
      "tensor" in arg ? { name: arg.name, tensor: packWire(arg.tensor) } : "tensors" in arg ? { name: arg.name, tensors: packAll(arg.tensors) } : arg,
    );
    const message: CallMessage = { kind: "call", id: this.nextId++, fn: request.fn, args, returns: request.returns };
    return this.request<CallResult>(message, valueNamesOf(request.returns), this.limits.callTimeoutMs, `a call of ${request.fn}`);
  }

  close(): void {
    this.stop({ kind: "closed" });
  }
}

function packAll(tensors: Record<string, WireTensor>) {
  return Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, packWire(v)]));
}

/** Resident memory of a process and all its descendants in MB, from /proc (Linux); undefined elsewhere. */
function treeResidentMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  let total = 0;
  let found = false;
  const seen = new Set<number>();
  const visit = (p: number, depth: number) => {
    if (seen.has(p) || depth > 8 || seen.size > 64) return;
    seen.add(p);
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      if (match) {
        total += Number(match[1]) / 1024;
        found = true;
      }
      for (const child of readFileSync(`/proc/${p}/task/${p}/children`, "utf8").split(" ").filter(Boolean)) visit(Number(child), depth + 1);
    } catch {
      // gone already, or not Linux
    }
  };
  visit(pid, 0);
  return found ? total : undefined;
}
