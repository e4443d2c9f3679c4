/**
 * The L2 checks (grader/assignments/l2-regularization/checks/rules.ts, the public rules dropout-kit's) with the grader's cases and points
 * (grader/assignments/l2-regularization/source/settings.ts), each graded function called through the harness
 * the grader uses, and the tests' oracle solution (test/helpers/l2Solution.ts) as the references: the
 * solution passes every check; each typical mistake fails exactly the checks it should, with its diagnosis, and
 * keeps the checks it passes; gates withhold credit only on evidence, said (a constant, zero gradients, a
 * published value recalled on a hidden case; not a lambd of its own); inputs changed fail; no message shows a
 * hidden expected value; the notebook's public tests say what the grader says on the public cases. Also the cases themselves (rebuilt
 * alike from their seeds, consistent caches, no case's inputs holding another's expected values) and the
 * public cases file (what l2PublicData gives from the oracle, and the course's published values).
 * Fails when: a gate is dropped (seen red: cost.inputs' gate returning ok: 2 tests), the twin's recall is not
 * told from a lambd of its own (seen red: \`explained\` ignored: 1), the biases' pair message shows the costs
 * themselves (seen red: 2), a hidden expected value is shown (seen red: reveal forced in costReference: 1), the
 * public tests' words differ from the grader's on the public cases, or the public cases file is stale (seen red:
 * the course's cost edited in its 6th digit: 2).
 */
import { describe, expect, it } from "vitest";
import { callGraded, costCall, costPublicReport, courseL2BackwardCase, courseL2CostCase, forwardPropagation, isPublicCase, regularizedBackwardCall, regularizedBackwardPublicReport, round, scoped, tf, toTensor } from "dropout-kit";
import { autodiffL2Gradients } from "../grader/assignments/l2-regularization/checks/recompute";
import type { BackwardWithRegularization, CheckResult, CostWithRegularization, GradedFunction, L2BackwardRun, L2CostRun, L2Evidence, L2FunctionName, L2PublicData, Matrix, Parameters, WireTensor } from "dropout-kit";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { cases, notebook, points } from "../grader/assignments/l2-regularization/source/settings";
import { BACKWARD_MISTAKES, COST_MISTAKES } from "./helpers/l2Mistakes";
import { backwardPropagationWithRegularization, backwardWith, computeCostWithRegularization } from "./helpers/l2Solution";
import { l2BackwardInputs, l2CaseInfo, l2CostInputs, l2ExpectedOutputsOf } from "../grader/assignments/l2-regularization/cases";
import { l2PublicData } from "../grader/assignments/l2-regularization/checks/publicData";
import { L2_CHECK_DEFINITIONS, runL2Checks } from "../grader/assignments/l2-regularization/checks/rules";
import type { L2CaseList, L2CaseSettings, L2ExpectedOutputs } from "../grader/assignments/l2-regularization/cases";
import type { L2Unavailable } from "../grader/assignments/l2-regularization/checks/rules";

// The settings are plain values (tslab compiles that file too); here they are held to the library's type.
const caseList: L2CaseList = cases;
const CHECKS = L2_CHECK_DEFINITIONS.map((c) => ({ ...c, points: points[c.id] }));

const asGraded = (fn: unknown) => fn as GradedFunction;
const solution = { computeCostWithRegularization: asGraded(computeCostWithRegularization), backwardPropagationWithRegularization: asGraded(backwardPropagationWithRegularization) };

// Made when first needed: the backend is ready only once the tests run.
let expectedMemo: L2ExpectedOutputs | undefined;
const expected = () => (expectedMemo ??= l2ExpectedOutputsOf(caseList, solution));

interface Answer {
  cost?: CostWithRegularization;
  backward?: BackwardWithRegularization;
}

/**
 * Every case of the grader's (or those `only` keeps), each function called as the grader calls it: the
 * answer's, or the answer's for that case, and the solution where none is given.
 */
function evidence(answer: Answer | ((s: L2CaseSettings) => Answer) = {}, only?: (s: L2CaseSettings) => boolean): L2Evidence {
  const chosen = (list: L2CaseSettings[]) => list.filter(only ?? (() => true));
  const answerFor = (s: L2CaseSettings) => (typeof answer === "function" ? answer(s) : answer);
  return {
    cost: chosen(caseList.cost).map((s): L2CostRun => {
      const inputs = l2CostInputs(s);
      return { spec: l2CaseInfo(s), inputs, result: callGraded(asGraded(answerFor(s).cost ?? computeCostWithRegularization), costCall(inputs)) };
    }),
    backward: chosen(caseList.backward).map((s): L2BackwardRun => {
      const inputs = l2BackwardInputs(s);
      return { spec: l2CaseInfo(s), inputs, result: callGraded(asGraded(answerFor(s).backward ?? backwardPropagationWithRegularization), regularizedBackwardCall(inputs)) };
    }),
  };
}

const check = (answer: Answer = {}, unavailable: L2Unavailable = {}) => runL2Checks(evidence(answer), expected(), unavailable, CHECKS);
const failedIds = (results: CheckResult[], fn: L2FunctionName) => results.filter((r) => !r.passed && CHECKS.find((c) => c.id === r.id)!.fn === fn).map((r) => r.id);
const outputOf = (results: CheckResult[], id: string) => results.find((r) => r.id === id)!.output;

describe("the checks and their points", () => {
  it("every check has points, 5 per graded function, and every points entry names a check", () => {
    for (const c of CHECKS) expect(c.points, c.id).toBeGreaterThan(0);
    expect(Object.keys(points).sort()).toEqual(CHECKS.map((c) => c.id).sort());
    for (const fn of ["computeCostWithRegularization", "backwardPropagationWithRegularization"]) {
      expect(CHECKS.filter((c) => c.fn === fn).reduce((sum, c) => sum + c.points, 0)).toBe(5);
    }
  });

  it("the solution passes every check, with full marks", () => {
    const results = check();
    for (const r of results) expect(r.passed, `${r.id}: ${r.output}`).toBe(true);
    expect(results.reduce((sum, r) => sum + r.score, 0)).toBe(10);
  });
});

describe("typical mistakes fail the checks they should, naming the mistake", () => {
  it.each(COST_MISTAKES.map((m) => [m.name, m] as const))("cost: %s", (_name, mistake) => {
    const results = check({ cost: mistake.fn });
    expect(failedIds(results, "computeCostWithRegularization").sort()).toEqual([...mistake.fails].sort());
    expect(failedIds(results, "backwardPropagationWithRegularization")).toEqual([]);
    expect(outputOf(results, "cost.course")).toMatch(mistake.diagnosis);
  });

  it.each(BACKWARD_MISTAKES.map((m) => [m.name, m] as const))("backward: %s", (_name, mistake) => {
    const results = check({ backward: mistake.fn });
    expect(failedIds(results, "backwardPropagationWithRegularization").sort()).toEqual([...mistake.fails].sort());
    expect(failedIds(results, "computeCostWithRegularization")).toEqual([]);
    for (const id of ["backward.course", "backward.cases", "backward.autodiff"]) expect(outputOf(results, id)).toMatch(mistake.diagnosis);
  });

  it("the biases regularized in the cost: the pair of cases that differ only in their biases says so", () => {
    const biases = COST_MISTAKES.find((m) => m.name === "biases regularized")!;
    const said = outputOf(check({ cost: biases.fn }), "cost.biases");
    expect(said).toMatch(/which differ only in their biases, your costs differ by \d/);
    expect(said).toMatch(biases.diagnosis);
  });

  it("the plain cross-entropy and the plain backward pass are credited for the properties they hold: no gate accuses them", () => {
    const results = check({ cost: COST_MISTAKES.find((m) => m.name === "the L2 term missing")!.fn, backward: BACKWARD_MISTAKES[0].fn });
    for (const id of ["cost.lambd-zero", "cost.biases", "cost.inputs", "backward.biases", "backward.inputs"]) expect(results.find((r) => r.id === id)!.passed, `${id}: ${outputOf(results, id)}`).toBe(true);
    for (const r of results) expect(r.output, r.id).not.toMatch(/Not credited|real work/);
  });
});

describe("gates withhold credit only on evidence, and say it", () => {
  it("a constant cost passes no check: it is the same on every case, although the right costs differ", () => {
    const results = check({ cost: () => 1.5 });
    expect(failedIds(results, "computeCostWithRegularization").sort()).toEqual(CHECKS.filter((c) => c.fn === "computeCostWithRegularization").map((c) => c.id).sort());
    expect(outputOf(results, "cost.inputs")).toMatch(/^Not credited: your cost is the same on every case \(\d+ cases\), although the right cost differs from case to case/);
  });

  it("on the public cases alone (the notebook's test cell), a constant cost is not credited either", () => {
    const publicOnly = evidence({ cost: () => 1.5 }, (s) => isPublicCase(s));
    const results = runL2Checks(publicOnly, expected(), {}, CHECKS.filter((c) => c.public));
    for (const id of ["cost.biases", "cost.inputs"]) expect(outputOf(results, id), id).toMatch(/^Not credited: your cost is the same on every case/);
  });

  it("the published cost, recalled on the course's twin (the course's inputs, another lambd), fails the course's check, saying so", () => {
    const results = check({ cost: () => courseL2CostCase().expectedCost });
    expect(results.find((r) => r.id === "cost.course")!.passed).toBe(false);
    expect(outputOf(results, "cost.course")).toMatch(/^Not credited: on the course's inputs with lambd 0\.45 \(hidden\), a case whose answer is not published, your cost is exactly the published answer of the course's published case/);
  });

  it("a lambd written into the functions (the course's) is credited on the course's case, and named where the other cases fail", () => {
    const results = check({ cost: (A3, Y, p) => computeCostWithRegularization(A3, Y, p, 0.1), backward: (X, Y, cache) => backwardPropagationWithRegularization(X, Y, cache, 0.7) });
    for (const id of ["cost.course", "backward.course"]) expect(results.find((r) => r.id === id)!.passed, `${id}: ${outputOf(results, id)}`).toBe(true);
    expect(outputOf(results, "cost.cases")).toMatch(/does not use the lambd it is given: it is as if lambd were always 0\.1, whatever the argument/);
    expect(outputOf(results, "backward.cases")).toMatch(/does not use the lambd it is given: it is as if lambd were always 0\.7 \(the notebook's LAMBD\)/);
  });

  it("the published cost returned on the published inputs only, the cross-entropy plus a constant elsewhere: no recall is shown, so only the value checks fail", () => {
    const recall: CostWithRegularization = (A3, Y, parameters, lambd) => {
      const published = lambd === 0.1 && Y.shape[1] === 5;
      if (published) return courseL2CostCase().expectedCost;
      const crossEntropy = computeCostWithRegularization(A3, Y, parameters, 0);
      return lambd > 0 ? crossEntropy + 1 : crossEntropy;
    };
    const results = check({ cost: recall });
    expect(failedIds(results, "computeCostWithRegularization").sort()).toEqual(["cost.cases"]);
    expect(outputOf(results, "cost.cases")).toMatch(/no single term of the weights gives your costs on every case/);
  });

  it("dW set to zeros, or a constant added to dW1: the value checks fail, each dW is described, the db's are credited", () => {
    const plainPlus = (change: (name: string, t: tf.Tensor, lambd: number) => tf.Tensor): BackwardWithRegularization => (X, Y, cache, lambd) => tf.tidy(() => {
      const plain = backwardPropagationWithRegularization(X, Y, cache, 0);
      return Object.fromEntries(Object.entries(plain).map(([name, t]) => [name, change(name, t, lambd)])) as never;
    });
    const zeroDW = plainPlus((name, t) => (/^dW/.test(name) ? tf.zerosLike(t) : t));
    const constantDW1 = plainPlus((name, t, lambd) => (name === "dW1" ? tf.add(t, lambd) : t));
    for (const [label, answer, said] of [["zero dW", zeroDW, /your dW1 minus the plain backward pass's dW1 is not one multiple of W1/], ["dW1 + lambd", constantDW1, /Your dW2 and dW3 have no regularization term[\s\S]*your dW1 minus the plain backward pass's dW1 is not one multiple of W1/]] as const) {
      const results = check({ backward: answer });
      expect(failedIds(results, "backwardPropagationWithRegularization").sort(), label).toEqual(["backward.autodiff", "backward.cases", "backward.course"]);
      expect(outputOf(results, "backward.cases"), label).toMatch(said);
    }
  });

  it("zero gradients pass no check: they are the same on every case", () => {
    const zeros: BackwardWithRegularization = (X, Y, cache, lambd) => tf.tidy(() => {
      const right = backwardPropagationWithRegularization(X, Y, cache, lambd);
      return Object.fromEntries(Object.entries(right).map(([name, t]) => [name, tf.zerosLike(t)])) as never;
    });
    const results = check({ backward: zeros });
    expect(failedIds(results, "backwardPropagationWithRegularization"), JSON.stringify(results.map((r) => [r.id, r.output.slice(0, 200)]))).toHaveLength(5);
    expect(outputOf(results, "backward.inputs")).toMatch(/^Not credited: your gradients are the same on every case/);
  });

  it("inputs changed in place fail the inputs check (the repeat call shows it)", () => {
    const disposing: CostWithRegularization = (A3, Y, p, lambd) => {
      const cost = computeCostWithRegularization(A3, Y, p, lambd);
      p.W2.dispose();
      return cost;
    };
    const results = check({ cost: disposing });
    expect(results.find((r) => r.id === "cost.inputs")!.passed).toBe(false);
    expect(outputOf(results, "cost.inputs")).toMatch(/changed or disposed its inputs \(W2\)/);
    const shifting: BackwardWithRegularization = (X, Y, cache, lambd) => {
      const grads = backwardPropagationWithRegularization(X, Y, cache, lambd);
      (cache as { A3: Matrix }).A3.dispose();
      return grads;
    };
    expect(check({ backward: shifting }).find((r) => r.id === "backward.inputs")!.passed).toBe(false);
  });

  it("a function that could not be checked fails every check of it with the reason, and nothing of the other", () => {
    const results = check({}, { computeCostWithRegularization: "Not implemented yet: the cost." });
    for (const c of CHECKS) {
      const r = results.find((x) => x.id === c.id)!;
      expect(r.passed, c.id).toBe(c.fn !== "computeCostWithRegularization");
      if (!r.passed) expect(r.output).toBe("Not implemented yet: the cost.");
    }
  });

  it("a stub that throws 'not implemented' is said so by every check of it", () => {
    const stub = () => {
      throw Object.assign(new Error("not implemented: backwardPropagationWithRegularization"), { name: "NotImplementedError" });
    };
    for (const r of check({ backward: stub }).filter((x) => x.id.startsWith("backward."))) expect(r.output, r.id).toMatch(/^Not implemented yet: backwardPropagationWithRegularization/);
  });
});

describe("the notebook's public tests say what the grader says, on the public cases", () => {
  // Line breaks joined; the expected values, the test oracle's here and the references' there, to their first 5 digits.
  const joined = (text: string) => text.replace(/\n\s*(→ )?/g, " ").replace(/(\d\.\d{4})\d+/g, "$1");
  const fixedLambd: CostWithRegularization = (A3, Y, p) => computeCostWithRegularization(A3, Y, p, notebook.LAMBD);
  const tripled: BackwardWithRegularization = backwardWith((lambd, m) => (3 * lambd) / m);
  const answers: [string, Answer][] = [
    ...COST_MISTAKES.map((m): [string, Answer] => [m.name, { cost: m.fn }]),
    ["the notebook's LAMBD in the cost", { cost: fixedLambd }],
    ...BACKWARD_MISTAKES.map((m): [string, Answer] => [m.name, { backward: m.fn }]),
    ["3·(λ/m)·W", { backward: tripled }],
  ];
  it.each(answers)("%s: the first failure's message, word for word", (_name, answer) => {
    const graded = runL2Checks(evidence(answer, (s) => isPublicCase(s)), expected(), {}, CHECKS.filter((c) => c.public));
    const report = answer.cost ? costPublicReport(answer.cost) : regularizedBackwardPublicReport(answer.backward!);
    const firstFailed = graded.find((r) => !r.passed && r.id.startsWith(answer.cost ? "cost." : "backward."))!;
    expect(firstFailed, JSON.stringify(graded)).toBeDefined();
    expect(report.failed).toBe(graded.filter((r) => !r.passed).length);
    expect(joined(report.text)).toContain(joined(firstFailed.output));
  });
});

describe("hidden expected values stay hidden", () => {
  /** The expected values of every case that is not public, as numbers, but those a public case has too (the twins' db's are the course's). */
  function hiddenValues(): number[] {
    const valuesOf = (publicOnes: boolean) =>
      [...caseList.cost.map((s) => [s, expected().cost[s.id]] as const), ...caseList.backward.map((s) => [s, expected().backward[s.id]] as const)]
        .filter(([s]) => isPublicCase(s) === publicOnes)
        .flatMap(([, outputs]) => Object.values(outputs).flatMap((t) => t.values));
    const shown = valuesOf(true);
    return valuesOf(false).filter((v) => v !== 0 && !near(shown, v));
  }
  const near = (values: number[], n: number) => values.some((v) => Math.abs(v - n) <= 1e-6 * Math.max(1, Math.abs(v)));

  it("no message of any check, on each mistake and degenerate answer, shows one", () => {
    const hidden = hiddenValues();
    const mistakes = [...COST_MISTAKES.map((m) => ({ cost: m.fn })), ...BACKWARD_MISTAKES.map((m) => ({ backward: m.fn }))];
    // Each mistake everywhere, on the hidden cases only, and on the cases of their own only (not the course's
    // twin, whose db are the course's): then each failure is about a hidden case.
    const wrongOn = (where: (s: L2CaseSettings) => boolean) => mistakes.map((answer) => (s: L2CaseSettings) => (where(s) ? answer : {}));
    const answers: (Answer | ((s: L2CaseSettings) => Answer))[] = [
      ...mistakes,
      ...wrongOn((s) => !isPublicCase(s)),
      ...wrongOn((s) => !isPublicCase(s) && !s.courseInputs),
      { cost: () => 1.5, backward: backwardWith((lambd) => 2 * lambd) },
      { cost: (A3, Y, p) => computeCostWithRegularization(A3, Y, p, 0.1), backward: (X, Y, cache) => backwardPropagationWithRegularization(X, Y, cache, 0.7) },
    ];
    for (const answer of answers) {
      const ev = evidence(answer);
      // A message may quote the student's own values: those that happen to be right are theirs already.
      const own = [...ev.cost, ...ev.backward].flatMap((run) => Object.values(run.result.values).flatMap((v) => ("tensor" in v ? v.tensor.values : [])));
      for (const r of runL2Checks(ev, expected(), {}, CHECKS)) {
        const shown = (r.output.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number).filter((n) => near(hidden, n) && !near(own, n));
        expect(shown, `${r.id}: ${r.output}`).toEqual([]);
      }
    }
  });

  it("the biases' pair message gives the difference of the two costs, never either cost (each may be a hidden expected value)", () => {
    const biases = COST_MISTAKES.find((m) => m.name === "biases regularized")!;
    const ev = evidence({ cost: biases.fn }, (s) => ["large-biases", "zero-biases"].includes(s.id) || !!s.course || !!s.public);
    const said = outputOf(runL2Checks(ev, expected(), {}, CHECKS), "cost.biases");
    const zeroBiasCost = expected().cost["zero-biases"].cost.values[0];
    expect(said).toMatch(/differ by/);
    expect(said).not.toContain(round(zeroBiasCost));
  });
});

describe("the cases", () => {
  const allInputs = () => ({
    cost: caseList.cost.map((s) => ({ s, inputs: l2CostInputs(s) })),
    backward: caseList.backward.map((s) => ({ s, inputs: l2BackwardInputs(s) })),
  });

  it("are rebuilt alike from their seeds, and the course's are the course's", () => {
    expect(allInputs()).toEqual(allInputs());
    const course = l2CostInputs(caseList.cost.find((s) => s.course)!);
    expect(course.lambd).toBe(0.1);
    expect(course.A3.values).toEqual(Array.from(courseL2CostCase().A3.dataSync()));
    const backward = l2BackwardInputs(caseList.backward.find((s) => s.course)!);
    expect(backward.cache.A2.values).toEqual(Array.from(courseL2BackwardCase().cache.A2.dataSync()));
    expect(() => l2CostInputs({ id: "x", description: "x", lambd: 0.2, course: true })).toThrow(/the course's, whose lambd is 0\.1, not 0\.2/);
    expect(() => l2CostInputs({ id: "x", description: "x", lambd: 0.2, dims: [2, 3, 1] })).toThrow(/needs dims \[n0, n1, n2, 1\]/);
  });

  it("a backward case's cache is the plain forward pass of its own X, with ReLUs neither all on nor all off, and biases that are not zero", () => {
    for (const { s, inputs } of allInputs().backward) {
      scoped(() => {
        const c = inputs.cache;
        const parameters = Object.fromEntries(["W1", "b1", "W2", "b2", "W3", "b3"].map((n) => [n, toTensor(c[n])])) as unknown as Parameters;
        const [, forward] = forwardPropagation(toTensor(inputs.X), parameters);
        for (const name of ["Z1", "A1", "Z2", "A2", "Z3", "A3"] as const) {
          const got = Array.from(forward[name].dataSync());
          got.forEach((v, k) => expect(Math.abs(v - c[name].values[k]), `${s.id} ${name}`).toBeLessThan(1e-5));
        }
        for (const name of ["A1", "A2"]) expect(new Set(c[name].values.map((v) => v > 0)), `${s.id} ${name}`).toEqual(new Set([true, false]));
        for (const name of ["b1", "b2", "b3"]) expect(c[name].values.some((v) => v !== 0), `${s.id} ${name}`).toBe(true);
      });
    }
  });

  it("hold no other case's expected values, and their expected gradients are not zero", () => {
    const outputs: { id: string; values: number[] }[] = [
      ...Object.entries(expected().cost).map(([id, o]) => ({ id: `cost ${id}`, values: o.cost.values })),
      ...Object.entries(expected().backward).flatMap(([id, o]) => ["dW1", "dW2", "dW3", "db1", "db2", "db3"].map((n) => ({ id: `backward ${id} ${n}`, values: o[n].values }))),
    ];
    const inputsOf = (i: { A3?: WireTensor; X?: WireTensor; Y: WireTensor; parameters?: Record<string, WireTensor>; cache?: Record<string, WireTensor> }) =>
      [i.A3, i.X, i.Y, ...Object.values(i.parameters ?? {}), ...Object.values(i.cache ?? {})].filter(Boolean) as WireTensor[];
    const all = allInputs();
    for (const { s, inputs } of [...all.cost, ...all.backward]) {
      const held = new Set(inputsOf(inputs as never).flatMap((t) => t.values).filter((v) => v !== 0).map(Math.fround));
      for (const o of outputs) expect(o.values.filter((v) => v !== 0 && held.has(Math.fround(v))), `${s.id} holds ${o.id}`).toEqual([]);
    }
    for (const [id, o] of Object.entries(expected().backward)) for (const n of ["dW1", "dW2", "dW3"]) expect(o[n].values.some((v) => Math.abs(v) > 1e-3), `${id} ${n}`).toBe(true);
  });

  it("pair the cases that differ only in their biases (a public pair and a hidden one), and give the course's twins the course's inputs", () => {
    const all = allInputs();
    const costOf = (id: string) => all.cost.find((c) => c.s.id === id)!.inputs;
    for (const [a, b] of [["public-large-biases", "public-zero-biases"], ["large-biases", "zero-biases"]]) {
      expect({ ...costOf(a), parameters: { ...costOf(a).parameters, b1: 0, b2: 0, b3: 0 } }).toEqual({ ...costOf(b), parameters: { ...costOf(b).parameters, b1: 0, b2: 0, b3: 0 } });
      expect(costOf(b).parameters.b1.values.every((v) => v === 0)).toBe(true);
      expect(Math.max(...costOf(a).parameters.b1.values.map(Math.abs))).toBeGreaterThan(1);
    }
    expect(costOf("course-twin")).toEqual({ ...costOf("course"), lambd: 0.45 });
    const twin = all.backward.find((c) => c.s.courseInputs)!.inputs;
    expect(twin).toEqual({ ...all.backward.find((c) => c.s.course)!.inputs, lambd: 0.25 });
  });

  it("the hidden backward cases' expected gradients are tf.grad's (the oracle and the autodiff check agree)", () => {
    for (const s of caseList.backward.filter((c) => !c.course && !c.courseInputs)) {
      const auto = autodiffL2Gradients(l2BackwardInputs(s));
      for (const n of ["dW1", "db1", "dW2", "db2", "dW3", "db3"]) {
        auto[n].values.forEach((v, k) => expect(Math.abs(v - expected().backward[s.id][n].values[k]), `${s.id} ${n}`).toBeLessThan(1e-5 + 1e-4 * Math.abs(v)));
      }
    }
  });
});

describe("the public tests' data (src/assignments/l2-regularization/publicTests.json)", () => {
  const file = () => JSON.parse(readFileSync(resolve(__dirname, "../src/assignments/l2-regularization/publicTests.json"), "utf8")) as L2PublicData;
  // Within float32: a few units in the last place (the engine's solution may run its ops in another order).
  const closeTo = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

  it("is l2PublicData the case list and the oracle's outputs, within float32 (run `npm run assign` when it is not)", () => {
    const fresh = l2PublicData(caseList, expected(), notebook.LAMBD);
    const written = file();
    const strip = (c: L2PublicData) => JSON.stringify(c, (key, value) => (key === "values" ? value.length : value));
    expect(strip(written)).toBe(strip(fresh));
    const numbers = (c: L2PublicData) => JSON.stringify(c).match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g)!.map(Number);
    const [a, b] = [numbers(written), numbers(fresh)];
    expect(a.length).toBe(b.length);
    a.forEach((v, k) => expect(closeTo(v, b[k]), `number ${k}: ${v} against ${b[k]}`).toBe(true));
  });

  it("holds the public cases only, the course's with its published values", () => {
    const written = file();
    expect(written.cost.map((c) => c.spec.id)).toEqual(caseList.cost.filter(isPublicCase).map((s) => s.id));
    expect(written.backward.map((c) => c.spec.id)).toEqual(caseList.backward.filter(isPublicCase).map((s) => s.id));
    const published = courseL2CostCase().expectedCost;
    expect(Math.abs(written.cost.find((c) => c.spec.course)!.outputs.cost.values[0] - published)).toBeLessThan(1e-6 * published);
    const course = written.backward.find((c) => c.spec.course)!.outputs;
    for (const [name, rows] of Object.entries(courseL2BackwardCase().expected)) {
      rows.flat().forEach((v, k) => expect(Math.abs(course[name].values[k] - v), `${name}[${k}]`).toBeLessThan(1e-5 + 1e-4 * Math.abs(v)));
    }
  });
});
