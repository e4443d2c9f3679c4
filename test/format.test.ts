/**
 * formatArray prints what numpy's print() prints: checked against numpy's own output for the course's
 * arrays and for the layouts that are easy to get wrong (padding, negative zero, scientific notation,
 * wrapping at 75 characters, summarizing large arrays, nan/inf, int and bool tensors).
 * The fixture is written by test/fixtures/make_numpy_print_fixture.py.
 * Fails when: src/format.ts pads negative numbers like positive ones (seen red: 7 tests), or prints -0 as 0 (seen red: 2).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareMatrix, datasetFigure, formatArray, formatShape, printArray, tf } from "dropout-kit";
import type { Matrix } from "dropout-kit";
import { withMutedConsole } from "./helpers/console";

interface FixtureCase {
  name: string;
  shape: number[];
  dtype: "float32" | "int32" | "bool";
  values: (number | boolean | "nan" | "inf" | "-inf")[];
  numpy: string;
}
const fixture = JSON.parse(readFileSync(join(__dirname, "fixtures", "numpy-print.json"), "utf8")) as { numpy: string; cases: FixtureCase[] };

function tensorOf(c: FixtureCase): tf.Tensor {
  const values = c.values.map((v) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v));
  if (c.dtype === "bool") return tf.tensor(values as boolean[], c.shape, "bool");
  return tf.tensor(values as number[], c.shape, c.dtype);
}

describe(`formatArray against numpy ${fixture.numpy}`, () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const t = tensorOf(c);
      expect(formatArray(t)).toBe(c.numpy);
      t.dispose();
    });
  }
});

describe("formatArray: other inputs", () => {
  it("takes nested arrays of numbers and shows them as float32, like the tensors they stand for", () => {
    expect(formatArray([[1, 0.5], [-2, 0.1]])).toBe("[[ 1.   0.5]\n [-2.   0.1]]");
    expect(formatArray([0.1])).toBe("[0.1]");
  });

  it("prints negative zero as numpy does", () => {
    expect(formatArray(tf.tensor2d([[-0, 1]]))).toBe("[[-0.  1.]]");
  });

  it("rejects ragged arrays and disposed tensors with a message that says what is wrong", () => {
    expect(() => formatArray([[1, 2], [3]])).toThrow(/ragged/);
    const t = tf.tensor2d([[1]]);
    t.dispose();
    expect(() => formatArray(t)).toThrow(/disposed/);
  });
});

describe("printArray", () => {
  it("prints one-row arrays on the label's line and taller ones below it", () => {
    const { log } = withMutedConsole(() => {
      printArray("A3", tf.tensor2d([[0.5, 0.25]]));
      printArray("dA1", tf.tensor2d([[1, 0], [0, 1]]));
    });
    expect(log).toBe("A3 = [[0.5  0.25]]\ndA1 =\n[[1. 0.]\n [0. 1.]]\n");
  });
});

describe("formatShape", () => {
  it("writes a shape as numpy and tfjs do, [2, 211], never as a template literal's 2,211", () => {
    expect(formatShape([2, 211])).toBe("[2, 211]");
    expect(formatShape([20])).toBe("[20]");
    expect(formatShape([])).toBe("[]");
  });

  it("the helpers' messages print shapes that way", () => {
    const bad = tf.tensor2d([[1, 2, 3]]);
    expect(compareMatrix(bad, [[1], [2]])?.message).toBe("wrong shape: expected [2, 1], got [1, 3]");
    expect(() => datasetFigure(bad as Matrix, bad as Matrix)).toThrow("got [1, 3]");
    bad.dispose();
  });
});
