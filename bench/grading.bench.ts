/**
 * Grading throughput: the autograder on a folder of N mixed submissions (correct ones, typical mistakes,
 * correct variants; no deliberately hanging ones), against executing the same notebooks through Jupyter's
 * nbconvert with the tslab kernel, the route nbgrader-like tools take (they execute the whole notebook).
 *
 *   npm run bench:grading                       N = 24 submissions, jobs = available cores, nbconvert on 4
 *   npm run bench:grading -- --n 48 --jobs 2 --nbconvert 6 --reps 3
 *
 * Prints figures, asserts nothing. Both routes run in the same invocation, on this machine; the autograder
 * twice per repetition, under bubblewrap and under Node's permission model alone (the sandbox's cost).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { initBackend } from "dropout-kit";
import { gradeBatch } from "../grader/batch";
import { parseCommandLine } from "../grader/command-line";
import { dropout } from "../grader/assignments/dropout";
const GALLERY_DIR = dropout.galleryDir;
import { readDropoutReferences } from "../grader/assignments/dropout";
import { cellSource, readNotebook, serializeNotebook } from "../grader/notebook/notebook";

/** Submissions a class hands in: right, wrong in the usual ways, right written differently. */
const MIX = [
  "solution", "correct-where", "correct-reciprocal", "correct-boolean-mask", "correct-loops", "correct-before-relu",
  "forward-multiplies-by-keepprob", "forward-threshold-inverted", "forward-no-scaling", "forward-shared-mask",
  "backward-no-mask", "backward-no-scaling", "untouched-release", "syntax-error", "throws", "missing-cell",
];

/** The notebook with a comment naming the student at the end of each graded (solution) cell. */
function personalised(path: string, student: string): string {
  const nb = readNotebook(path);
  for (const cell of nb.cells) {
    if (!cell.metadata.nbgrader?.solution) continue;
    cell.source = `${cellSource(cell)}\n// ${student}\n`;
  }
  return serializeNotebook(nb);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const USAGE = "usage: npm run bench:grading -- [--n N] [--jobs N] [--nbconvert N] [--reps N]";

async function main() {
  const { values } = parseCommandLine("bench:grading", USAGE, {
    options: {
      n: { type: "string", default: "48" },
      jobs: { type: "string", default: String(availableParallelism()) },
      nbconvert: { type: "string", default: "4" },
      reps: { type: "string", default: "3" },
    },
  });
  const n = Number(values.n);
  const jobs = Number(values.jobs);
  const nbconvertCount = Number(values.nbconvert);
  const reps = Number(values.reps);
  await initBackend();
  const references = readDropoutReferences();
  // Inside the project: the nbconvert route runs each notebook in its own folder, and the notebooks'
  // `import ... from "dropout-kit"` resolves from there, as it does from notebooks/.
  const dir = mkdtempSync(join(__dirname, ".tmp-grading-"));
  // Every submission of every repetition is distinct (a comment with its number in each graded cell), as
  // in a real class: the grader remembers compiled cells, and copies would flatter it.
  const batch = (rep: number): string[] => {
    mkdirSync(join(dir, `rep-${rep}`));
    return Array.from({ length: n }, (_, k) => {
      const name = MIX[k % MIX.length];
      const target = join(dir, `rep-${rep}`, `${String(k).padStart(3, "0")}-${name}.ipynb`);
      writeFileSync(target, personalised(join(GALLERY_DIR, `${name}.ipynb`), `student ${rep}-${k}`));
      return target;
    });
  };
  // Two distinct batches per repetition: one graded under bubblewrap (the default), one under Node's
  // permission model alone, alternating which goes first, so the sandbox's cost is measured in the same run.
  const batches = Array.from({ length: 2 * reps }, (_, k) => batch(k));
  const files = batches[0];
  console.log(`Grading benchmark: ${n} distinct submissions (${MIX.length} kinds), ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), node ${process.version}`);

  const ours: number[] = [];
  const weaker: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? (["bubblewrap", "permission-model"] as const) : (["permission-model", "bubblewrap"] as const);
    for (const [k, mode] of order.entries()) {
      process.env.DROPOUT_GRADER_ISOLATION = mode;
      const out = join(dir, `out-${rep}-${mode}`);
      const started = performance.now();
      await gradeBatch(batches[2 * rep + k], { outDir: out, jobs, regrade: true });
      const seconds = (performance.now() - started) / 1000;
      (mode === "bubblewrap" ? ours : weaker).push(seconds);
      console.log(`  rep ${rep + 1}: autograder (${mode}), ${jobs} at a time: ${seconds.toFixed(1)} s for ${n} = ${(60 * n / seconds).toFixed(1)} per minute`);
    }
  }
  delete process.env.DROPOUT_GRADER_ISOLATION;

  const jupyter = spawnSync("jupyter", ["nbconvert", "--version"], { encoding: "utf8" });
  let nbconvertPerNotebook: number[] = [];
  if (jupyter.status !== 0) {
    console.log("  nbconvert route SKIPPED: `jupyter nbconvert` is not available (npm run setup:jupyter installs it)");
  } else {
    for (const file of files.slice(0, nbconvertCount)) {
      const started = performance.now();
      const run = spawnSync("jupyter", ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", "--ExecutePreprocessor.kernel_name=tslab", "--ExecutePreprocessor.timeout=600", "--output-dir", join(dir, "nbconvert"), file], { encoding: "utf8" });
      const seconds = (performance.now() - started) / 1000;
      // --allow-errors keeps going past a failing cell; a notebook that fails early would flatter nbconvert.
      let errors = -1;
      try {
        const out = readNotebook(join(dir, "nbconvert", file.split("/").pop()!));
        errors = out.cells.filter((c) => (c.outputs ?? []).some((o) => (o as { output_type?: unknown }).output_type === "error")).length;
      } catch {}
      const problem = run.status !== 0 ? ` (exit ${run.status})` : errors !== 0 ? ` (NOT COUNTED: ${errors < 0 ? "no output notebook" : `${errors} cells raised errors`})` : "";
      if (!problem) nbconvertPerNotebook.push(seconds);
      console.log(`  nbconvert + tslab kernel, whole notebook: ${file.split("/").pop()}: ${seconds.toFixed(1)} s${problem}`);
    }
  }

  const oursMedian = median(ours);
  const oursPerMinute = (60 * n) / oursMedian;
  console.log(`\nautograder: median ${oursMedian.toFixed(1)} s for ${n} submissions = ${oursPerMinute.toFixed(1)} submissions per minute (${(oursMedian / n).toFixed(2)} s each, ${jobs} in parallel), under bubblewrap`);
  const weakerMedian = median(weaker);
  console.log(`the same under Node's permission model alone: median ${weakerMedian.toFixed(1)} s = ${((60 * n) / weakerMedian).toFixed(1)} per minute; bubblewrap's cost: ${(oursMedian / weakerMedian).toFixed(2)}x the time (${(((oursMedian - weakerMedian) / n) * 1000).toFixed(0)} ms per submission)`);
  if (nbconvertPerNotebook.length > 0) {
    const perNotebook = median(nbconvertPerNotebook);
    // nbconvert runs one notebook per process; with `jobs` of them side by side at best.
    const nbPerMinute = (60 / perNotebook) * jobs;
    console.log(`nbconvert route: median ${perNotebook.toFixed(1)} s per notebook, at best ${nbPerMinute.toFixed(1)} per minute with ${jobs} in parallel`);
    console.log(`ratio: ${(oursPerMinute / nbPerMinute).toFixed(1)}x the nbconvert route`);
  }
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0), // the grader's TypeScript converter keeps the event loop alive
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
