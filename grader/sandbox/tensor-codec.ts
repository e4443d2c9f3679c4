/**
 * Tensors on the wire between grader and sandbox: the shape, the dtype, and the values as base64 of
 * little-endian float64. Unlike JSON numbers, this carries NaN, ±Infinity and -0 exactly (JSON turns
 * them into null or 0), and float32 and int32 values are exact in float64.
 */
import type { WireTensor } from "./protocol";

export interface PackedTensor {
  shape: number[];
  dtype: string;
  /** base64 of the values as little-endian float64, row-major. */
  f64: string;
}

export function packTensor(shape: readonly number[], values: ArrayLike<number>, dtype = "float32"): PackedTensor {
  const bytes = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) bytes[k] = values[k];
  return { shape: shape.slice(), dtype, f64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64") };
}

export function packWire(w: WireTensor): PackedTensor {
  return packTensor(w.shape, w.values, w.dtype ?? "float32");
}

/** Values back as float64 (no validation: replies.ts checks what comes from a child). */
export function unpackValues(f64: string): Float64Array {
  const bytes = Buffer.from(f64, "base64");
  const copy = new Uint8Array(bytes.length - (bytes.length % 8));
  copy.set(bytes.subarray(0, copy.length));
  return new Float64Array(copy.buffer);
}
