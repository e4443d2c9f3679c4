/**
 * The checks: from what the student's functions returned to a score and a message per check.
 *
 * Scores come from outputs only, checked here against this process's own recomputation: the references
 * (the solution's outputs), the masks the generator gives (this process has the seed), the plain forward
 * pass, tf.grad. What the sandbox says about the call itself (which generator methods it saw, which inputs it
 * saw change) shapes the wording of a message, never a score.
 *
 * No check passes vacuously, and no gate accuses. A rule that degenerate outputs satisfy with nothing to judge
 * (masks that keep no active unit, a dZ of zeros) says so and fails as "nothing to judge". A gate withholds a
 * passed check only on evidence, said as such (showsWork): published values recalled on a case whose answer
 * is not published, or outputs that are the same on every case although the right ones differ. Any other
 * function is doing work, right or wrong, and every check it passes is credited. Expected values of hidden
 * cases are never shown: only the public course case's are.
 */
import {
  all, failed, failWith, reworded, backwardCallError, diagnoseDegenerateMask, backwardGateRun, backwardReference, backwardStep, callError, changedInputs, compare, diagnoseNonFinite, DROPOUT_PUBLIC_CHECKS, fail, firstDifference, firstFailure,
  flatValues, forwardGateRun, forwardReference, gated, isHiddenCase, isPublicCase, LAYERS, layerShape, linearLayer, masksOf, notAMask, ok, output, outputLayer, overCases, repeatsItself,
  scalingOf, scalingSeen, scoped, scoredResults, short, showsWork, stepSeen, tensorOf, tf, toTensor,
} from "dropout-kit";
import type { BackwardRun, BackwardSteps, CheckOf, CheckResult, ForwardOracle, ForwardRun, GradedFunctionName, UnavailableOf, Verdict, WireTensor } from "dropout-kit";
import { autodiffGradients, generatorMasks, plainForward, recomputedOutcomes, stepCandidates } from "./recompute";


/** A check: one entry. Its points come from grader/assignments/dropout/source/settings.ts; the public ones are the notebook's public tests too (dropout-kit's). */
export type CheckDefinition = CheckOf<GradedFunctionName, Evidence, ExpectedOutputs>;

export const CHECK_DEFINITIONS: CheckDefinition[] = [
  { ...DROPOUT_PUBLIC_CHECKS["forward.course"], verdict: (evidence, references) => courseForward(evidence, references) },
  // Rule (the references are the evidence): every hidden case (keepProb 1 and the course's twin included) equals the solution's outputs.
  { id: "forward.cases", fn: "forwardPropagationWithDropout", public: false, name: "forward: other seeds, shapes and keepProbs", verdict: (evidence, references) => overCases(evidence.forward.filter((r) => !isPublic(r)), (r) => forwardReference(r, oracleOf(r, references), false)) },
  { ...DROPOUT_PUBLIC_CHECKS["forward.masks"], verdict: (evidence) => overCases(forwardRuns(evidence), (r) => masksOf(r, oracleOf(r), isPublic(r))) },
  { id: "forward.kept-fraction", fn: "forwardPropagationWithDropout", public: false, name: "forward: over many units, each drawn on its own, the kept fraction is close to keepProb", verdict: (evidence) => keptFraction(evidence.statistics) },
  { ...DROPOUT_PUBLIC_CHECKS["forward.scaling"], verdict: (evidence) => forwardScaling(evidence) },
  { id: "forward.keep-all", fn: "forwardPropagationWithDropout", public: false, name: "forward: keepProb = 1 gives the plain forward pass", verdict: (evidence) => keepAll(evidence) },
  { ...DROPOUT_PUBLIC_CHECKS["forward.layers"], verdict: (evidence) => layers(evidence) },
  { ...DROPOUT_PUBLIC_CHECKS["forward.inputs"], verdict: (evidence, references) => forwardInputsUnchanged(evidence, references) },
  { ...DROPOUT_PUBLIC_CHECKS["backward.course"], verdict: (evidence, references) => courseBackward(evidence, references) },
  // Rule (the references are the evidence): every hidden case with a cache of its own equals the solution's gradients.
  { id: "backward.cases", fn: "backwardPropagationWithDropout", public: false, name: "backward: other shapes and keepProbs", verdict: (evidence, references) => overCases(evidence.backward.filter((r) => hiddenBackward(r) || r.courseInputs), (r) => backwardReference(r, gradientsOf(r, references), false, recomputedSteps(r))) },
  { ...DROPOUT_PUBLIC_CHECKS["backward.masks"], verdict: (evidence) => backwardMasks(evidence.backward) },
  { id: "backward.autodiff", fn: "backwardPropagationWithDropout", public: false, name: "backward: gradients equal TensorFlow.js's autodiff (tf.grad) with the masks fixed", verdict: (evidence) => backwardAutodiff(evidence.backward.filter(hiddenBackward)) },
  { id: "backward.deterministic", fn: "backwardPropagationWithDropout", public: false, name: "backward: no randomness (the same inputs give the same gradients)", verdict: (evidence, references) => deterministic(evidence.backward, references) },
  { ...DROPOUT_PUBLIC_CHECKS["backward.inputs"], verdict: (evidence, references) => backwardInputsUnchanged(evidence.backward, references) },
];

/** What the checks compare with: the solution's outputs on the cases (the grader's references, or the public ones). */
export interface ExpectedOutputs {
  /** forward case id -> A3 and cache.<name> values. */
  forward: Record<string, Record<string, WireTensor>>;
  /** backward case id -> the gradients. */
  backward: Record<string, { outputs: Record<string, WireTensor> }>;
}


/** Why a whole function could not be checked (missing, not implemented, crashed): every check of it fails with this. */
export type Unavailable = UnavailableOf<GradedFunctionName>;

// ---------------------------------------------------------------------------------------------- the oracles

const forwardOracles = new WeakMap<ForwardRun, ForwardOracle>();

/** What a forward case is judged against in grading: the references, and the generator's masks and the mistakes' outcomes recomputed. */
function oracleOf(run: ForwardRun, references?: ExpectedOutputs): ForwardOracle {
  const known = forwardOracles.get(run);
  if (known) return known;
  const outcomes = recomputedOutcomes(run.inputs);
  const oracle: ForwardOracle = {
    outputs: () => {
      const expected = references?.forward[run.spec.id];
      if (!expected) throw new Error(`no reference outputs for forward case "${run.spec.id}": run \`npm run assign\``);
      return expected;
    },
    masks: () => generatorMasks(run.inputs),
    outcomes,
  };
  if (references) forwardOracles.set(run, oracle);
  return oracle;
}

/** The versions of dropout's backward step recomputed from the student's own dZ (grading's BackwardSteps). */
function recomputedSteps(run: BackwardRun): BackwardSteps {
  const c = run.inputs.cache;
  return (label, ownDZ) =>
    scoped(() => {
      const [W, D, other] = label === "dA2" ? [c.W3, c.D2, c.D1] : [c.W2, c.D1, c.D2];
      return stepCandidates(tf.matMul(tf.transpose(toTensor(W)), toTensor(ownDZ)), toTensor(D), run.inputs.keepProb, toTensor(other));
    });
}

/** The solution's gradients on a backward case (the references). */
function gradientsOf(run: BackwardRun, references: ExpectedOutputs) {
  const reference = references.backward[run.id];
  if (!reference) throw new Error(`no reference outputs for backward case "${run.id}": run \`npm run assign\``);
  return reference.outputs;
}

// ---------------------------------------------------------------------------------------------- recomputation

/** Hidden cases: neither the course's published case nor its twin on the same (published) inputs. */
function hiddenForward(r: ForwardRun): boolean {
  return isHiddenCase(r.spec);
}
function hiddenBackward(r: BackwardRun): boolean {
  return isHiddenCase({ ...r, course: r.id === "course" });
}

/** The cases whose expected values may be shown: the course's and the public tests' own. */
const isPublic = (run: ForwardRun) => isPublicCase(run.spec);

// ---------------------------------------------------------------------------------------------- evidence of work

/** Every forward run, the large case included. */
function forwardRuns(evidence: Evidence): ForwardRun[] {
  return [...evidence.forward, ...(evidence.statistics ? [evidence.statistics] : [])];
}

/** Whether the backward pass's expected values of a case may be shown: neither hidden nor the course's twin. */
const revealBackward = (run: BackwardRun) => !hiddenBackward(run) && !run.courseInputs;

/**
 * The gate of the forward pass's repeat check (showsWork): A3 follows the inputs. Withheld only on evidence: the
 * course's published A3 given on a case whose answer is not published (the twin, a hidden case), or the same A3
 * on every case although the right ones differ.
 */
function forwardFollowsInputs(evidence: Evidence, references?: ExpectedOutputs): Verdict {
  const course = evidence.forward.find((r) => r.spec.course);
  const expectedA3 = (run: ForwardRun) => references?.forward[run.spec.id]?.A3;
  const published = course && expectedA3(course) ? [{ where: course.spec.description, values: expectedA3(course)!.values }] : [];
  return gated(showsWork(forwardRuns(evidence).map((run) => forwardGateRun(run, !isPublic(run), expectedA3(run))), published, "A3"));
}

/** The gate of the backward pass's repeat checks (showsWork): the gradients follow the inputs; the same evidence as forwardFollowsInputs. */
function backwardFollowsInputs(runs: BackwardRun[], references?: ExpectedOutputs): Verdict {
  const course = runs.find((r) => r.id === "course");
  const expected = (run: BackwardRun) => references?.backward[run.id]?.outputs;
  const courseRun = course && backwardGateRun(course, false, expected(course));
  const published = courseRun?.expected ? [{ where: course!.description, values: courseRun.expected }] : [];
  return gated(showsWork(runs.map((run) => backwardGateRun(run, !revealBackward(run), expected(run))), published, "gradients"));
}

// ---------------------------------------------------------------------------------------------- forward

/**
 * The gate of a course check: its hidden twin (the course's inputs with a generator, keepProb or labels of the
 * grader's own, run in every grading) must not be given the course's published values, `labels` of them. A
 * twin that is merely wrong is the other checks' business: its mistake costs what it costs there.
 */
function twinNotRecalled(twin: { description: string; result: ForwardRun["result"] }, twinExpected: Record<string, WireTensor>, course: { description: string; expected: Record<string, WireTensor> }, labels: string[], what: string): Verdict {
  const student = twin.result.ok ? flatValues(labels.map((l) => tensorOf(twin.result.values[l]))) : undefined;
  return showsWork([{ where: twin.description, hidden: true, values: student, expected: flatValues(labels.map((l) => twinExpected[l])) }], [{ where: course.description, values: flatValues(labels.map((l) => course.expected[l]))! }], what);
}

/**
 * forward.course. Rule: the course's case equals the published values (the references). Gate: its hidden twin
 * is not given the published A3 (twinNotRecalled): recalling the published outputs is not computing them.
 */
function courseForward(evidence: Evidence, references: ExpectedOutputs): Verdict {
  const course = evidence.forward.find((r) => r.spec.course);
  if (!course) return fail("The course's case was not run.");
  const twin = evidence.forward.find((r) => r.spec.courseInputs);
  return all(
    () => forwardReference(course, oracleOf(course, references), true),
    () => (twin ? gated(twinNotRecalled({ description: twin.spec.description, result: twin.result }, oracleOf(twin, references).outputs(), { description: course.spec.description, expected: oracleOf(course, references).outputs() }, ["A3"], "A3")) : ok()),
  );
}

/**
 * forward.kept-fraction. Rule: on the large case (40,000 + 6,000 units, keepProb 0.7), D1 and D2 are 0/1
 * masks shaped like their activations that keep a fraction within 0.03 of keepProb, and the units are drawn
 * on their own: neighbouring examples' masks agree about p² + (1 − p)² of the time (within 0.03). A fraction
 * over units that repeat (a mask shared by all examples, a fixed pattern) is not a fraction over many draws,
 * so those fail the rule, with the reason; masks keeping nothing or everything fail on the fraction.
 */
function keptFraction(run: ForwardRun | undefined): Verdict {
  if (!run) return fail("The large case was not run.");
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const p = run.spec.keepProb;
  const tolerance = 0.03; // 9 standard deviations for D1's 40,000 units, 4 for D2's 6,000: a correct mask never fails
  for (const { D, W } of LAYERS) {
    const label = short(D);
    const mask = output(run.result, D, run.spec.description, layerShape(run.inputs, W), run.spec.keepProb);
    if (!mask.ok) return fail(mask.why, mask.misconceptions, mask.naming);
    const values = mask.t.values;
    const notMask = notAMask(run.spec.description, label, values);
    if (notMask) return notMask;
    const kept = values.filter((v) => v === 1).length / values.length;
    const [rows, cols] = mask.t.shape;
    // Every unit the same in every example (each row constant, some unit kept and some dropped): one mask shared by
    // all examples, whose kept fraction is over a few draws only. Said first: it is why the fraction is off.
    const rowsConstant = Array.from({ length: rows }, (_, i) => values.slice(i * cols, (i + 1) * cols).every((v) => v === values[i * cols])).every(Boolean);
    if (cols > 1 && rowsConstant && values.some((v) => v !== values[0])) {
      return fail(
        `On ${run.spec.description}, each unit of your ${label} is the same in all ${cols} examples: one mask shared by all examples, so its kept fraction (${(100 * kept).toFixed(1)}%) is over ${rows} draws, not ${rows * cols}. Each unit of each example gets its own draw: ${label} = rng.rand(rows, cols) < keepProb.`,
        ["mask-shared-by-examples"],
      );
    }
    if (Math.abs(kept - p) > tolerance) {
      // A fraction near 1 - keepProb cannot tell an inverted threshold from 1 - keepProb used as the keep
      // probability: said as what it is, naming neither. A mask of all 0s or all 1s is named (its values show it).
      const degenerate = kept === 0 || kept === 1 ? diagnoseDegenerateMask(label, values, p) : undefined;
      const why = `With keepProb ${p} on ${run.spec.description}, your ${label} keeps ${(100 * kept).toFixed(1)}% of the units; about ${100 * p}% should survive.${Math.abs(kept - (1 - p)) <= tolerance ? " That is 1 - keepProb: a unit is kept with the probability of dropping it (keep it where its draw is below keepProb)." : ""}`;
      return failWith(why, degenerate);
    }
    let same = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j + 1 < cols; j++) same += values[i * cols + j] === values[i * cols + j + 1] ? 1 : 0;
    const agreement = same / (rows * (cols - 1));
    const independent = p * p + (1 - p) * (1 - p);
    if (Math.abs(agreement - independent) > tolerance) {
      return fail(`On ${run.spec.description}, a unit's ${label} agrees with the next example's ${(100 * agreement).toFixed(1)}% of the time; masks drawn unit by unit agree about ${(100 * independent).toFixed(1)}% of the time, so your ${label}'s kept fraction is not one over many draws. Each unit of each example gets its own draw: ${label} = rng.rand(rows, cols) < keepProb.`);
    }
  }
  return ok();
}

/**
 * forward.scaling. Rule: on every case with keepProb < 1, the large one included, A1 = relu(Z1) * D1 /
 * keepProb and A2 = relu(Z2) * D2 / keepProb from the student's own Z and D (0/1 masks), and there is
 * something to judge (scalingSeen): some kept unit is active, so the division shows. Masks of 0s (A ≡ 0)
 * have nothing scaled and are not judged; masks of 1s with the division are scaling right (their masks are
 * the mask checks' business).
 */
function forwardScaling(evidence: Evidence): Verdict {
  const runs = forwardRuns(evidence).filter((r) => r.spec.keepProb < 1);
  return all(
    () =>
      firstFailure(
        runs.map((run) => scalingOf(run, oracleOf(run).outcomes, isPublic(run))),
      ),
    () => scalingSeen(runs, "every case with keepProb below 1"),
  );
}

/** A3 at keepProb = 1 is the plain forward pass (recomputed here). */
function keepAllValue(run: ForwardRun): Verdict {
  const error = callError(run, run.spec.description);
  if (error) return fail(error);
  const c = compare("A3", run.result.values.A3, plainForward(run.inputs), isPublic(run));
  if (c.ok) return ok();
  const origin = diagnoseNonFinite(run.result, run.spec.keepProb);
  return fail(`With keepProb = 1 nothing may be dropped and nothing scaled, so A3 must equal the plain forward pass: ${c.why}.${origin ? `\nThe first of them: ${origin.text}` : ""}`, origin?.misconceptions, origin?.text);
}

/**
 * forward.keep-all. Rule: at keepProb = 1, A3 equals the plain forward pass (recomputed here from the inputs:
 * the recomputation is the evidence, nothing to gate). A function that never drops passes it, and loses the
 * checks of dropout itself.
 */
function keepAll(evidence: Evidence): Verdict {
  const run = evidence.forward.find((r) => r.spec.keepProb === 1);
  if (!run) return fail("The keepProb = 1 case was not run.");
  return keepAllValue(run);
}

/**
 * forward.layers. Rule: on every case, the large one included, Z1 = W1·X + b1 (recomputed here: the input is
 * not dropped), Z3 = W3·A2 + b3 and A3 = sigmoid(Z3) from the student's own A2 and Z3 (the output is not
 * dropped). Nothing to gate: Z1 is recomputed from the inputs.
 */
function layers(evidence: Evidence): Verdict {
  const runs = forwardRuns(evidence);
  // The output layer is judged from the student's own A2: where A2 holds NaN or Infinity (a mistake of the
  // dropout step, which the other checks name), this check has nothing to say about that case, and says so
  // only if no case is left.
  const finiteA2 = (run: ForwardRun) => tensorOf(run.result.values["cache.A2"])?.values.every(Number.isFinite) ?? true;
  const judged = runs.filter(finiteA2);
  return all(
    () => {
      if (judged.length > 0 || runs.length === 0) return ok();
      const origin = diagnoseNonFinite(runs[0].result, runs[0].spec.keepProb);
      return fail(`Not checked: your A2 holds NaN or Infinity on every case, so the output layer cannot be judged. ${origin?.text ?? ""}`.trim(), origin?.misconceptions, origin?.text);
    },
    () =>
      firstFailure(
        runs.map((run) =>
          all(
            () => linearLayer(run, isPublic(run)),
            // The output layer's rule reads A2: a case whose A2 holds NaN or Infinity is left to the other checks.
            () => (finiteA2(run) ? outputLayer(run, isPublic(run)) : ok()),
          ),
        ),
      ),
  );
}

/**
 * forward.inputs. Rule: on every case, the large one included, the repeat (the same input objects, with a
 * generator seeded alike) returns exactly what the first call returned: a first call that changed X or a
 * parameter, or that drew from anything but the generator given, shows there. Gate: A3 follows the inputs
 * (forwardFollowsInputs), so fixed or recalled outputs, which repeat trivially, are not credited. The
 * sandbox's own report of changed inputs only words the message.
 */
function forwardInputsUnchanged(evidence: Evidence, references: ExpectedOutputs): Verdict {
  const runs = forwardRuns(evidence);
  return all(
    () => firstFailure(runs.map((run) => callError(run, run.spec.description)).filter(Boolean).map((e) => fail(e!))),
    () =>
      firstFailure(
        runs.map((run) =>
          repeatsItself(run, run.spec.description, () =>
            run.result.mutated.length > 0
              ? changedInputs(run.result.mutated)
              : "Either it changed its inputs (X or the parameters: write results into new tensors, never into the inputs), or it draws randomness from something other than the rng it is given (Math.random, tf.randomUniform).",
          ),
        ),
      ),
    () => forwardFollowsInputs(evidence, references),
  );
}

// ---------------------------------------------------------------------------------------------- backward

/**
 * backward.course. Rule: the course's case equals the published gradients. Gate: its hidden twin (the course's X
 * and cache with labels and keepProb of the grader's own) is not given the published dA1 and dA2.
 */
function courseBackward(evidence: Evidence, references: ExpectedOutputs): Verdict {
  const course = evidence.backward.find((r) => r.id === "course");
  if (!course) return fail("The course's case was not run.");
  const twin = evidence.backward.find((r) => r.courseInputs);
  return all(
    () => backwardReference(course, gradientsOf(course, references), true, recomputedSteps(course)),
    () => (twin ? gated(twinNotRecalled(twin, gradientsOf(twin, references), { description: course.description, expected: gradientsOf(course, references) }, ["dA1", "dA2"], "dA1 and dA2")) : ok()),
  );
}

/**
 * backward.masks. Rule: on every case, dA2 = W3ᵀ·dZ3 * D2 / keepProb and dA1 = W2ᵀ·dZ2 * D1 / keepProb,
 * from the student's own dZ3 and dZ2 and the cache's masks, and there is something to judge (stepSeen): dZ3
 * and dZ2 are not 0 on every case. A dZ that is wrong but not zero is the other checks' business.
 */
function backwardMasks(runs: BackwardRun[]): Verdict {
  // Cases that returned gradients first: a mistake confirmed on numbers says more than another case's error.
  const ordered = [...runs].sort((a, b) => Number(!a.result.ok) - Number(!b.result.ok));
  return all(
    () =>
      firstFailure(
        ordered.map((run) => {
          const error = backwardCallError(run);
          if (error) return failed(error);
          const step = backwardStep(run, recomputedSteps(run));
          return step ? fail(`On ${run.description}: ${step.text}`, step.misconceptions, step.naming ?? step.text) : ok();
        }),
      ),
    () => stepSeen(runs),
  );
}


/**
 * backward.autodiff. Rule (nothing to gate: the recomputation is the evidence): on every hidden case with a
 * consistent cache (its own forward pass; not the course's published cache), dW1..db3 equal tf.grad of the
 * cost with the masks held fixed. The expected gradients are nonzero, so zero gradients fail.
 */
function backwardAutodiff(runs: BackwardRun[]): Verdict {
  if (runs.length === 0) return fail("No case of this check was run, so it cannot be passed.");
  return firstFailure(
    runs.map((run) => {
      const error = backwardCallError(run);
      if (error) return failed(error);
      const expected = autodiffGradients(run.inputs);
      for (const name of ["dW3", "db3", "dW2", "db2", "dW1", "db1"]) {
        const c = compare(name, run.result.values[name], expected[name], false);
        if (!c.ok) {
          const step = backwardStep(run, recomputedSteps(run));
          return failWith(`On ${run.description}: ${c.why} (compared with tf.grad of the cost, the forward pass's masks held fixed).`, step);
        }
      }
      return ok();
    }),
  );
}

/**
 * backward.deterministic. Rule: on every case, the repeat (the same input objects, called again) returns
 * exactly the first call's gradients, and so does the grader's own second call with fresh inputs where it
 * made one. Gate: the gradients follow the inputs (backwardFollowsInputs), so fixed, zero or recalled
 * gradients, which repeat trivially, are not credited.
 */
function deterministic(runs: BackwardRun[], references: ExpectedOutputs): Verdict {
  const explain = "The backward pass draws nothing: it re-uses the masks D1 and D2 from the cache.";
  return all(
    () => firstFailure(runs.map((run) => backwardCallError(run)).filter(Boolean).map((e) => failed(e!))),
    () =>
      firstFailure(
        runs.map((run) => {
          const again = run.again;
          if (again && !again.ok) return fail(callError({ result: again }, `${run.description}, called a second time`) ?? "The second call failed.");
          if (again?.ok) {
            const name = firstDifference(run.result.values, again.values);
            if (name !== undefined) return fail(`Called twice with the same inputs (${run.description}), your function returned different ${name}. ${explain}`);
          }
          // Inputs the call changed or disposed explain a differing (or failing) repeat better than randomness.
          const repeated = repeatsItself(run, run.description, () => (run.result.mutated.length > 0 ? changedInputs(run.result.mutated) : explain));
          return reworded(repeated, (why) => why.replace("returned a different", "returned different"));
        }),
      ),
    () => backwardFollowsInputs(runs, references),
  );
}

/**
 * backward.inputs. Rule: on every case, the repeat (the same input objects, called again right after)
 * returns exactly the first call's gradients: a first call that changed X, Y or the cache's tensors shows
 * there. Gate: the gradients follow the inputs (backwardFollowsInputs). The sandbox's own report of changed
 * inputs only words the message.
 */
function backwardInputsUnchanged(runs: BackwardRun[], references: ExpectedOutputs): Verdict {
  return all(
    () => firstFailure(runs.map((run) => backwardCallError(run)).filter(Boolean).map((e) => failed(e!))),
    () =>
      firstFailure(
        runs.map((run) =>
          repeatsItself(run, run.description, () =>
            run.result.mutated.length > 0
              ? changedInputs(run.result.mutated)
              : "Either it changed its inputs (X, Y or the cache's tensors: write results into new tensors), or it draws randomness, which the backward pass never does.",
          ),
        ),
      ),
    () => backwardFollowsInputs(runs, references),
  );
}

// ---------------------------------------------------------------------------------------------- all

export interface Evidence {
  forward: ForwardRun[];
  /** The large case: run in grading, not in a self-check. */
  statistics?: ForwardRun;
  backward: BackwardRun[];
}


/** Each given check's verdict (the grader passes them all with their points; the public tests the public ones). */
export function runChecks(evidence: Evidence, references: ExpectedOutputs, unavailable: Unavailable, checks: (CheckDefinition & { points: number })[]): CheckResult[] {
  return scoredResults(checks, unavailable, evidence, references);
}

