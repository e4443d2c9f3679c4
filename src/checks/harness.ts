/**
 * Calling a student's graded function the way the checks need it, into plain data (a CallResult): the inputs
 * handed over as they are, the generator's use recorded, the inputs compared before and after, the function
 * called a second time on the very same input objects, and whatever it returned read without trusting it
 * (getters and proxies run student code too). The grader's sandbox child and the notebook's public tests both
 * call through here, so both hand the checks the same evidence.
 */
import * as tf from "@tensorflow/tfjs";
import { RandomState } from "../random";
import { DROPOUT_CACHE_NAMES, GRADIENT_NAMES } from "../types";
import type { ForwardInputs, BackwardInputs } from "./cases";
import type { CallResult, RngUse, WireTensor, WireValue } from "./tensorData";
import { toTensor } from "./tensorData";

export type GradedFunction = (...args: unknown[]) => unknown;

/** A RandomState that records how it is used: the checks word "one rand call per mask, nothing else" from it. */
export class RecordingRandomState extends RandomState {
  readonly use: RngUse = { calls: [], draws: 0 };
  private recording = false;
  constructor(seed: number) {
    super(seed);
    this.recording = true;
  }
  private record(method: string, args: unknown[]): void {
    // As plain data: a finite number, or a short description of whatever else was passed.
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

/** What a value is, in a few words, for a message ("an array of length 3"). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof (value as { then?: unknown }).then === "function") return "a Promise (an async function): return the result itself";
  if (typeof value === "object") return `an object with keys ${Object.keys(value as object).slice(0, 12).join(", ") || "(none)"}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

/** A thrown value as a name and a message (cut), whatever was thrown. */
export function errorOf(error: unknown): { name: string; message: string } {
  const cut = (text: string) => (text.length <= 2000 ? text : `${text.slice(0, 2000)} ... (cut)`);
  if (error instanceof Error) {
    // The permission model's refusals say what was refused: keep that (ERR_ACCESS_DENIED, FileSystemWrite, the path).
    const denied = error as Error & { code?: string; permission?: string; resource?: string };
    const detail = denied.code === "ERR_ACCESS_DENIED" ? ` (ERR_ACCESS_DENIED: ${denied.permission ?? "?"}${denied.resource ? ` ${denied.resource}` : ""})` : "";
    return { name: String(error.name).slice(0, 100), message: cut(String(error.message) + detail) };
  }
  return { name: "thrown value", message: cut(String(error)) };
}

/** A returned value as plain data: a tensor's shape and values, or what it was instead. */
export function wireValueOf(value: unknown): WireValue {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) return { other: "a tensor that was disposed" };
    if (value.dtype === "string" || value.dtype === "complex64") return { other: `a ${value.dtype} tensor` };
    const tensor: WireTensor = { shape: value.shape.slice(), values: Array.from(value.dataSync() as ArrayLike<number>, Number), dtype: value.dtype };
    return { tensor };
  }
  return { other: describeValue(value) };
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

type Unpacked = { values: Record<string, WireValue>; form?: string };

/** Reading what the student returned runs their code too (getters, proxies): a throw there is their error. */
function unpackSafely(unpack: (result: unknown) => Unpacked, value: unknown): Unpacked {
  try {
    return unpack(value);
  } catch (error) {
    return { values: {}, form: `reading the value your function returned threw ${errorOf(error).name}: ${errorOf(error).message}` };
  }
}

/** Runs `body`; a hook (the sandbox's output capture) may wrap it. */
export type Around = <T>(body: () => T) => { value?: T; error?: unknown; thrown: boolean; output: string };

const plainly: Around = (body) => {
  try {
    return { value: body(), thrown: false, output: "" };
  } catch (error) {
    return { error, thrown: true, output: "" };
  }
};

function call(
  id: number,
  inputs: Record<string, tf.Tensor>,
  invoke: (repeat: boolean) => unknown,
  unpack: (result: unknown) => Unpacked,
  around: Around,
  rng?: RecordingRandomState,
): CallResult {
  const started = performance.now();
  const before = snapshot(inputs);
  tf.engine().startScope();
  try {
    const run = around(() => invoke(false));
    const base = { kind: "result" as const, id, output: run.output, durationMs: 0, rng: rng?.finish() };
    if (run.thrown) {
      return { ...base, ok: false, error: errorOf(run.error), values: {}, mutated: mutatedInputs(inputs, before), durationMs: performance.now() - started };
    }
    const { values, form } = unpackSafely(unpack, run.value);
    const mutated = mutatedInputs(inputs, before);
    // The same input objects again: what the first call did to them shows in the outputs.
    const again = around(() => invoke(true));
    const repeat = again.thrown ? { ok: false, values: {}, error: errorOf(again.error) } : { ok: true, values: unpackSafely(unpack, again.value).values };
    return { ...base, ok: true, values, form, mutated, repeat, output: run.output + again.output, durationMs: performance.now() - started };
  } finally {
    tf.engine().endScope();
  }
}

/** Calls forwardPropagationWithDropout(X, parameters, keepProb, rng) on a case's inputs. */
export function callForward(fn: GradedFunction, inputs: ForwardInputs, options: { id?: number; around?: Around } = {}): CallResult {
  const X = toTensor(inputs.X);
  const parameters = Object.fromEntries(Object.entries(inputs.parameters).map(([k, v]) => [k, toTensor(v)]));
  const rng = new RecordingRandomState(inputs.seed);
  try {
    return call(
      options.id ?? 0,
      { X, ...parameters },
      (repeat) => fn(X, { ...parameters }, inputs.keepProb, repeat ? new RandomState(inputs.seed) : rng),
      (value) => {
        if (!Array.isArray(value) || value.length !== 2) return { values: {}, form: `expected [A3, cache], got ${describeValue(value)}` };
        const [A3, cache] = value as [unknown, Record<string, unknown> | undefined];
        const values: Record<string, WireValue> = { A3: wireValueOf(A3) };
        if (!cache || typeof cache !== "object") return { values, form: `the cache (second element) is ${describeValue(cache)}, not an object` };
        for (const name of DROPOUT_CACHE_NAMES) values[`cache.${name}`] = wireValueOf(cache[name]);
        return { values };
      },
      options.around ?? plainly,
      rng,
    );
  } finally {
    tf.dispose([X, ...Object.values(parameters)]);
  }
}

/** Calls backwardPropagationWithDropout(X, Y, cache, keepProb) on a case's inputs. */
export function callBackward(fn: GradedFunction, inputs: BackwardInputs, options: { id?: number; around?: Around } = {}): CallResult {
  const X = toTensor(inputs.X);
  const Y = toTensor(inputs.Y);
  const cache = Object.fromEntries(Object.entries(inputs.cache).map(([k, v]) => [k, toTensor(v)]));
  try {
    return call(
      options.id ?? 0,
      { X, Y, ...cache },
      () => fn(X, Y, { ...cache }, inputs.keepProb),
      (value) => {
        if (!value || typeof value !== "object" || Array.isArray(value)) return { values: {}, form: `expected an object of gradients, got ${describeValue(value)}` };
        const grads = value as Record<string, unknown>;
        return { values: Object.fromEntries(GRADIENT_NAMES.map((name) => [name, wireValueOf(grads[name])])) };
      },
      options.around ?? plainly,
    );
  } finally {
    tf.dispose([X, Y, ...Object.values(cache)]);
  }
}
