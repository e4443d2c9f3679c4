/**
 * Hidden expected values stay in the grader: a hostile submission that prints and throws everything it is
 * given (its forward pass its inputs, its backward pass its whole cache) is graded by the real command, and
 * no hidden reference value reaches the reports (feedback.md, results.json, result.json, grades.csv) or the
 * grader's own output. And the Gradescope package ships no solution.
 * Fails when: hidden backward cases take their inputs from forward references again (seen red: a hidden
 * forward case's A3 and Z3 appeared in feedback.md), or the Gradescope package ships a notebook, or dropout-kit's
 * index re-exports a recomputation of a graded function (seen red: l2Recompute re-exported, as it was).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gradescopeEntries, gradescopeLeaks } from "../grader/assign/gradescope";
import { dropout } from "../grader/assignments/dropout";
const GALLERY_DIR = dropout.galleryDir;
import { BACKWARD_CASES, COURSE_TWIN, FORWARD_CASES } from "../grader/assignments/dropout/cases";
import { dropoutAuthoring } from "../grader/assignments/dropout/authoring";
const PUBLIC_CASES_FILE = dropoutAuthoring.publicCasesFile;
import { readDropoutReferences } from "../grader/assignments/dropout";
import { isPublicCase, round } from "dropout-kit";
import type { DropoutPublicData } from "dropout-kit";
import type { WireTensor } from "../grader/sandbox/protocol";

const references = readDropoutReferences();

/** The same number written as the student's code (raw float) or as the feedback (8 significant digits) writes it. */
const forms = (v: number) => [String(v), round(v)];
const significant = (text: string) => text.replace(/^-/, "").replace(/e.*$/, "").replace(".", "").replace(/^0+/, "").length;

/**
 * The hidden cases' expected values, in both forms, without: trivial ones (0, 1, 0.5: 3 significant digits
 * or fewer), those the public course case has too, and those that are in the same case's own inputs (a
 * forward cache's W1, b1...; dZ3 = A3 - Y is A3 where Y is 0), which the student's code holds anyway.
 */
/** The public cases: the notebook's public tests run them and show their expected values. */
const PUBLIC_FORWARD = FORWARD_CASES.filter(isPublicCase).map((c) => c.id);
const PUBLIC_BACKWARD = BACKWARD_CASES.filter(isPublicCase).map((c) => c.id);

function hiddenValues(): Map<string, string> {
  const collect = (tensors: WireTensor[]) => new Set(tensors.flatMap((t) => t.values.flatMap(forms)));
  const published = collect([
    ...PUBLIC_FORWARD.flatMap((id) => Object.values(references.forward[id])),
    ...PUBLIC_BACKWARD.flatMap((id) => [...Object.values(references.backward[id].outputs), ...Object.values(references.backward[id].inputs.cache)]),
  ]);
  const hidden = new Map<string, string>();
  const add = (where: string, tensors: Record<string, WireTensor>, own: Set<string>) => {
    for (const [name, t] of Object.entries(tensors)) {
      for (const text of t.values.flatMap(forms)) if (significant(text) > 3 && !published.has(text) && !own.has(text)) hidden.set(text, `${where} ${name}`);
    }
  };
  for (const [id, tensors] of Object.entries(references.forward)) {
    if (PUBLIC_FORWARD.includes(id)) continue;
    const inputs = Object.entries(tensors).filter(([name]) => /^cache\.[Wb]\d$/.test(name)).map(([, t]) => t);
    add(`forward ${id}`, tensors, collect(inputs));
  }
  for (const [id, { inputs, outputs }] of Object.entries(references.backward)) {
    if (PUBLIC_BACKWARD.includes(id)) continue;
    add(`backward ${id}`, outputs, collect([inputs.X, inputs.Y, ...Object.values(inputs.cache)]));
  }
  return hidden;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("hidden expected values stay hidden", () => {
  it("the public tests' data students get (src/assignments/dropout/publicTests.json: cases, expected outputs, the mistakes' outcomes) is the public cases only, and holds no hidden expected value", () => {
    const file = readFileSync(PUBLIC_CASES_FILE, "utf8");
    const cases = JSON.parse(file) as DropoutPublicData;
    expect(cases.forward.map((c) => c.spec.id).sort()).toEqual([...PUBLIC_FORWARD].sort());
    expect(cases.backward.map((c) => c.id).sort()).toEqual([...PUBLIC_BACKWARD].sort());
    const hidden = hiddenValues();
    const shown = new Set([...cases.forward.flatMap((c) => [c.inputs.X, ...Object.values(c.inputs.parameters), ...Object.values(c.outputs), ...Object.values(c.outcomes.passes).flatMap((p) => [p.A3, ...(p.A1 ? [p.A1] : [])])]), ...cases.backward.flatMap((c) => [c.inputs.X, c.inputs.Y, ...Object.values(c.inputs.cache), ...Object.values(c.outputs), ...[...c.steps.dA2, ...c.steps.dA1].map(([, t]) => t)])].flatMap((t) => t.values.flatMap(forms)));
    expect([...shown].filter((text) => hidden.has(text)).map((text) => `${text} (${hidden.get(text)})`)).toEqual([]);
  });

  it("a submission that prints and throws everything it is given finds no hidden expected value in any report or in the grader's output", () => {
    const hidden = hiddenValues();
    expect(hidden.size).toBeGreaterThan(500);
    expect([...hidden.values()].some((where) => where.includes(COURSE_TWIN))).toBe(true);
    const out = mkdtempSync(join(tmpdir(), "hidden-values-"));
    const run = spawnSync(process.execPath, [require.resolve("tsx/cli"), join(__dirname, "../grader/cli.ts"), join(GALLERY_DIR, "throws-its-inputs.ipynb"), "--out", out, "--jobs", "1"], { encoding: "utf8", timeout: 240_000 });
    expect(run.status, run.stderr).toBe(0);
    const texts = [{ path: "the grader's output", text: `${run.stdout}\n${run.stderr}` }, ...filesUnder(out).map((path) => ({ path, text: readFileSync(path, "utf8") }))];
    expect(texts.map((t) => t.path.replace(`${out}/`, "")).sort()).toEqual(["class-report.html", "class-report.json", "grades.csv", "the grader's output", "throws-its-inputs/feedback.md", "throws-its-inputs/result.json", "throws-its-inputs/results.json"]);
    // The hostile code did reach the reports with what it was given: its inputs are there, thrown.
    const feedback = texts.find((t) => t.path.endsWith("feedback.md"))!.text;
    expect(feedback).toContain('your function threw Error: {"cache":{"A3":[[');
    for (const { path, text } of texts) {
      const numbers = text.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? [];
      const found = numbers.filter((n) => hidden.has(n)).map((n) => `${n} (${hidden.get(n)})`);
      expect(found, path).toEqual([]);
    }
  }, 300_000);
});

describe("the Gradescope package ships no solution", () => {
  it("holds no notebook, no example gallery nor its generator, and no line of any solution", () => {
    const paths = gradescopeEntries("dropout").map((e) => e.path);
    expect(paths).toContain("grader/assignments/dropout/references.json");
    expect(paths).toContain("grader/assignments/dropout/source/settings.ts");
    expect(paths.filter((p) => p.endsWith(".ipynb") || /^grader\/assignments\/[^/]+\/gallery(\/|\.ts$)/.test(p) || p.includes("/.cache/"))).toEqual([]);
    expect(gradescopeLeaks(gradescopeEntries("dropout"), "gradescope-autograder-dropout")).toEqual([]);
    expect(gradescopeLeaks([{ path: "grader/x.ts", content: "  A1 = tf.div(A1, keepProb);\n" }], "gradescope-autograder-dropout")).toEqual(["gradescope-autograder-dropout.zip:grader/x.ts contains a line of the solution or the hidden tests: A1 = tf.div(A1, keepProb);"]);
  });
});

describe("the library's names hold no recomputation of a graded function", () => {
  it("dropout-kit exports none of the checks' recomputations (the masked forward pass, the gradients, the regularized cost): they are the grader's", async () => {
    const kit = await import("dropout-kit");
    const recomputations = ["forwardWith", "CORRECT_FORWARD", "FORWARD_VARIANTS", "autodiffGradients", "regularizedCostOf", "autodiffL2Gradients", "plainGradientsOf", "crossEntropyOf"];
    expect(recomputations.filter((name) => name in kit)).toEqual([]);
    // They exist (the checks compute with them), in the grader's assignment folders.
    expect(typeof (await import("../grader/assignments/dropout/checks/recompute")).forwardWith).toBe("function");
    expect(typeof (await import("../grader/assignments/l2-regularization/checks/recompute")).regularizedCostOf).toBe("function");
  });
});
