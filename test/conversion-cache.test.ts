/**
 * The grader's cache of compiled cells on disk (grader/sandbox/conversion-cache.ts): a cell compiled once is
 * not compiled again, by this process or the next, and the conversion is the compiler's own; an entry whose
 * files changed, or that is damaged, is a miss and the cell is compiled; the cache is never where student code
 * can read it. Seen red: the lookup in SubmissionCompiler.chain removed (the second compiler compiles again);
 * depsHold returning true (the changed file's entry is used); the key check dropped (the planted entry is used).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SubmissionCompiler } from "../grader/sandbox/compile-cells";
import { compilersStarted } from "../grader/sandbox/compile-pool";
import { cacheRoot, cachedConversion } from "../grader/sandbox/conversion-cache";
import { readablePaths } from "../grader/sandbox/isolation";

// This file's own cache folder (the module reads the setting at its first use).
const CACHE = mkdtempSync(join(tmpdir(), "conversion-cache-test-"));
process.env.DROPOUT_GRADER_CACHE = CACHE;
afterAll(() => rmSync(CACHE, { recursive: true, force: true }));

const ROOT = resolve(__dirname, "..");
const SETUP = { gradeId: "setup", source: 'import * as tf from "@tensorflow/tfjs";\nimport { initBackend } from "dropout-kit";', trusted: true };
const unique = `const made${process.pid}${Date.now()}: number = 1;`;
const CELL = { gradeId: "cell", source: `function triple(x: tf.Tensor): tf.Tensor { return tf.mul(x, 3); }\n${unique}` };
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const namespaceDir = () => join(CACHE, readdirSync(CACHE).find((n) => n.startsWith("conversions-"))!);
const entryPath = (prevDecl: string, src: string) => join(namespaceDir(), "entries", `${sha256(`${prevDecl}\u0000${src}`)}.json`);

describe("the conversion cache on disk", () => {
  let first: Awaited<ReturnType<SubmissionCompiler["chain"]>>;

  it("a cell compiled once is found by the next submission's compiler, which starts no TypeScript compiler", async () => {
    first = await new SubmissionCompiler(60_000, Date.now() + 120_000, SETUP.source).chain([SETUP, CELL]);
    expect(first.conversions.map((c) => c.result.diagnostics)).toEqual([[], []]);
    const started = compilersStarted();
    const second = new SubmissionCompiler(60_000, Date.now() + 120_000, SETUP.source);
    const again = await second.chain([SETUP, CELL]);
    expect(second.compilations).toBe(0);
    expect(compilersStarted()).toBe(started);
    expect(again.conversions).toEqual(first.conversions);
  });

  it("each entry is tied to the files the compiler read: the libraries' typings and npm's lock", () => {
    const entry = JSON.parse(readFileSync(entryPath(first.conversions[1].prevDecl, CELL.source), "utf8"));
    const files = (JSON.parse(readFileSync(join(namespaceDir(), "deps", `${entry.deps}.json`), "utf8")) as [string, number, number][]).map(([path]) => path);
    expect(files).toContain(join(ROOT, "node_modules/.package-lock.json"));
    expect(files).toContain(join(ROOT, "src/dist/index.d.ts"));
    expect(files.some((f) => f.includes("/@tensorflow/tfjs-core/") && f.endsWith(".d.ts"))).toBe(true);
    expect(files.some((f) => /typescript-for-tslab\/lib\/lib\.es\w*\.d\.ts$/.test(f))).toBe(true);
  });

  it("an entry whose file list no longer holds (a file changed since) is a miss", () => {
    // A list naming a file of this test's own (the libraries' files are never touched: other files' compilers read them).
    const own = join(CACHE, "typings.d.ts");
    writeFileSync(own, "declare const x: number;");
    const list = JSON.stringify([[own, 24, 1_000_000]]);
    utimesSync(own, 1000, 1000);
    const id = sha256(list);
    writeFileSync(join(namespaceDir(), "deps", `${id}.json`), list);
    const src = `const planted${Date.now()} = 1;`;
    writeFileSync(entryPath("", src), JSON.stringify({ prevDecl: "", src, deps: id, result: { diagnostics: [], output: "planted" } }));
    expect(cachedConversion("", src)).toEqual({ diagnostics: [], output: "planted" }); // the list holds: used
    const src2 = `const changed${Date.now()} = 1;`;
    const list2 = JSON.stringify([[own, 24, 999]]); // another modification time than the file's
    writeFileSync(join(namespaceDir(), "deps", `${sha256(list2)}.json`), list2);
    writeFileSync(entryPath("", src2), JSON.stringify({ prevDecl: "", src: src2, deps: sha256(list2), result: { diagnostics: [], output: "stale" } }));
    expect(cachedConversion("", src2)).toBeUndefined();
  });

  it("a damaged, misplaced or oversized entry is a miss, and the cell is compiled as without a cache", async () => {
    const cell = { gradeId: "cell", source: `const damaged${Date.now()}: number = 2;` };
    const prevDecl = first.conversions[0].result.declOutput ?? "";
    writeFileSync(entryPath(prevDecl, cell.source), "{ not json");
    expect(cachedConversion(prevDecl, cell.source)).toBeUndefined();
    // An entry for another cell at this cell's name (a hash collision, or a planted file) is not used.
    const good = JSON.parse(readFileSync(entryPath(first.conversions[1].prevDecl, CELL.source), "utf8"));
    writeFileSync(entryPath(prevDecl, cell.source), JSON.stringify({ ...good }));
    expect(cachedConversion(prevDecl, cell.source)).toBeUndefined();
    writeFileSync(entryPath(prevDecl, cell.source), JSON.stringify({ ...good, prevDecl, src: cell.source, pad: "x".repeat(5 * 1024 * 1024) }));
    expect(cachedConversion(prevDecl, cell.source)).toBeUndefined();
    const compiler = new SubmissionCompiler(60_000, Date.now() + 120_000, SETUP.source);
    const planned = await compiler.chain([SETUP, cell]);
    expect(compiler.compilations).toBe(1);
    expect(planned.conversions[1].result.diagnostics).toEqual([]);
    expect(cachedConversion(prevDecl, cell.source)).toEqual(planned.conversions[1].result); // the compile replaced it
  });

  it("lives in the grader's cache folder, or where DROPOUT_GRADER_CACHE says, or nowhere ('off')", () => {
    expect(cacheRoot({ HOME: "/home/ta" } as NodeJS.ProcessEnv)).toMatch(/\/\.cache\/dropout-kit$/);
    expect(cacheRoot({ XDG_CACHE_HOME: "/var/cache/ta" } as NodeJS.ProcessEnv)).toBe("/var/cache/ta/dropout-kit");
    expect(cacheRoot({ DROPOUT_GRADER_CACHE: "/srv/grader-cache" } as NodeJS.ProcessEnv)).toBe("/srv/grader-cache");
    for (const off of ["off", "OFF", "0", "false"]) expect(cacheRoot({ DROPOUT_GRADER_CACHE: off } as NodeJS.ProcessEnv)).toBeUndefined();
    // Never a folder the sandbox can read (its entries hold other students' cells).
    for (const path of readablePaths()) expect(CACHE.startsWith(`${path}/`)).toBe(false);
  });

  it("a cache that cannot be written, or that the sandbox could read, is said once and grading goes on without it", () => {
    const check = (cache: string) =>
      spawnSync(process.execPath, [require.resolve("tsx/cli"), join(ROOT, "grader/check-cli.ts"), join(ROOT, "grader/assignments/dropout/gallery/solution.ipynb")], {
        encoding: "utf8",
        env: { ...process.env, DROPOUT_GRADER_CACHE: cache },
      });
    const unwritable = check("/dev/null/cache");
    expect(unwritable.status, unwritable.stderr).toBe(0);
    expect(unwritable.stderr.split("the conversion cache in /dev/null/cache").length - 1).toBe(1);
    expect(unwritable.stderr).toContain("grading goes on without it");
    const exposed = check(join(ROOT, "node_modules/.cache/dropout-grader"));
    expect(exposed.status, exposed.stderr).toBe(0);
    expect(exposed.stderr).toContain("which student code can read; grading goes on without it");
  }, 120_000);
});
