/**
 * Comparing tensors the way a tester explains a mismatch: shapes first, then values with a float32
 * tolerance, and a message that names the first element that differs.
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape } from "./format";

export type Rows = number[][];

/** |received - expected| <= ATOL + RTOL * |expected|: loose enough for float32 against numpy's float64, tight enough to catch any real mistake. */
export const ATOL = 1e-5;
export const RTOL = 1e-4;

export interface Mismatch {
  kind: "type" | "shape" | "value";
  message: string;
}

export function shapeOf(value: unknown): number[] | undefined {
  if (value instanceof tf.Tensor) return value.shape;
  if (Array.isArray(value)) {
    if (value.length === 0) return [0];
    const inner = shapeOf(value[0]);
    return inner ? [value.length, ...inner] : [value.length];
  }
  return undefined;
}

/** Values of a rank-2 tensor (or nested array) as rows of plain numbers; booleans become 0/1. */
export function toRows(value: tf.Tensor | Rows): Rows {
  if (value instanceof tf.Tensor) {
    if (value.rank !== 2) throw new Error(`expected a 2-D tensor, got shape ${formatShape(value.shape)}`);
    return (value.arraySync() as (number | boolean)[][]).map((row) => row.map(Number));
  }
  return value.map((row) => row.map(Number));
}

/** Returns undefined when `received` matches `expected`, else what is wrong. */
export function compareMatrix(received: unknown, expected: tf.Tensor | Rows, atol = ATOL, rtol = RTOL): Mismatch | undefined {
  if (!(received instanceof tf.Tensor)) {
    return { kind: "type", message: `expected a tf.Tensor, got ${describe(received)}` };
  }
  if (received.isDisposed) return { kind: "type", message: "the tensor was disposed before it could be checked" };
  const expectedRows = toRows(expected);
  const expectedShape = [expectedRows.length, expectedRows[0]?.length ?? 0];
  if (received.rank !== 2 || received.shape[0] !== expectedShape[0] || received.shape[1] !== expectedShape[1]) {
    return { kind: "shape", message: `wrong shape: expected ${formatShape(expectedShape)}, got ${formatShape(received.shape)}` };
  }
  const got = toRows(received);
  for (let i = 0; i < expectedRows.length; i++) {
    for (let j = 0; j < expectedRows[i].length; j++) {
      const [g, e] = [got[i][j], expectedRows[i][j]];
      if (!(Math.abs(g - e) <= atol + rtol * Math.abs(e))) {
        return { kind: "value", message: `wrong value at [${i}, ${j}]: expected ${e}, got ${g}` };
      }
    }
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof tf.Tensor) return `a tensor of shape ${formatShape(value.shape)}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
