/**
 * The sandbox child: runs one student's graded cells with tslab's own engine, then answers calls of the
 * graded functions on inputs the parent sends. Started by sandbox/session.ts under Node's permission model
 * (reads limited to node_modules, the helper library and this compiled folder; no writes, no child
 * processes, no workers), without network (network-guard.ts, and a network namespace where the machine
 * allows one) and with a memory cap; the parent enforces the time limits by killing it.
 *
 * It never receives expected values: it returns what the student's functions computed, and the parent
 * judges. Compiled to grader/dist/ by `npm run build` (tsx's loader needs a worker thread, which the
 * permission model forbids).
 */
import { callGraded, initBackend } from "dropout-kit";
import type { Around, CallArgument, CallResult, GradedFunction, WireTensor, WireValue } from "dropout-kit";
import { writeSync } from "node:fs";
import { createCellExecutor } from "../notebook/execute";
import { MISSING_CONVERSION, replayingConverter } from "./compiler";
import { encodeFrame, FrameReader } from "./frames";
import { blockNetwork } from "./network-guard";
import type { CallMessage, ChildMessage, LoadRequest, PackedCallResult, PackedValue, ParentMessage } from "./protocol";
import { cutOutput } from "./protocol";
import type { PackedTensor } from "./tensor-codec";
import { packTensor, unpackValues } from "./tensor-codec";

/** The graded functions the cells defined (read from tslab's top-level declarations after loading). */
const graded: Record<string, GradedFunction> = {};

/** Replies go out on fd 3 as frames (frames.ts); the parent reads nothing else. */
const REPLY_FD = 3;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

function send(message: ChildMessage): void {
  const frame = encodeFrame(message);
  for (let offset = 0; offset < frame.length; ) {
    try {
      offset += writeSync(REPLY_FD, frame, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(PAUSE, 0, 0, 2); // the parent is busy reading: wait for it without spinning
    }
  }
}

function unpack(packed: PackedTensor): WireTensor {
  return { shape: packed.shape, values: Array.from(unpackValues(packed.f64)) };
}

function packed(values: Record<string, WireValue>): Record<string, PackedValue> {
  return Object.fromEntries(
    Object.entries(values).map(([name, v]) => [name, "tensor" in v ? { tensor: packTensor(v.tensor.shape, v.tensor.values, v.tensor.dtype) } : v]),
  );
}

/** What the student's code prints during a call is captured (cut), not written to the reply channel's neighbours. */
const capturing: Around = (body) => {
  let output = "";
  const original = { out: process.stdout.write, err: process.stderr.write };
  const sink = ((chunk: string | Uint8Array) => {
    if (output.length < 64_000) output += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = sink;
  process.stderr.write = sink;
  try {
    return { value: body(), thrown: false, output: cutOutput(output) };
  } catch (error) {
    return { error, thrown: true, output: cutOutput(output) };
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
};

function toPackedResult(result: CallResult): PackedCallResult {
  const { values, repeat, ...rest } = result;
  return { ...rest, output: cutOutput(result.output), values: packed(values), ...(repeat ? { repeat: { ...repeat, values: packed(repeat.values) } } : {}) };
}

function call(message: CallMessage): PackedCallResult {
  const fn = graded[message.fn];
  if (!fn) throw new Error(`no graded function named ${message.fn} was loaded`);
  const args: CallArgument[] = message.args.map((arg) =>
    "tensor" in arg ? { name: arg.name, tensor: unpack(arg.tensor) } : "tensors" in arg ? { name: arg.name, tensors: Object.fromEntries(Object.entries(arg.tensors).map(([k, v]) => [k, unpack(v)])) } : arg,
  );
  return toPackedResult(callGraded(fn, { fn: message.fn, args, returns: message.returns }, { id: message.id, around: capturing }));
}

async function load(message: LoadRequest): Promise<void> {
  await initBackend();
  blockNetwork(); // before the first student cell; the backend is loaded by then
  const converter = replayingConverter(message.conversions);
  const executor = createCellExecutor(process.cwd(), { node: converter, browser: converter });
  const cells = [];
  let needsSeparateSandboxes = false;
  for (const cell of message.cells) {
    const run = await executor.run(cell.source);
    if (run.stderr.includes(MISSING_CONVERSION)) needsSeparateSandboxes = true;
    cells.push({ gradeId: cell.gradeId, ok: run.ok, output: cutOutput(run.stdout + run.stderr) });
  }
  const defined: Record<string, boolean> = {};
  for (const name of message.functions) {
    const fn = executor.locals[name];
    if (typeof fn === "function") graded[name] = fn as GradedFunction;
    defined[name] = typeof fn === "function";
  }
  send({ kind: "loaded", id: message.id, cells, defined, needsSeparateSandboxes });
}

// Requests come in on stdin as frames, one at a time, in order.
const requests = new FrameReader(1024 ** 3, { left: Number.POSITIVE_INFINITY });
let queue = Promise.resolve();
process.stdin.on("data", (chunk: Buffer) => {
  for (const raw of requests.push(chunk)) {
    const message = raw as ParentMessage;
    queue = queue.then(async () => {
      try {
        if (message.kind === "load") await load(message);
        else if (message.kind === "call") send(call(message));
      } catch (error) {
        send({ kind: "fatal", id: message.id, message: (error as Error)?.stack ?? String(error) });
      }
    });
  }
});
process.stdin.on("end", () => process.exit(0));
