/**
 * What students get, in two bundles:
 * - the student bundle (hand it out with the assignments): only what a student needs to open and work through
 *   the graded notebooks (their release, the helper library's sources, the pinned dependencies, the kernel
 *   set-up script, a short README). No instructor notebook, no solution, no hidden case, no reference output,
 *   nothing from grader/, and no ungraded notebook: the experiments show how dropout is done.
 * - the experiments bundle (hand it out after the deadline): the same library and set-up, and the ungraded
 *   notebooks with the helpers beside them (the experiments' own dropout variants).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Assignment } from "../assignment";
import { AUTHORED_ASSIGNMENTS } from "../assignments/authoring";
import type { ArchiveEntry } from "./archive";
import { zipArchive } from "./archive";

export const PROJECT_ROOT = resolve(__dirname, "../..");
export const BUNDLE_NAME = "dropout-student-bundle";
export const EXPERIMENTS_BUNDLE_NAME = "dropout-experiments-bundle";

/** Files under `dir` (relative to the project), recursively, skipping build output and dependencies. */
export function projectFiles(dir: string, keep: (path: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (absolute: string) => {
    for (const name of readdirSync(absolute).sort()) {
      if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
      const path = join(absolute, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (keep(relative(PROJECT_ROOT, path))) out.push(relative(PROJECT_ROOT, path));
    }
  };
  walk(join(PROJECT_ROOT, dir));
  return out;
}

/** The project's package.json with the student's scripts only (dependencies unchanged: the lockfile matches). */
export function studentPackageJson(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as Record<string, unknown>;
  pkg.description = "The assignments: notebooks for the tslab kernel and the helper library they import.";
  pkg.scripts = {
    build: "tsc -p src/tsconfig.json",
    prepare: "npm run build",
    "setup:jupyter": "bash scripts/setup-jupyter.sh",
    check: "node src/dist/selfCheck.js",
  };
  delete pkg.bin;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** Both bundles' set-up, as their READMEs say it. */
const SETUP_SECTION = `## Set-up (Debian/Ubuntu with Node.js 20+ and npm)

\`\`\`bash
npm ci                  # installs the pinned dependencies and builds the helper library
npm run setup:jupyter   # installs Jupyter if missing (apt-get) and registers the "TypeScript" kernel
\`\`\`
`;

/** The student's README: set-up, the notebooks of every assignment, and the self-check. */
export function studentReadme(assignments: Pick<Assignment, "title" | "notebook">[] = AUTHORED_ASSIGNMENTS): string {
  const first = assignments[0]?.notebook ?? "NOTEBOOK.ipynb";
  return `# ${assignments.map((a) => a.title).join(" and ")}: the assignments

Notebooks in TypeScript on the **tslab** kernel, with a helper library on TensorFlow.js (\`src/\`, imported
by the notebooks as \`dropout-kit\`).

${SETUP_SECTION}
## Work

\`\`\`bash
${assignments.map((a) => `jupyter notebook notebooks/${a.notebook}   # ${a.title}`).join("\n")}
\`\`\`

As root (in a container, say) Jupyter refuses to start without \`--allow-root\`:
\`jupyter notebook --allow-root notebooks/${first}\`. \`npm run setup:jupyter\` ends by printing the command
to use.

Pick the **TypeScript** kernel if asked. Write your code between \`// YOUR CODE STARTS HERE\` and
\`// YOUR CODE ENDS HERE\`, run the test cell below each exercise, and hand in the saved \`.ipynb\`.
Leave the other cells as they are: the grader runs its own tests, and edited read-only cells are reported.

## Check before you hand in

\`npm run check -- notebooks/${first}\` (or another assignment's notebook) runs your set-up and graded cells (not
the others) and the public checks your test cells run. Exit status 0: every public check passes; 1: one fails;
2: the file cannot be checked.
`;
}

/** A student notebook: its file name in notebooks/ and its text. */
export interface ReleasedNotebook {
  name: string;
  text: string;
}

/** The notebooks the instructor sources generate (each assignment's source/*.ipynb share their names with the release). */
export function releasedNames(assignments: Pick<Assignment, "sourceDir">[] = AUTHORED_ASSIGNMENTS): string[] {
  return assignments.flatMap((a) => readdirSync(a.sourceDir).filter((f) => f.endsWith(".ipynb"))).sort();
}

/** The files released beside the notebooks (an ungraded notebook's helpers): each assignment's `companions`. */
export function companionNames(assignments: Pick<Assignment, "companions">[] = AUTHORED_ASSIGNMENTS): string[] {
  return assignments.flatMap((a) => a.companions ?? []).sort();
}

/** The committed student notebooks and their companions, by the names the source generates: never any other file in notebooks/. */
function committedRelease(): ReleasedNotebook[] {
  return [...releasedNames(), ...companionNames()].map((name) => ({ name, text: readFileSync(join(PROJECT_ROOT, "notebooks", name), "utf8") }));
}

/** Whether a released file belongs to a graded assignment (its notebook), or comes after the deadline (the rest). */
const graded = (name: string, assignments: Pick<Assignment, "notebook">[] = AUTHORED_ASSIGNMENTS) => assignments.some((a) => a.notebook === name);

/**
 * The bundle's files. Its notebooks are the release `npm run assign` generates (passed in), not whatever
 * lies in notebooks/: an Untitled.ipynb or a solved copy there never reaches students.
 */
export function bundleEntries(release: ReleasedNotebook[] = committedRelease(), generated: Record<string, string> = {}, which: "assignments" | "experiments" = "assignments"): ArchiveEntry[] {
  const name = which === "assignments" ? BUNDLE_NAME : EXPERIMENTS_BUNDLE_NAME;
  const notebooks = release.filter((r) => graded(r.name) === (which === "assignments"));
  // Files `npm run assign` has just generated (staged, not yet in place) are taken as generated.
  const read = (path: string) => (path in generated ? Buffer.from(generated[path]) : readFileSync(join(PROJECT_ROOT, path)));
  const files = [
    ...projectFiles("src", (p) => !p.endsWith(".test.ts")),
    "package-lock.json",
    "tsconfig.json",
    "scripts/setup-jupyter.sh",
  ];
  return [
    ...notebooks.map(({ name: file, text }) => ({ path: `${name}/notebooks/${file}`, content: text })),
    ...files.map((path) => ({ path: `${name}/${path}`, content: read(path), executable: path.endsWith(".sh") })),
    { path: `${name}/package.json`, content: studentPackageJson() },
    { path: `${name}/README.md`, content: which === "assignments" ? studentReadme() : experimentsReadme(notebooks.map((n) => n.name).filter((n) => n.endsWith(".ipynb"))) },
  ];
}

export function studentBundle(release?: ReleasedNotebook[], generated?: Record<string, string>): Uint8Array {
  return zipArchive(bundleEntries(release, generated, "assignments"));
}

export function experimentsBundle(release?: ReleasedNotebook[], generated?: Record<string, string>): Uint8Array {
  return zipArchive(bundleEntries(release, generated, "experiments"));
}

/** The experiments bundle's README: set-up, and the ungraded notebooks. */
export function experimentsReadme(notebooks: string[]): string {
  const list = notebooks.map((n) => `\`notebooks/${n}\``).join(", ");
  return `# The experiments: why inverted dropout works

Ungraded notebooks in TypeScript on the **tslab** kernel (${list}): each question learners ask about inverted
dropout answered with an experiment and a plot. They show how dropout is done, so they come after the
assignment's deadline. The helpers they import lie beside them in \`notebooks/\`; the library is \`src/\`
(\`dropout-kit\`).

${SETUP_SECTION}
## Run

\`\`\`bash
${notebooks.map((n) => `jupyter notebook notebooks/${n}`).join("\n")}
\`\`\`

As root (in a container, say) Jupyter refuses to start without \`--allow-root\`. Pick the **TypeScript** kernel if asked.
`;
}
