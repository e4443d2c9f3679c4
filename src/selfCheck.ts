/**
 * The student bundle's self-check: `npm run check -- notebooks/<assignment>.ipynb` (`node src/dist/selfCheck.js
 * <notebook>`). Finds the notebook's assignment (its metadata, else its graded cells: PUBLIC_SUITES), runs its
 * set-up cell and its graded cells with tslab's own engine (as the kernel would, the notebook's folder as root),
 * never the test or training cells, then the public checks the notebook's test cells run (the same checks,
 * cases and report text) on each function.
 * Exit status: 0 when every public check of every graded function passes, 1 when one fails (or a function is
 * not implemented or not defined, or a cell does not run), 2 when the file cannot be checked or on bad usage.
 *
 * No sandbox, on purpose: it is the student's own code on their own machine, run in this process exactly as
 * Jupyter would run it (the same trust as running the notebook). The instructor's `npm run check`
 * (grader/check-cli.ts) is the sandboxed one.
 */
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { Console } from "node:console";
import { Writable } from "node:stream";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ASSIGNMENT_METADATA } from "./testing/publicSuite";
import { cellSource, gradeIdOf, parseNotebook } from "./notebookFile";
import type { Cell } from "./notebookFile";
import type { PublicSuite } from "./testing/publicSuite";
import { PUBLIC_SUITES } from "./assignments";

const MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024;

/** The file cannot be checked at all (exit 2). */
class CannotCheck extends Error {}

/** The assignment a notebook is: the one its metadata names, else the one whose graded cells it holds. */
function suiteOf(nb: { metadata?: unknown; cells: Cell[] }, shown: string): PublicSuite {
  const meta = nb.metadata as Record<string, { assignment?: unknown } | undefined> | undefined;
  const named = meta?.[ASSIGNMENT_METADATA]?.assignment;
  const byName = PUBLIC_SUITES.find((s) => s.assignment === named);
  if (byName) return byName;
  // As the grader does: a name this bundle does not know is said, never checked as another assignment.
  if (typeof named === "string") throw new CannotCheck(`${shown}: its metadata says it is the assignment '${named.slice(0, 60)}', which this bundle does not have (it has: ${PUBLIC_SUITES.map((s) => s.assignment).join(", ")}). Check the notebook of an assignment, as Jupyter saved it.`);
  const ids = new Set(nb.cells.map(gradeIdOf));
  const holding = PUBLIC_SUITES.filter((s) => Object.values(s.gradedCells).some((id) => ids.has(id)));
  if (holding.length === 1) return holding[0];
  throw new CannotCheck(`${shown}: which assignment this notebook is cannot be told (${typeof named === "string" ? `its metadata names '${named.slice(0, 60)}', which this bundle does not have` : "its metadata names none"}, and it holds the graded cells of ${holding.length === 0 ? "none" : "several"}). Check the notebook of an assignment, as Jupyter saved it.`);
}

/**
 * The notebook through the project's one reader (notebookFile.ts): which assignment it is, the source of the
 * first code cell with each nbgrader grade_id this check needs, and a note when one appears more than once.
 */
function readCells(path: string, shown: string): { suite: PublicSuite; sources: Record<string, string>; notes: string[] } {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CannotCheck(code === "ENOENT" ? `${shown}: no such file.` : `${shown} cannot be read (${code ?? String(error)}).`);
  }
  if (stats.isDirectory()) throw new CannotCheck(`${shown} is a folder, not a notebook file.`);
  if (!stats.isFile()) throw new CannotCheck(`${shown} is not a regular file.`);
  if (stats.size > MAX_NOTEBOOK_BYTES) throw new CannotCheck(`${shown} is ${(stats.size / 2 ** 20).toFixed(0)} MB, more than a notebook of this assignment can be (20 MB at most): clear its outputs in Jupyter, save, and check again.`);
  const parsed = parseNotebook(readFileSync(path, "utf8"));
  if ("problem" in parsed) {
    if (parsed.problem === "json") throw new CannotCheck(`${shown} is not valid JSON (${parsed.detail}), so not a notebook as Jupyter saves it.`);
    throw new CannotCheck(`${shown} is not a Jupyter notebook (nbformat 4): ${parsed.problem === "no-cells" ? "it has no list of cells" : `its format is nbformat ${String(parsed.nbformat).slice(0, 20)}`}.`);
  }
  // Only well-formed cells are read (the one reader's check); a malformed one among those this check needs is said.
  const cells = parsed.checked.cells.map((c) => c.cell);
  const suite = suiteOf({ metadata: parsed.notebook.metadata, cells }, shown);
  const SETUP = suite.setupCell;
  const needed = (id: unknown) => id === SETUP || Object.values<unknown>(suite.gradedCells).includes(id);
  const broken = parsed.checked.problems.find((p) => p.unreadable && needed(p.gradeId));
  if (broken) throw new CannotCheck(`${shown}: the cell '${broken.gradeId}' cannot be read (${broken.what}): paste your code into a fresh copy of the notebook.`);
  const sources: Record<string, string> = {};
  const notes: string[] = [];
  for (const cell of cells) {
    const id = cell.cell_type === "code" ? gradeIdOf(cell) : undefined;
    if (!needed(id)) continue;
    if ((id as string) in sources) notes.push(`The cell '${id}' appears more than once (a copied cell?); the first one is checked.`);
    else sources[id as string] = cellSource(cell);
  }
  if (!(SETUP in sources)) throw new CannotCheck(`${shown} has no set-up cell (a code cell with nbgrader grade_id '${SETUP}'): check a notebook of this assignment, saved by Jupyter.`);
  return { suite, sources, notes };
}

/** tslab's error output, readable: no colour codes, no stack frames, at most a dozen lines. */
function cut(stderr: string): string {
  const lines = stderr.replace(/\x1b\[[0-9;]*m/g, "").split("\n").filter((l) => l.trim() && !/^\s+at /.test(l));
  return (lines.length > 12 ? [...lines.slice(0, 12), `... (${lines.length - 12} more lines)`] : lines).map((l) => `    ${l.slice(0, 300)}`).join("\n");
}

interface TslabExecutor {
  execute(src: string): Promise<boolean>;
  locals: Record<string, unknown>;
  close(): void;
}

/** tslab's converter and executor (the kernel's own), rooted in `dir`; errors go to a buffer, not the screen. */
function cellRunner(dir: string): { run(src: string): Promise<{ ok: boolean; stderr: string }>; locals: Record<string, unknown> } {
  process.chdir(dir); // the converter takes its root from the working directory, as the kernel does
  const local = createRequire(join(dir, "notebook.js"));
  const { createConverter } = local("tslab/dist/converter.js");
  const { createExecutor } = local("tslab/dist/executor.js");
  const converter = createConverter();
  let stderr = "";
  const sink = new Writable({ write: (chunk, _encoding, done) => ((stderr += String(chunk)), done()) });
  const executor: TslabExecutor = createExecutor(dir, { node: converter, browser: converter, close() {} }, new Console({ stdout: new Writable({ write: (_c, _e, done) => done() }), stderr: sink }));
  return {
    locals: executor.locals,
    async run(src) {
      stderr = "";
      let ok = false;
      try {
        ok = await executor.execute(src);
      } catch (error) {
        stderr += String((error as Error)?.stack ?? error);
      }
      return { ok, stderr };
    },
  };
}

const USAGE = "usage: npm run check -- <your notebook.ipynb>   (for instance: npm run check -- notebooks/dropout.ipynb)";

async function main(argv: string[]): Promise<number> {
  // Strict: an unknown flag is an error with the usage, never a run that quietly ignores it.
  let args: string[];
  try {
    args = parseArgs({ args: argv, strict: true, allowPositionals: true, options: {} }).positionals;
  } catch (error) {
    console.error(`check: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  // `npm run` starts the script in the bundle's root; a relative path is meant from where npm was typed.
  const base = process.env.npm_lifecycle_event === "check" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
  const path = resolve(base, args[0]);
  const { suite, sources, notes } = readCells(path, args[0]);
  const SETUP = suite.setupCell;
  try {
    createRequire(join(dirname(path), "notebook.js")).resolve("dropout-kit");
  } catch {
    throw new CannotCheck(`dropout-kit cannot be found from ${dirname(path)}: keep the notebook in the bundle's notebooks/ folder (Jupyter needs that too), and run \`npm ci\` in the bundle once.`);
  }
  console.log(`Self-check of ${args[0]}: its set-up and graded cells, then the public tests of its test cells.\n`);
  for (const note of notes) console.log(`! ${note}\n`);
  const cells = cellRunner(dirname(path));
  const setup = await cells.run(sources[SETUP]);
  if (!setup.ok) {
    console.log(`✗ The set-up cell ('${SETUP}') does not run, so nothing else can:\n${cut(setup.stderr)}`);
    return 1;
  }
  let failed = 0;
  const graded = Object.entries(suite.gradedCells);
  for (const [fn, gradeId] of graded) {
    const problem = await (async () => {
      if (!(gradeId in sources)) return `there is no graded cell '${gradeId}' in the notebook (deleted, or its metadata changed?): use a fresh copy of the assignment.`;
      const cell = await cells.run(sources[gradeId]);
      if (!cell.ok) return `its cell '${gradeId}' does not compile or run:\n${cut(cell.stderr)}`;
      if (typeof cells.locals[fn] !== "function") return `its cell '${gradeId}' ran, but defines no function named ${fn} (renamed?).`;
      return undefined;
    })();
    if (problem) {
      console.log(`✗ ${fn}: ${problem}\n`);
      failed++;
      continue;
    }
    try {
      const report = suite.report(fn, cells.locals[fn]);
      console.log(`${process.stdout.isTTY ? report.text : report.text.replace(/\x1b\[[0-9;]*m/g, "")}\n`);
      if (report.failed > 0) failed++;
    } catch (error) {
      if ((error as Error)?.name !== "NotImplementedError") throw error;
      console.log(`✗ ${fn}: NotImplementedError: ${(error as Error).message}\n`);
      failed++;
    }
  }
  const all = graded.length === 2 ? "Both functions pass" : "Every graded function passes";
  const some = graded.length === 2 ? (failed === 1 ? "One of the two functions does not pass its public checks yet." : "Neither function passes its public checks yet.") : `${failed} of the ${graded.length} graded functions do not pass their public checks yet.`;
  console.log(failed === 0 ? `${all} every public check. The grader also runs hidden cases: this is no promise of full marks.` : some);
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof CannotCheck ? `check: ${error.message}` : `check: the self-check itself failed: ${(error as Error)?.message ?? error}`);
    process.exit(2);
  },
);
