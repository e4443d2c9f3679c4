/**
 * Checking what a sandbox child sent before anything reads it. The child runs student code, which owns
 * its process and so its end of the channel: any reply may be forged, out of order, huge or malformed.
 * Each reply must answer the request in flight (same id, the matching kind) and have exactly the expected
 * form; strings are cut here, in the parent; tensors must be well-formed and of bounded size. Anything else
 * is a ReplyError, which fails that submission alone with a clear message. Nothing here trusts a claim
 * the child makes about itself: this only makes the data safe to read.
 */
import type { CallResult, CellOutcome, Loaded, ParentMessage, RngUse, WireTensor, WireValue } from "./protocol";
import { cutOutput, OUTPUT_LIMIT } from "./protocol";
import { unpackValues } from "./tensor-codec";

export class ReplyError extends Error {
  constructor(what: string) {
    super(`the sandbox sent data the grader did not ask for (${what})`);
    this.name = "ReplyError";
  }
}

/** Far above any tensor of the course's assignments' cases (the largest has 40,000 values). */
export const MAX_TENSOR_ELEMENTS = 2_000_000;
const DTYPES = new Set(["float32", "int32", "bool"]);

type Obj = Record<string, unknown>;

function object(value: unknown, what: string): Obj {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new ReplyError(`${what} is not an object`);
  return value as Obj;
}

function string(value: unknown, what: string, limit: number): string {
  if (typeof value !== "string") throw new ReplyError(`${what} is not a string`);
  return cutOutput(value, limit);
}

function boolean(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new ReplyError(`${what} is not true or false`);
  return value;
}

function finite(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ReplyError(`${what} is not a number`);
  return value;
}

function array(value: unknown, what: string, maxLength: number): unknown[] {
  if (!Array.isArray(value)) throw new ReplyError(`${what} is not a list`);
  if (value.length > maxLength) throw new ReplyError(`${what} has ${value.length} entries, more than ${maxLength}`);
  return value;
}

function tensor(value: unknown, what: string): WireTensor {
  const t = object(value, what);
  const shape = array(t.shape, `${what}'s shape`, 4).map((n) => {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_TENSOR_ELEMENTS) throw new ReplyError(`${what}'s shape holds ${String(n).slice(0, 20)}`);
    return n;
  });
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_TENSOR_ELEMENTS) throw new ReplyError(`${what} has ${size} values, more than ${MAX_TENSOR_ELEMENTS}`);
  if (typeof t.dtype !== "string" || !DTYPES.has(t.dtype)) throw new ReplyError(`${what}'s dtype is not float32, int32 or bool`);
  if (typeof t.f64 !== "string" || t.f64.length !== Math.ceil((size * 8) / 3) * 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t.f64)) {
    throw new ReplyError(`${what}'s values do not match its shape [${shape.join(", ")}]`);
  }
  return { shape, values: Array.from(unpackValues(t.f64)), dtype: t.dtype };
}

function values(value: unknown, what: string, names: readonly string[]): Record<string, WireValue> {
  const record = object(value, what);
  const out: Record<string, WireValue> = {};
  for (const key of Object.keys(record)) {
    if (!names.includes(key)) throw new ReplyError(`${what} has an unexpected entry '${key.slice(0, 40)}'`);
    const v = object(record[key], `${what}.${key}`);
    if ("tensor" in v) out[key] = { tensor: tensor(v.tensor, key) };
    else out[key] = { other: string(v.other, `${what}.${key}`, 200) };
  }
  return out;
}

function error(value: unknown, what: string): { name: string; message: string } {
  const e = object(value, what);
  return { name: string(e.name, `${what}.name`, 100), message: string(e.message, `${what}.message`, 2000) };
}

function rng(value: unknown): RngUse {
  const r = object(value, "rng");
  const calls = array(r.calls, "rng.calls", 50).map((c, k) => {
    const call = object(c, `rng.calls[${k}]`);
    return { method: string(call.method, "rng method", 40), args: array(call.args, "rng args", 4).map((a) => (typeof a === "string" ? a.slice(0, 40) : finite(a, "rng argument"))) };
  });
  return { calls, draws: finite(r.draws, "rng.draws") };
}

/** The reply to `request`, checked; `valueNames`: the names a call may return. Throws ReplyError. */
export function checkReply(raw: unknown, request: ParentMessage, valueNames: readonly string[]): Loaded | CallResult {
  const message = object(raw, "a message");
  if (message.id !== request.id) throw new ReplyError(`a reply to request ${String(message.id).slice(0, 20)} while request ${request.id} was waiting`);
  if (message.kind === "fatal") throw new ChildFatal(string(message.message, "the failure", 2000));
  if (request.kind === "load") {
    if (message.kind !== "loaded") throw new ReplyError(`a '${String(message.kind).slice(0, 20)}' message instead of the cells' outcome`);
    const listed = array(message.cells, "cells", request.cells.length);
    if (listed.length !== request.cells.length) throw new ReplyError(`the outcome of ${listed.length} cells, not ${request.cells.length}`);
    const cells = listed.map((c, k): CellOutcome => {
      const cell = object(c, `cells[${k}]`);
      if (cell.gradeId !== request.cells[k].gradeId) throw new ReplyError(`cell ${k} named '${String(cell.gradeId).slice(0, 40)}'`);
      return { gradeId: request.cells[k].gradeId, ok: boolean(cell.ok, "a cell's ok"), output: string(cell.output, "a cell's output", OUTPUT_LIMIT) };
    });
    const definedRaw = object(message.defined, "defined");
    const defined = Object.fromEntries(request.functions.map((fn) => [fn, definedRaw[fn] === undefined ? false : boolean(definedRaw[fn], `defined.${fn}`)]));
    return { kind: "loaded", id: request.id, cells, defined, needsSeparateSandboxes: boolean(message.needsSeparateSandboxes, "needsSeparateSandboxes") };
  }
  if (message.kind !== "result") throw new ReplyError(`a '${String(message.kind).slice(0, 20)}' message instead of a call's result`);
  const ok = boolean(message.ok, "ok");
  const result: CallResult = {
    kind: "result",
    id: request.id,
    ok,
    values: values(message.values, "values", valueNames),
    mutated: array(message.mutated, "mutated", 64).map((m) => string(m, "a mutated input's name", 40)),
    output: string(message.output, "output", OUTPUT_LIMIT),
    durationMs: finite(message.durationMs, "durationMs"),
  };
  if (message.error !== undefined) result.error = error(message.error, "error");
  if (!ok && !result.error) throw new ReplyError("a failed call without its error");
  if (message.form !== undefined) result.form = string(message.form, "form", 300);
  if (message.rng !== undefined) result.rng = rng(message.rng);
  if (message.repeat !== undefined) {
    const r = object(message.repeat, "repeat");
    result.repeat = { ok: boolean(r.ok, "repeat.ok"), values: values(r.values, "repeat.values", valueNames) };
    if (r.error !== undefined) result.repeat.error = error(r.error, "repeat.error");
  }
  return result;
}

/** The child says it failed itself (a bug of the sandbox runtime, or student code posing as it). */
export class ChildFatal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChildFatal";
  }
}
