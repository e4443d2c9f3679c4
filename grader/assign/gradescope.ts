/**
 * The Gradescope autograder package: Gradescope unpacks it into /autograder/source, runs `setup.sh` once
 * to build its image, then `run_autograder` per submission (grader/gradescope/run.ts). It holds the
 * grader, its reference outputs, the instructor notebook (the grader takes its set-up cell from there)
 * and the helper library; it goes to Gradescope, never to students.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ArchiveEntry } from "./archive";
import { zipArchive } from "./archive";
import { PROJECT_ROOT, projectFiles } from "./bundle";

export const GRADESCOPE_NAME = "gradescope-autograder";

export const SETUP_SH = `#!/usr/bin/env bash
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

export const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this per submission: grades /autograder/submission, writes /autograder/results/results.json.
set -euo pipefail
cd "\${AUTOGRADER_ROOT:-/autograder}/source"
exec node node_modules/tsx/dist/cli.mjs grader/gradescope/run.ts
`;

/**
 * The package's files, read from the project; `generated` (project-relative path -> content) replaces or adds
 * files that `npm run assign` has generated but not yet put in place (the reference outputs).
 */
export function gradescopeEntries(generated: Record<string, string | Uint8Array> = {}): ArchiveEntry[] {
  const files = [
    ...projectFiles("grader", (p) => !p.startsWith("grader/examples/")),
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

export function gradescopePackage(generated?: Record<string, string | Uint8Array>): Uint8Array {
  return zipArchive(gradescopeEntries(generated));
}
