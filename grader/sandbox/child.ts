/**
 * The sandbox child: runs one student's graded cells with tslab's own engine, then answers calls of the
 * graded functions on inputs the parent sends. Started by sandbox/session.ts under Node's permission model
 * (reads limited to node_modules, the helper library and this compiled folder; no writes, no child
 * processes, no workers), without network (network-guard.ts, and a network namespace where the machine
 * allows one) and with a memory cap; the parent enforces the time limits by killing it.
 *
 * It never receives expected values: it returns what the student's functions computed, and the parent
 * judges. Compiled to grader/dist/ by `npm run build` (tsx's loader needs a worker thread, which the
 * permission model forbids).
 */
import * as tf from "@tensorflow/tfjs";
import { DROPOUT_CACHE_NAMES, GRADIENT_NAMES, initBackend, RandomState } from "dropout-kit";
import { writeSync } from "node:fs";
import { createCellExecutor } from "../notebook/execute";
import { MISSING_CONVERSION, replayingConverter } from "./compiler";
import { encodeFrame, FrameReader } from "./frames";
import { blockNetwork } from "./network-guard";
import type { BackwardCall, ChildMessage, ForwardCall, LoadRequest, PackedCallResult, PackedValue, ParentMessage, RngUse } from "./protocol";
import { cutOutput } from "./protocol";
import type { PackedTensor } from "./tensor-codec";
import { packTensor, unpackValues } from "./tensor-codec";

type GradedFunction = (...args: unknown[]) => unknown;
/** The graded functions the cells defined (read from tslab's top-level declarations after loading). */
const graded: Record<string, GradedFunction> = {};

/** Replies go out on fd 3 as frames (frames.ts); the parent reads nothing else. */
const REPLY_FD = 3;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

function send(message: ChildMessage): void {
  const frame = encodeFrame(message);
  for (let offset = 0; offset < frame.length; ) {
    try {
      offset += writeSync(REPLY_FD, frame, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(PAUSE, 0, 0, 2); // the parent is busy reading: wait for it without spinning
    }
  }
}

/** A RandomState that records how it is used: the parent checks "one rand call per mask, nothing else". */
class RecordingRandomState extends RandomState {
  readonly use: RngUse = { calls: [], draws: 0 };
  private recording = false;
  constructor(seed: number) {
    super(seed);
    this.recording = true;
  }
  private record(method: string, args: unknown[]): void {
    // As data the parent accepts: a finite number, or a short description of whatever else was passed.
    if (this.recording) this.use.calls.push({ method, args: args.slice(0, 4).map((a) => (typeof a === "number" && Number.isFinite(a) ? a : String(a).slice(0, 40))) });
  }
  override seed(seed: number): void {
    this.record("seed", [seed]);
    super.seed(seed);
  }
  override rand(rows: number, cols: number): tf.Tensor2D {
    this.record("rand", [rows, cols]);
    return this.quietly(() => super.rand(rows, cols));
  }
  override randn(rows: number, cols: number): tf.Tensor2D {
    this.record("randn", [rows, cols]);
    return this.quietly(() => super.randn(rows, cols));
  }
  override uniform(): number {
    this.record("uniform", []);
    return super.uniform();
  }
  override gaussian(): number {
    this.record("gaussian", []);
    return this.quietly(() => super.gaussian());
  }
  override uniformArray(count: number): Float64Array {
    this.record("uniformArray", [count]);
    return this.quietly(() => super.uniformArray(count));
  }
  override gaussianArray(count: number): Float64Array {
    this.record("gaussianArray", [count]);
    return this.quietly(() => super.gaussianArray(count));
  }
  /** Inner calls made by a recorded method are not recorded again. */
  private quietly<T>(body: () => T): T {
    const was = this.recording;
    this.recording = false;
    try {
      return body();
    } finally {
      this.recording = was;
    }
  }
  finish(): RngUse {
    return { calls: this.use.calls.slice(0, 50), draws: this.drawCount };
  }
}

function toTensor(packed: PackedTensor): tf.Tensor {
  return tf.tensor(Float32Array.from(unpackValues(packed.f64)), packed.shape, "float32");
}

function toWire(value: unknown): PackedValue {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) return { other: "a tensor that was disposed" };
    if (value.dtype === "string" || value.dtype === "complex64") return { other: `a ${value.dtype} tensor` };
    return { tensor: packTensor(value.shape, value.dataSync() as ArrayLike<number>, value.dtype) };
  }
  return { other: describe(value) };
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return `an object with keys ${Object.keys(value as object).slice(0, 12).join(", ") || "(none)"}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

/** Captures what the student's code prints during a call. */
function capturing<T>(body: () => Promise<T>): Promise<{ value?: T; error?: unknown; output: string }> {
  let output = "";
  const original = { out: process.stdout.write, err: process.stderr.write };
  const sink = ((chunk: string | Uint8Array) => {
    if (output.length < 64_000) output += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = sink;
  process.stderr.write = sink;
  return body().then(
    (value) => ({ value, output }),
    (error) => ({ error, output }),
  ).finally(() => {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }) as Promise<{ value?: T; error?: unknown; output: string }>;
}

function errorOf(error: unknown): { name: string; message: string } {
  if (error instanceof Error) {
    // The permission model's refusals say what was refused: keep that (ERR_ACCESS_DENIED, FileSystemWrite, the path).
    const denied = error as Error & { code?: string; permission?: string; resource?: string };
    const detail = denied.code === "ERR_ACCESS_DENIED" ? ` (ERR_ACCESS_DENIED: ${denied.permission ?? "?"}${denied.resource ? ` ${denied.resource}` : ""})` : "";
    return { name: String(error.name).slice(0, 100), message: cutOutput(String(error.message) + detail, 2000) };
  }
  return { name: "thrown value", message: cutOutput(String(error), 2000) };
}

function snapshot(inputs: Record<string, tf.Tensor>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, Array.from(t.dataSync() as ArrayLike<number>, Number)]));
}

function mutatedInputs(inputs: Record<string, tf.Tensor>, before: Record<string, number[]>): string[] {
  return Object.keys(inputs).filter((name) => {
    const t = inputs[name];
    if (t.isDisposed) return true;
    const now = t.dataSync();
    return now.length !== before[name].length || before[name].some((v, k) => !Object.is(v, now[k]) && !(Number.isNaN(v) && Number.isNaN(now[k])));
  });
}

/** Reading what the student returned runs their code too (getters, proxies): a throw there is their error. */
function unpackSafely(unpack: (result: unknown) => { values: Record<string, PackedValue>; form?: string }, value: unknown): { values: Record<string, PackedValue>; form?: string } {
  try {
    return unpack(value);
  } catch (error) {
    return { values: {}, form: `reading the value your function returned threw ${errorOf(error).name}: ${errorOf(error).message}` };
  }
}

async function call(
  id: number,
  fnName: string,
  inputs: Record<string, tf.Tensor>,
  invoke: (fn: GradedFunction, repeat: boolean) => unknown,
  unpack: (result: unknown) => { values: Record<string, PackedValue>; form?: string },
  rng?: RecordingRandomState,
): Promise<PackedCallResult> {
  const fn = graded[fnName];
  const started = performance.now();
  const before = snapshot(inputs);
  tf.engine().startScope();
  try {
    const run = await capturing(async () => await invoke(fn, false));
    const base = { kind: "result" as const, id, output: cutOutput(run.output), durationMs: performance.now() - started, rng: rng?.finish() };
    if ("error" in run && run.error !== undefined) {
      return { ...base, ok: false, error: errorOf(run.error), values: {}, mutated: mutatedInputs(inputs, before) };
    }
    const { values, form } = unpackSafely(unpack, run.value);
    const mutated = mutatedInputs(inputs, before);
    // The same input objects again: what the first call did to them shows in the outputs.
    const again = await capturing(async () => await invoke(fn, true));
    const repeat = "error" in again && again.error !== undefined ? { ok: false, values: {}, error: errorOf(again.error) } : { ok: true, values: unpackSafely(unpack, again.value).values };
    return { ...base, ok: true, values, form, mutated, repeat };
  } finally {
    tf.engine().endScope();
  }
}

async function forward(message: ForwardCall): Promise<PackedCallResult> {
  const X = toTensor(message.X);
  const parameters = Object.fromEntries(Object.entries(message.parameters).map(([k, v]) => [k, toTensor(v)]));
  const rng = new RecordingRandomState(message.seed);
  const result = await call(
    message.id,
    "forwardPropagationWithDropout",
    { X, ...parameters },
    (fn, repeat) => fn(X, { ...parameters }, message.keepProb, repeat ? new RandomState(message.seed) : rng),
    (value) => {
      if (!Array.isArray(value) || value.length !== 2) return { values: {}, form: `expected [A3, cache], got ${describe(value)}` };
      const [A3, cache] = value as [unknown, Record<string, unknown> | undefined];
      const values: Record<string, PackedValue> = { A3: toWire(A3) };
      if (cache && typeof cache === "object") for (const name of DROPOUT_CACHE_NAMES) values[`cache.${name}`] = toWire(cache[name]);
      else return { values, form: `the cache (second element) is ${describe(cache)}, not an object` };
      return { values };
    },
    rng,
  );
  tf.dispose([X, ...Object.values(parameters)]);
  return result;
}

async function backward(message: BackwardCall): Promise<PackedCallResult> {
  const X = toTensor(message.X);
  const Y = toTensor(message.Y);
  const cache = Object.fromEntries(Object.entries(message.cache).map(([k, v]) => [k, toTensor(v)]));
  const result = await call(
    message.id,
    "backwardPropagationWithDropout",
    { X, Y, ...cache },
    (fn) => fn(X, Y, { ...cache }, message.keepProb),
    (value) => {
      if (!value || typeof value !== "object" || Array.isArray(value)) return { values: {}, form: `expected an object of gradients, got ${describe(value)}` };
      const grads = value as Record<string, unknown>;
      return { values: Object.fromEntries(GRADIENT_NAMES.map((name) => [name, toWire(grads[name])])) };
    },
  );
  tf.dispose([X, Y, ...Object.values(cache)]);
  return result;
}

async function load(message: LoadRequest): Promise<void> {
  await initBackend();
  blockNetwork(); // before the first student cell; the backend is loaded by then
  const converter = replayingConverter(message.conversions);
  const executor = createCellExecutor(process.cwd(), { node: converter, browser: converter });
  const cells = [];
  let needsSeparateSandboxes = false;
  for (const cell of message.cells) {
    const run = await executor.run(cell.source);
    if (run.stderr.includes(MISSING_CONVERSION)) needsSeparateSandboxes = true;
    cells.push({ gradeId: cell.gradeId, ok: run.ok, output: cutOutput(run.stdout + run.stderr) });
  }
  const defined: Record<string, boolean> = {};
  for (const name of message.functions) {
    const fn = executor.locals[name];
    if (typeof fn === "function") graded[name] = fn as GradedFunction;
    defined[name] = typeof fn === "function";
  }
  send({ kind: "loaded", id: message.id, cells, defined, needsSeparateSandboxes });
}

// Requests come in on stdin as frames, one at a time, in order.
const requests = new FrameReader(1024 ** 3, { left: Number.POSITIVE_INFINITY });
let queue = Promise.resolve();
process.stdin.on("data", (chunk: Buffer) => {
  for (const raw of requests.push(chunk)) {
    const message = raw as ParentMessage;
    queue = queue.then(async () => {
      try {
        if (message.kind === "load") await load(message);
        else if (message.kind === "forward") send(await forward(message));
        else if (message.kind === "backward") send(await backward(message));
      } catch (error) {
        send({ kind: "fatal", id: message.id, message: (error as Error)?.stack ?? String(error) });
      }
    });
  }
});
process.stdin.on("end", () => process.exit(0));
