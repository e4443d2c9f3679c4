/**
 * What the public tests' data may not hold: a hidden case's answer. A typical mistake's outcome on a public case
 * can coincide with a hidden case's expected values in part (a hidden case on the same inputs with another
 * setting keeps some numbers alike); an assignment's public data leaves out every outcome that holds one.
 */
import type { WireTensor } from "dropout-kit";

/** A number a student could recall as an answer: more than 3 significant digits (not 0, 1, 0.5). */
const significant = (v: number) => String(Math.abs(v)).replace(/e.*$/, "").replace(".", "").replace(/^0+/, "").length > 3;

/** The hidden cases' expected numbers that no public case shows (`shown`: the public cases' outputs and inputs). */
export function hiddenNumbers(hidden: WireTensor[], shown: WireTensor[]): Set<number> {
  const visible = new Set(shown.flatMap((t) => t.values));
  return new Set(hidden.flatMap((t) => t.values).filter((v) => significant(v) && !visible.has(v)));
}

/** Whether any of the tensors holds a hidden number. */
export const holdsHidden = (tensors: (WireTensor | undefined)[], hidden: Set<number>) => tensors.some((t) => !!t && t.values.some((v) => hidden.has(v)));
