/**
 * Type-checking a submission's cells under one budget (grader/sandbox/compile-cells.ts): the two ways the
 * compiler can fail to finish (it gives up, or the budget runs out) give one message per cell, and each is
 * made to happen here without depending on the machine's speed: TS2589 is the compiler's own depth limit,
 * and an exhausted budget stops a cell before it is sent to the compiler.
 * Breaking it makes these fail: drop compilerGaveUp's TS2589 code (first test), compile when no time is left
 * (second), or compile a stopped cell again for a second sandbox (third: it would be charged twice), or let
 * the compiler read beyond what the sandbox reads (compiler.ts seenByTheSandbox: the settings then give a type
 * error naming their fields, not "Cannot find module").
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// What the compiler does, not what the cache on disk remembers of it (test/conversion-cache.test.ts).
process.env.DROPOUT_GRADER_CACHE = "off";
import { SubmissionCompiler } from "../grader/sandbox/compile-cells";
import { compilerGaveUp, isSpecialCell, seenByTheSandbox } from "../grader/sandbox/compiler";

const SETUP = { gradeId: "setup", source: "const keepProbDefault: number = 0.86;", trusted: true };
const GIVES_UP = `type Deep<T, N extends unknown[] = []> = N["length"] extends 5000 ? T : Deep<[T], [...N, 0]>;\nconst gaveUp: Deep<1> = null as any;`;
const FINE = "function double(x: number): number { return 2 * x; }";

describe("one type-checking budget per submission", () => {
  it("a cell the compiler gives up on (TS2589) is left out with one message; the others compile", async () => {
    const compiler = new SubmissionCompiler(60_000, Date.now() + 120_000, SETUP.source);
    const planned = await compiler.chain([SETUP, { gradeId: "bomb", source: GIVES_UP }, { gradeId: "fine", source: FINE }]);
    expect(planned.cells.map((c) => c.gradeId)).toEqual(["setup", "fine"]);
    expect(planned.conversions.every((c) => c.result.diagnostics.length === 0)).toBe(true);
    expect(compiler.stopped.get("bomb")).toMatch(/^The TypeScript compiler could not finish checking the types in your cell 'bomb' \(it gave up: "Type instantiation is excessively deep and possibly infinite\.?"\), so the cell was not run\./);
  });

  it("a budget that is used up stops the next cell before it is compiled, without blaming its types", async () => {
    const compiler = new SubmissionCompiler(0, Date.now() + 120_000, SETUP.source);
    const planned = await compiler.chain([SETUP, { gradeId: "fine", source: `${FINE}\nconst unique${Date.now()} = 1;` }]);
    expect(planned.cells.map((c) => c.gradeId)).toEqual(["setup"]);
    expect(compiler.stopped.get("fine")).toBe("Your cell 'fine' was not type-checked: no time was left for it (see the other notes about your notebook), so it was not run.");
  });

  it("a stopped cell is not compiled again for a second sandbox, and known conversions are reused", async () => {
    const compiler = new SubmissionCompiler(60_000, Date.now() + 120_000, SETUP.source);
    await compiler.chain([SETUP, { gradeId: "bomb", source: GIVES_UP }, { gradeId: "fine", source: FINE }]);
    expect(compiler.compilations).toBe(3);
    const again = await compiler.chain([SETUP, { gradeId: "bomb", source: GIVES_UP }, { gradeId: "fine", source: FINE }]);
    expect(again.cells.map((c) => c.gradeId)).toEqual(["setup", "fine"]);
    expect(compiler.compilations).toBe(3);
  });

  it("compilerGaveUp names only the compiler's give-up errors, not ordinary type errors", () => {
    expect(compilerGaveUp({ diagnostics: [{ code: 2589, messageText: "Type instantiation is excessively deep and possibly infinite." }] })).toBe("Type instantiation is excessively deep and possibly infinite.");
    expect(compilerGaveUp({ diagnostics: [{ code: 2322, messageText: "Type 'string' is not assignable to type 'number'." }] })).toBeUndefined();
    expect(compilerGaveUp({ diagnostics: [] })).toBeUndefined();
  });
});

describe("directive scan", () => {
  it("finds tslab's %module/%mode directives on their own line only", () => {
    expect(isSpecialCell("// %module foo\nexport const x = 1;")).toBe(true);
    expect(isSpecialCell("const a = 1;\n   //   %mode browser")).toBe(true);
    expect(isSpecialCell("const s = '// %module';")).toBe(false);
    expect(isSpecialCell("// %modules are not this")).toBe(false);
  });

  it("is linear: 300,000 blank lines and a 19 MB line are scanned", () => {
    // The old /^\s*\/\/\s*%(module|mode)\b/m is quadratic on blank lines: ~4.5e10 steps here, far past the
    // test's time limit; the line scan looks at most 200 characters of each line.
    expect(isSpecialCell("\n".repeat(300_000) + FINE)).toBe(false);
    expect(isSpecialCell(`${"\n".repeat(300_000)}// %module m\n`)).toBe(true);
    expect(isSpecialCell(`// ${"x".repeat(19 * 1024 * 1024)}\n${FINE}`)).toBe(false);
  });
});

describe("the type checker sees only what the sandbox sees", () => {
  const ROOT = resolve(__dirname, "..");
  const settings = join(ROOT, "grader/assignments/dropout/source/settings");
  const messages = async (source: string) => {
    const compiler = new SubmissionCompiler(60_000, Date.now() + 120_000, SETUP.source);
    const planned = await compiler.chain([SETUP, { gradeId: "peek", source }]);
    return planned.conversions.flatMap((c) => c.result.diagnostics.map((d) => String((d as { messageText: unknown }).messageText)));
  };
  /** The import, as a cell writes it, of `path` (absolute, or relative to the sandbox's folder, grader/dist/). */
  const peek = (path: string) => `import * as peeked from ${JSON.stringify(path)};\nconst seen: number = (peeked as any).nothing;`;

  it("a cell that imports the grader's settings or references gets the error of a path that does not exist", async () => {
    // The settings exist and export values (a type error would name their fields); a missing path is the control.
    expect(existsSync(`${settings}.ts`)).toBe(true);
    const missing = await messages(peek(join(ROOT, "grader/assignments/dropout/source/no-such-module")));
    expect(missing).toEqual([`Cannot find module '${join(ROOT, "grader/assignments/dropout/source/no-such-module")}' or its corresponding type declarations.`]);
    for (const path of [settings, `${settings}.ts`, "../assignments/dropout/source/settings", "../assignments/dropout/references.json", join(ROOT, "grader/assignments/dropout/references.json"), join(ROOT, "package.json")]) {
      expect(await messages(peek(path)), path).toEqual([`Cannot find module '${path}' or its corresponding type declarations.`]);
    }
  });

  it("a path is judged where the kernel resolves it: a '..' after the dropout-kit link climbs out of src/, and is hidden", () => {
    const visible = seenByTheSandbox();
    // node_modules/dropout-kit is a link to ../src: its ".." is the project's folder, not node_modules (written
    // out, not path.join: that would normalise the ".." away by the text).
    expect(visible(`${ROOT}/node_modules/dropout-kit/../grader/assignments/dropout/references.json`)).toBe(false);
    expect(visible(`${ROOT}/node_modules/dropout-kit/../grader/assignments/dropout/no-such-file.json`)).toBe(false);
    expect(visible(join(ROOT, "grader/assignments/dropout/references.json"))).toBe(false);
    expect(visible(`${ROOT}/node_modules/dropout-kit/package.json`)).toBe(true);
    expect(visible(join(ROOT, "node_modules/@tensorflow/tfjs/package.json"))).toBe(true);
    expect(visible("../../src/index.ts")).toBe(true);
  });

  it("the library's types and TypeScript's standard library are there: the course's imports compile", async () => {
    expect(await messages(`import * as tf from "@tensorflow/tfjs";\nimport { initializeParameters } from "dropout-kit";\nconst m: Map<string, tf.Tensor> = new Map();\nvoid initializeParameters;`)).toEqual([]);
  });
});
