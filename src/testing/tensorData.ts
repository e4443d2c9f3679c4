/**
 * Tensors as plain data ({ shape, values }), and comparing and computing with them: what the checks read,
 * in the grader's process and in the notebook's public tests alike. What a sandbox sends back is data to
 * validate: a tensor whose shape and values do not agree, or a value that is not a number, is taken for what
 * it is (the grader's replies.ts is the gate; this stays defensive for hand-made results). NaN, ±Infinity (and null, from older hand-written JSON) never
 * equal a number; -0 is the number 0 (tfjs gives -0 for a negative gradient times a dropped unit's 0).
 */
import * as tf from "@tensorflow/tfjs";
import { ATOL, RTOL } from "../compare";
import { formatShape } from "../format";

/** A tensor as plain data: shape and values (row-major). What crosses the grader's sandbox, and what checks read. */
export interface WireTensor {
  shape: number[];
  values: number[];
  dtype?: string;
}

/** A value the student returned: a tensor, or a description of what it was instead. */
export type WireValue = { tensor: WireTensor } | { other: string };

/** How the student's code used the generator it was given (a report of the call: wording only, never a score). */
export interface RngUse {
  /** Each call, in order: the method and its arguments. */
  calls: { method: string; args: unknown[] }[];
  /** Uniform numbers consumed in all. */
  draws: number;
}

/** One call of a graded function, as plain data: what it returned, how it used the generator, what it changed. */
export interface CallResult {
  kind: "result";
  id: number;
  ok: boolean;
  /** The thrown error's name and message when ok is false. */
  error?: { name: string; message: string };
  /** forward: [A3, cache] flattened to { A3, cache.Z1, ... }; backward: the gradients by name. */
  values: Record<string, WireValue>;
  /** Whether the return value had the expected form ([A3, cache] / an object of gradients). */
  form?: string;
  rng?: RngUse;
  /** Inputs whose values the call changed (the caller's own report: it may shape feedback, never a score). */
  mutated: string[];
  /**
   * The function called a second time on the very same input objects (forward: with a fresh generator
   * seeded alike), right after the first call: if the first call changed its inputs, or draws from anything
   * but the generator it was given, this differs from `values`. Decided on by the checks, from outputs.
   */
  repeat?: { ok: boolean; values: Record<string, WireValue>; error?: { name: string; message: string } };
  /** Student output printed during the call (cut). */
  output: string;
  durationMs: number;
}

export function toTensor(w: WireTensor): tf.Tensor2D {
  return tf.tensor2d(w.values, w.shape as [number, number]);
}

export function fromTensor(t: tf.Tensor): WireTensor {
  return { shape: t.shape.slice(), values: Array.from(t.dataSync() as ArrayLike<number>, Number) };
}

const checked = new WeakMap<object, WireTensor | null>();

/**
 * A received tensor made safe to compute with: a shape of non-negative integers, as many values as the shape
 * says, each a number (anything else, null included, becomes NaN, so it can never pass for a number).
 */
export function validTensor(raw: unknown): WireTensor | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const memo = checked.get(raw);
  if (memo !== undefined) return memo ?? undefined;
  const { shape, values } = raw as { shape?: unknown; values?: unknown };
  let result: WireTensor | null = null;
  if (Array.isArray(shape) && shape.every((n) => Number.isInteger(n) && n >= 0) && (Array.isArray(values) || ArrayBuffer.isView(values))) {
    const list = Array.from(values as ArrayLike<unknown>, (v) => (typeof v === "number" ? v : NaN));
    if (list.length === (shape as number[]).reduce((a, b) => a * b, 1)) result = { shape: (shape as number[]).slice(), values: list };
  }
  checked.set(raw, result);
  return result ?? undefined;
}

/** The tensor a student returned, or undefined when it was something else. */
export function tensorOf(value: WireValue | undefined): WireTensor | undefined {
  return value && typeof value === "object" && "tensor" in value ? validTensor(value.tensor) : undefined;
}

export type Comparison = { ok: true } | { ok: false; why: string };

/** A received number matches an expected one: a finite number within float32 tolerance. */
export function close(received: number, expected: number): boolean {
  return Number.isFinite(received) && Math.abs(received - expected) <= ATOL + RTOL * Math.abs(expected);
}

/**
 * Same shape and values within float32 tolerance. `reveal` says whether the expected value may be shown
 * (public cases) or only the position and the student's own value (hidden cases). The expected values must
 * be finite numbers: a grader that would compare with NaN stops instead.
 */
export function compare(label: string, received: WireValue | WireTensor | undefined, expected: WireTensor, reveal: boolean): Comparison {
  const got = received && typeof received === "object" && "values" in received ? validTensor(received) : tensorOf(received as WireValue | undefined);
  if (!got) {
    const what = received && typeof received === "object" && "other" in received ? received.other : received && "values" in received ? "a tensor whose shape does not match its values" : "nothing";
    return { ok: false, why: `${label} should be a tensor of shape ${formatShape(expected.shape)}; your function gave ${what}` };
  }
  if (got.shape.join() !== expected.shape.join()) {
    return { ok: false, why: `${label} has shape ${formatShape(got.shape)}; it should have shape ${formatShape(expected.shape)}` };
  }
  for (let k = 0; k < expected.values.length; k++) {
    const [g, e] = [got.values[k], expected.values[k]];
    if (!Number.isFinite(e)) throw new Error(`the grader's expected ${label}${position(k, expected.shape)} is ${round(e)}: expected values must be finite numbers`);
    if (!close(g, e)) {
      const at = position(k, expected.shape);
      const hint = Number.isFinite(g) ? "" : " (NaN and Infinity usually come from a division by 0, or from 0 / 0)";
      return { ok: false, why: reveal ? `${label}${at} is ${round(g)}; expected ${round(e)}${hint}` : `${label}${at} is ${round(g)}, which is not the right value${hint}` };
    }
  }
  return { ok: true };
}

/** Bit for bit the same (NaN equals NaN; 0 and -0 differ): two calls of a deterministic function agree so. */
export function identical(a: WireTensor, b: WireTensor): boolean {
  return a.shape.join() === b.shape.join() && a.values.every((v, k) => Object.is(v, b.values[k]));
}

/** The first output (by name) that differs between two calls, or undefined when they agree exactly. */
export function firstDifference(first: Record<string, WireValue>, second: Record<string, WireValue>): string | undefined {
  for (const name of new Set([...Object.keys(first), ...Object.keys(second)])) {
    const [a, b] = [tensorOf(first[name]), tensorOf(second[name])];
    if (a && b ? !identical(a, b) : !!a !== !!b || describeValue(first[name]) !== describeValue(second[name])) return name;
  }
  return undefined;
}

function describeValue(v: WireValue | undefined): string {
  return v && typeof v === "object" && "other" in v ? String(v.other) : v === undefined ? "undefined" : "tensor";
}

export function position(k: number, shape: number[]): string {
  return shape.length === 2 ? `[${Math.floor(k / shape[1])}, ${k % shape[1]}]` : `[${k}]`;
}

/** A number as feedback shows it: 8 significant digits; NaN, Infinity, -Infinity and -0 by name. */
export function round(v: number): string {
  if (typeof v !== "number" || Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (Object.is(v, -0)) return "-0";
  return String(Number(v.toPrecision(8)));
}

/** Like tf.tidy, for code that returns plain values (wire tensors, strings): every tensor made inside is freed. */
export function scoped<T>(body: () => T): T {
  tf.engine().startScope();
  try {
    return body();
  } finally {
    tf.engine().endScope();
  }
}
