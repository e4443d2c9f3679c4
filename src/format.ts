/**
 * numpy-style printing, so that what a notebook prints reads like the course's "Expected output":
 *
 *   printArray("A3", A3)   →   A3 = [[0.36974716 0.00305176 0.04565099 0.49683389 0.36974716]]
 *
 * `formatArray` follows numpy's default `str(array)` (np.array2string with precision 8, floatmode
 * "maxprec", linewidth 75, threshold 1000, edgeitems 3): each float is the shortest string that reads back
 * as the same float32, cut at 8 decimals; all values share one width; scientific notation when the
 * magnitudes span more than 1000x or the smallest is below 1e-4; rows wrap at 75 characters; arrays of
 * more than 1000 values show their first and last 3 items around "...". Checked against numpy's own
 * output in test/format.test.ts.
 */
import * as tf from "@tensorflow/tfjs";

const PRECISION = 8;
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

type Nested = number | boolean | Nested[];

/** numpy's `str(array)` for a tensor (float32, int32 or bool) or a nested array of numbers. */
export function formatArray(value: tf.Tensor | Nested): string {
  const { values, shape, dtype } = toFlat(value);
  const summarize = values.length > THRESHOLD;
  const shown = summarize ? edgeIndices(shape) : null;
  const formatOne = makeFormatter(shown ? shown.map((i) => values[i]) : values, dtype);
  if (shape.length === 0) return formatOne(values[0]);
  return formatNested(values, shape, formatOne, summarize);
}

/** A shape as numpy and tfjs write it, `[2, 211]` (a template literal would give `2,211`). */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Prints `label = array`, on one line, or with the array starting on the next line when it has several. */
export function printArray(label: string, value: tf.Tensor | Nested): void {
  const text = formatArray(value);
  console.log(text.includes("\n") ? `${label} =\n${text}` : `${label} = ${text}`);
}

type DType = "float" | "int" | "bool";

function toFlat(value: tf.Tensor | Nested): { values: number[]; shape: number[]; dtype: DType } {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new Error("formatArray: this tensor has been disposed; print it before disposing it (or outside tf.tidy)");
    const dtype: DType = value.dtype === "bool" ? "bool" : value.dtype === "int32" ? "int" : "float";
    if (value.dtype === "string" || value.dtype === "complex64") throw new TypeError(`formatArray: ${value.dtype} tensors are not supported`);
    return { values: Array.from(value.dataSync() as ArrayLike<number>), shape: value.shape.slice(), dtype };
  }
  const shape: number[] = [];
  let probe: Nested = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const values: number[] = [];
  let sawBool = false;
  const walk = (v: Nested, depth: number): void => {
    if (Array.isArray(v)) {
      if (depth >= shape.length || v.length !== shape[depth]) throw new TypeError("formatArray: the nested array is ragged (rows of different lengths)");
      v.forEach((item) => walk(item, depth + 1));
    } else {
      if (depth !== shape.length) throw new TypeError("formatArray: the nested array is ragged (rows of different lengths)");
      if (typeof v === "boolean") sawBool = true;
      values.push(Number(v));
    }
  };
  walk(value, 0);
  // Plain JavaScript numbers are shown as float32, like the tensors they stand for.
  return { values: sawBool ? values : values.map(Math.fround), shape, dtype: sawBool ? "bool" : "float" };
}

/** The flat indices numpy looks at when it summarizes: the first and last EDGE_ITEMS along every axis. */
function edgeIndices(shape: number[]): number[] {
  const keep = shape.map((n) => (n > 2 * EDGE_ITEMS ? [...range(0, EDGE_ITEMS), ...range(n - EDGE_ITEMS, n)] : range(0, n)));
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  let out = [0];
  keep.forEach((indices, axis) => {
    out = out.flatMap((base) => indices.map((i) => base + i * strides[axis]));
  });
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
}

// ---------------------------------------------------------------------------------------------------
// One element's text: numpy's FloatingFormat / IntegerFormat / BoolFormat with default options.

function makeFormatter(values: number[], dtype: DType): (x: number) => string {
  if (dtype === "bool") {
    return (x) => (x ? " True" : "False"); // numpy pads True to False's width, even when no value is False
  }
  if (dtype === "int") {
    const width = Math.max(0, ...values.map((v) => String(v).length));
    return (x) => String(x).padStart(width);
  }
  return floatFormatter(values);
}

function floatFormatter(values: number[]): (x: number) => string {
  const finite = values.filter(Number.isFinite);
  const nonZero = finite.filter((v) => v !== 0).map(Math.abs);
  let exponential = false;
  if (nonZero.length > 0) {
    const max = Math.max(...nonZero);
    const min = Math.min(...nonZero);
    exponential = max >= 1e8 || min < 1e-4 || max / min > 1000;
  }
  let padLeft = 0;
  let padRight = 0;
  let format: (x: number) => string;
  if (exponential) {
    const parts = finite.map((x) => scientific(x, null));
    const fractionDigits = Math.max(0, ...parts.map((p) => p.fraction.length));
    const exponentDigits = Math.max(2, ...parts.map((p) => p.exponent.length));
    padLeft = Math.max(0, ...parts.map((p) => p.integer.length));
    format = (x) => {
      const p = scientific(x, fractionDigits);
      return `${p.integer.padStart(padLeft)}.${p.fraction.padEnd(fractionDigits, "0")}e${p.sign}${p.exponent.padStart(exponentDigits, "0")}`;
    };
  } else {
    const parts = finite.map(positional);
    padLeft = Math.max(0, ...parts.map((p) => p.integer.length));
    padRight = Math.max(0, ...parts.map((p) => p.fraction.length));
    format = (x) => {
      const p = positional(x);
      return `${p.integer.padStart(padLeft)}.${p.fraction.padEnd(padRight)}`;
    };
  }
  const hasNonFinite = finite.length !== values.length;
  if (hasNonFinite && !exponential) {
    // numpy widens the integer part so that "nan"/"inf"/"-inf" fit in the same column.
    const negInf = values.some((v) => v === -Infinity);
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (negInf ? 1 : 0) - (padRight + 1));
  }
  const width = exponential ? 0 : padLeft + 1 + padRight;
  return (x) => {
    if (Number.isNaN(x)) return "nan".padStart(width);
    if (x === Infinity) return "inf".padStart(width);
    if (x === -Infinity) return "-inf".padStart(width);
    return format(x);
  };
}

/** The shortest decimal that reads back as the same float32: [digits without the point, decimal exponent]. */
function shortestDigits(x: number): { digits: string; exponent: number } {
  const target = Math.fround(x);
  for (let p = 1; p <= 17; p++) {
    const s = Math.abs(target).toExponential(p - 1);
    if (Math.fround(Number(s)) === Math.abs(target) || p === 17) {
      const [mantissa, exp] = s.split("e");
      return { digits: mantissa.replace(".", "").replace(/0+$/, "") || "0", exponent: Number(exp) };
    }
  }
  throw new Error("unreachable");
}

function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? "-" : "";
}

/** Positional: shortest unique digits, at most PRECISION after the point, trailing zeros trimmed ("0.5", "1."). */
function positional(x: number): { integer: string; fraction: string } {
  const sign = signOf(x);
  if (x === 0) return { integer: `${sign}0`, fraction: "" };
  const { digits, exponent } = shortestDigits(x);
  const fractionLength = digits.length - 1 - exponent;
  let text: string;
  if (fractionLength > PRECISION) {
    text = Math.abs(x).toFixed(PRECISION); // rounds the exact binary value, as numpy's Dragon4 does
  } else if (exponent >= 0) {
    const integerDigits = exponent + 1;
    text = digits.length <= integerDigits ? digits.padEnd(integerDigits, "0") : `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
  } else {
    text = `0.${"0".repeat(-exponent - 1)}${digits}`;
  }
  const [integer, fraction = ""] = text.split(".");
  return { integer: sign + integer, fraction: fraction.replace(/0+$/, "") };
}

/** Scientific: shortest unique digits, or exactly `fractionDigits` of them (of the exact value) when given. */
function scientific(x: number, fractionDigits: number | null): { integer: string; fraction: string; sign: string; exponent: string } {
  const negative = signOf(x);
  if (x === 0) return { integer: `${negative}0`, fraction: "", sign: "+", exponent: "0" };
  let { digits, exponent } = shortestDigits(x);
  if (fractionDigits !== null) {
    // numpy's min_digits: a shorter value gets further true digits, not zeros (8.707971e-08 → 8.7079712e-08).
    const [mantissa, exp] = Math.abs(x).toExponential(fractionDigits).split("e");
    digits = mantissa.replace(".", "");
    exponent = Number(exp);
  } else if (fractionDigits === null && digits.length - 1 > PRECISION) {
    const [mantissa, exp] = Math.abs(x).toExponential(PRECISION).split("e");
    digits = mantissa.replace(".", "").replace(/0+$/, "");
    exponent = Number(exp);
  }
  return {
    integer: negative + digits[0],
    fraction: digits.slice(1),
    sign: exponent < 0 ? "-" : "+",
    exponent: String(Math.abs(exponent)),
  };
}

// ---------------------------------------------------------------------------------------------------
// Layout: numpy's _formatArray (brackets, wrapping at LINE_WIDTH, "..." when summarizing).

function formatNested(values: number[], shape: number[], formatOne: (x: number) => string, summarize: boolean): string {
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const separator = " ";

  const recurse = (offset: number, axis: number, hangingIndent: string, currentWidth: number): string => {
    if (axis === shape.length) return formatOne(values[offset]);
    const nextIndent = hangingIndent + " ";
    const nextWidth = currentWidth - 1; // room for the closing "]"
    const length = shape[axis];
    const showSummary = summarize && 2 * EDGE_ITEMS < length;
    const indices = showSummary ? [...range(0, EDGE_ITEMS), -1, ...range(length - EDGE_ITEMS, length)] : range(0, length);
    const axesLeft = shape.length - axis;
    let s = "";
    if (axesLeft === 1) {
      const elementWidth = currentWidth - 1;
      let line = hangingIndent;
      indices.forEach((i, k) => {
        const word = i === -1 ? "..." : recurse(offset + i * strides[axis], axis + 1, nextIndent, nextWidth);
        const needsWrap = line.length + word.length > elementWidth && line.length > hangingIndent.length;
        if (needsWrap) {
          s += line.trimEnd() + "\n";
          line = hangingIndent;
        }
        line += word;
        if (k < indices.length - 1) line += separator;
      });
      s += line;
    } else {
      const lineSeparator = "\n".repeat(axesLeft - 1);
      indices.forEach((i, k) => {
        const nested = i === -1 ? "..." : recurse(offset + i * strides[axis], axis + 1, nextIndent, nextWidth);
        s += hangingIndent + nested + (k < indices.length - 1 ? lineSeparator : "");
      });
    }
    return "[" + s.slice(hangingIndent.length) + "]";
  };
  return recurse(0, 0, " ", LINE_WIDTH);
}
