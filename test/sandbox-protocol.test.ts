/**
 * The parent's side of the channel to a sandbox child, on hand-made bytes: frames (frames.ts) and the
 * checks every reply must pass (replies.ts) before anything reads it. A hostile child controls these
 * bytes; nothing here may throw anything but FrameError/ReplyError, hold more than a frame's cap, or let
 * a value through that was not asked for.
 * Fails when: FrameReader parses a frame before checking its announced length (oversized test), forgets
 * a failure (sticky test), or checkReply accepts another request's id, an unexpected name, or a tensor
 * whose values do not fit its shape; or when tensors cross as JSON numbers (NaN/-0 test).
 */
import { describe, expect, it } from "vitest";
import { encodeFrame, FrameError, FrameReader } from "../grader/sandbox/frames";
import type { CallMessage, LoadRequest } from "../grader/sandbox/protocol";
import { checkReply, ReplyError } from "../grader/sandbox/replies";
import { packTensor, unpackValues } from "../grader/sandbox/tensor-codec";

const budget = () => ({ left: 1 << 30 });

describe("frames", () => {
  it("reassembles frames split anywhere, and several in one chunk", () => {
    const bytes = Buffer.concat([encodeFrame({ a: 1 }), encodeFrame({ b: "two" }), encodeFrame([3])]);
    const reader = new FrameReader(1024, budget());
    const got: unknown[] = [];
    for (let k = 0; k < bytes.length; k += 3) got.push(...reader.push(bytes.subarray(k, k + 3)));
    expect(got).toEqual([{ a: 1 }, { b: "two" }, [3]]);
  });

  it("refuses a frame announced over the cap before reading its body", () => {
    const reader = new FrameReader(1024, budget());
    const header = Buffer.alloc(4);
    header.writeUInt32BE(0x7fffffff);
    expect(() => reader.push(header)).toThrow(new FrameError("it sent a message of 2147483647 bytes, over the limit of 1024"));
  });

  it("refuses text that is not a frame, bytes that are not JSON, and more bytes than the submission's budget", () => {
    expect(() => new FrameReader(1024, budget()).push(Buffer.from("this is not a frame"))).toThrow(/over the limit of 1024/);
    const notJson = Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from("{oops")]);
    expect(() => new FrameReader(1024, budget()).push(notJson)).toThrow(new FrameError("it sent a message that is not JSON"));
    const shared = { left: 100 };
    const a = new FrameReader(1024, shared);
    a.push(encodeFrame("x".repeat(60)));
    expect(() => new FrameReader(1024, shared).push(encodeFrame("y".repeat(60)))).toThrow(/more data than a whole submission may/);
  });

  it("stays failed: after one bad frame, every later push throws", () => {
    const reader = new FrameReader(8, budget());
    expect(() => reader.push(encodeFrame("far too long"))).toThrow(FrameError);
    expect(() => reader.push(encodeFrame(1))).toThrow(FrameError);
  });
});

const LOAD: LoadRequest = { kind: "load", id: 4, cells: [{ gradeId: "setup", source: "" }, { gradeId: "forward", source: "" }], functions: ["f"], conversions: [] };
const CALL: CallMessage = { kind: "call", id: 7, fn: "f", args: [{ name: "X", tensor: packTensor([1, 1], [0]) }], returns: { tuple: [{ tensor: "A3" }, { tensors: ["D1"], prefix: "cache.", what: "the cache" }], what: "[A3, cache]" } };
const NAMES = ["A3", "cache.D1"];
const result = (extra: object = {}) => ({ kind: "result", id: 7, ok: true, values: { A3: { tensor: packTensor([1, 2], [0.5, 0.25]) } }, mutated: [], output: "", durationMs: 1, ...extra });

describe("replies", () => {
  it("accepts the reply to the request in flight, and cuts its strings", () => {
    const reply = checkReply(result({ output: "x".repeat(100_000) }), CALL, NAMES);
    expect(reply.kind).toBe("result");
    if (reply.kind !== "result") return;
    expect(reply.values.A3).toEqual({ tensor: { shape: [1, 2], values: [0.5, 0.25], dtype: "float32" } });
    expect(reply.output.length).toBeLessThan(4200);
  });

  it("refuses another request's id, the wrong kind, and a cell list that is not the one sent", () => {
    expect(() => checkReply(result({ id: 999 }), CALL, NAMES)).toThrow(new ReplyError("a reply to request 999 while request 7 was waiting"));
    expect(() => checkReply({ kind: "loaded", id: 7, cells: [], defined: {}, needsSeparateSandboxes: false }, CALL, NAMES)).toThrow(/instead of a call's result/);
    expect(() => checkReply({ kind: "loaded", id: 4, cells: [{ gradeId: "other", ok: true, output: "" }, { gradeId: "forward", ok: true, output: "" }], defined: {}, needsSeparateSandboxes: false }, LOAD, [])).toThrow(/cell 0 named 'other'/);
    expect(() => checkReply({ kind: "loaded", id: 4, cells: [], defined: {}, needsSeparateSandboxes: false }, LOAD, [])).toThrow(/the outcome of 0 cells, not 2/);
    const cells = [{ gradeId: "setup", ok: true, output: "" }, { gradeId: "forward", ok: false, output: "oops" }];
    const loaded = checkReply({ kind: "loaded", id: 4, cells, defined: { f: true, extra: "ignored" }, needsSeparateSandboxes: false }, LOAD, []);
    expect(loaded).toEqual({ kind: "loaded", id: 4, cells, defined: { f: true }, needsSeparateSandboxes: false });
  });

  it("refuses values not asked for, malformed tensors and oversized ones", () => {
    expect(() => checkReply(result({ values: { secret: { other: "x" } } }), CALL, NAMES)).toThrow(/unexpected entry 'secret'/);
    const bad = (tensor: object) => () => checkReply(result({ values: { A3: { tensor } } }), CALL, NAMES);
    expect(bad({ shape: [2, 2], dtype: "float32", f64: packTensor([1, 1], [1]).f64 })).toThrow(/do not match its shape \[2, 2\]/);
    expect(bad({ shape: [1e7, 1e7], dtype: "float32", f64: "" })).toThrow(/shape holds|more than/);
    expect(bad({ shape: [1], dtype: "string", f64: packTensor([1], [1]).f64 })).toThrow(/dtype/);
    expect(bad({ shape: [1.5], dtype: "float32", f64: "" })).toThrow(/shape holds 1.5/);
    expect(() => checkReply(result({ ok: false }), CALL, NAMES)).toThrow(/a failed call without its error/);
    expect(() => checkReply("just a string", CALL, NAMES)).toThrow(/a message is not an object/);
  });

  it("carries NaN, ±Infinity and -0 exactly (JSON would make them null and 0)", () => {
    const reply = checkReply(result({ values: { A3: { tensor: packTensor([1, 4], [Number.NaN, Infinity, -Infinity, -0]) } } }), CALL, NAMES);
    if (reply.kind !== "result" || !("tensor" in reply.values.A3)) throw new Error("expected a tensor");
    const [nan, inf, ninf, negZero] = reply.values.A3.tensor.values;
    expect(nan).toBeNaN();
    expect(inf).toBe(Infinity);
    expect(ninf).toBe(-Infinity);
    expect(Object.is(negZero, -0)).toBe(true);
    expect(Array.from(unpackValues(packTensor([1], [-0]).f64))).toEqual([-0]);
  });
});
