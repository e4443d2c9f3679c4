/**
 * `npm run assign`: regenerates everything derived from the instructor source (grader/source/: the
 * notebook with its solutions, and settings.ts), then validates it:
 *   1. the student notebooks in notebooks/ (release.ts; outputs.ts for cells that ship with outputs);
 *   2. the grader's reference outputs, by running the solution on every case (grader/references/);
 *   3. the example gallery the grader's tests use (grader/examples/submissions/);
 *   4. dist/dropout-student-bundle.zip (bundle.ts) and dist/gradescope-autograder.zip (gradescope.ts);
 *   5. checks: unique grade_ids, matched markers, no line of a solution or hidden test in anything a
 *      student gets, the solution scores full marks in the grader, the untouched release scores 0.
 * `--check` writes nothing and exits 1 when a committed file differs from what the source generates (CI).
 * Two runs give byte-identical files.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { initBackend } from "dropout-kit";
import { GALLERY_DIR, galleryFiles } from "../examples/gallery";
import { gradeSubmission } from "../grading/grade";
import { generateReferences, readReferences, REFERENCES_FILE, serializeReferences } from "../grading/references";
import { MAX_SCORE } from "../grading/spec";
import { cellSource, readNotebook, serializeNotebook } from "../notebook/notebook";
import type { Notebook } from "../notebook/notebook";
import { loadReferenceSolution } from "../reference-solution";
import { BUNDLE_NAME, PROJECT_ROOT, studentBundle } from "./bundle";
import { GRADESCOPE_NAME, gradescopePackage } from "./gradescope";
import { withFreshOutputs } from "./outputs";
import { releaseNotebook } from "./release";
import { checkGradeIds, leaks, pointsNotices, secretLines } from "./validate";

export const SOURCE_DIR = resolve(__dirname, "../source");
export const RELEASE_DIR = resolve(__dirname, "../../notebooks");
export const DIST_DIR = resolve(PROJECT_ROOT, "dist");

function sourceNotebooks(): { name: string; notebook: Notebook }[] {
  return readdirSync(SOURCE_DIR)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((name) => ({ name, notebook: readNotebook(join(SOURCE_DIR, name)) }));
}

/** The student notebooks as `npm run assign` writes them (executing the cells that keep their outputs). */
export async function releasedNotebooks(): Promise<{ name: string; text: string }[]> {
  const released = [];
  for (const { name, notebook } of sourceNotebooks()) {
    released.push({ name, text: serializeNotebook(await withFreshOutputs(releaseNotebook(notebook, name), RELEASE_DIR, name)) });
  }
  return released;
}

/** A generated file: written (atomically) when it changed, or in --check mode reported as stale. */
class Outputs {
  stale: string[] = [];
  constructor(private readonly check: boolean) {}

  put(path: string, content: string | Uint8Array): void {
    const bytes = typeof content === "string" ? Buffer.from(content) : Buffer.from(content);
    let current: Buffer | undefined;
    try {
      current = readFileSync(path);
    } catch {}
    const shown = relative(PROJECT_ROOT, path);
    if (current?.equals(bytes)) return console.log(`  up to date: ${shown}`);
    if (this.check) {
      this.stale.push(shown);
      return console.error(`  out of date: ${shown}`);
    }
    mkdirSync(resolve(path, ".."), { recursive: true });
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
    console.log(`  wrote: ${shown}`);
  }
}

/** A student-visible file's text: a notebook's cell sources (not its JSON escapes), other files as they are. */
function visibleText(path: string, bytes: Uint8Array): string {
  const text = strFromU8(bytes);
  if (!path.endsWith(".ipynb")) return text;
  try {
    return (JSON.parse(text) as Notebook).cells.map(cellSource).join("\n");
  } catch {
    return text;
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const outputs = new Outputs(check);
  const problems: string[] = [];
  const sources = sourceNotebooks();

  console.log("assign: validating the instructor source");
  for (const { name, notebook } of sources) {
    problems.push(...checkGradeIds(notebook, `grader/source/${name}`));
    for (const notice of pointsNotices(notebook, `grader/source/${name}`)) console.log(`  note: ${notice}`);
  }

  console.log("assign: the student notebooks");
  const released = await releasedNotebooks(); // throws MarkerError, naming notebook, cell and line
  for (const { name, text } of released) outputs.put(join(RELEASE_DIR, name), text);

  console.log("assign: the reference outputs (running the solution on every case)");
  await initBackend();
  outputs.put(REFERENCES_FILE, serializeReferences(generateReferences(await loadReferenceSolution())));

  console.log("assign: the example gallery");
  const gallery = galleryFiles();
  for (const { name, text } of gallery) outputs.put(join(GALLERY_DIR, name), text);
  const wanted = new Set(gallery.map((f) => f.name));
  for (const old of readdirSync(GALLERY_DIR).filter((f) => f.endsWith(".ipynb") && !wanted.has(f))) {
    if (check) outputs.stale.push(`grader/examples/submissions/${old} (no longer generated)`);
    else rmSync(join(GALLERY_DIR, old));
  }

  console.log("assign: the student bundle and the Gradescope package");
  const bundle = studentBundle();
  const autograder = gradescopePackage();
  if (!check) {
    outputs.put(join(DIST_DIR, `${BUNDLE_NAME}.zip`), bundle);
    outputs.put(join(DIST_DIR, `${GRADESCOPE_NAME}.zip`), autograder);
  }

  console.log("assign: checking what students get");
  const secrets = sources.flatMap(({ notebook }) => secretLines(notebook));
  const studentFiles = [
    ...released.map(({ name, text }) => ({ path: `notebooks/${name}`, text: visibleText(name, Buffer.from(text)) })),
    ...Object.entries(unzipSync(bundle)).map(([path, bytes]) => ({ path: `${BUNDLE_NAME}.zip:${path.replace(`${BUNDLE_NAME}/`, "")}`, text: visibleText(path, bytes) })),
  ];
  problems.push(...leaks(secrets, studentFiles));
  for (const path of Object.keys(unzipSync(bundle))) {
    if (/\/grader\/|settings\.ts$|references/.test(path)) problems.push(`${BUNDLE_NAME}.zip holds ${path}, which is the grader's, not the students'`);
  }

  // The grader's view of the generated files: in --check mode the committed ones are what CI checks.
  if (!check || outputs.stale.length === 0) {
    console.log("assign: grading the solution and the untouched release");
    const references = readReferences();
    const solution = await gradeSubmission(join(GALLERY_DIR, "solution.ipynb"), references);
    if (solution.score !== MAX_SCORE) {
      const failed = solution.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.output}`);
      problems.push(`the solution scores ${solution.score} / ${MAX_SCORE} in the grader, not full marks:\n    ${[...solution.notes, ...failed].join("\n    ")}`);
    }
    const untouched = await gradeSubmission(join(GALLERY_DIR, "untouched-release.ipynb"), references);
    const feedback = untouched.tests.map((t) => t.output).join("\n");
    if (untouched.score !== 0) problems.push(`the untouched release scores ${untouched.score}, not 0: do the stubs throw?`);
    if (!/Not implemented yet/.test(feedback)) problems.push(`the untouched release's feedback does not say "Not implemented yet"; it says: ${feedback.slice(0, 300)}`);
  }

  if (outputs.stale.length) problems.push(`out of date (run \`npm run assign\` and commit): ${outputs.stale.join(", ")}`);
  if (problems.length) {
    console.error(`\nassign: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exit(1);
  }
  console.log(check ? "\nassign: everything generated is up to date and valid." : "\nassign: done; everything generated is valid.");
  process.exit(0);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`assign: ${(error as Error)?.message ?? String(error)}`);
    process.exit(1);
  });
}
