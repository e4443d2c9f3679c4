/**
 * The generic call of a graded function (dropout-kit's callGraded): arguments built from data, the return read
 * by its form, inputs watched by name, one generator recorded; a request that would make the evidence ambiguous
 * is refused at once.
 * Fails when: a request with two inputs of one name is accepted (seen red: the check disabled), or a scalar,
 * an object of tensors or a tuple is read otherwise than its form says.
 */
import { describe, expect, it } from "vitest";
import { callGraded, tf } from "dropout-kit";
import type { CallRequest, GradedFunction } from "dropout-kit";

const X = { shape: [1, 2], values: [1, 2] };
const graded = (fn: (...args: never[]) => unknown) => fn as unknown as GradedFunction;

describe("callGraded", () => {
  it("builds the arguments, reads a scalar, a tensor object and a tuple, and records the generator's use", () => {
    const request: CallRequest = {
      fn: "f",
      args: [{ name: "X", tensor: X }, { name: "params", tensors: { W: { shape: [1, 1], values: [3] } } }, { name: "k", number: 0.5 }, { name: "rng", generator: 1 }],
      returns: { tuple: [{ scalar: "total" }, { tensors: ["Y"], prefix: "out.", what: "the outputs" }], what: "[total, outputs]" },
    };
    const f = graded((x: tf.Tensor, p: Record<string, tf.Tensor>, k: number, rng: { rand(r: number, c: number): tf.Tensor }) => {
      rng.rand(1, 2);
      return [tf.sum(x).mul(k), { Y: tf.mul(x, p.W) }];
    });
    const result = callGraded(f, request);
    expect(result.ok, result.error?.message).toBe(true);
    expect(result.values.total).toEqual({ tensor: { shape: [], values: [1.5] } });
    expect(result.values["out.Y"]).toMatchObject({ tensor: { shape: [1, 2], values: [3, 6] } });
    expect(result.rng?.calls).toEqual([{ method: "rand", args: [1, 2] }]);
    expect(result.mutated).toEqual([]);
    const wrong = callGraded(graded(() => 7), request);
    expect(wrong.form).toBe("expected [total, outputs], got number 7");
  });

  it("refuses a request whose inputs share a name, or that hands over two generators", () => {
    const twice: CallRequest = { fn: "f", args: [{ name: "X", tensor: X }, { name: "cache", tensors: { X } }], returns: { tensor: "Y" } };
    expect(() => callGraded(graded(() => 0), twice)).toThrow("two input tensors of f are named X");
    const generators: CallRequest = { fn: "f", args: [{ name: "a", generator: 1 }, { name: "b", generator: 2 }], returns: { tensor: "Y" } };
    expect(() => callGraded(graded(() => 0), generators)).toThrow("more than one generator");
  });
});
