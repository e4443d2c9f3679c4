/**
 * `npm run assign [-- --assignment ID] [--check]`: regenerates everything derived from each assignment's
 * instructor source (grader/assignments/<id>/source/: the notebooks with their solutions, and settings.ts),
 * then validates it. The pipeline is a list of named steps, each a function of its own:
 *   validateSource -> releaseNotebooks (the student notebooks in notebooks/; release.ts, kept-outputs.ts) ->
 *   deriveReferences (the expected outputs, by running the solution on every case; the public cases for the
 *   notebook's public tests) -> writeGallery (the example submissions the grader's tests use) ->
 *   buildPackages (dist/dropout-student-bundle.zip from the generated release, never from whatever else lies
 *   in notebooks/, and one dist/gradescope-autograder-<id>.zip per assignment) -> checkStudentFiles (no line of a solution or hidden
 *   test in anything a student gets) -> gradeGallery (the solution scores full marks in the grader, the
 *   untouched release 0, both graded from the generated files).
 * Everything is generated into a staging folder inside the project (`.assign-staging-<pid>/`, same
 * filesystem, so a rename moves a file into place) and moved into place, file by file with an atomic rename,
 * only after every validation has passed: a failed run changes no committed file and nothing in dist/.
 * `--check` writes nothing and exits 1 when a committed file differs from what the source generates (CI).
 * `--assignment ID` regenerates that assignment only (the packages take the others' committed files).
 * Two runs give byte-identical files.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { initBackend } from "dropout-kit";
import type { Assignment, References } from "../assignment";
import { maxScoreOf } from "../assignment";
import { AUTHORED_ASSIGNMENTS } from "../assignments/authoring";
import { assignmentById } from "../assignments";
import { writeAtomically } from "../atomic-write";
import { parseCommandLine } from "../command-line";
import { gradeSubmission } from "../grading/grade";
import { readReferences } from "../grading/references";
import { generateReferences, serializeReferences } from "./references";
import { cellSource, parseNotebook, readNotebook, serializeNotebook } from "../notebook/notebook";
import type { Notebook } from "../notebook/notebook";
import type { ReleasedNotebook } from "./bundle";
import { BUNDLE_NAME, companionNames, EXPERIMENTS_BUNDLE_NAME, experimentsBundle, PROJECT_ROOT, releasedNames, studentBundle } from "./bundle";
import { gradescopeName, gradescopePackage } from "./gradescope";
import { withKeptOutputs } from "./kept-outputs";
import { releaseNotebook } from "./release";
import { checkGradeIds, leaks, pointsNotices, recomputationLeaks, recomputationLines, secretLines } from "./validate";

const RELEASE_DIR = resolve(__dirname, "../../notebooks");
const DIST_DIR = resolve(PROJECT_ROOT, "dist");
const STAGING_PREFIX = ".assign-staging-";
const USAGE = "usage: npm run assign            regenerate everything, validate it, then put it in place\n       npm run assign -- --check   write nothing; exit 1 if a committed file is out of date or a validation fails\n       npm run assign -- --assignment ID [--check]   the same for one assignment";

function sourceNotebooks(assignment: Assignment): { name: string; notebook: Notebook }[] {
  return readdirSync(assignment.sourceDir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((name) => ({ name, notebook: readNotebook(join(assignment.sourceDir, name)) }));
}

/** A path for messages: relative to the project. */
const shown = (path: string) => relative(PROJECT_ROOT, path);

/**
 * The student notebooks of the assignments as `npm run assign` writes them (executing the cells that keep
 * their outputs, from temporary copies in `runIn`, a folder where `dropout-kit` resolves as it does for students).
 */
export async function releasedNotebooks(runIn: string = RELEASE_DIR, assignments: Assignment[] = AUTHORED_ASSIGNMENTS): Promise<ReleasedNotebook[]> {
  const released = [];
  for (const assignment of assignments) {
    for (const { name, notebook } of sourceNotebooks(assignment)) {
      released.push({ name, text: serializeNotebook(await withKeptOutputs(releaseNotebook(notebook, name, assignment), runIn, name)) });
    }
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

/** What one run found wrong: every step adds to it; nothing is written unless it stays empty. */
type Problems = string[];

/** Every source notebook's grade_ids and points agree with the assignment's definition. */
function validateSource(assignment: Assignment, problems: Problems): void {
  for (const { name, notebook } of sourceNotebooks(assignment)) {
    const where = shown(join(assignment.sourceDir, name));
    problems.push(...checkGradeIds(notebook, where, assignment));
    for (const notice of pointsNotices(notebook, where, assignment)) console.log(`  note: ${notice}`);
  }
}

/** The student notebooks, staged; a notebook in notebooks/ that no source generates is a problem. */
async function releaseNotebooks(assignments: Assignment[], staging: Staging, problems: Problems): Promise<ReleasedNotebook[]> {
  const generatedNames = releasedNames();
  // Every assignment's notebooks share notebooks/ (and the bundle): a name two sources use would overwrite one.
  for (const name of new Set(generatedNames.filter((n, k) => generatedNames.indexOf(n) !== k))) {
    problems.push(`two assignments' sources both hold ${name}; the release puts every notebook in notebooks/, so rename one of them`);
  }
  for (const stray of strayNotebooks(generatedNames)) {
    problems.push(`notebooks/${stray} is not generated from an assignment's source, and only ${generatedNames.map((n) => `notebooks/${n}`).join(", ")} are released: move it out of notebooks/ or delete it (to release a new notebook, add it to an assignment's source/ folder)`);
    console.error(`  not generated: notebooks/${stray}`);
  }
  mkdirSync(staging.path(RELEASE_DIR), { recursive: true });
  const released = await releasedNotebooks(staging.path(RELEASE_DIR), assignments); // throws MarkerError, naming notebook, cell and line
  for (const { name, text } of released) staging.put(join(RELEASE_DIR, name), text);
  // An ungraded notebook's helpers go beside it, as they are.
  const companions = assignments.flatMap((a) => (a.companions ?? []).map((name) => ({ name, text: readFileSync(join(a.sourceDir, name), "utf8") })));
  for (const { name, text } of companions) staging.put(join(RELEASE_DIR, name), text);
  // The other assignments' notebooks as committed (--assignment): the packages hold every assignment.
  const others = [...generatedNames, ...companionNames()].filter((name) => ![...released, ...companions].some((r) => r.name === name));
  return [...released, ...companions, ...others.map((name) => ({ name, text: readFileSync(join(RELEASE_DIR, name), "utf8") }))].sort((a, b) => a.name.localeCompare(b.name));
}

/** The references (the solution run on every case) and the public cases derived from them, staged. */
async function deriveReferences(assignment: Assignment, staging: Staging): Promise<{ references: References; generated: Record<string, string> }> {
  const referencesText = serializeReferences(await generateReferences(assignment));
  const stagedReferences = staging.put(assignment.referencesFile, referencesText);
  const references = readReferences(assignment, stagedReferences);
  const publicCasesText = serializeReferences(assignment.publicCases(references));
  staging.put(assignment.publicCasesFile, publicCasesText);
  return { references, generated: { [shown(assignment.referencesFile)]: referencesText, [shown(assignment.publicCasesFile)]: publicCasesText } };
}

/** The example gallery, staged; examples no longer generated are removed. */
function writeGallery(assignment: Assignment, staging: Staging): void {
  const gallery = assignment.gallery();
  for (const { name, text } of gallery) staging.put(join(assignment.galleryDir, name), text);
  const wanted = new Set(gallery.map((f) => f.name));
  mkdirSync(assignment.galleryDir, { recursive: true });
  for (const old of readdirSync(assignment.galleryDir).filter((f) => f.endsWith(".ipynb") && !wanted.has(f))) staging.remove(join(assignment.galleryDir, old));
}

/** The student bundle and the Gradescope package, from the generated files (dist/ is not committed: --check skips it). */
function buildPackages(released: ReleasedNotebook[], generated: Record<string, string>, staging: Staging, check: boolean): Uint8Array {
  const publicCases = Object.fromEntries(Object.entries(generated).filter(([path]) => path.startsWith("src/")));
  const bundle = studentBundle(released, publicCases);
  // One Gradescope package per assignment, whichever ones this run regenerates.
  const autograders = AUTHORED_ASSIGNMENTS.map((a) => ({ name: gradescopeName(a.id), zip: gradescopePackage(a.id, generated) }));
  if (!check) {
    staging.put(join(DIST_DIR, `${BUNDLE_NAME}.zip`), bundle);
    staging.put(join(DIST_DIR, `${EXPERIMENTS_BUNDLE_NAME}.zip`), experimentsBundle(released, publicCases));
    for (const { name, zip } of autograders) staging.put(join(DIST_DIR, `${name}.zip`), zip);
  }
  return bundle;
}

/** No line of a solution or a hidden test in anything a student gets; nothing of the grader's in the bundle. */
function checkStudentFiles(released: ReleasedNotebook[], bundle: Uint8Array, problems: Problems): void {
  const secrets = AUTHORED_ASSIGNMENTS.flatMap((a) => sourceNotebooks(a).flatMap(({ notebook }) => secretLines(notebook)));
  const bundled = unzipSync(bundle);
  const studentFiles = [
    ...released.map(({ name, text }) => ({ path: `notebooks/${name}`, text: visibleText(name, Buffer.from(text)) })),
    ...Object.entries(bundled).map(([path, bytes]) => ({ path: `${BUNDLE_NAME}.zip:${path.replace(`${BUNDLE_NAME}/`, "")}`, text: visibleText(path, bytes) })),
  ];
  problems.push(...leaks(secrets, studentFiles));
  // Nor a line of the grader's recomputations, in the assignments' bundle (where the public tests judge from data).
  const recomputations = recomputationLines(AUTHORED_ASSIGNMENTS.flatMap((a) => a.recomputations));
  problems.push(...recomputationLeaks(recomputations, studentFiles.filter((f) => !f.path.endsWith(".ipynb")), shown));
  for (const path of Object.keys(bundled)) {
    if (/\/grader\/|settings\.ts$|references/.test(path)) problems.push(`${BUNDLE_NAME}.zip holds ${path}, which is the grader's, not the students'`);
  }
}

/** Graded from the generated (staged) gallery and references: the solution scores full marks, the untouched release 0. */
async function gradeGallery(assignment: Assignment, references: References, staging: Staging, problems: Problems): Promise<void> {
  const grade = (name: string) => gradeSubmission(staging.path(join(assignment.galleryDir, name)), { assignment, references });
  const solution = await grade("solution.ipynb");
  const max = maxScoreOf(assignment);
  if (solution.score !== max) {
    const failed = solution.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${t.output}`);
    problems.push(`${assignment.id}: the solution scores ${solution.score} / ${max} in the grader, not full marks:\n    ${[...solution.notes, ...failed].join("\n    ")}`);
  }
  const untouched = await grade("untouched-release.ipynb");
  const feedback = untouched.tests.map((t) => t.output).join("\n");
  if (untouched.score !== 0) problems.push(`${assignment.id}: the untouched release scores ${untouched.score}, not 0: do the stubs throw?`);
  if (!/Not implemented yet/.test(feedback)) problems.push(`${assignment.id}: the untouched release's feedback does not say "Not implemented yet"; it says: ${feedback.slice(0, 300)}`);
}

async function assign(assignments: Assignment[], check: boolean, staging: Staging): Promise<number> {
  const problems: Problems = [];
  console.log("assign: validating the instructor sources");
  for (const assignment of assignments) validateSource(assignment, problems);
  console.log("assign: the student notebooks");
  const released = await releaseNotebooks(assignments, staging, problems);
  await initBackend();
  const references = new Map<Assignment, References>();
  let generated: Record<string, string> = {};
  for (const assignment of assignments) {
    console.log(`assign: ${assignment.id}: the reference outputs (running the solution on every case)`);
    const derived = await deriveReferences(assignment, staging);
    references.set(assignment, derived.references);
    generated = { ...generated, ...derived.generated };
    console.log(`assign: ${assignment.id}: the example gallery`);
    writeGallery(assignment, staging);
  }
  console.log("assign: the student bundle and the Gradescope package");
  const bundle = buildPackages(released, generated, staging, check);
  console.log("assign: checking what students get");
  checkStudentFiles(released, bundle, problems);
  for (const assignment of assignments) {
    console.log(`assign: ${assignment.id}: grading the solution and the untouched release`);
    await gradeGallery(assignment, references.get(assignment)!, staging, problems);
  }

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
  const { values } = parseCommandLine("assign", USAGE, { options: { check: { type: "boolean" }, assignment: { type: "string" } }, allowPositionals: false });
  const check = values.check ?? false;
  const assignments = values.assignment === undefined ? AUTHORED_ASSIGNMENTS : [assignmentById(values.assignment, AUTHORED_ASSIGNMENTS)];
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
    return await assign(assignments, check, staging);
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
