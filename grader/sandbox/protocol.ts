/**
 * The messages between the grader (parent) and the sandbox child that runs a student's code, sent as
 * frames (frames.ts) over two pipes: requests on the child's stdin, replies on its fd 3. Tensors cross
 * packed (tensor-codec.ts: NaN, ±Infinity and -0 exactly). The child only ever receives inputs and sends
 * back outputs; expected values never leave the parent. Everything a child sends is untrusted: the
 * parent validates it (replies.ts) into the types below before anything reads it.
 */
import type { Conversion } from "./compiler";
import type { CallResult, ReturnForm, RngUse, WireTensor, WireValue } from "dropout-kit";
import type { PackedTensor } from "./tensor-codec";

export type { CallResult, RngUse, WireTensor, WireValue };


// ------------------------------------------------------------------------------------ parent -> child

/** Run these cells (the instructor's set-up cell, then the student's graded cells). */
export interface LoadRequest {
  kind: "load";
  id: number;
  cells: { gradeId: string; source: string }[];
  /** Names the graded cells must define (the graded functions). */
  functions: string[];
  /** tslab's conversions of the cells, made by the parent (compile-cells.ts). */
  conversions: Conversion[];
}

/** One call of a graded function (dropout-kit's CallRequest), its tensors packed. */
export interface CallMessage {
  kind: "call";
  id: number;
  fn: string;
  args: PackedArgument[];
  returns: ReturnForm;
}

export type PackedArgument =
  | { name: string; tensor: PackedTensor }
  | { name: string; tensors: Record<string, PackedTensor> }
  | { name: string; number: number }
  | { name: string; generator: number };

export type ParentMessage = LoadRequest | CallMessage;

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


export type PackedValue = { tensor: PackedTensor } | { other: string };


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
