/**
 * The Gradescope autograder package: Gradescope unpacks it into /autograder/source, runs `setup.sh` once
 * to build its image, then `run_autograder` per submission (grader/gradescope/run.ts). It holds the
 * grader (the engine and each assignment's grading part), what `npm run assign` derives for it (each
 * assignment's references.json: the reference outputs and the released set-up cell), the settings (the cases'
 * seeds and the points) and the helper library. It grades any assignment's notebook (its metadata says which).
 * It goes to Gradescope, never to students, and holds only what grading reaches (shippedGraderFiles): no
 * instructor notebook, no example gallery nor its generator (gallery.ts edits lines of the solution), nothing
 * of the release step, nothing built from the solution (grader/.cache/); assign stops if a line of a solution
 * would be in it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { ASSIGNMENTS } from "../assignments";
import { readNotebook } from "../notebook/notebook";
import { AUTHORED_ASSIGNMENTS } from "../assignments/authoring";
import { instructorNotebook } from "../reference-solution";
import { leaks, secretLines } from "./validate";
import type { ArchiveEntry } from "./archive";
import { zipArchive } from "./archive";
import { PROJECT_ROOT, projectFiles } from "./bundle";

/** One package per assignment (a Gradescope assignment is one of ours): `gradescope-autograder-<id>.zip`. */
export const gradescopeName = (assignmentId: string) => `gradescope-autograder-${assignmentId}`;

const SETUP_SH = `#!/usr/bin/env bash
# Gradescope runs this once, as root, on its Ubuntu image, to install what the grader needs.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  apt-get update
  apt-get install -y ca-certificates curl
  # Downloaded whole, then run: no pipe, so no half-downloaded script runs and no SIGPIPE under pipefail.
  nodesource_setup="$(mktemp)"
  curl -fsSL -o "$nodesource_setup" https://deb.nodesource.com/setup_20.x
  bash "$nodesource_setup"
  rm -f "$nodesource_setup"
  apt-get install -y nodejs
fi
# bubblewrap, the grader's sandbox. Where Gradescope's container refuses its namespaces, run_autograder
# grades under Node's permission model instead (each submission has a container of its own) and says so.
command -v bwrap >/dev/null 2>&1 || apt-get install -y --no-install-recommends bubblewrap || { apt-get update && apt-get install -y --no-install-recommends bubblewrap; } || echo "setup.sh: bubblewrap could not be installed; submissions will be graded under Node's permission model"
cd "\${AUTOGRADER_ROOT:-/autograder}/source"
npm ci --no-audit --no-fund   # its "prepare" script builds the helper library and the grader's sandbox
`;

/** Gradescope runs this per submission; the package's assignment is written into it, so a notebook of another assignment is refused. */
const runAutograder = (assignmentId: string) => `#!/usr/bin/env bash
# Gradescope runs this per submission: grades /autograder/submission as the assignment "${assignmentId}",
# writes /autograder/results/results.json.
set -euo pipefail
cd "\${AUTOGRADER_ROOT:-/autograder}/source"
exec node node_modules/tsx/dist/cli.mjs grader/gradescope/run.ts --assignment ${assignmentId}
`;

/** The project files (project-relative) these modules reach through relative imports, transitively. */
export function importClosure(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, "utf8").matchAll(/(?:from|import)\s+"(\.{1,2}\/[^"]+)"/g)) {
      const base = join(dirname(file), m[1]);
      const target = [`${base}.ts`, join(base, "index.ts"), base].find((f) => existsSync(f) && statSync(f).isFile());
      if (target) visit(target);
    }
  };
  for (const entry of entries) visit(join(PROJECT_ROOT, entry));
  return [...seen].map((f) => relative(PROJECT_ROOT, f)).sort();
}

/**
 * What of grader/ the package holds: what grading reaches from Gradescope's entry point (run.ts), the sandbox
 * runtime (built by `npm ci`; its compile worker is started by path, not imported) and each assignment's
 * references. Nothing of the release step, no notebook, no gallery, no solution loader.
 */
export function shippedGraderFiles(): string[] {
  const sandbox = readdirSync(join(PROJECT_ROOT, "grader/sandbox")).filter((f) => f.endsWith(".ts")).map((f) => `grader/sandbox/${f}`);
  const references = ASSIGNMENTS.map((a) => relative(PROJECT_ROOT, a.referencesFile));
  return [...new Set([...importClosure(["grader/gradescope/run.ts", ...sandbox]), "grader/sandbox/tsconfig.json", ...references])].sort();
}

/**
 * The package's files, read from the project; `generated` (project-relative path -> content) replaces or adds
 * files that `npm run assign` has generated but not yet put in place (the reference outputs).
 */
export function gradescopeEntries(assignmentId: string, generated: Record<string, string | Uint8Array> = {}): ArchiveEntry[] {
  const files = [
    ...shippedGraderFiles(),
    ...projectFiles("src", (p) => !p.endsWith(".test.ts")),
    "package.json",
    "package-lock.json",
    "tsconfig.json",
  ];
  const added = Object.keys(generated).filter((path) => !files.includes(path));
  return [
    ...[...files, ...added].map((path) => ({ path, content: generated[path] ?? readFileSync(join(PROJECT_ROOT, path)) })),
    { path: "setup.sh", content: SETUP_SH, executable: true },
    { path: "run_autograder", content: runAutograder(assignmentId), executable: true },
  ];
}

/** Where a line of the solution (or of the hidden tests) would be in the package: nowhere, or assign stops. */
export function gradescopeLeaks(entries: ArchiveEntry[], name: string): string[] {
  const secrets = AUTHORED_ASSIGNMENTS.flatMap((a) => secretLines(readNotebook(instructorNotebook(a))));
  const texts = entries.map((e) => ({ path: `${name}.zip:${e.path}`, text: typeof e.content === "string" ? e.content : Buffer.from(e.content).toString("utf8") }));
  return [...entries.filter((e) => e.path.endsWith(".ipynb")).map((e) => `${name}.zip holds a notebook, ${e.path}: the grader needs none`), ...leaks(secrets, texts)];
}

export function gradescopePackage(assignmentId: string, generated?: Record<string, string | Uint8Array>): Uint8Array {
  const entries = gradescopeEntries(assignmentId, generated);
  const problems = gradescopeLeaks(entries, gradescopeName(assignmentId));
  if (problems.length) throw new Error(`the Gradescope package would ship the solution:\n  ${problems.join("\n  ")}`);
  return zipArchive(entries);
}
