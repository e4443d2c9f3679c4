/** Comparing and computing with wire tensors (plain { shape, values }) in the grader's process. */
import { ATOL, RTOL, tf } from "dropout-kit";
import type { WireTensor, WireValue } from "../sandbox/protocol";

export function toTensor(w: WireTensor): tf.Tensor2D {
  return tf.tensor2d(w.values, w.shape as [number, number]);
}

export function fromTensor(t: tf.Tensor): WireTensor {
  return { shape: t.shape.slice(), values: Array.from(t.dataSync() as ArrayLike<number>, Number) };
}

/** The tensor a student returned, or undefined when it was something else. */
export function tensorOf(value: WireValue | undefined): WireTensor | undefined {
  return value && "tensor" in value ? value.tensor : undefined;
}

export type Comparison = { ok: true } | { ok: false; why: string };

/**
 * Same shape and values within float32 tolerance. `reveal` says whether the expected value may be shown
 * (public cases) or only the position and the student's own value (hidden cases).
 */
export function compare(label: string, received: WireValue | WireTensor | undefined, expected: WireTensor, reveal: boolean): Comparison {
  const got = received && "values" in received ? received : tensorOf(received as WireValue | undefined);
  if (!got) {
    const what = received && "other" in received ? received.other : "nothing";
    return { ok: false, why: `${label} should be a tensor of shape [${expected.shape}]; your function gave ${what}` };
  }
  if (got.shape.join() !== expected.shape.join()) {
    return { ok: false, why: `${label} has shape [${got.shape}]; it should have shape [${expected.shape}]` };
  }
  for (let k = 0; k < expected.values.length; k++) {
    const [g, e] = [got.values[k], expected.values[k]];
    if (!(Math.abs(g - e) <= ATOL + RTOL * Math.abs(e))) {
      const at = position(k, expected.shape);
      return { ok: false, why: reveal ? `${label}${at} is ${round(g)}; expected ${round(e)}` : `${label}${at} is ${round(g)}, which is not the right value` };
    }
  }
  return { ok: true };
}

export function position(k: number, shape: number[]): string {
  return shape.length === 2 ? `[${Math.floor(k / shape[1])}, ${k % shape[1]}]` : `[${k}]`;
}

export function round(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(8))) : String(v);
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
