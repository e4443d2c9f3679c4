/**
 * Rules the suite keeps so that its files can run in parallel (vitest.config.mts).
 * Fails when: a test file outside the `.alone` group makes hard links (seen red: `"-al"` put back into
 * the project copies), an `.alone` file is not in the group that runs after the rest, or the
 * sequencer's slowest-first list names a file that does not exist.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");
const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : /\.(ts|js|mts|py|sh)$/.test(e.name) ? [join(dir, e.name)] : []));

/** `cp -l`/`-al`/`--link` (as a shell line or an argument list), fs.link/linkSync, `ln` without -s. */
const HARD_LINK = [/\bcp\b.*(["'\s]-[a-zA-Z]*l[a-zA-Z]*["'\s]|--link)/, /\blink(Sync)?\(/, /\bln\s+(?!-s)/];

describe("files that run in parallel", () => {
  it("make no hard links (a link changes the link count of the file linked, and the notebook tests' TypeScript watches the library's files)", () => {
    const offenders: string[] = [];
    for (const file of testFiles(join(ROOT, "test")).filter((f) => !f.endsWith(".alone.test.ts") && f !== __filename)) {
      readFileSync(file, "utf8").split("\n").forEach((line, i) => {
        if (HARD_LINK.some((pattern) => pattern.test(line))) offenders.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders, "make copies, or move the test into a file named *.alone.test.ts").toEqual([]);
  });

  it("the .alone files run in a group after every other file, one at a time", async () => {
    const configFile = join(ROOT, "vitest.config.mts"); // a path held in a variable: the type-check stays out of the config
    const config = ((await import(configFile)) as { default: unknown }).default as { test: { projects: { test: { name: string; include?: string[]; exclude?: string[]; fileParallelism?: boolean; sequence?: { groupOrder?: number } } }[] } };
    const [parallel, alone] = ["parallel", "alone"].map((name) => config.test.projects.find((p) => p.test.name === name)!.test);
    expect(alone.include).toEqual(["test/**/*.alone.test.ts"]);
    expect(parallel.exclude).toEqual(alone.include);
    expect(alone.fileParallelism).toBe(false);
    expect(alone.sequence!.groupOrder).toBeGreaterThan(parallel.sequence!.groupOrder ?? 0);
  });

  it("every file the sequencer starts first exists (a renamed one would lose its place and could end the run alone)", () => {
    const files = readdirSync(join(ROOT, "test"));
    const slowestFirst = JSON.parse(readFileSync(join(ROOT, "test/slowest-first.json"), "utf8")) as string[];
    expect(slowestFirst.length).toBeGreaterThan(0);
    expect(slowestFirst.filter((name) => !files.includes(name))).toEqual([]);
  });
});
