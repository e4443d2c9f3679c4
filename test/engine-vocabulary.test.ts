/**
 * The engine knows no assignment: no file of grader/ outside grader/assignments/ (notebook reading, the sandbox,
 * compiling, batches, reports, the assign pipeline, the commands) names anything of one. The words looked for
 * are taken from the assignments' own definitions, so a new assignment's words are covered without editing this
 * test: its graded functions and their cells (and test cells), its check ids, its notebooks' file names, its
 * notebook settings, the numbers its graded functions take (hyperparameters, such as a keep probability), and the
 * names of the values they return that hold a digit (A3, dW1, cache.D1).
 * Fails when: an engine file names a graded function, a hyperparameter or a notebook (seen red: "keepProb" put
 * back into a comment of grader/grading/grade.ts).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, valueNamesOf } from "dropout-kit";
import { AUTHORED_ASSIGNMENTS } from "../grader/assignments/authoring";
import { readReferences } from "../grader/grading/references";
import { PROJECT_ROOT } from "../grader/assign/bundle";

const GRADER = join(PROJECT_ROOT, "grader");
/** Not the engine: the assignments themselves, and what is generated or compiled. */
const NOT_ENGINE = new Set(["assignments", "dist", ".cache"]);

function engineFiles(dir = GRADER): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return dir === GRADER && NOT_ENGINE.has(name) ? [] : engineFiles(path);
    return /\.(ts|js|sh)$/.test(name) ? [path] : [];
  });
}

/** Everything an assignment names that the engine must not. */
function vocabulary(): Map<string, string> {
  const words = new Map<string, string>();
  for (const a of AUTHORED_ASSIGNMENTS) {
    const add = (word: string, what: string) => words.set(word, `${a.id}'s ${what}`);
    for (const [fn, cell] of Object.entries(a.gradedCells)) {
      add(fn, "graded function");
      add(cell, "graded cell");
      add(`${cell}_test`, "test cell");
    }
    for (const check of a.checks) add(check.id, "check id");
    for (const name of readdirSync(a.sourceDir).filter((f) => f.endsWith(".ipynb"))) add(name, "notebook");
    for (const key of Object.keys(a.notebookSettings)) add(key, "notebook setting");
    for (const call of a.plan(readReferences(a), { publicOnly: true })) {
      for (const arg of call.request.args) if ("number" in arg) add(arg.name, "hyperparameter");
      for (const name of valueNamesOf(call.request.returns)) if (/\d/.test(name)) add(name, "returned value");
    }
  }
  return words;
}

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("the engine names no assignment", () => {
  beforeAll(async () => {
    await initBackend();
  });

  it("no engine file holds a graded function, cell, check, notebook, setting, hyperparameter or output name", () => {
    const words = vocabulary();
    // The vocabulary is real: each assignment contributes its functions, checks and hyperparameters.
    expect(words.size).toBeGreaterThan(20);
    const files = engineFiles();
    expect(files.length).toBeGreaterThan(30);
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const [word, what] of words) {
        if (new RegExp(`(?<![\\w$.-])${escape(word)}(?![\\w$-])`).test(text)) found.push(`${relative(PROJECT_ROOT, file)} names ${what} "${word}"`);
      }
    }
    expect(found).toEqual([]);
  });
});
