/**
 * Student code that attacks the grader, run the way the grader runs it (bubblewrap, the default): it must
 * neither write outside its sandbox (V8's trace flags, trace_events, Unix sockets: the holes Node's
 * permission model leaves), nor signal the grader, nor crash or fool it through the reply channel. Each
 * attack has a control: the same code in an ordinary Node process does write the file / reach the process,
 * so each check here can fail. The batch holds a correct solution too: it must still get full marks, and
 * every hostile notebook's correct backward pass its checks (one submission's attack costs only itself).
 * Fails when: the child runs under the weaker isolation (DROPOUT_GRADER_ISOLATION=permission-model: seen red,
 * 4 of 5; the v8-flags attack rewrote grader/dist/sandbox/child.js and broke every later submission), the
 * pid namespace is dropped (signals), or session.ts accepts frames it did not ask for (the channel cases).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gradeBatch } from "../grader/batch";
import { dropout } from "../grader/assignments/dropout";
const GALLERY_DIR = dropout.galleryDir;
import type { SubmissionResult } from "../grader/grading/grade";
import { readDropoutReferences } from "../grader/assignments/dropout";
import { CHECKS } from "../grader/assignments/dropout/checks";
import { bubblewrapProblem } from "../grader/sandbox/isolation";
import { CHILD_SCRIPT } from "../grader/sandbox/session";

const LIMITS = { loadTimeoutMs: 25_000, callTimeoutMs: 6_000, totalTimeoutMs: 90_000, memoryMb: 1024 };
const SANDBOX_DIST = resolve(__dirname, "../grader/dist");

/** Attacks, as the first lines of the student's forward function (X, parameters, keepProb, rng are in scope). */
function attacks(target: string): Record<string, string> {
  const frame = (body: string) => `(() => { const b = Buffer.from(${body}); const h = Buffer.alloc(4); h.writeUInt32BE(b.length); return Buffer.concat([h, b]); })()`;
  return {
    // V8 appends its trace output to any path it is given: here, the sandbox's own runtime and a folder outside.
    "v8-flags": `const v8 = require("v8");
  const heat = () => { const f = new Function("x", "let s = 0; for (let i = 0; i < 1000; i++) s += i * x; return s;") as (x: number) => number; for (let k = 0; k < 200000; k++) f(k); };
  v8.setFlagsFromString("--trace-turbo");
  v8.setFlagsFromString("--trace-turbo-cfg-file=${CHILD_SCRIPT}");
  heat();
  v8.setFlagsFromString("--trace-turbo-cfg-file=${target}/cfg.txt");
  heat();`,
    // trace_events writes node_trace.N.log into the working directory (the sandbox runtime's folder).
    "trace-events": `const tracing = require("trace_events").createTracing({ categories: ["node.perf", "v8"] });
  tracing.enable();
  await new Promise((r) => setTimeout(r, 300));
  tracing.disable();`,
    "unix-socket": `try { (require("net") as any)._createServerHandle("${target}/sock", -1, -1, undefined, undefined); } catch (e) {}`,
    // The grader's own pid, and the sandbox's parent: neither may be reachable.
    signals: `const outcome: string[] = [];
  for (const [pid, signal] of [[${process.pid}, 0], [process.ppid, "SIGKILL"]] as [number, any][]) {
    try { process.kill(pid, signal); outcome.push(pid + ": reached"); } catch (e) { outcome.push(pid + ": " + (e as any).code); }
  }
  throw new Error("signals " + outcome.join(", "));`,
    "garbage-frame": `require("fs").writeSync(3, "this is not a frame, it is a denial of service");`,
    "forged-reply": `require("fs").writeSync(3, ${frame(`JSON.stringify({ kind: "result", id: 999, ok: true, values: {}, mutated: [], output: "", durationMs: 0 })`)});`,
    // Reading the returned value runs student code too: a getter that throws is their error, not the grader's.
    "throwing-getter": `return [A1, new Proxy({}, { get() { throw new Error("a getter that throws"); } })] as any;`,
    "huge-frame": `const h = Buffer.alloc(4); h.writeUInt32BE(0x7fffffff); require("fs").writeSync(3, h);`,
  };
}

function hostileNotebook(attack: string): string {
  const nb = JSON.parse(readFileSync(join(GALLERY_DIR, "solution.ipynb"), "utf8"));
  const cell = nb.cells.find((c: { metadata: { nbgrader?: { grade_id: string } } }) => c.metadata.nbgrader?.grade_id === "forward_propagation_with_dropout");
  const source = (cell.source as string[]).join("");
  const marker = "A1 = tf.mul(A1, D1);";
  if (!source.includes(marker)) throw new Error("the solution's forward cell changed: update this test's marker");
  // The graded function is synchronous: an attack that must wait runs in a promise left running behind it.
  cell.source = source.replace(marker, `${marker}\n  ${attack.includes("await") ? `void (async () => { ${attack} })();` : attack}`);
  return JSON.stringify(nb, null, 1);
}

const hash = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const problem = bubblewrapProblem();
if (problem && process.env.CI !== "true") console.warn(`skipping the hostile-code tests: ${problem}`);

describe.runIf(!problem || process.env.CI === "true")("hostile student code under bubblewrap", () => {
  let results: Map<string, SubmissionResult>;
  let target: string;
  let childHash: string;
  const traceFilesBefore = readdirSync(SANDBOX_DIST).filter((f) => f.startsWith("node_trace"));

  beforeAll(async () => {
    expect(problem, "bubblewrap must work in CI").toBeUndefined();
    const folder = mkdtempSync(join(tmpdir(), "hostile-"));
    target = mkdtempSync(join(tmpdir(), "hostile-target-"));
    childHash = hash(CHILD_SCRIPT);
    const files = [join(GALLERY_DIR, "solution.ipynb")];
    for (const [name, attack] of Object.entries(attacks(target))) {
      writeFileSync(join(folder, `${name}.ipynb`), hostileNotebook(attack));
      files.push(join(folder, `${name}.ipynb`));
    }
    const list = await gradeBatch(files, { outDir: join(folder, "out"), jobs: 2, regrade: true, limits: LIMITS });
    results = new Map(list.map((r) => [r.submission.replace(/\.ipynb$/, ""), r]));
  }, 600_000);

  const feedback = (name: string) => {
    const r = results.get(name)!;
    return [...r.notes, ...r.tests.map((t) => t.output)].join("\n");
  };

  it("the controls: the same attacks in an ordinary Node process write their files and reach the grader", () => {
    const outside = mkdtempSync(join(tmpdir(), "hostile-control-"));
    const script = Object.entries(attacks(outside))
      .filter(([name]) => ["v8-flags", "unix-socket"].includes(name))
      .map(([, code]) => code.replace(`--trace-turbo-cfg-file=${CHILD_SCRIPT}`, `--trace-turbo-cfg-file=${outside}/child.js`).replace(/ as any\)/g, ")").replace(/ as \(x: number\) => number/g, ""))
      .join("\n");
    execFileSync(process.execPath, ["-e", `${script}\nprocess.kill(${process.pid}, 0);\nrequire("trace_events").createTracing({ categories: ["node.perf"] }).enable(); setTimeout(() => process.exit(0), 300);`], { cwd: outside, stdio: "ignore" });
    const written = readdirSync(outside);
    expect(written).toEqual(expect.arrayContaining(["cfg.txt", "child.js", "sock", "node_trace.1.log"]));
  });

  it("every submission gets a result; the solution keeps full marks; each attacker's backward keeps its checks", () => {
    expect(results.size).toBe(1 + Object.keys(attacks("x")).length);
    expect(results.get("solution")!.tests.every((t) => t.passed), feedback("solution")).toBe(true);
    for (const name of Object.keys(attacks("x"))) {
      const backward = results.get(name)!.tests.filter((t) => CHECKS.find((c) => c.id === t.id)!.fn === "backwardPropagationWithDropout");
      expect(backward.every((t) => t.passed), `${name}:\n${feedback(name)}`).toBe(true);
    }
  });

  it("writes nothing outside the sandbox: not the sandbox's runtime, not the host's folders, not the working directory", () => {
    expect(hash(CHILD_SCRIPT)).toBe(childHash);
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(SANDBOX_DIST).filter((f) => f.startsWith("node_trace"))).toEqual(traceFilesBefore);
  });

  it("cannot signal the grader, nor its sandbox's parent", () => {
    expect(feedback("signals")).toContain(`signals ${process.pid}: ESRCH, 1: `);
    expect(feedback("signals")).not.toContain(`${process.pid}: reached`);
  });

  it("a return value whose getters throw is the student's error, said plainly, with no path of the grader's", () => {
    expect(feedback("throwing-getter")).toContain("reading the value your function returned threw Error: a getter that throws");
    for (const name of results.keys()) expect(feedback(name), name).not.toContain(resolve(__dirname, ".."));
  });

  it("data on the reply channel that the grader did not ask for stops that submission alone, with a clear message", () => {
    expect(feedback("garbage-frame")).toContain("the sandbox sent data the grader did not ask for (it sent a message of");
    expect(feedback("forged-reply")).toContain("the sandbox sent data the grader did not ask for (a reply to request 999 while request");
    expect(feedback("huge-frame")).toContain("the sandbox sent data the grader did not ask for (it sent a message of 2147483647 bytes, over the limit");
    for (const name of ["garbage-frame", "forged-reply", "huge-frame"]) {
      const forward = results.get(name)!.tests.filter((t) => t.id.startsWith("forward."));
      expect(forward.every((t) => !t.passed), name).toBe(true);
    }
  });
});
