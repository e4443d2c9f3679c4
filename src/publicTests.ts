/**
 * The public tests the notebook runs after each exercise, like the course's `public_tests.py`:
 * several cases per function, a shape check before the value checks, inputs handed over as copies
 * (so in-place changes are caught), and on failure a message that names the case, what was checked,
 * the expected and the received values. They are a subset of what the grader checks.
 */
import * as tf from "@tensorflow/tfjs";
import { compareMatrix, describe, Rows } from "./compare";
import { courseBackwardCase, courseForwardCase } from "./courseCases";
import { NotImplementedError } from "./dropout";
import { formatArray, formatShape } from "./format";
import { initializeParameters } from "./initialize";
import { backwardPropagation, forwardPropagation } from "./propagation";
import { RandomState } from "./random";
import type { BackwardWithDropout, DropoutCache, ForwardWithDropout, Gradients, Matrix, Parameters } from "./types";
import { DROPOUT_CACHE_NAMES, GRADIENT_NAMES, PARAMETER_NAMES } from "./types";

const GREEN = "\x1b[92m";
const RED = "\x1b[91m";
const RESET = "\x1b[0m";

/** Lines a failure's details may take on screen: the rest of a matrix is cut, and said so. */
const DETAIL_LINES = 10;
/** Failed checks listed one line each; more are counted. */
const LISTED_FAILURES = 10;

/**
 * Collects failed checks per case and prints one verdict at the end, on one screen: one line per failed
 * check, then the first failure in detail (cut to a few lines), then the count.
 */
class TestReport {
  private failures: { line: string; detail: string }[] = [];
  private cases = 0;

  constructor(private readonly functionName: string) {}

  /** Runs one case. A "not implemented" stub stops the whole test at once with its own message. */
  run(caseName: string, body: (fail: (check: string, detail: string) => void) => void): void {
    this.cases++;
    const fail = (check: string, detail: string) => this.failures.push({ line: `✗ ${caseName}: ${check}`, detail });
    try {
      tf.tidy(() => body(fail));
    } catch (error) {
      if (error instanceof NotImplementedError) throw withoutStack(error);
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      fail(`${this.functionName} threw an error`, message);
    }
  }

  finish(): void {
    if (this.failures.length === 0) {
      console.log(`${GREEN}All tests passed.${RESET} (${this.functionName}: ${this.cases} cases)`);
      return;
    }
    const listed = this.failures.slice(0, LISTED_FAILURES).map((f) => f.line);
    if (this.failures.length > LISTED_FAILURES) listed.push(`... and ${this.failures.length - LISTED_FAILURES} more`);
    const detail = this.failures[0].detail.split("\n");
    const shown = detail.length > DETAIL_LINES ? [...detail.slice(0, DETAIL_LINES), `... (${detail.length - DETAIL_LINES} more lines)`] : detail;
    console.log(`${listed.join("\n")}\n\nThe first one, in detail (${this.failures[0].line.slice(2)}):\n    ${shown.join("\n    ")}`);
    const summary = `${this.failures.length} check(s) failed in ${this.functionName}: see the messages above.`;
    console.log(`${RED}${summary}${RESET}`);
    throw withoutStack(Object.assign(new Error(summary), { name: "PublicTestsFailed" }));
  }
}

/**
 * A failed test reads as a failed test, not a crash: the kernel prints a thrown error's stack, which here
 * would only list this library's internals and tfjs's. The message says what happened.
 */
function withoutStack<E extends Error>(error: E): E {
  error.stack = `${error.name}: ${error.message}`;
  return error;
}

// ---------------------------------------------------------------------------------------------
// Helpers for the checks
// ---------------------------------------------------------------------------------------------

function copy<T extends Record<string, tf.Tensor>>(tensors: T): T {
  const out = {} as Record<string, tf.Tensor>;
  for (const [name, t] of Object.entries(tensors)) out[name] = t.clone();
  return out as T;
}

function valuesOf(tensors: Record<string, tf.Tensor>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(tensors)) out[name] = Array.from(t.dataSync());
  return out;
}

/** Tells which inputs changed during the call (by value, or by being replaced/removed in the object). */
function mutatedInputs(original: Record<string, tf.Tensor>, snapshot: Record<string, number[]>, handedOver: Record<string, tf.Tensor>): string[] {
  const changed: string[] = [];
  for (const name of Object.keys(original)) {
    const t = handedOver[name];
    if (!(t instanceof tf.Tensor) || t.isDisposed) {
      changed.push(`${name} (replaced, removed or disposed)`);
      continue;
    }
    const now = t.dataSync();
    if (now.length !== snapshot[name].length || now.some((v, i) => v !== snapshot[name][i])) changed.push(name);
  }
  return changed;
}

function show(value: tf.Tensor | Rows): string {
  return formatArray(value instanceof tf.Tensor ? value : tf.tensor2d(value));
}

/** Checks only that `received` is a tensor of the given shape (values are checked elsewhere). */
function expectShape(fail: (check: string, detail: string) => void, label: string, received: unknown, shape: [number, number]): boolean {
  if (!(received instanceof tf.Tensor)) {
    fail(`${label}: type check`, `expected a tf.Tensor, got ${describe(received)}`);
    return false;
  }
  if (received.rank !== 2 || received.shape[0] !== shape[0] || received.shape[1] !== shape[1]) {
    fail(`${label}: shape check`, `wrong shape: expected ${formatShape(shape)}, got ${formatShape(received.shape)}`);
    return false;
  }
  return true;
}

/** Compares and, on a mismatch, reports expected and received in numpy's layout. */
function expectMatrix(fail: (check: string, detail: string) => void, label: string, received: unknown, expected: tf.Tensor | Rows): boolean {
  const mismatch = compareMatrix(received, expected);
  if (!mismatch) return true;
  const detail =
    mismatch.kind === "type"
      ? mismatch.message
      : `${mismatch.message}\nexpected ${label} =\n${show(expected)}\nreceived ${label} =\n${show(received as tf.Tensor)}`;
  fail(`${label}: ${mismatch.kind === "shape" ? "shape check" : mismatch.kind === "type" ? "type check" : "value check"}`, detail);
  return false;
}

function isBinary(t: tf.Tensor): boolean {
  return Array.from(t.dataSync()).every((v) => v === 0 || v === 1);
}

// ---------------------------------------------------------------------------------------------
// forwardPropagationWithDropout
// ---------------------------------------------------------------------------------------------

interface ForwardSetup {
  name: string;
  X: Matrix;
  parameters: Parameters;
  keepProb: number;
  seed: number;
  expectedA3?: Rows;
  expectedCache?: Partial<Record<keyof DropoutCache, Rows>>;
}

function forwardSetups(): ForwardSetup[] {
  const course = courseForwardCase();
  const net = (dims: number[], seed: number, m: number) => {
    const rng = new RandomState(seed);
    return { parameters: initializeParameters(dims, rng), X: rng.randn(dims[0], m) };
  };
  return [
    { ...course, seed: 1 },
    { name: "course net [2, 20, 3, 1], 12 examples, keepProb 0.86, seed 7", ...net([2, 20, 3, 1], 3, 12), keepProb: 0.86, seed: 7 },
    { name: "net [4, 6, 5, 1], 7 examples, keepProb 0.5, seed 11", ...net([4, 6, 5, 1], 5, 7), keepProb: 0.5, seed: 11 },
    { name: "keepProb 1 (no unit dropped)", ...net([2, 20, 3, 1], 3, 9), keepProb: 1, seed: 2 },
  ];
}

export function forwardPropagationWithDropoutTest(target: ForwardWithDropout): void {
  tf.tidy(() => runForwardTests(target));
}

function runForwardTests(target: ForwardWithDropout): void {
  const report = new TestReport("forwardPropagationWithDropout");
  for (const setup of forwardSetups()) {
    report.run(setup.name, (fail) => checkForward(target, setup, fail));
  }
  report.run("keepProb outside (0, 1]", (fail) => {
    const { X, parameters } = forwardSetups()[1];
    for (const bad of [0, -0.2, 1.5, Number.NaN]) {
      let threw = false;
      try {
        target(X, parameters, bad, new RandomState(0));
      } catch (error) {
        if (error instanceof NotImplementedError) throw error;
        threw = true;
      }
      if (!threw) fail(`keepProb = ${bad}`, "expected a clear error for a keepProb outside (0, 1]; nothing was thrown (keep the assertKeepProb line)");
    }
  });
  report.finish();
}

function checkForward(target: ForwardWithDropout, setup: ForwardSetup, fail: (check: string, detail: string) => void): void {
  const { X, parameters, keepProb } = setup;
  const inputs = { X, ...parameters } as Record<string, tf.Tensor>;
  const snapshot = valuesOf(inputs);
  const handedOver = copy(inputs);
  const rng = new RandomState(setup.seed);
  const twin = new RandomState(setup.seed);

  const result = target(handedOver.X as Matrix, pickParameters(handedOver), keepProb, rng) as unknown;
  if (!Array.isArray(result) || result.length !== 2) {
    fail("return value", `expected [A3, cache], got ${describe(result)}`);
    return;
  }
  const [A3, cache] = result as [Matrix, DropoutCache];
  const m = X.shape[1];
  const [n1, n2] = [parameters.W1.shape[0], parameters.W2.shape[0]];

  if (!expectShape(fail, "A3", A3, [1, m])) return;
  const missing = DROPOUT_CACHE_NAMES.filter((name) => !(cache?.[name] instanceof tf.Tensor));
  if (missing.length > 0) {
    fail("cache fields", `the cache must have tensors named ${DROPOUT_CACHE_NAMES.join(", ")}; missing or not tensors: ${missing.join(", ")}`);
    return;
  }

  // Where the course published values, compare with them first: the clearest signal.
  if (setup.expectedA3) expectMatrix(fail, "A3", A3, setup.expectedA3);
  for (const [name, rows] of Object.entries(setup.expectedCache ?? {})) expectMatrix(fail, `cache.${name}`, cache[name as keyof DropoutCache], rows!);

  // The masks: shaped like the activations, 0/1, drawn as rng.rand(...) < keepProb, D1 then D2.
  const draws = rng.drawCount;
  if (draws !== (n1 + n2) * m) {
    fail(
      "use of the generator",
      `expected exactly two draws, rng.rand(${n1}, ${m}) for D1 then rng.rand(${n2}, ${m}) for D2 (${(n1 + n2) * m} numbers); ` +
        `your function drew ${draws} numbers`,
    );
  }
  const expectedD1 = tf.cast(tf.less(twin.rand(n1, m), keepProb), "float32");
  const expectedD2 = tf.cast(tf.less(twin.rand(n2, m), keepProb), "float32");
  for (const [name, expected] of [["D1", expectedD1], ["D2", expectedD2]] as const) {
    const mask = cache[name];
    if (mask.shape.join() === expected.shape.join() && !isBinary(mask)) {
      fail(`cache.${name}`, `a mask holds only 0s and 1s (or true/false); received\n${show(mask)}`);
    } else {
      expectMatrix(fail, `cache.${name} (rng.rand(...) < keepProb)`, mask, expected);
    }
  }

  // Each step from the student's own previous step, so a failure points at the step that went wrong.
  const { W1, b1, W2, b2, W3, b3 } = parameters;
  expectMatrix(fail, "cache.Z1 = W1·X + b1", cache.Z1, tf.add(tf.matMul(W1, X), b1));
  expectMatrix(fail, "cache.A1 = relu(Z1) * D1 / keepProb", cache.A1, tf.div(tf.mul(tf.relu(cache.Z1), tf.cast(cache.D1, "float32")), keepProb));
  expectMatrix(fail, "cache.Z2 = W2·A1 + b2 (with the dropped-out A1)", cache.Z2, tf.add(tf.matMul(W2, cache.A1), b2));
  expectMatrix(fail, "cache.A2 = relu(Z2) * D2 / keepProb", cache.A2, tf.div(tf.mul(tf.relu(cache.Z2), tf.cast(cache.D2, "float32")), keepProb));
  expectMatrix(fail, "cache.Z3 = W3·A2 + b3", cache.Z3, tf.add(tf.matMul(W3, cache.A2), b3));
  expectMatrix(fail, "A3 = sigmoid(Z3), no dropout on the output layer", A3, tf.sigmoid(cache.Z3));
  if (keepProb === 1) expectMatrix(fail, "A3 with keepProb 1 equals the plain forward pass", A3, forwardPropagation(X, parameters)[0]);

  const changed = mutatedInputs(inputs, snapshot, handedOver);
  if (changed.length > 0) fail("inputs left unchanged", `your function changed its inputs: ${changed.join(", ")}. Build new tensors instead.`);
}

function pickParameters(tensors: Record<string, tf.Tensor>): Parameters {
  const out = {} as Record<string, tf.Tensor>;
  for (const name of PARAMETER_NAMES) out[name] = tensors[name];
  return out as Parameters;
}

// ---------------------------------------------------------------------------------------------
// backwardPropagationWithDropout
// ---------------------------------------------------------------------------------------------

interface BackwardSetup {
  name: string;
  X: Matrix;
  Y: Matrix;
  cache: DropoutCache;
  keepProb: number;
  /** Published or derived expected gradients. */
  expected?: Partial<Record<keyof Gradients, tf.Tensor | Rows>>;
}

/** A dropout cache for given masks, built with the plain forward pass's formulas. */
function cacheWithMasks(X: Matrix, parameters: Parameters, D1: Matrix, D2: Matrix, keepProb: number): DropoutCache {
  const { W1, b1, W2, b2, W3, b3 } = parameters;
  const Z1 = tf.add(tf.matMul(W1, X), b1) as Matrix;
  const A1 = tf.div(tf.mul(tf.relu(Z1), D1), keepProb) as Matrix;
  const Z2 = tf.add(tf.matMul(W2, A1), b2) as Matrix;
  const A2 = tf.div(tf.mul(tf.relu(Z2), D2), keepProb) as Matrix;
  const Z3 = tf.add(tf.matMul(W3, A2), b3) as Matrix;
  return { Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3: tf.sigmoid(Z3), W3, b3 };
}

function backwardSetups(): BackwardSetup[] {
  const course = courseBackwardCase();
  const rng = new RandomState(21);
  const parameters = initializeParameters([2, 20, 3, 1], rng);
  const m = 10;
  const X = rng.randn(2, m);
  const Y = tf.cast(tf.less(rng.rand(1, m), 0.5), "float32") as Matrix;
  const ones = (rows: number) => tf.ones([rows, m]) as Matrix;
  const mask = (rows: number, keepProb: number) => tf.cast(tf.less(rng.rand(rows, m), keepProb), "float32") as Matrix;

  // With every mask at 1, dropout's only trace is the scaling: layer 2's gradients are the plain ones
  // divided by keepProb, layer 1's divided twice (the scaled dA2 flows into dA1, which is scaled again).
  const keepAll = 0.8;
  const allOnes = cacheWithMasks(X, parameters, ones(20), ones(3), keepAll);
  const plain = backwardPropagation(X, Y, allOnes);
  const scaled: Partial<Record<keyof Gradients, tf.Tensor>> = {};
  for (const name of GRADIENT_NAMES) {
    const times = name.endsWith("3") ? 0 : name.endsWith("2") ? 1 : 2;
    scaled[name] = tf.div(plain[name], keepAll ** times);
  }
  return [
    { ...course },
    { name: "keepProb 1, all masks 1: the plain backward pass", X, Y, keepProb: 1, cache: cacheWithMasks(X, parameters, ones(20), ones(3), 1), expected: backwardPropagation(X, Y, cacheWithMasks(X, parameters, ones(20), ones(3), 1)) },
    { name: `all masks 1, keepProb ${keepAll}: only the 1/keepProb scaling`, X, Y, keepProb: keepAll, cache: allOnes, expected: scaled },
    { name: "course net [2, 20, 3, 1], random masks, keepProb 0.86", X, Y, keepProb: 0.86, cache: cacheWithMasks(X, parameters, mask(20, 0.86), mask(3, 0.86), 0.86) },
  ];
}

export function backwardPropagationWithDropoutTest(target: BackwardWithDropout): void {
  tf.tidy(() => runBackwardTests(target));
}

function runBackwardTests(target: BackwardWithDropout): void {
  const report = new TestReport("backwardPropagationWithDropout");
  for (const setup of backwardSetups()) {
    report.run(setup.name, (fail) => checkBackward(target, setup, fail));
  }
  report.finish();
}

function checkBackward(target: BackwardWithDropout, setup: BackwardSetup, fail: (check: string, detail: string) => void): void {
  const { X, Y, cache, keepProb } = setup;
  const inputs = { X, Y, ...cache } as Record<string, tf.Tensor>;
  const snapshot = valuesOf(inputs);
  const handedOver = copy(inputs);
  const cacheCopy = {} as Record<string, tf.Tensor>;
  for (const name of DROPOUT_CACHE_NAMES) cacheCopy[name] = handedOver[name];

  const grads = target(handedOver.X as Matrix, handedOver.Y as Matrix, cacheCopy as DropoutCache, keepProb) as unknown as Gradients;
  const missing = GRADIENT_NAMES.filter((name) => !(grads?.[name] instanceof tf.Tensor));
  if (missing.length > 0) {
    fail("returned gradients", `expected an object with tensors named ${GRADIENT_NAMES.join(", ")}; missing or not tensors: ${missing.join(", ")}`);
    return;
  }
  for (const [name, expected] of Object.entries(setup.expected ?? {})) expectMatrix(fail, name, grads[name as keyof Gradients], expected!);

  // Dropout's part of the chain rule, step by step from the student's own values.
  const { W2, W3, D1, D2 } = cache;
  expectMatrix(fail, "dA2 = W3ᵀ·dZ3 * D2 / keepProb (same mask as forward)", grads.dA2, tf.div(tf.mul(tf.matMul(W3, grads.dZ3, true, false), D2), keepProb));
  expectMatrix(fail, "dA1 = W2ᵀ·dZ2 * D1 / keepProb (same mask as forward)", grads.dA1, tf.div(tf.mul(tf.matMul(W2, grads.dZ2, true, false), D1), keepProb));

  const changed = mutatedInputs(inputs, snapshot, handedOver);
  if (changed.length > 0) fail("inputs left unchanged", `your function changed its inputs: ${changed.join(", ")}. Build new tensors instead.`);
}
