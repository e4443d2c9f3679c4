/**
 * `npm run assign`: regenerates everything derived from the instructor source (grader/source/: the
 * notebook with its solutions, and settings.ts), then validates it:
 *   1. the student notebooks in notebooks/ (release.ts; kept-outputs.ts for cells that ship with their outputs);
 *   2. the grader's references: the expected outputs, by running the solution on every case (grader/references/);
 *   3. the example gallery the grader's tests use (grader/examples/submissions/);
 *   4. dist/dropout-student-bundle.zip (bundle.ts, built from the generated release, never from whatever
 *      else lies in notebooks/) and dist/gradescope-autograder.zip (gradescope.ts);
 *   5. checks: unique grade_ids, matched markers, no other notebook in notebooks/ than the ones the source
 *      generates, no line of a solution or hidden test in anything a student gets, the solution scores full
 *      marks in the grader, the untouched release scores 0 (both graded from the generated files).
 * Everything is generated into a staging folder inside the project (`.assign-staging-<pid>/`, same
 * filesystem, so a rename moves a file into place) and moved into place, file by file with an atomic rename,
 * only after every validation has passed: a failed run changes no committed file and nothing in dist/.
 * `--check` writes nothing and exits 1 when a committed file differs from what the source generates (CI).
 * Two runs give byte-identical files.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { initBackend } from "dropout-kit";
import { galleryFiles } from "../examples/gallery";
import { GALLERY_DIR } from "../examples/gallery-dir";
import { writeAtomically } from "../atomic-write";
import { parseCommandLine } from "../command-line";
import { gradeSubmission } from "../grading/grade";
import { readReferences, REFERENCES_FILE } from "../grading/references";
import { generateReferences, PUBLIC_CASES_FILE, publicCasesOf, serializeReferences } from "./references";
import { MAX_SCORE } from "../grading/spec";
import { cellSource, parseNotebook, readNotebook, serializeNotebook } from "../notebook/notebook";
import type { Notebook } from "../notebook/notebook";
import { loadReferenceSolution } from "../reference-solution";
import type { ReleasedNotebook } from "./bundle";
import { BUNDLE_NAME, PROJECT_ROOT, studentBundle } from "./bundle";
import { GRADESCOPE_NAME, gradescopePackage } from "./gradescope";
import { withKeptOutputs } from "./kept-outputs";
import { releaseNotebook } from "./release";
import { checkGradeIds, leaks, pointsNotices, secretLines } from "./validate";

const SOURCE_DIR = resolve(__dirname, "../source");
const RELEASE_DIR = resolve(__dirname, "../../notebooks");
const DIST_DIR = resolve(PROJECT_ROOT, "dist");
const STAGING_PREFIX = ".assign-staging-";
const USAGE = "usage: npm run assign            regenerate everything, validate it, then put it in place\n       npm run assign -- --check   write nothing; exit 1 if a committed file is out of date or a validation fails";

function sourceNotebooks(): { name: string; notebook: Notebook }[] {
  return readdirSync(SOURCE_DIR)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((name) => ({ name, notebook: readNotebook(join(SOURCE_DIR, name)) }));
}

/**
 * The student notebooks as `npm run assign` writes them (executing the cells that keep their outputs, from
 * temporary copies in `runIn`, a folder where `dropout-kit` resolves as it does for students).
 */
export async function releasedNotebooks(runIn: string = RELEASE_DIR): Promise<ReleasedNotebook[]> {
  const released = [];
  for (const { name, notebook } of sourceNotebooks()) {
    released.push({ name, text: serializeNotebook(await withKeptOutputs(releaseNotebook(notebook, name), runIn, name)) });
  }
  return released;
}

/**
 * The .ipynb files in notebooks/ (paths relative to it) that the source does not generate: an Untitled.ipynb,
 * a solved copy. Hidden files and folders are skipped (.ipynb_checkpoints/, editors' and tools' temporary
 * files): Jupyter does not list them and nothing hidden is released.
 */
export function strayNotebooks(generated: string[], dir: string = RELEASE_DIR): string[] {
  const wanted = new Set(generated);
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      if (name.startsWith(".") || name === "node_modules") continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ipynb") && !wanted.has(relative(dir, path))) found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found;
}

/**
 * Moves a staged file into place with one rename. This is the project's one atomic writer's rename
 * (atomic-write.ts) with the staging file as its temporary file: the staged file is complete before it is
 * moved, so a plain rename is atomic. Across filesystems (EXDEV) a rename cannot move it: then its bytes are
 * written with writeAtomically (beside the target, then renamed).
 */
function moveIntoPlace(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    writeAtomically(to, readFileSync(from));
  }
}

/**
 * The generated files, staged: each is written under the staging folder at its project-relative path and
 * compared with the file it would replace. Nothing outside the staging folder changes until commit().
 */
class Staging {
  readonly dir = join(PROJECT_ROOT, `${STAGING_PREFIX}${process.pid}`);
  /** Files whose generated content differs from (or is missing at) their place in the project. */
  readonly changed: { target: string; staged: string }[] = [];
  /** Files in the project that are no longer generated (old gallery examples). */
  readonly obsolete: string[] = [];

  constructor(private readonly check: boolean) {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  /** Where `target` (a path in the project) is staged. */
  path(target: string): string {
    return join(this.dir, relative(PROJECT_ROOT, target));
  }

  /** Stages `target`'s new content; returns the staged file's path. */
  put(target: string, content: string | Uint8Array): string {
    const bytes = Buffer.from(content);
    const staged = this.path(target);
    mkdirSync(dirname(staged), { recursive: true });
    writeFileSync(staged, bytes);
    let current: Buffer | undefined;
    try {
      current = readFileSync(target);
    } catch {}
    const shown = relative(PROJECT_ROOT, target);
    if (current?.equals(bytes)) {
      console.log(`  up to date: ${shown}`);
    } else {
      this.changed.push({ target, staged });
      if (this.check) console.error(`  out of date: ${shown}`);
      else console.log(`  changed: ${shown}`);
    }
    return staged;
  }

  remove(target: string): void {
    this.obsolete.push(target);
    console.log(`  ${this.check ? "out of date" : "to remove"}: ${relative(PROJECT_ROOT, target)} (no longer generated)`);
  }

  /** What --check reports as out of date. */
  stale(): string[] {
    return [...this.changed.map((f) => relative(PROJECT_ROOT, f.target)), ...this.obsolete.map((f) => `${relative(PROJECT_ROOT, f)} (no longer generated)`)];
  }

  /** Whether commit() has started: from then on a failure may have put some files in place. */
  committing = false;

  /**
   * Moves every changed file into place (one rename each), then removes the obsolete ones. A failure here
   * (a full disk, a read-only file) says which files were already in place.
   */
  commit(): void {
    this.committing = true;
    const done: string[] = [];
    try {
      for (const { target, staged } of this.changed) {
        moveIntoPlace(staged, target);
        done.push(relative(PROJECT_ROOT, target));
        console.log(`  wrote: ${relative(PROJECT_ROOT, target)}`);
      }
      for (const target of this.obsolete) {
        rmSync(target, { force: true });
        done.push(`${relative(PROJECT_ROOT, target)} (removed)`);
        console.log(`  removed: ${relative(PROJECT_ROOT, target)}`);
      }
    } catch (error) {
      throw new Error(`putting the generated files in place failed: ${(error as Error).message}\n  already in place: ${done.join(", ") || "none"}; run \`npm run assign\` again once the cause is fixed`);
    }
  }

  discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Staging folders left by runs that were killed (their process is gone). */
function removeAbandonedStaging(): void {
  for (const name of readdirSync(PROJECT_ROOT)) {
    const pid = Number(name.startsWith(STAGING_PREFIX) ? name.slice(STAGING_PREFIX.length) : NaN);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue; // still running
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EPERM") continue; // someone else's, alive
    }
    rmSync(join(PROJECT_ROOT, name), { recursive: true, force: true });
  }
}

/** A student-visible file's text: a notebook's cell sources (not its JSON escapes), other files as they are. */
function visibleText(path: string, bytes: Uint8Array): string {
  const text = strFromU8(bytes);
  if (!path.endsWith(".ipynb")) return text;
  const parsed = parseNotebook(text);
  // Not a notebook, or a cell that cannot be read: the whole text is searched, as it is.
  if ("problem" in parsed || parsed.checked.problems.length > 0) return text;
  return parsed.checked.cells.map(({ cell }) => cellSource(cell)).join("\n");
}

async function assign(check: boolean, staging: Staging): Promise<number> {
  const problems: string[] = [];
  const sources = sourceNotebooks();

  console.log("assign: validating the instructor source");
  for (const { name, notebook } of sources) {
    problems.push(...checkGradeIds(notebook, `grader/source/${name}`));
    for (const notice of pointsNotices(notebook, `grader/source/${name}`)) console.log(`  note: ${notice}`);
  }

  console.log("assign: the student notebooks");
  const generatedNames = sources.map((s) => s.name);
  for (const stray of strayNotebooks(generatedNames)) {
    problems.push(`notebooks/${stray} is not generated from grader/source/, and only ${generatedNames.map((n) => `notebooks/${n}`).join(" and ")} are released: move it out of notebooks/ or delete it (to release a new notebook, add it to grader/source/)`);
    console.error(`  not generated: notebooks/${stray}`);
  }
  mkdirSync(staging.path(RELEASE_DIR), { recursive: true });
  const released = await releasedNotebooks(staging.path(RELEASE_DIR)); // throws MarkerError, naming notebook, cell and line
  for (const { name, text } of released) staging.put(join(RELEASE_DIR, name), text);

  console.log("assign: the reference outputs (running the solution on every case)");
  await initBackend();
  const referencesText = serializeReferences(generateReferences(await loadReferenceSolution()));
  const stagedReferences = staging.put(REFERENCES_FILE, referencesText);
  // The public cases, for the notebook's public tests: derived from the same references.
  const publicCasesText = serializeReferences(publicCasesOf(readReferences(stagedReferences)));
  staging.put(PUBLIC_CASES_FILE, publicCasesText);

  console.log("assign: the example gallery");
  const gallery = galleryFiles();
  for (const { name, text } of gallery) staging.put(join(GALLERY_DIR, name), text);
  const wanted = new Set(gallery.map((f) => f.name));
  for (const old of readdirSync(GALLERY_DIR).filter((f) => f.endsWith(".ipynb") && !wanted.has(f))) staging.remove(join(GALLERY_DIR, old));

  console.log("assign: the student bundle and the Gradescope package");
  const bundle = studentBundle(released, { [relative(PROJECT_ROOT, PUBLIC_CASES_FILE)]: publicCasesText });
  const autograder = gradescopePackage({ [relative(PROJECT_ROOT, REFERENCES_FILE)]: referencesText });
  // dist/ is not committed: --check neither compares nor writes it.
  if (!check) {
    staging.put(join(DIST_DIR, `${BUNDLE_NAME}.zip`), bundle);
    staging.put(join(DIST_DIR, `${GRADESCOPE_NAME}.zip`), autograder);
  }

  console.log("assign: checking what students get");
  const secrets = sources.flatMap(({ notebook }) => secretLines(notebook));
  const bundled = unzipSync(bundle);
  const studentFiles = [
    ...released.map(({ name, text }) => ({ path: `notebooks/${name}`, text: visibleText(name, Buffer.from(text)) })),
    ...Object.entries(bundled).map(([path, bytes]) => ({ path: `${BUNDLE_NAME}.zip:${path.replace(`${BUNDLE_NAME}/`, "")}`, text: visibleText(path, bytes) })),
  ];
  problems.push(...leaks(secrets, studentFiles));
  for (const path of Object.keys(bundled)) {
    if (/\/grader\/|settings\.ts$|references/.test(path)) problems.push(`${BUNDLE_NAME}.zip holds ${path}, which is the grader's, not the students'`);
  }

  // Graded from the generated (staged) gallery and references: what would be committed is what is checked.
  console.log("assign: grading the solution and the untouched release");
  const references = readReferences(stagedReferences);
  const solution = await gradeSubmission(staging.path(join(GALLERY_DIR, "solution.ipynb")), references);
  if (solution.score !== MAX_SCORE) {
    const failed = solution.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.output}`);
    problems.push(`the solution scores ${solution.score} / ${MAX_SCORE} in the grader, not full marks:\n    ${[...solution.notes, ...failed].join("\n    ")}`);
  }
  const untouched = await gradeSubmission(staging.path(join(GALLERY_DIR, "untouched-release.ipynb")), references);
  const feedback = untouched.tests.map((t) => t.output).join("\n");
  if (untouched.score !== 0) problems.push(`the untouched release scores ${untouched.score}, not 0: do the stubs throw?`);
  if (!/Not implemented yet/.test(feedback)) problems.push(`the untouched release's feedback does not say "Not implemented yet"; it says: ${feedback.slice(0, 300)}`);

  const stale = check ? staging.stale() : [];
  if (stale.length) problems.push(`out of date (run \`npm run assign\` and commit): ${stale.join(", ")}`);
  if (problems.length) {
    console.error(`\nassign: ${problems.length} problem(s)${check ? "" : "; nothing was written"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return 1;
  }
  if (check) {
    console.log("\nassign: everything generated is up to date and valid.");
    return 0;
  }
  console.log("assign: every validation passed; putting the generated files in place");
  if (staging.changed.length === 0 && staging.obsolete.length === 0) console.log("  nothing changed");
  staging.commit();
  console.log("\nassign: done; everything generated is valid.");
  return 0;
}

async function main(): Promise<number> {
  const check = parseCommandLine("assign", USAGE, { options: { check: { type: "boolean" } }, allowPositionals: false }).values.check ?? false;
  removeAbandonedStaging();
  const staging = new Staging(check);
  // Interrupted (Ctrl-C): the staging folder goes; whatever was already in place stays as it was.
  const interrupted = (signal: NodeJS.Signals) => {
    staging.discard();
    console.error(`\nassign: stopped by ${signal}; nothing was written`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    return await assign(check, staging);
  } catch (error) {
    console.error(`assign: ${(error as Error)?.message ?? String(error)}${check || staging.committing ? "" : "\nassign: nothing was written"}`);
    return 1;
  } finally {
    staging.discard();
  }
}

if (require.main === module) {
  main().then((status) => process.exit(status));
}
