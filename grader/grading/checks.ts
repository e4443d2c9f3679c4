/**
 * The checks: from what the student's functions returned (and how they used the generator) to a score
 * and a message per check. Expected values come from grader/references/ and from recomputation here; the
 * sandbox never sees them. Messages name the misconception where one is recognised (misconceptions.ts).
 */
import { forwardPropagation, tf } from "dropout-kit";
import type { CallResult, WireTensor } from "../sandbox/protocol";
import { FORWARD_CASES, STATISTICS_CASE } from "./cases";
import type { BackwardInputs, ForwardCaseSpec, ForwardInputs } from "./cases";
import { diagnoseBackwardStep, diagnoseForwardValues, diagnoseRngUse } from "./misconceptions";
import type { References } from "./references";
import { CHECKS } from "./spec";
import type { CheckSpec } from "./spec";
import { compare, fromTensor, scoped, tensorOf, toTensor } from "./wire";

export interface CheckResult {
  id: string;
  name: string;
  score: number;
  maxScore: number;
  passed: boolean;
  /** What the student reads: why it failed (and what to do), or what was checked. */
  output: string;
}

export interface ForwardRun {
  spec: ForwardCaseSpec;
  inputs: ForwardInputs;
  result: CallResult;
}

export interface BackwardRun {
  id: string;
  description: string;
  inputs: BackwardInputs;
  result: CallResult;
  /** The same call made a second time (determinism). */
  again?: CallResult;
}

/** Why a whole function could not be checked (missing, not implemented, crashed): every check of it fails with this. */
export type Unavailable = Partial<Record<CheckSpec["fn"], string>>;

type Verdict = { passed: true; note?: string } | { passed: false; why: string };

const ok = (note?: string): Verdict => ({ passed: true, note });
const fail = (why: string): Verdict => ({ passed: false, why });

/** Node's permission model (or the sandbox's network guard) refused something: a file read or write, a child process, a socket. */
export function isAccessDenied(message: string): boolean {
  return /ERR_ACCESS_DENIED|Access to this API has been restricted/.test(message);
}

/** A call that threw: its error, said plainly (the stub's "not implemented" included). */
function callError(run: { result: CallResult }, caseDescription: string): string | undefined {
  const r = run.result;
  if (r.ok) return r.form ? `On ${caseDescription}: ${r.form}.` : undefined;
  const e = r.error!;
  if (e.name === "Stopped") return `On ${caseDescription}: ${e.message}.`;
  if (isAccessDenied(e.message)) {
    return `On ${caseDescription}, your function tried to reach a file, a process or the network, and was stopped: graded functions compute from their inputs only. (${e.message})`;
  }
  if (e.name === "NotImplementedError" || /not implemented/i.test(e.message)) return `Not implemented yet: ${e.message.replace(/^not implemented:\s*/i, "")}`;
  return `On ${caseDescription}, your function threw ${e.name}: ${e.message}`;
}

function firstFailure(verdicts: Verdict[]): Verdict {
  return verdicts.find((v) => !v.passed) ?? ok();
}

// ---------------------------------------------------------------------------------------------- forward

function forwardReference(run: ForwardRun, references: References): Verdict {
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const expected = references.forward[run.spec.id];
  const reveal = !!run.spec.course; // the course's case is public; others show no expected values
  for (const label of ["A3", "cache.D1", "cache.A1", "cache.D2", "cache.A2", "cache.Z1", "cache.Z2", "cache.Z3"]) {
    const c = compare(label, run.result.values[label], expected[label], reveal);
    if (!c.ok) {
      const hidden = hiddenSizes(run.inputs);
      const diagnosis = diagnoseRngUse(run.result, run.inputs, hidden) ?? diagnoseForwardValues(run.result, run.inputs);
      return fail(`On ${run.spec.description}: ${c.why}.${diagnosis ? `\n${diagnosis}` : ""}`);
    }
  }
  return ok();
}

function hiddenSizes(inputs: ForwardInputs): [number, number] {
  return [inputs.parameters.W1.shape[0], inputs.parameters.W2.shape[0]];
}

function forwardMasks(runs: ForwardRun[]): Verdict {
  return firstFailure(
    runs.map((run) => {
      const error = callError(run, run.spec.description);
      if (error) return fail(error);
      const rngProblem = diagnoseRngUse(run.result, run.inputs, hiddenSizes(run.inputs));
      if (rngProblem) return fail(`On ${run.spec.description}: ${rngProblem}`);
      for (const [D, A] of [["cache.D1", "cache.A1"], ["cache.D2", "cache.A2"]]) {
        const mask = tensorOf(run.result.values[D]);
        const activation = tensorOf(run.result.values[A]);
        if (!mask) return fail(`On ${run.spec.description}: the cache has no tensor ${D.slice(6)}; store the mask there (the backward pass needs it).`);
        if (activation && mask.shape.join() !== activation.shape.join()) return fail(`On ${run.spec.description}: ${D.slice(6)} has shape [${mask.shape}] but ${A.slice(6)} has shape [${activation.shape}]; a mask is shaped like its activations.`);
        if (!mask.values.every((v) => v === 0 || v === 1)) return fail(`On ${run.spec.description}: ${D.slice(6)} holds values other than 0 and 1 (for example ${mask.values.find((v) => v !== 0 && v !== 1)}); store the mask (D < keepProb), not the random draws.`);
      }
      return ok();
    }),
  );
}

function keptFraction(run: ForwardRun): Verdict {
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const p = run.spec.keepProb;
  const verdicts = (["cache.D1", "cache.D2"] as const).map((name) => {
    const mask = tensorOf(run.result.values[name]);
    if (!mask) return fail(`the cache has no tensor ${name.slice(6)}.`);
    const kept = mask.values.filter((v) => v !== 0).length / mask.values.length;
    // About 9 standard deviations for D1's 40,000 units, 4 for D2's 6,000: a correct mask never fails.
    const tolerance = 0.03;
    return Math.abs(kept - p) <= tolerance
      ? ok()
      : fail(`With keepProb ${p} on ${run.spec.description}, your ${name.slice(6)} keeps ${(100 * kept).toFixed(1)}% of the units; about ${100 * p}% should survive.${Math.abs(kept - (1 - p)) <= tolerance ? " That is 1 - keepProb: the threshold is inverted (keep where the draw is below keepProb)." : ""}`);
  });
  return firstFailure(verdicts);
}

/** A1 = relu(Z1) * D1 / keepProb, from the student's own Z1 and D1 (and the same for layer 2). */
function forwardScaling(runs: ForwardRun[]): Verdict {
  return firstFailure(
    runs.map((run) => {
      const error = callError(run, run.spec.description);
      if (error) return fail(error);
      const v = run.result.values;
      for (const [Z, D, A] of [["cache.Z1", "cache.D1", "cache.A1"], ["cache.Z2", "cache.D2", "cache.A2"]]) {
        const [z, d, a] = [tensorOf(v[Z]), tensorOf(v[D]), tensorOf(v[A])];
        if (!z || !d || !a || z.shape.join() !== d.shape.join()) return fail(`On ${run.spec.description}: the cache needs ${Z.slice(6)}, ${D.slice(6)} and ${A.slice(6)} as tensors of the same shape.`);
        const expected = scoped(() => fromTensor(tf.div(tf.mul(tf.relu(toTensor(z)), toTensor(d)), run.spec.keepProb)));
        const c = compare(A.slice(6), a, expected, true);
        if (!c.ok) {
          const diagnosis = diagnoseForwardValues(run.result, run.inputs);
          return fail(`On ${run.spec.description}: ${A.slice(6)} should be relu(${Z.slice(6)}) * ${D.slice(6)} / keepProb, from your own ${Z.slice(6)} and ${D.slice(6)}; ${c.why}.${diagnosis ? `\n${diagnosis}` : ""}`);
        }
      }
      return ok();
    }),
  );
}

function keepAll(run: ForwardRun): Verdict {
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const expected = scoped(() => {
    const parameters = Object.fromEntries(Object.entries(run.inputs.parameters).map(([k, w]) => [k, toTensor(w)]));
    return fromTensor(forwardPropagation(toTensor(run.inputs.X), parameters as never)[0]);
  });
  const c = compare("A3", run.result.values.A3, expected, true);
  return c.ok ? ok() : fail(`With keepProb = 1 nothing may be dropped and nothing scaled, so A3 must equal the plain forward pass: ${c.why}.`);
}

/** Z1 = W1·X + b1 (the input is not dropped) and A3 = sigmoid(Z3) (the output is not dropped). */
function layers(runs: ForwardRun[]): Verdict {
  return firstFailure(
    runs.map((run) => {
      const error = callError(run, run.spec.description);
      if (error) return fail(error);
      const v = run.result.values;
      const z1 = scoped(() => fromTensor(tf.add(tf.matMul(toTensor(run.inputs.parameters.W1), toTensor(run.inputs.X)), toTensor(run.inputs.parameters.b1))));
      const c1 = compare("Z1", v["cache.Z1"], z1, true);
      if (!c1.ok) return fail(`On ${run.spec.description}: Z1 should be W1·X + b1 with X as it is (no dropout on the input features); ${c1.why}.`);
      const z3 = tensorOf(v["cache.Z3"]);
      if (!z3) return fail(`On ${run.spec.description}: the cache has no tensor Z3.`);
      const a3 = scoped(() => fromTensor(tf.sigmoid(toTensor(z3))));
      const c3 = compare("A3", v.A3, a3, true);
      if (!c3.ok) return fail(`On ${run.spec.description}: A3 should be sigmoid(Z3), with no mask and no scaling (no dropout on the output layer); ${c3.why}.`);
      const rands = (run.result.rng?.calls ?? []).filter((c) => c.method === "rand").length;
      if (rands > 2) return fail(`On ${run.spec.description}: your function drew ${rands} masks; only the two hidden layers get one.`);
      return ok();
    }),
  );
}

function inputsUnchanged(runs: { result: CallResult }[], describe: (k: number) => string): Verdict {
  const error = runs.map((run, k) => callError(run, describe(k))).find(Boolean);
  if (error) return fail(error);
  for (const run of runs) {
    if (run.result.mutated.length > 0) {
      return fail(`Your function changed its inputs (${run.result.mutated.join(", ")}). tfjs operations return new tensors: assign the result to a new name instead of writing into the inputs.`);
    }
  }
  return ok();
}

// ---------------------------------------------------------------------------------------------- backward

function backwardReference(run: BackwardRun, references: References, reveal: boolean): Verdict {
  const error = callError(run, run.description);
  if (error) return fail(error);
  const expected = references.backward[run.id].outputs;
  for (const label of ["dA2", "dA1", "dZ3", "dW3", "db3", "dZ2", "dW2", "db2", "dZ1", "dW1", "db1"]) {
    const c = compare(label, run.result.values[label], expected[label], reveal);
    if (!c.ok) {
      const step = backwardStep(run);
      return fail(`On ${run.description}: ${c.why}.${step ? `\n${step}` : ""}`);
    }
  }
  return ok();
}

/** Dropout's two steps in the backward pass, from the student's own dZ3 and dZ2. */
function backwardStep(run: BackwardRun): string | undefined {
  const v = run.result.values;
  const [dZ3, dZ2, dA2, dA1] = [tensorOf(v.dZ3), tensorOf(v.dZ2), tensorOf(v.dA2), tensorOf(v.dA1)];
  if (!dZ3 || !dZ2 || !dA2 || !dA1) return "Return all eleven gradients (dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1) as tensors.";
  const c = run.inputs.cache;
  return scoped(() => {
    const step2 = diagnoseBackwardStep("dA2", dA2, tf.matMul(tf.transpose(toTensor(c.W3)), toTensor(dZ3)), toTensor(c.D2), run.inputs.keepProb);
    if (step2) return step2;
    return diagnoseBackwardStep("dA1", dA1, tf.matMul(tf.transpose(toTensor(c.W2)), toTensor(dZ2)), toTensor(c.D1), run.inputs.keepProb);
  });
}

function backwardMasks(runs: BackwardRun[]): Verdict {
  return firstFailure(
    runs.map((run) => {
      const error = callError(run, run.description);
      if (error) return fail(error);
      const step = backwardStep(run);
      return step ? fail(`On ${run.description}: ${step}`) : ok();
    }),
  );
}

/** The gradients of the cost with respect to the weights, by tfjs's autodiff, the masks held fixed. */
export function autodiffGradients(inputs: BackwardInputs): Record<string, WireTensor> {
  return scoped(() => {
    const c = inputs.cache;
    const [X, Y, D1, D2] = [toTensor(inputs.X), toTensor(inputs.Y), toTensor(c.D1), toTensor(c.D2)];
    const m = X.shape[1];
    const p = inputs.keepProb;
    const names = ["W1", "b1", "W2", "b2", "W3", "b3"];
    const cost = (W1: tf.Tensor, b1: tf.Tensor, W2: tf.Tensor, b2: tf.Tensor, W3: tf.Tensor, b3: tf.Tensor) => {
      const A1 = tf.div(tf.mul(tf.relu(tf.add(tf.matMul(W1 as tf.Tensor2D, X), b1)), D1), p) as tf.Tensor2D;
      const A2 = tf.div(tf.mul(tf.relu(tf.add(tf.matMul(W2 as tf.Tensor2D, A1), b2)), D2), p) as tf.Tensor2D;
      const Z3 = tf.add(tf.matMul(W3 as tf.Tensor2D, A2), b3);
      // Cross-entropy from the logits: its gradient with respect to Z3 is (A3 - Y) / m, the course's dZ3 / m.
      return tf.div(tf.sum(tf.sub(tf.add(tf.relu(Z3), tf.log1p(tf.exp(tf.neg(tf.abs(Z3))))), tf.mul(Y, Z3))), m) as tf.Scalar;
    };
    const grads = tf.grads(cost as (...args: tf.Tensor[]) => tf.Scalar)(names.map((n) => toTensor(c[n])));
    return Object.fromEntries(names.map((n, k) => [`d${n}`, fromTensor(grads[k])]));
  });
}

function backwardAutodiff(runs: BackwardRun[]): Verdict {
  return firstFailure(
    runs.map((run) => {
      const error = callError(run, run.description);
      if (error) return fail(error);
      const expected = autodiffGradients(run.inputs);
      for (const name of ["dW3", "db3", "dW2", "db2", "dW1", "db1"]) {
        const c = compare(name, run.result.values[name], expected[name], false);
        if (!c.ok) {
          const step = backwardStep(run);
          return fail(`On ${run.description}: ${c.why} (compared with tf.grad of the cost, the forward pass's masks held fixed).${step ? `\n${step}` : ""}`);
        }
      }
      return ok();
    }),
  );
}

function deterministic(runs: BackwardRun[]): Verdict {
  for (const run of runs) {
    if (!run.again || !run.result.ok || !run.again.ok) continue;
    for (const name of Object.keys(run.result.values)) {
      const [a, b] = [tensorOf(run.result.values[name]), tensorOf(run.again.values[name])];
      if (a && b && a.values.some((x, k) => x !== b.values[k])) {
        return fail(`Called twice with the same inputs (${run.description}), your function returned different ${name}. The backward pass draws nothing: it re-uses the masks D1 and D2 from the cache.`);
      }
    }
  }
  const error = runs.map((run) => callError(run, run.description)).find(Boolean);
  return error ? fail(error) : ok();
}

// ---------------------------------------------------------------------------------------------- all

export interface Evidence {
  forward: ForwardRun[];
  statistics?: ForwardRun;
  backward: BackwardRun[];
}

export function runChecks(evidence: Evidence, references: References, unavailable: Unavailable): CheckResult[] {
  const byId = (id: string) => evidence.forward.find((r) => r.spec.id === id);
  const others = evidence.forward.filter((r) => !r.spec.course);
  const evaluate: Record<string, () => Verdict> = {
    "forward.course": () => forwardReference(byId("course")!, references),
    "forward.cases": () => firstFailure(others.filter((r) => r.spec.id in references.forward).map((r) => forwardReference(r, references))),
    "forward.masks": () => forwardMasks(evidence.forward),
    "forward.kept-fraction": () => (evidence.statistics ? keptFraction(evidence.statistics) : fail("not run")),
    "forward.scaling": () => forwardScaling(evidence.forward.filter((r) => r.spec.keepProb < 1)),
    "forward.keep-all": () => keepAll(byId("keep-all")!),
    "forward.layers": () => layers(evidence.forward),
    "forward.inputs": () => inputsUnchanged(evidence.forward, (k) => evidence.forward[k].spec.description),
    "backward.course": () => backwardReference(evidence.backward[0], references, true),
    "backward.cases": () => firstFailure(evidence.backward.slice(1).map((r) => backwardReference(r, references, false))),
    "backward.masks": () => backwardMasks(evidence.backward),
    // Not on the course's case: its cache holds published arrays, not a forward pass of its own weights.
    "backward.autodiff": () => backwardAutodiff(evidence.backward.filter((r) => r.id !== "course")),
    "backward.deterministic": () => deterministic(evidence.backward),
    "backward.inputs": () => inputsUnchanged(evidence.backward, (k) => evidence.backward[k].description),
  };
  return CHECKS.map((spec) => {
    const reason = unavailable[spec.fn];
    let verdict: Verdict;
    if (reason) verdict = fail(reason);
    else {
      try {
        verdict = evaluate[spec.id]();
      } catch (error) {
        verdict = fail(`The grader could not check this: ${(error as Error).message}`);
      }
    }
    return {
      id: spec.id,
      name: spec.name,
      maxScore: spec.points,
      score: verdict.passed ? spec.points : 0,
      passed: verdict.passed,
      output: verdict.passed ? (verdict.note ?? "Passed.") : verdict.why,
    };
  });
}

export { FORWARD_CASES, STATISTICS_CASE };
