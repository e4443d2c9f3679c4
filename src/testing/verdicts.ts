/**
 * What every assignment's checks share (dropout's and L2's): a check as an entry, a verdict per check and the
 * rules that combine verdicts (the first failure, a gate), a call's error said plainly, the repeat call that
 * shows changed inputs, and the verdicts turned into scored results. The public tests use them in the
 * student's kernel and the grader's checks in its process, both through dropout-kit.
 */
import type { CallResult, WireTensor } from "./tensorData";
import { close, firstDifference } from "./tensorData";
import { COMMON_MISCONCEPTIONS } from "./misconceptions";

/**
 * A check: one entry of an assignment's list, with its rule. The grader adds its points (the assignment's
 * settings); the public tests run the public ones. Adding a check is adding an entry (and its points).
 */
export interface CheckOf<Fn extends string, Evidence = unknown, Expected = unknown> {
  id: string;
  fn: Fn;
  /** What a student reads as the test's name. */
  name: string;
  /** Run by the notebook's public tests and `npm run check` (on the public cases) as well as by the grader. */
  public: boolean;
  /** The check's rule: passed, or why not, from the calls' results (the evidence) and the expected outputs. */
  verdict(evidence: Evidence, expected: Expected): Verdict;
}

export interface CheckResult {
  id: string;
  name: string;
  score: number;
  maxScore: number;
  passed: boolean;
  /** What the student reads: why it failed (and what to do), or what was checked. */
  output: string;
  /** A failure's named misconceptions: stable ids of the assignment's catalogue (its misconceptions.ts), none when no diagnosis named one. */
  misconceptions?: string[];
  /** The words of the output that name them (the diagnosis a student read), where some are named. */
  diagnosis?: string;
  /** A failure because the function could not be checked at all (missing, not implemented, did not compile or load, stopped or blocked on every call), or the file could not be graded. */
  notRun?: boolean;
}

/** Why a whole function could not be checked (missing, not implemented, crashed): every check of it fails with this. */
export type UnavailableOf<Fn extends string> = Partial<Record<Fn, string>>;

/** A failure names the misconceptions its diagnosis confirmed, by id (none when the diagnosis names none, or there is none). */
export type Verdict = { passed: true; note?: string } | { passed: false; why: string; misconceptions?: string[]; naming?: string };

export const ok = (note?: string): Verdict => ({ passed: true, note });
/** A failure; `misconceptions`, what it names, and `naming`, the words of `why` that name them (all of it by default). */
export const fail = (why: string, misconceptions?: string[], naming = why): Verdict =>
  misconceptions && misconceptions.length > 0 ? { passed: false, why, misconceptions: [...new Set(misconceptions)], naming } : { passed: false, why };

/**
 * What a diagnosis says: the words a student reads, and the misconceptions they name, by the stable ids of the
 * assignment's catalogue (src/assignments/<id>/misconceptions.ts). A class report counts the ids, never the words.
 */
export interface Diagnosis {
  text: string;
  misconceptions: string[];
  /** The part of `text` that names them, where the rest is something else (a call's error quoted before it). */
  naming?: string;
}

/** A diagnosis naming `ids` (none: words that name no misconception, such as "does not equal ..."). */
export const diagnosis = (ids: string | string[], text: string): Diagnosis => ({ text, misconceptions: typeof ids === "string" ? [ids] : [...ids] });

/** A failure with its diagnosis, if any, on the line below, naming what the diagnosis names. */
export function failWith(why: string, d: Diagnosis | undefined): Verdict {
  return d ? fail(`${why}\n${d.text}`, d.misconceptions, d.naming ?? d.text) : fail(why);
}

/** A diagnosis as a failure: its words, naming what it names. */
export const failed = (d: Diagnosis): Verdict => fail(d.text, d.misconceptions, d.naming);

/** A failure's text as another failure's, keeping the misconceptions it named. */
export function reworded(v: Verdict, text: (why: string) => string): Verdict {
  return v.passed ? v : fail(text(v.why), v.misconceptions, v.naming);
}

/** Node's permission model (or the sandbox's network guard) refused something: a file read or write, a child process, a socket. */
export function isAccessDenied(message: string): boolean {
  return /ERR_ACCESS_DENIED|Access to this API has been restricted/.test(message);
}

/** An error that says the function is still the release's stub ("not implemented"). */
export function isNotImplemented(error: { name: string; message: string }): boolean {
  return error.name === "NotImplementedError" || /not implemented/i.test(String(error.message));
}

/** A call that threw or returned the wrong form: its error, said plainly (the stub's "not implemented" included). */
export function callError(run: { result: CallResult }, caseDescription: string): string | undefined {
  const r = run.result;
  if (r.ok) return r.form ? `On ${caseDescription}: ${String(r.form).slice(0, 2000)}.` : undefined;
  const e = r.error ?? { name: "Error", message: "the call failed" };
  const message = String(e.message).slice(0, 2000);
  if (e.name === "Stopped") return `On ${caseDescription}: ${message}.`;
  if (isAccessDenied(message)) {
    return `On ${caseDescription}, your function tried to reach a file, a process or the network, and was stopped: graded functions compute from their inputs only. (${message})`;
  }
  if (isNotImplemented(e)) return `Not implemented yet: ${message.replace(/^not implemented:\s*/i, "")}`;
  // A module that is not there: most often a graded function that loads someone else's answer instead of computing.
  if (/Cannot find module|MODULE_NOT_FOUND/.test(message)) {
    return `On ${caseDescription}, your function tried to load a module that is not there (${message.split("\n")[0].slice(0, 300)}). A graded function computes its result itself, from its inputs, with tf and what the set-up cell imports; nothing else is given to it.`;
  }
  return `On ${caseDescription}, your function threw ${e.name}: ${message}`;
}

export function firstFailure(verdicts: Iterable<Verdict>): Verdict {
  for (const v of verdicts) if (!v.passed) return v;
  return ok();
}

/** A rule over a list of cases: no case run is no evidence (not a pass). */
export function overCases<R>(runs: R[], rule: (run: R) => Verdict): Verdict {
  return runs.length === 0 ? fail("No case of this check was run, so it cannot be passed.") : firstFailure(runs.map(rule));
}

/** Runs each in turn, stopping at the first failure (later verdicts may assume earlier ones). */
export function all(...steps: (() => Verdict)[]): Verdict {
  for (const step of steps) {
    const v = step();
    if (!v.passed) return v;
  }
  return ok();
}

/** A gate's failure, said as such: the check's own rule held, and credit is withheld for the reason the gate names. */
export function gated(gate: Verdict): Verdict {
  return reworded(gate, (why) => `Not credited: ${why}`);
}

/** One run's outputs for the gate below: its values flattened, and the right ones (the references, or the public data). */
export interface GateRun {
  where: string;
  /** A case whose expected outputs are not published (recalling them would take the grader's data). */
  hidden: boolean;
  values: number[] | undefined;
  expected: number[] | undefined;
}

const sameNumbers = (a: number[], b: number[]) => a.length === b.length && a.every((v, k) => close(v, b[k]));

/** The named tensors' values in one list, for a gate's comparisons; undefined when one of them is missing. */
export function flatValues(tensors: (WireTensor | undefined)[]): number[] | undefined {
  return tensors.every(Boolean) ? tensors.flatMap((t) => t!.values) : undefined;
}

/**
 * The gate of a check whose rule a degenerate answer could satisfy: credit is withheld only on evidence, and
 * the evidence is said. Recall: on a hidden case the outputs are a published answer (a public case's expected
 * outputs) and not this case's own, and no reading of the student's numbers explains them as a computation
 * (`explained`). Not following the inputs: the outputs are the same on every case (or one number throughout)
 * although the right ones differ. Any other answer is doing work, right or wrong, and its passed checks count.
 */
export function showsWork(runs: GateRun[], published: { where: string; values: number[] }[], what: string, explained = false): Verdict {
  const valued = runs.filter((r): r is GateRun & { values: number[] } => r.values !== undefined && r.values.length > 0);
  const plural = /s$| and /.test(what);
  // Outputs that a reading of every case explains as a computation (a wrong lambd, say) are not recalled, even where they equal a published answer.
  for (const run of explained ? [] : valued.filter((r) => r.hidden)) {
    const source = published.find((p) => sameNumbers(run.values, p.values) && !(run.expected && sameNumbers(run.values, run.expected)));
    if (source) return fail(`on ${run.where}, a case whose answer is not published, your ${what} ${plural ? "are" : "is"} exactly the published answer of ${source.where}: an answer recalled from another case is not computed. Compute it from the function's inputs.`, [COMMON_MISCONCEPTIONS.recalled]);
  }
  const expected = valued.filter((r) => r.expected !== undefined);
  const first = valued[0]?.values[0];
  const constant = valued.every((r) => sameNumbers(r.values, valued[0].values)) || valued.every((r) => r.values.every((v) => v === first));
  if (valued.length >= 2 && constant && expected.some((r) => !sameNumbers(r.expected!, expected[0].expected!))) {
    return fail(`your ${what} ${plural ? "are" : "is"} the same on every case (${valued.length} cases), although the right ${what} differ${plural ? "" : "s"} from case to case: your function does not compute from its inputs.`, [COMMON_MISCONCEPTIONS.ignoresInputs]);
  }
  return ok();
}

export function safely<T>(body: () => T): T | undefined {
  try {
    return body();
  } catch {
    return undefined;
  }
}

/** The sandbox's report of inputs a call changed or disposed, in words (wording only, never a verdict). */
export function changedInputs(mutated: string[]): Diagnosis {
  return diagnosis(COMMON_MISCONCEPTIONS.changesInputs, `Your function changed or disposed its inputs (${mutated.slice(0, 8).join(", ")}). tfjs operations return new tensors: assign the result to a new name, and never write into or dispose of the tensors you are given.`);
}

/** The repeat (the same input objects, called again right after) must give exactly the first call's outputs. */
export function repeatsItself(run: { result: CallResult }, description: string, explain: (name: string) => string | Diagnosis): Verdict {
  const repeat = run.result.repeat;
  if (!repeat) return fail(`On ${description}: the grader could not call your function a second time, so this cannot be shown.`);
  const said = (name: string) => {
    const e = explain(name);
    return typeof e === "string" ? diagnosis([], e) : e;
  };
  if (!repeat.ok) {
    const e = said("");
    return fail(`On ${description}: called a second time on the very same inputs, your function threw ${repeat.error?.name ?? "an error"}: ${String(repeat.error?.message ?? "").slice(0, 500)}. ${e.text}`, e.misconceptions, e.text);
  }
  const name = firstDifference(run.result.values, repeat.values);
  if (name === undefined) return ok();
  const e = said(name);
  return fail(`On ${description}: called a second time on the very same inputs, your function returned a different ${name.replace(/^cache\./, "")}. ${e.text}`, e.misconceptions, e.text);
}

/**
 * Each given check's verdict as a scored result: a function that could not be checked fails every check of
 * it with its reason; a rule that throws fails its check with the grader's error (never the student's score
 * of another check).
 */
export function scoredResults<Fn extends string, Evidence, Expected>(checks: (CheckOf<Fn, Evidence, Expected> & { points: number })[], unavailable: UnavailableOf<Fn>, evidence: Evidence, expected: Expected): CheckResult[] {
  return checks.map((spec) => {
    const reason = unavailable[spec.fn];
    let verdict: Verdict;
    if (reason) verdict = fail(reason);
    else {
      try {
        verdict = spec.verdict(evidence, expected);
      } catch (error) {
        verdict = fail(`The grader could not check this: ${(error as Error).message}`);
      }
    }
    const result: CheckResult = {
      id: spec.id,
      name: spec.name,
      maxScore: spec.points,
      score: verdict.passed ? spec.points : 0,
      passed: verdict.passed,
      output: verdict.passed ? (verdict.note ?? "Passed.") : verdict.why,
    };
    if (!verdict.passed && verdict.misconceptions) {
      result.misconceptions = verdict.misconceptions;
      result.diagnosis = verdict.naming ?? verdict.why;
    }
    if (reason) result.notRun = true;
    return result;
  });
}

/** A public test's evidence: each call's run with its public case's data. */
export type Judged<Run, Data> = { run: Run; data: Data };

/**
 * The public checks of one graded function as entries the report runs (one point each): each check of `list`
 * (id, fn, name: the same entries the grader's table takes) with its rule from `rules`, by id.
 */
export function publicChecksOf<Fn extends string, Evidence>(
  list: Record<string, { id: string; fn: Fn; public: true; name: string }>, fn: Fn, rules: Record<string, (evidence: Evidence) => Verdict>,
): (CheckOf<Fn, Evidence, null> & { points: number })[] {
  return Object.values(list)
    .filter((c) => c.fn === fn)
    .map((c) => {
      const rule = rules[c.id];
      if (!rule) throw new Error(`public check ${c.id} has no rule`);
      return { ...c, points: 1, verdict: (evidence: Evidence) => rule(evidence) };
    });
}
