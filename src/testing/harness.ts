/**
 * Calling a student's graded function the way the checks need it, into plain data (a CallResult): the inputs
 * handed over as they are, the generator's use recorded, the inputs compared before and after, the function
 * called a second time on the very same input objects, and whatever it returned read without trusting it
 * (getters and proxies run student code too). The grader's sandbox child and the notebook's public tests both
 * call through here, so both hand the checks the same evidence.
 */
import * as tf from "@tensorflow/tfjs";
import { RandomState } from "../random";
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

/**
 * An argument of a graded function, as data: what the harness builds and passes. Tensors are made fresh for
 * each call; an object of tensors (parameters, a cache) is passed as a new object holding them, so a function
 * that adds keys to it changes nothing of the caller's; a generator argument is a RandomState seeded so,
 * whose use is recorded (and a fresh, unrecorded one for the repeated call).
 */
export type CallArgument =
  | { name: string; tensor: WireTensor }
  | { name: string; tensors: Record<string, WireTensor> }
  | { name: string; number: number }
  | { name: string; generator: number };

/**
 * How to read what a graded function returned into named values (CallResult.values): a tensor; a number (or a
 * one-element tensor), read as a tensor of shape []; an object of tensors by name (each under `prefix` +
 * name); or an array of these. `what` names the value in a message about its form.
 */
export type ReturnForm =
  | { tensor: string }
  | { scalar: string }
  | { tensors: readonly string[]; prefix?: string; what: string }
  | { tuple: ReturnForm[]; what: string };

/** One call of a graded function, as data: what crosses to the grader's sandbox, and what the public tests make. */
export interface CallRequest {
  /** The graded function's name (the sandbox looks it up among what the graded cells defined). */
  fn: string;
  args: CallArgument[];
  returns: ReturnForm;
}

/** Every name a value read by `form` may have (the grader's sandbox accepts no other in a reply). */
export function valueNamesOf(form: ReturnForm): string[] {
  if ("tensor" in form) return [form.tensor];
  if ("scalar" in form) return [form.scalar];
  if ("tensors" in form) return form.tensors.map((name) => `${form.prefix ?? ""}${name}`);
  return form.tuple.flatMap(valueNamesOf);
}

/** Reads `value` by `form` into `values`; returns what was wrong with its form, if anything. */
function readReturn(form: ReturnForm, value: unknown, values: Record<string, WireValue>, position?: number): string | undefined {
  if ("tensor" in form) {
    values[form.tensor] = wireValueOf(value);
    return undefined;
  }
  if ("scalar" in form) {
    values[form.scalar] = scalarValueOf(value);
    return undefined;
  }
  if ("tensors" in form) {
    if (!value || typeof value !== "object" || Array.isArray(value) || value instanceof tf.Tensor) {
      return position === undefined ? `expected ${form.what}, got ${describeValue(value)}` : `${form.what} (element ${position + 1}) is ${describeValue(value)}, not an object`;
    }
    const record = value as Record<string, unknown>;
    for (const name of form.tensors) values[`${form.prefix ?? ""}${name}`] = wireValueOf(record[name]);
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== form.tuple.length) return `expected ${form.what}, got ${describeValue(value)}`;
  for (const [k, item] of form.tuple.entries()) {
    const problem = readReturn(item, value[k], values, k);
    if (problem) return problem;
  }
  return undefined;
}

/** A number, or a tensor holding one number, as a tensor of shape []. */
function scalarValueOf(value: unknown): WireValue {
  if (typeof value === "number") return { tensor: { shape: [], values: [value] } };
  if (value instanceof tf.Tensor && !value.isDisposed && value.size === 1 && value.dtype !== "string" && value.dtype !== "complex64") {
    return { tensor: { shape: [], values: [Number((value.dataSync() as ArrayLike<number>)[0])] } };
  }
  return { other: describeValue(value) };
}

/**
 * Calls a graded function as `request` says, into plain data: the arguments built from it, the inputs compared
 * before and after, the call made a second time on the very same tensors (a generator argument fresh and
 * seeded alike), and the returned value read by the request's form.
 */
export function callGraded(fn: GradedFunction, request: CallRequest, options: { id?: number; around?: Around } = {}): CallResult {
  const inputs: Record<string, tf.Tensor> = {};
  const built: (() => unknown)[] = [];
  let rng: RecordingRandomState | undefined;
  const seeds: (number | undefined)[] = [];
  // Each input tensor is watched under its name (for "inputs left unchanged"), and one generator's use is recorded:
  // a request that would make either ambiguous is the assignment's mistake, said at once.
  const names = request.args.flatMap((arg) => ("tensor" in arg ? [arg.name] : "tensors" in arg ? Object.keys(arg.tensors) : []));
  const repeated = names.find((name, k) => names.indexOf(name) !== k);
  if (repeated !== undefined) throw new Error(`callGraded: two input tensors of ${request.fn} are named ${repeated}: name each one once`);
  if (request.args.filter((arg) => "generator" in arg).length > 1) throw new Error(`callGraded: ${request.fn} gets more than one generator; one call records one generator's use`);
  for (const arg of request.args) {
    if ("tensor" in arg) {
      const t = (inputs[arg.name] = toTensor(arg.tensor));
      built.push(() => t);
    } else if ("tensors" in arg) {
      const record = Object.fromEntries(Object.entries(arg.tensors).map(([k, v]) => [k, (inputs[k] = toTensor(v))]));
      built.push(() => ({ ...record }));
    } else if ("number" in arg) {
      built.push(() => arg.number);
    } else {
      const recording = (rng = new RecordingRandomState(arg.generator));
      built.push(() => recording);
    }
    seeds.push("generator" in arg ? arg.generator : undefined);
  }
  try {
    return call(
      options.id ?? 0,
      inputs,
      (repeat) => fn(...built.map((make, k) => (repeat && seeds[k] !== undefined ? new RandomState(seeds[k]!) : make()))),
      (value) => {
        const values: Record<string, WireValue> = {};
        const form = readReturn(request.returns, value, values);
        return form ? { values, form } : { values };
      },
      options.around ?? plainly,
      rng,
    );
  } finally {
    tf.dispose(Object.values(inputs));
  }
}
