/**
 * The Gradescope autograder package: Gradescope unpacks it into /autograder/source, runs `setup.sh` once
 * to build its image, then `run_autograder` per submission (grader/gradescope/run.ts). It holds the
 * grader (the engine and each assignment's grading part), what `npm run assign` derives for it (each
 * assignment's references.json: the reference outputs and the released set-up cell), the settings (the cases'
 * seeds and the points) and the helper library. It grades any assignment's notebook (its metadata says which).
 * It goes to Gradescope, never to students, and still ships no solution: not the instructor notebooks
 * (grader/assignments/<id>/source/*.ipynb), not the example galleries nor their generators (gallery.ts edits
 * lines of the solution), nothing built from them (grader/.cache/ holds the solution as a module; dot-folders
 * and build output are never shipped).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readNotebook } from "../notebook/notebook";
import { AUTHORED_ASSIGNMENTS } from "../assignments/authoring";
import { instructorNotebook } from "../reference-solution";
import { leaks, secretLines } from "./validate";
import type { ArchiveEntry } from "./archive";
import { zipArchive } from "./archive";
import { PROJECT_ROOT, projectFiles } from "./bundle";

export const GRADESCOPE_NAME = "gradescope-autograder";

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

const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this per submission: grades /autograder/submission, writes /autograder/results/results.json.
set -euo pipefail
cd "\${AUTOGRADER_ROOT:-/autograder}/source"
exec node node_modules/tsx/dist/cli.mjs grader/gradescope/run.ts
`;

/** What of grader/ the package holds: the engine, each assignment's grading part and derived references, its settings; no notebook, no gallery. */
export function shippedGraderFile(path: string): boolean {
  if (/^grader\/assignments\/[^/]+\/(gallery\/|gallery\.ts$)/.test(path)) return false;
  return !path.endsWith(".ipynb");
}

/**
 * The package's files, read from the project; `generated` (project-relative path -> content) replaces or adds
 * files that `npm run assign` has generated but not yet put in place (the reference outputs).
 */
export function gradescopeEntries(generated: Record<string, string | Uint8Array> = {}): ArchiveEntry[] {
  const files = [
    ...projectFiles("grader", shippedGraderFile),
    ...projectFiles("src", (p) => !p.endsWith(".test.ts")),
    "package.json",
    "package-lock.json",
    "tsconfig.json",
  ];
  const added = Object.keys(generated).filter((path) => !files.includes(path));
  return [
    ...[...files, ...added].map((path) => ({ path, content: generated[path] ?? readFileSync(join(PROJECT_ROOT, path)) })),
    { path: "setup.sh", content: SETUP_SH, executable: true },
    { path: "run_autograder", content: RUN_AUTOGRADER, executable: true },
  ];
}

/** Where a line of the solution (or of the hidden tests) would be in the package: nowhere, or assign stops. */
export function gradescopeLeaks(entries: ArchiveEntry[] = gradescopeEntries()): string[] {
  const secrets = AUTHORED_ASSIGNMENTS.flatMap((a) => secretLines(readNotebook(instructorNotebook(a))));
  const texts = entries.map((e) => ({ path: `${GRADESCOPE_NAME}.zip:${e.path}`, text: typeof e.content === "string" ? e.content : Buffer.from(e.content).toString("utf8") }));
  return [...entries.filter((e) => e.path.endsWith(".ipynb")).map((e) => `${GRADESCOPE_NAME}.zip holds a notebook, ${e.path}: the grader needs none`), ...leaks(secrets, texts)];
}

export function gradescopePackage(generated?: Record<string, string | Uint8Array>): Uint8Array {
  const entries = gradescopeEntries(generated);
  const problems = gradescopeLeaks(entries);
  if (problems.length) throw new Error(`the Gradescope package would ship the solution:\n  ${problems.join("\n  ")}`);
  return zipArchive(entries);
}
