/**
 * The line between what students receive and what the grader keeps, as the layout shows it: the helper library
 * (src/, shipped in the student bundle and mounted into the sandbox) imports nothing of grader/ and nothing outside
 * itself but packages, and holds no line of an assignment's recomputations (what `npm run assign` refuses too).
 * Fails when: a file of src/ requires a module of grader/ (seen red with `require("../../../grader/assignments/dropout/checks/recompute")`
 * added to src/assignments/dropout/rules.ts: 1 test; a static import of it is refused by the build itself, outside
 * src's rootDir), or a recomputation is copied into src/ (seen red with L2's recompute.ts copied to src/: 1 test).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { recomputationLeaks, recomputationLines } from "../grader/assign/validate";
import { AUTHORED_ASSIGNMENTS } from "../grader/assignments/authoring";

const ROOT = resolve(__dirname, "..");
const SRC = join(ROOT, "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "dist" || name === "node_modules") return [];
    return statSync(path).isDirectory() ? sources(path) : name.endsWith(".ts") ? [path] : [];
  });
}

/** The module specifiers a file imports: static imports and re-exports, require() and import(). */
export function importsOf(text: string): string[] {
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/g), ...text.matchAll(/\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/g), ...text.matchAll(/(?:^|\n)\s*import\s+["']([^"']+)["']/g)];
  return found.map((m) => m[1]);
}

describe("the helper library is what students receive, and nothing of the grader's", () => {
  const files = sources(SRC);

  it("reads the imports of a file (the scanner itself)", () => {
    expect(importsOf('import { a } from "./x";\nexport * from "../y";\nconst z = require("../../grader/z");\nimport "side";\nawait import("w");')).toEqual(["./x", "../y", "../../grader/z", "w", "side"]);
  });

  it("no file of src/ imports anything of grader/, or anything outside src/ but packages", () => {
    expect(files.length).toBeGreaterThan(30);
    const outside = files.flatMap((file) =>
      importsOf(readFileSync(file, "utf8"))
        .filter((spec) => spec.startsWith("."))
        .map((spec) => ({ file: relative(ROOT, file), target: relative(ROOT, resolve(dirname(file), spec)) }))
        .filter(({ target }) => !target.startsWith("src/")),
    );
    expect(outside).toEqual([]);
    expect(files.flatMap((file) => importsOf(readFileSync(file, "utf8")).filter((spec) => /grader/.test(spec)).map((spec) => `${relative(ROOT, file)}: ${spec}`))).toEqual([]);
  });

  it("no file of src/ holds a line of an assignment's recomputations", () => {
    const lines = recomputationLines(AUTHORED_ASSIGNMENTS.flatMap((a) => a.recomputations));
    expect(lines.length).toBeGreaterThan(20);
    const texts = files.map((file) => ({ path: relative(ROOT, file), text: readFileSync(file, "utf8") }));
    expect(recomputationLeaks(lines, texts, (f) => relative(ROOT, f))).toEqual([]);
    // And the check finds one where it is (a control).
    const recompute = AUTHORED_ASSIGNMENTS[0].recomputations[0];
    expect(recomputationLeaks(lines, [{ path: "src/copy.ts", text: readFileSync(recompute, "utf8") }], (f) => relative(ROOT, f))).toHaveLength(1);
  });
});
