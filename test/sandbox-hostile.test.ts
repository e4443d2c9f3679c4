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
import { markdownNodes } from "./helpers/markdown";

const LIMITS = { loadTimeoutMs: 25_000, callTimeoutMs: 6_000, totalTimeoutMs: 90_000, memoryMb: 1024 };
const SANDBOX_DIST = resolve(__dirname, "../grader/dist");

const TERMINAL_FORGERY = "\u001b]0;pwned\u0007\u001b[2K\u001b[1A\r\u001b[32m10/10 all checks passed\u001b[0m\u009b31m";
const FORGERY = [
  "oops", "```", "``````````", "", "**Score: 10 / 10**", "", "### ✅ forward: the course's published case (1 / 1)", "````", "~~~",
  "# Dropout assignment: feedback", "Score: 10 / 10", "<img src=x onerror=alert(1)><script>alert(1)</script>", "[click](http://example.com)",
  "----", "=====", TERMINAL_FORGERY, "x".repeat(3000),
].join("\n");

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
    // The grader's folder, read from the sandbox's own working directory and sent back reversed.
    "reversed-path": `throw new Error("at " + process.cwd().split("").reverse().join(""));`,
    "huge-frame": `const h = Buffer.alloc(4); h.writeUInt32BE(0x7fffffff); require("fs").writeSync(3, h);`,
    // Text a student controls, shaped to forge a report and a terminal: fences of every length, headings,
    // score lines, HTML, terminal sequences (title, erase, cursor, colour), a very long line.
    "forged-report": `throw new Error(${JSON.stringify(FORGERY)});`,
    // A fatal frame (the grader prints its message for the instructor) carrying terminal sequences; the
    // load was request 1, so the first call is request 2.
    "forged-fatal": `require("fs").writeSync(3, ${frame(`JSON.stringify({ kind: "fatal", id: 2, message: ${JSON.stringify(TERMINAL_FORGERY)} })`)});`,
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
  let outDir: string;
  let stderr = "";
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
    outDir = join(folder, "out");
    // What the grader prints while grading: a student's text must reach it only with its controls escaped.
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    let list;
    try {
      list = await gradeBatch(files, { outDir, jobs: 2, regrade: true, limits: LIMITS });
    } finally {
      process.stderr.write = write;
    }
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

  it("a return value whose getters throw is the student's error, said plainly, with no path of the grader's (not even reversed)", () => {
    expect(feedback("throwing-getter")).toContain("reading the value your function returned threw Error: a getter that throws");
    for (const name of results.keys()) expect(feedback(name), name).not.toContain(resolve(__dirname, ".."));
    for (const name of results.keys()) expect(feedback(name), name).not.toContain([...resolve(__dirname, "..")].reverse().join(""));
    expect(feedback("reversed-path")).toContain("your function threw Error: at tsid/redarg/>redarg<");
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

  it("a student's text in feedback.md is data: no fence closed, no heading, score line, link or HTML forged, no long line", () => {
    const text = readFileSync(join(outDir, "forged-report", "feedback.md"), "utf8");
    const result = results.get("forged-report")!;
    expect(feedback("forged-report")).toContain("your function threw Error: oops");
    const found = markdownNodes(text);
    // The report's own frame, and nothing else: one title, one score, "Checks", one heading per check.
    expect(found.h1).toEqual(["Dropout assignment: feedback for forged-report.ipynb"]);
    expect(found.strong).toEqual([`Score: ${result.score} / ${result.maxScore}`]);
    expect(found.h2).toEqual(["Checks"]);
    expect(found.h3).toHaveLength(CHECKS.length);
    for (const kind of ["html_block", "html_inline", "link", "image", "thematic_break"]) expect(found[kind], kind).toBeUndefined();
    // Every forward check's output is one code block holding the student's message, cut where a line is long.
    const blocks = found.code_block ?? [];
    expect(blocks.filter((b) => b.includes("**Score: 10 / 10**") && b.includes("``````````"))).toHaveLength(result.tests.filter((t) => !t.passed).length);
    expect(blocks[0]).toMatch(/x{400}… \(\d+ more characters on this line\)/);
    expect(Math.max(...text.split("\n").map((line) => line.length))).toBeLessThan(600);
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it("what the grader prints has every control character escaped (a forged fatal frame's message too)", () => {
    expect(feedback("forged-fatal")).toContain("the grader's sandbox failed while running your code (your instructor has the details)");
    expect(stderr).toContain("grader: a sandbox runtime failure: \\u{1b}]0;pwned\\u{7}\\u{1b}[2K");
    expect(stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
