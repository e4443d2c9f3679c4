/**
 * Reading a submitted .ipynb: everything that can be wrong with the file itself is found here and said
 * plainly, before any code runs. A problem that makes grading impossible is `fatal`; others are notes
 * shown with the result (the submission is still graded).
 *
 * A submission is data, never a path to follow: only a regular file is read, opened without following a
 * link and without blocking (a named pipe would otherwise hang the grader), and read from the very file
 * descriptor whose type was checked, at most MAX_NOTEBOOK_BYTES of it. Every scan of the student's text
 * here is linear in its length (no backtracking regular expression runs on it).
 */
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import type { Stats } from "node:fs";
import { computeChecksum, isLocked } from "../notebook/checksum";
import type { Cell, CellProblem, NotANotebook } from "../notebook/notebook";
import { cellSource, gradeIdOf, isObject, jsonKind, parseNotebook, printable } from "../notebook/notebook";
import { ASSIGNMENT_METADATA } from "dropout-kit";
import type { GradedAssignment } from "../assignment";
import { ASSIGNMENTS } from "../assignments";

/** Far above any honest submission (the executed course notebook is about 2 MB). */
export const MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024;

/** Malformed cells listed one by one in the notes; beyond that, a count. */
const MAX_CELL_NOTES = 10;

export interface ReadSubmission {
  contentHash: string;
  /** Set when the submission cannot be graded at all. */
  fatal?: string;
  notes: string[];
  /** Which assignment the notebook is (its metadata, else its graded cells); undefined when that cannot be told. */
  assignment?: GradedAssignment;
  /** The source of each graded function's cell, when found. */
  gradedSources: Record<string, string>;
  /** Why a graded function's cell is not there, when it is not. */
  missing: Record<string, string>;
  /** The grade_ids of the read-only cells that were edited (their nbgrader checksum no longer matches). */
  editedCells?: string[];
}

const SUBMIT_THE_FILE = "Submit the notebook file itself: in Jupyter, File > Download (a .ipynb file), and hand in that file.";
const FRESH_COPY = "Download a fresh copy of the assignment, paste your code back into its cells, save it in Jupyter, and submit that.";

/** What a path is, in words, when it is not a regular file. */
function notAFile(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isSymbolicLink()) return "a symbolic link (a shortcut to another file), not a notebook file; the grader never follows links";
  if (stats.isDirectory()) return "a folder (its name ends in .ipynb, but it is not a notebook file)";
  if (stats.isFIFO()) return "a named pipe (FIFO), not a notebook file";
  if (stats.isSocket()) return "a socket, not a notebook file";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device file, not a notebook file";
  return "not a regular file";
}

const refusal = (what: string) => `This submission is ${what}. ${SUBMIT_THE_FILE}`;

/** Why a file could not be read, without the server's paths. */
function cannotRead(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const why = code === "ENOENT" ? "it is not there any more" : code === "EACCES" || code === "EPERM" ? "permission denied" : code ? `error ${code}` : "an unknown error";
  return `The file cannot be read (${why}). ${SUBMIT_THE_FILE} If this happens again, tell your instructor.`;
}

type Opened = { fd: number; size: number } | { refused: string };

/**
 * Opens a submission as data. lstat first (a link, a pipe, a device or a folder is never opened), then
 * open with O_NOFOLLOW | O_NONBLOCK (a link or a pipe put in its place meanwhile cannot make the open
 * follow it or wait), then fstat of the opened descriptor: it must be the same regular file. The caller
 * reads from that descriptor and closes it.
 */
function openSubmission(path: string): Opened {
  let seen: Stats;
  try {
    seen = lstatSync(path);
  } catch (error) {
    return { refused: cannotRead(error) };
  }
  const what = notAFile(seen);
  if (what) return { refused: refusal(what) };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code === "ELOOP") return { refused: refusal("a symbolic link (a shortcut to another file), not a notebook file; the grader never follows links") };
    if (code === "ENXIO") return { refused: refusal("a socket, not a notebook file") };
    return { refused: cannotRead(error) };
  }
  let opened: Stats;
  try {
    opened = fstatSync(fd);
  } catch (error) {
    closeSync(fd);
    return { refused: cannotRead(error) };
  }
  const openedWhat = notAFile(opened);
  if (openedWhat || opened.ino !== seen.ino || opened.dev !== seen.dev) {
    closeSync(fd);
    return { refused: openedWhat ? refusal(openedWhat) : `The file changed while the grader was opening it. ${SUBMIT_THE_FILE}` };
  }
  return { fd, size: opened.size };
}

/** SHA-256 of an open file, read in chunks (a submission may be far too big to hold in memory). */
function hashDescriptor(fd: number): string {
  const hash = createHash("sha256");
  const chunk = Buffer.alloc(1 << 20);
  for (let n, at = 0; (n = readSync(fd, chunk, 0, chunk.length, at)) > 0; at += n) hash.update(chunk.subarray(0, n));
  return hash.digest("hex");
}

/** At most `limit` bytes of an open file, from its start. */
function readAtMost(fd: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 22, limit - total));
    const n = readSync(fd, chunk, 0, chunk.length, total);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
  }
  return Buffer.concat(chunks, total);
}

/**
 * The content hash a submission's result records (what resuming compares), read the same safe way as
 * readSubmission; undefined for anything that is not a regular file (such results are never reused).
 */
export function submissionHash(path: string): string | undefined {
  const opened = openSubmission(path);
  if ("refused" in opened) return undefined;
  try {
    return hashDescriptor(opened.fd);
  } catch {
    return undefined;
  } finally {
    closeSync(opened.fd);
  }
}

const isIdentifierChar = (c: string | undefined) => c !== undefined && /[\w$]/.test(c);
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/**
 * Whether code defines `name` as `function name` or `const|let|var name =`. A scan from each occurrence of
 * the name over the blanks around it: each run of blanks is looked at from at most the two occurrences it
 * touches, so the time is linear in the code's length, whatever it holds (a regular expression with `\s+`
 * would be too, in principle; this says so by construction).
 */
function definesFunction(code: string, name: string): boolean {
  for (let at = code.indexOf(name); at !== -1; at = code.indexOf(name, at + name.length)) {
    const end = at + name.length;
    if (isIdentifierChar(code[at - 1]) || isIdentifierChar(code[end])) continue;
    let start = at;
    while (start > 0 && isSpace(code[start - 1])) start--;
    if (start === at) continue;
    const keyword = ["function", "const", "let", "var"].find((w) => code.endsWith(w, start) && !isIdentifierChar(code[start - w.length - 1]));
    if (keyword === "function") return true;
    if (keyword === undefined) continue;
    let after = end;
    while (isSpace(code[after])) after++;
    if (code[after] === "=") return true;
  }
  return false;
}

const tooBig = (bytes: number) =>
  `The file is ${(bytes / 1024 / 1024).toFixed(0)} MB; an assignment's notebook is well under 3 MB. Clear the outputs (Cell > All Output > Clear), save, and submit again.`;

const cellName = (p: { index: number; gradeId?: string }) => `Cell ${p.index + 1} of your notebook${p.gradeId !== undefined ? ` (the cell '${printable(p.gradeId)}')` : ""}`;

/** A malformed cell, in the student's words: which cell, what is wrong, what became of it, what to do. */
function malformedCellMessage(p: CellProblem): string {
  const consequence = p.unreadable ? "It was left out of grading." : "Its metadata was ignored; its code was read as usual.";
  return `${cellName(p)} is malformed: ${p.what}. ${consequence} A notebook saved by Jupyter never looks like this: it was probably edited by hand or by another program. ${FRESH_COPY}`;
}

/** Why the file is not a notebook that can be graded, and what to do. */
function notANotebook(why: NotANotebook): string {
  switch (why.problem) {
    case "json":
      return `The file is not valid JSON, so it is not a notebook Jupyter saved (${printable(why.detail, 200)}). Was it edited in a text editor, or cut short? Download it again from Jupyter (File > Download as > Notebook).`;
    case "no-cells":
      return "The file is JSON but not a Jupyter notebook (it has no list of cells). Submit the .ipynb file of the assignment.";
    case "nbformat":
      return `The notebook's format is nbformat ${typeof why.nbformat === "number" ? why.nbformat : jsonKind(why.nbformat)}; only nbformat 4 (what Jupyter writes today) can be graded. Open it in Jupyter and save it again.`;
  }
}

/**
 * Which assignment a notebook is: the one named by `--assignment` (forced), else the one its metadata names,
 * else the one whose graded cells it holds (metadata lost by a copy-paste into another notebook). A name the
 * grader does not know, or cells of no assignment, is said plainly, with what to do.
 */
export function whichAssignment(metadata: unknown, cells: Cell[], assignments: GradedAssignment[], forced?: GradedAssignment): { assignment?: GradedAssignment; problem?: string; note?: string } {
  if (forced) return { assignment: forced };
  const named = isObject(metadata) && isObject(metadata[ASSIGNMENT_METADATA]) ? (metadata[ASSIGNMENT_METADATA] as Record<string, unknown>).assignment : undefined;
  const known = assignments.map((a) => a.id).join(", ");
  const gradeIds = new Set(cells.map(gradeIdOf).filter((id) => id !== undefined));
  const holds = (a: GradedAssignment) => Object.values(a.gradedCells).some((id) => gradeIds.has(id));
  if (typeof named === "string") {
    const found = assignments.find((a) => a.id === named);
    const other = assignments.find((a) => a !== found && holds(a));
    if (found && !holds(found) && other) {
      return { assignment: found, note: `Your notebook's metadata says it is the assignment '${found.id}', but it holds the graded cells of '${other.id}', none of '${found.id}': it was graded as '${found.id}', as its metadata says. If you meant to hand in '${other.id}', submit this notebook there.` };
    }
    if (found) return { assignment: found };
    return { problem: `The notebook says it is the assignment '${printable(named, 60)}', which this grader does not grade (it grades: ${known}). Submit the notebook of the assignment you were given; if it is the right one, tell your instructor.` };
  }
  const holding = assignments.filter(holds);
  if (holding.length === 1) return { assignment: holding[0], note: named === undefined ? undefined : "The notebook's assignment metadata is malformed; it was graded by its graded cells." };
  if (assignments.length === 1) return { assignment: assignments[0] };
  return {
    problem: holding.length > 1
      ? `The notebook holds the graded cells of several assignments (${holding.map((a) => a.id).join(", ")}), so which one to grade cannot be told. Submit the notebook of one assignment, as you downloaded it.`
      : `Which assignment this notebook is for cannot be told: its metadata names none and it holds no graded cell of any (this grader grades: ${known}). Submit the assignment's notebook, as you downloaded it, with your code in its cells.`,
  };
}

export function readSubmission(path: string, assignments: GradedAssignment[] = ASSIGNMENTS, forced?: GradedAssignment): ReadSubmission {
  const empty = { notes: [], gradedSources: {}, missing: {}, assignment: forced ?? (assignments.length === 1 ? assignments[0] : undefined) };
  const opened = openSubmission(path);
  if ("refused" in opened) return { ...empty, contentHash: "", fatal: opened.refused };
  let bytes: Buffer;
  try {
    if (opened.size > MAX_NOTEBOOK_BYTES) return { ...empty, contentHash: hashDescriptor(opened.fd), fatal: tooBig(opened.size) };
    bytes = readAtMost(opened.fd, MAX_NOTEBOOK_BYTES + 1);
  } catch (error) {
    return { ...empty, contentHash: "", fatal: cannotRead(error) };
  } finally {
    closeSync(opened.fd);
  }
  const contentHash = createHash("sha256").update(bytes).digest("hex");
  // It grew after it was opened: as big as that is already too big.
  if (bytes.length > MAX_NOTEBOOK_BYTES) return { ...empty, contentHash, fatal: tooBig(bytes.length) };
  const parsed = parseNotebook(bytes.toString("utf8"));
  if ("problem" in parsed) return { ...empty, contentHash, fatal: notANotebook(parsed) };
  const nb = parsed.notebook;
  const notes: string[] = [];
  if (nb.metadata !== undefined && !isObject(nb.metadata)) {
    notes.push(`The notebook's metadata is malformed (it is ${jsonKind(nb.metadata)}, not an object); it was graded as TypeScript (tslab) anyway. ${FRESH_COPY}`);
  } else {
    const kernelspec = nb.metadata?.kernelspec;
    const kernel = isObject(kernelspec) && typeof kernelspec.name === "string" ? kernelspec.name : undefined;
    if (!kernel) notes.push("The notebook names no kernel; it was graded as TypeScript (tslab) anyway.");
    else if (kernel !== "tslab") notes.push(`The notebook's kernel is '${printable(kernel)}', not 'tslab' (TypeScript); it was graded as TypeScript anyway.`);
  }

  // Every cell's shape was checked once, by parseNotebook; only well-formed cells are read below.
  const { checked } = parsed;
  const cells: Cell[] = checked.cells.map((c) => c.cell);
  const indexOf = new Map(checked.cells.map((c) => [c.cell, c.index]));
  const problemAt = new Map(checked.problems.map((p) => [p.index, p]));
  /** Problems said in a check's feedback instead of the notes. */
  const saidElsewhere = new Set<CellProblem>();

  // Tampering: a read-only cell (tests, given code) whose checksum no longer matches. The grader runs its
  // own tests and the instructor's set-up, so this changes no score; it is reported.
  const tampered: string[] = [];
  const editedCells: string[] = [];
  for (const cell of cells) {
    const meta = cell.metadata.nbgrader;
    if (!meta?.checksum || !isLocked(cell)) continue;
    if (computeChecksum(cell) !== meta.checksum) {
      editedCells.push(printable(meta.grade_id ?? "", 200));
      tampered.push(`The read-only cell '${printable(meta.grade_id ?? "")}' was edited (its nbgrader checksum no longer matches). That changes nothing here: the grader runs its own tests. It is reported to your instructor.`);
    }
  }
  const identified = whichAssignment(nb.metadata, cells, assignments, forced);
  if (!identified.assignment) return { ...empty, contentHash, notes, fatal: identified.problem };
  if (identified.note) notes.push(identified.note);
  const graded: string[] = [];
  const gradedSources: ReadSubmission["gradedSources"] = {};
  const missing: ReadSubmission["missing"] = {};
  for (const [fn, gradeId] of Object.entries(identified.assignment.gradedCells)) {
    const matches = cells.filter((c) => c.cell_type === "code" && gradeIdOf(c) === gradeId);
    if (matches.length > 1) graded.push(`The graded cell '${gradeId}' appears ${matches.length} times (a copied cell?); the first one was graded.`);
    if (matches.length > 0) {
      gradedSources[fn] = cellSource(matches[0]);
      continue;
    }
    // Renamed, re-created or unidentifiable cells: look for the function's definition in any code cell.
    const found = cells.find((c) => c.cell_type === "code" && definesFunction(cellSource(c), fn));
    const broken = checked.problems.find((p) => p.unreadable && p.gradeId === gradeId);
    if (found) {
      gradedSources[fn] = cellSource(found);
      const index = indexOf.get(found)!;
      graded.push(
        problemAt.has(index)
          ? `The graded cell '${gradeId}' could not be identified (the metadata of cell ${index + 1} is malformed, see above); ${fn} was found in cell ${index + 1} and graded from there.`
          : `The graded cell '${gradeId}' is missing (its metadata was changed or the cell re-created); ${fn} was found in another cell and graded from there.`,
      );
    } else if (broken) {
      missing[fn] = `${malformedCellMessage(broken)} So ${fn}, which that cell defines, could not be graded.`;
      saidElsewhere.add(broken);
    } else {
      missing[fn] = `The graded cell '${gradeId}', which defines ${fn}, is missing from your notebook (deleted, or its metadata changed). Copy that cell from a fresh copy of the assignment, write your code in it, and submit again.`;
    }
  }
  const malformed = checked.problems.filter((p) => !saidElsewhere.has(p));
  notes.push(...malformed.slice(0, MAX_CELL_NOTES).map(malformedCellMessage));
  if (malformed.length > MAX_CELL_NOTES) notes.push(`${malformed.length - MAX_CELL_NOTES} more cells are malformed as well. ${FRESH_COPY}`);
  notes.push(...tampered, ...graded);
  return { contentHash, notes, assignment: identified.assignment, gradedSources, missing, ...(editedCells.length > 0 ? { editedCells } : {}) };
}
