/**
 * The messages between the grader (parent) and the sandbox child that runs a student's code, sent as
 * frames (frames.ts) over two pipes: requests on the child's stdin, replies on its fd 3. Tensors cross
 * packed (tensor-codec.ts: NaN, ±Infinity and -0 exactly). The child only ever receives inputs and sends
 * back outputs; expected values never leave the parent. Everything a child sends is untrusted: the
 * parent validates it (replies.ts) into the types below before anything reads it.
 */
import type { Conversion } from "./compiler";
import type { PackedTensor } from "./tensor-codec";

/** A tensor in the parent's hands: shape and values (row-major). */
export interface WireTensor {
  shape: number[];
  values: number[];
  dtype?: string;
}

// ------------------------------------------------------------------------------------ parent -> child

/** Run these cells (the instructor's set-up cell, then the student's graded cells). */
export interface LoadRequest {
  kind: "load";
  id: number;
  cells: { gradeId: string; source: string }[];
  /** Names the graded cells must define, e.g. forwardPropagationWithDropout. */
  functions: string[];
  /** tslab's conversions of the cells, made by the parent (compile-cells.ts). */
  conversions: Conversion[];
}

export interface ForwardCall {
  kind: "forward";
  id: number;
  X: PackedTensor;
  parameters: Record<string, PackedTensor>;
  keepProb: number;
  seed: number;
}

export interface BackwardCall {
  kind: "backward";
  id: number;
  X: PackedTensor;
  Y: PackedTensor;
  cache: Record<string, PackedTensor>;
  keepProb: number;
}

export type ParentMessage = LoadRequest | ForwardCall | BackwardCall;

// ------------------------------------------------------------------------------------ child -> parent
// The shapes a well-behaved child sends; the parent trusts none of it until replies.ts has checked it.

export interface CellOutcome {
  gradeId: string;
  ok: boolean;
  /** stdout + stderr, cut to a few kilobytes. */
  output: string;
}

export interface Loaded {
  kind: "loaded";
  id: number;
  cells: CellOutcome[];
  /** A cell met declarations other than compiled for (an earlier cell failed at run time): run cells apart. */
  needsSeparateSandboxes: boolean;
  /** Which of the requested functions the cells defined (as functions). */
  defined: Record<string, boolean>;
}

/** How the student's code used the generator it was given (the child's own report: wording only). */
export interface RngUse {
  /** Each call, in order: the method and its arguments. */
  calls: { method: string; args: unknown[] }[];
  /** Uniform numbers consumed in all. */
  draws: number;
}

/** A value the student returned: a tensor, or a description of what it was instead. */
export type WireValue = { tensor: WireTensor } | { other: string };
export type PackedValue = { tensor: PackedTensor } | { other: string };

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
  /** Inputs whose values the call changed (the child's own report: it may shape feedback, never a score). */
  mutated: string[];
  /**
   * The function called a second time on the very same input objects (forward: with a fresh generator
   * seeded alike), right after the first call: if the first call changed its inputs, or draws from anything
   * but the generator it was given, this differs from `values`. Decided on by the parent from outputs.
   */
  repeat?: { ok: boolean; values: Record<string, WireValue>; error?: { name: string; message: string } };
  /** Student output printed during the call (cut). */
  output: string;
  durationMs: number;
}

/** CallResult as the child sends it: tensors packed. */
export type PackedCallResult = Omit<CallResult, "values" | "repeat"> & {
  values: Record<string, PackedValue>;
  repeat?: { ok: boolean; values: Record<string, PackedValue>; error?: { name: string; message: string } };
};

export interface ChildFailure {
  kind: "fatal";
  id?: number;
  message: string;
}

export type ChildMessage = Loaded | PackedCallResult | ChildFailure;

/** At most this much of a student's printed output travels back (the rest is cut, and said so). */
export const OUTPUT_LIMIT = 4000;

export function cutOutput(text: string, limit = OUTPUT_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}\n... (${text.length - limit} more characters cut)`;
}
