/**
 * The shell scripts the project ships, under `set -o pipefail`: no pipeline whose reader can stop early.
 *
 * `cmd | grep -q PATTERN` (or `| head`, or `| bash` reading a script) ends the reader at the first match;
 * the writer then gets SIGPIPE (Python: BrokenPipeError) and, under pipefail, the whole pipeline fails
 * although the match was found. scripts/setup-jupyter.sh did exactly that with
 * `"$PYTHON" -m jupyter kernelspec list | grep -Eq ...`: about 4 runs in 20 failed with PYTHONUNBUFFERED=1.
 *
 * What makes these tests fail (both were seen red):
 * - putting the old lines back as the body of kernelspec_listed() in scripts/setup-jupyter.sh,
 *     "$PYTHON" -m jupyter kernelspec list | sed 's/^/    /'
 *     "$PYTHON" -m jupyter kernelspec list | grep -Eq "^[[:space:]]+$KERNEL_NAME[[:space:]]"
 *   the 20-run test fails (several of the 20 runs exit 1 with BrokenPipeError) and so does the static scan;
 * - any `| grep -q`, `| grep -Eq`, `| head` or `| bash` after a command in a shipped script that sets
 *   pipefail (scripts/, .ci/run, the Gradescope setup.sh / run_autograder written by
 *   grader/assign/gradescope.ts, the student bundle's copy of the set-up script): the static scan names the
 *   script and the line. (Seen red on gradescope.ts's former `curl ... | bash -`.)
 *
 * The 20-run test needs Debian's Jupyter with the tslab kernel registered (`npm run setup:jupyter`): it is
 * skipped with a note without them, except with CI=true, where that is a failure.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleEntries, PROJECT_ROOT } from "../grader/assign/bundle";
import { gradescopeEntries } from "../grader/assign/gradescope";
import { isCI, jupyterStatus } from "./helpers/jupyter";

const SETUP_SCRIPT = join(PROJECT_ROOT, "scripts/setup-jupyter.sh");
const RUNS = 20;

describe("scripts/setup-jupyter.sh: the kernel-registration check", () => {
  const jupyter = jupyterStatus();
  if (!jupyter.available && !isCI()) console.warn(`skipping the ${RUNS}-run kernelspec check of setup-jupyter.sh: ${jupyter.reason}`);

  it(`SETUP_JUPYTER_ONLY=kernelspec-check passes ${RUNS} runs out of ${RUNS} with PYTHONUNBUFFERED=1`, (context) => {
    if (!jupyter.available) {
      if (isCI()) throw new Error(`${jupyter.reason} (CI is set, so this is a failure, not a skip)`);
      context.skip(jupyter.reason);
    }
    const env = { ...process.env, PYTHONUNBUFFERED: "1", SETUP_JUPYTER_ONLY: "kernelspec-check" };
    const failures: string[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const run = spawnSync("bash", [SETUP_SCRIPT], { env, encoding: "utf8", timeout: 60_000 });
      if (run.status !== 0) failures.push(`run ${i}: exit ${run.status ?? run.signal}\n${run.stdout}${run.stderr}`.trim());
      else if (!/^\s+tslab\s/m.test(run.stdout)) failures.push(`run ${i}: exit 0, but the kernelspec list it printed has no tslab:\n${run.stdout}`);
    }
    expect(failures, `${failures.length} of ${RUNS} runs failed:\n${failures.join("\n---\n")}`).toEqual([]);
  }, 180_000);

  it("SETUP_JUPYTER_ONLY with an unknown step is an error that names the one it knows", () => {
    const run = spawnSync("bash", [SETUP_SCRIPT], { env: { ...process.env, SETUP_JUPYTER_ONLY: "kernelspec" }, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("the only step that runs alone is 'kernelspec-check'");
  });
});

/**
 * Pipelines whose reader may exit before its writer is done: grep told to stop at a match (-q, -m,
 * --quiet, --silent, --max-count), head, or a shell reading a script from the pipe. `||` is not a pipe.
 */
const EARLY_EXIT_READER = /(?<![|])\|&?\s*(?:(?:sudo|env)\s+)?(?:grep(?:\s+[^|;&]*?)?\s(?:-[A-Za-z]*[qm][A-Za-z0-9]*|--quiet|--silent|--max-count\S*)(?=\s|$)|head\b|(?:ba|da|z)?sh\b)/;

function earlyExitPipelines(script: string): { line: number; text: string }[] {
  if (!/^\s*set\s+[^#\n]*\bpipefail\b/m.test(script)) return [];
  const found: { line: number; text: string }[] = [];
  const lines = script.split("\n");
  for (let i = 0; i < lines.length; i++) {
    // A command continued with a trailing backslash is one logical line.
    let text = lines[i];
    const start = i;
    while (text.endsWith("\\") && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]}`;
    // Quoted text is data, not a pipe: `grep -E "a|head"` is one command.
    const code = text.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '""').replace(/(^|\s)#.*$/, "$1");
    if (EARLY_EXIT_READER.test(code)) found.push({ line: start + 1, text: text.trim() });
  }
  return found;
}

/** The project's own shell scripts: *.sh files and files with a sh/bash shebang, outside dependencies and build output. */
function projectShellScripts(): { path: string; text: string }[] {
  const skip = new Set(["node_modules", ".git", "dist", "test-artifacts", "grading-results", ".cache"]);
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (skip.has(name) || name.startsWith(".assign-staging-")) continue;
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.size < 1_000_000) {
        const text = readFileSync(path, "utf8");
        if (name.endsWith(".sh") || /^#!.*\b(?:ba|da)?sh\b/.test(text)) out.push({ path: relative(PROJECT_ROOT, path), text });
      }
    }
  };
  walk(PROJECT_ROOT);
  return out;
}

/** Shell scripts inside the generated archives (Gradescope's setup.sh and run_autograder, the bundle's set-up script). */
function generatedShellScripts(): { path: string; text: string }[] {
  const text = (content: string | Uint8Array) => (typeof content === "string" ? content : Buffer.from(content).toString("utf8"));
  return [
    ...gradescopeEntries("dropout").map((e) => ({ path: `gradescope-autograder-dropout.zip:${e.path}`, text: text(e.content), executable: e.executable })),
    ...bundleEntries().map((e) => ({ path: `dropout-student-bundle.zip:${e.path}`, text: text(e.content), executable: e.executable })),
  ].filter((e) => e.executable || e.path.endsWith(".sh") || /^#!.*\b(?:ba|da)?sh\b/.test(e.text));
}

describe("shipped shell scripts under pipefail", () => {
  it("the scan finds the early-exit readers it is meant to find, and nothing else", () => {
    const pipefail = "#!/usr/bin/env bash\nset -euo pipefail\n";
    expect(earlyExitPipelines(`${pipefail}"$PYTHON" -m jupyter kernelspec list | grep -Eq "^[[:space:]]+$KERNEL_NAME[[:space:]]" \\\n  || die "x"\n`)).toHaveLength(1);
    expect(earlyExitPipelines(`${pipefail}ls | grep -q x\nls | head -1\ncurl -fsSL https://x | bash -\nls | grep --quiet x\nls | grep -m1 x\n`).map((f) => f.line)).toEqual([3, 4, 5, 6, 7]);
    expect(earlyExitPipelines(`${pipefail}a || grep -q x file\nls | sed 's/^/ /'\nls | grep -v q\n# ls | grep -q x\nls | grep -E "q|head"\n`)).toEqual([]);
    expect(earlyExitPipelines("#!/bin/sh\nls | grep -q x\n")).toEqual([]); // without pipefail a reader that stops early is harmless
    expect(earlyExitPipelines("set -o pipefail\nls | head\n")).toHaveLength(1);
  });

  it("no shipped or generated script pipes a command into grep -q, head or a shell", () => {
    const scripts = [...projectShellScripts(), ...generatedShellScripts()];
    const paths = scripts.map((s) => s.path);
    // The scan must see what the project ships, or it proves nothing.
    expect(paths).toEqual(expect.arrayContaining([
      "scripts/setup-jupyter.sh",
      ".ci/run",
      "gradescope-autograder-dropout.zip:setup.sh",
      "gradescope-autograder-dropout.zip:run_autograder",
      "dropout-student-bundle.zip:dropout-student-bundle/scripts/setup-jupyter.sh",
    ]));
    const found = scripts.flatMap(({ path, text }) => earlyExitPipelines(text).map((f) => `${path}:${f.line}: ${f.text}`));
    expect(found, "capture the command's output into a variable first, then match it (see scripts/setup-jupyter.sh, kernelspec_listed)").toEqual([]);
  });
});
