/**
 * One sandboxed run of a student's code: a child Node process (sandbox/child.ts, compiled to
 * grader/dist/) under Node's permission model, with limits the parent enforces:
 * - reads only node_modules, the helper library and the compiled child: never grader/references or the
 *   instructor notebook; no file writes, no child processes, no worker threads;
 * - no network: the child refuses sockets and DNS itself (network-guard.ts), and where the machine allows
 *   it, it runs in a network namespace of its own with no interface (sandboxLauncher below);
 * - a time limit per request and one for the whole session (the child is killed when either runs out,
 *   whether it is stuck in a synchronous loop or waiting forever);
 * - a memory cap: V8's heap limit, and a watchdog on the process's resident memory (typed arrays and
 *   wasm memory live outside V8's heap);
 * - printed output is cut (the child cuts what it sends; the parent caps what it buffers).
 * After a stop, every later request answers at once with the reason, so grading goes on.
 */
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import type { BackwardCall, CallResult, ChildMessage, ForwardCall, Loaded, LoadRequest } from "./protocol";

const PROJECT_ROOT = resolve(__dirname, "../..");
/** The compiled child; `npm run build` makes it (the tests' global set-up too). */
export const CHILD_SCRIPT = resolve(PROJECT_ROOT, "grader/dist/sandbox/child.js");

export interface SandboxLimits {
  /** Type-checking the student's cells (all of them together), and, apart, running them in the sandbox. */
  loadTimeoutMs: number;
  /** One call of a graded function. */
  callTimeoutMs: number;
  /** The whole submission: type-checking and every sandbox it needs, on one wall clock. */
  totalTimeoutMs: number;
  /** Resident memory of the child, in megabytes. */
  memoryMb: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { loadTimeoutMs: 30_000, callTimeoutMs: 10_000, totalTimeoutMs: 120_000, memoryMb: 1024 };

export type StopReason =
  | { kind: "timeout"; what: string; limitMs: number; hint?: string }
  | { kind: "memory"; limitMb: number }
  | { kind: "crash"; detail: string };

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
  }
}

/** The folders the child may read. Real paths: the permission model checks resolved paths. */
function readablePaths(): string[] {
  const paths = [resolve(PROJECT_ROOT, "node_modules"), resolve(PROJECT_ROOT, "src"), resolve(PROJECT_ROOT, "grader/dist")];
  return [...new Set(paths.filter(existsSync).map((p) => realpathSync(p)))];
}

/**
 * How the child is started: through `unshare` into a new, empty network namespace when this machine allows
 * one (as root `unshare -n`; otherwise a user namespace, `unshare -rn`, where the kernel permits it), else
 * plain Node (the child's own network guard still applies). `unshare` execs Node in place: same pid, and
 * the IPC channel is inherited. Probed once per grader process.
 */
export interface SandboxLauncher {
  /** Program and leading arguments placed before Node's own command line. */
  prefix: string[];
  /** Whether the kernel isolates the network (a namespace), or only the child's guard does. */
  networkNamespace: boolean;
}

let launcher: SandboxLauncher | undefined;

export function sandboxLauncher(): SandboxLauncher {
  if (launcher) return launcher;
  launcher = { prefix: [], networkNamespace: false };
  if (process.platform !== "linux" || process.env.DROPOUT_GRADER_NO_NETNS === "1") return launcher;
  for (const flags of [["-n"], ["-rn"]]) {
    const probe = spawnSync("unshare", [...flags, "--", process.execPath, "-e", "process.exit(Object.keys(require('os').networkInterfaces()).length)"], { stdio: "ignore", timeout: 10_000 });
    if (probe.status === 0) {
      launcher = { prefix: ["unshare", ...flags, "--"], networkNamespace: true };
      break;
    }
  }
  return launcher;
}

export class SandboxSession {
  private child: ChildProcess | undefined;
  private stopped: StopReason | undefined;
  private pending: { resolve: (m: ChildMessage) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private readonly sessionTimer: NodeJS.Timeout;
  private readonly memoryTimer: NodeJS.Timeout;
  private stderr = "";
  private nextId = 1;

  /** `deadline`: when the submission's time is up (Date.now() scale); the session is stopped then. */
  constructor(
    private readonly limits: SandboxLimits = DEFAULT_LIMITS,
    deadline = Date.now() + limits.totalTimeoutMs,
  ) {
    if (!existsSync(CHILD_SCRIPT)) throw new Error(`${CHILD_SCRIPT} is missing: run \`npm run build\` first`);
    const flags = ["--experimental-permission", ...readablePaths().map((p) => `--allow-fs-read=${p}`), `--max-old-space-size=${Math.max(64, Math.floor(limits.memoryMb / 2))}`, "--no-warnings"];
    const { prefix } = sandboxLauncher();
    const start = prefix.length ? { execPath: prefix[0], execArgv: [...prefix.slice(1), process.execPath, ...flags] } : { execArgv: flags };
    this.child = fork(CHILD_SCRIPT, [], { ...start, cwd: resolve(PROJECT_ROOT, "grader/dist"), stdio: ["ignore", "pipe", "pipe", "ipc"], env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
    this.child.stdout!.on("data", () => undefined); // student output outside a cell: dropped
    this.child.stderr!.on("data", (chunk: Buffer) => {
      if (this.stderr.length < 16_000) this.stderr += chunk.toString("utf8");
    });
    this.child.on("message", (message: ChildMessage) => {
      const waiting = this.pending;
      if (!waiting) return;
      this.pending = undefined;
      clearTimeout(waiting.timer);
      waiting.resolve(message);
    });
    this.child.on("exit", (code, signal) => {
      if (!this.stopped) this.stop({ kind: "crash", detail: signal ? `signal ${signal}` : `exit status ${code}${this.stderrTail()}` });
    });
    this.sessionTimer = setTimeout(() => this.stop({ kind: "timeout", what: "grading your notebook as a whole", limitMs: limits.totalTimeoutMs }), Math.max(0, deadline - Date.now()));
    this.memoryTimer = setInterval(() => {
      const rss = residentMb(this.child?.pid);
      if (rss !== undefined && rss > limits.memoryMb) this.stop({ kind: "memory", limitMb: limits.memoryMb });
    }, 100);
  }

  private stderrTail(): string {
    const text = this.stderr.trim();
    return text ? `; it printed: ${text.slice(-600)}` : "";
  }

  /** Kills the child (if still running) and fails the request in flight with the reason. */
  stop(reason: StopReason): void {
    if (this.stopped) return;
    this.stopped = reason;
    clearTimeout(this.sessionTimer);
    clearInterval(this.memoryTimer);
    this.child?.kill("SIGKILL");
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

  private request(message: object, timeoutMs: number, what: string): Promise<ChildMessage> {
    if (this.stopped) return Promise.reject(new SandboxStopped(this.stopped));
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => this.stop({ kind: "timeout", what, limitMs: timeoutMs }), timeoutMs);
      this.pending = { resolve: resolvePromise, reject, timer };
      this.child!.send(message as never, (error) => {
        if (error && !this.stopped) this.stop({ kind: "crash", detail: `could not send to it: ${error.message}` });
      });
    }).then((reply) => {
      const message = reply as ChildMessage;
      if (message.kind === "fatal") throw new Error(`the grader's sandbox failed: ${message.message}`);
      return message;
    });
  }

  /** Runs the cells from their conversions (compile-cells.ts made them; the child never compiles). */
  async load(request: Omit<LoadRequest, "kind">): Promise<Loaded> {
    return (await this.request({ kind: "load", ...request }, this.limits.loadTimeoutMs, "running your notebook's graded cells")) as Loaded;
  }

  async forward(call: Omit<ForwardCall, "kind" | "id">): Promise<CallResult> {
    return (await this.request({ kind: "forward", id: this.nextId++, ...call }, this.limits.callTimeoutMs, "a call of forwardPropagationWithDropout")) as CallResult;
  }

  async backward(call: Omit<BackwardCall, "kind" | "id">): Promise<CallResult> {
    return (await this.request({ kind: "backward", id: this.nextId++, ...call }, this.limits.callTimeoutMs, "a call of backwardPropagationWithDropout")) as CallResult;
  }

  close(): void {
    if (this.stopped) return;
    this.stopped = { kind: "crash", detail: "closed" };
    clearTimeout(this.sessionTimer);
    clearInterval(this.memoryTimer);
    this.child?.kill("SIGKILL");
    this.child = undefined;
  }
}

/** Resident memory of a process in MB, from /proc (Linux); undefined where that is not available. */
function residentMb(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
