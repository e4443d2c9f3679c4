/**
 * The training benchmark: the helper library's `model` (30,000 iterations of the course's net) against
 * the course's own loop in plain numpy (bench/numpy_reference.py) on the same points, in one invocation.
 *
 *   npm run bench                                  3 repetitions of 30,000 iterations per variant
 *   npm run bench -- --reps 5 --iterations 5000    shorter or longer
 *   npm run bench -- --backend cpu                 tfjs's pure-JS backend instead of wasm
 *   options: --breakdown-iterations N (default 2000), --python PATH (default python3)
 *
 * It prints figures, it asserts nothing: a table (median and min seconds, ratio to numpy's median for the
 * same variant, final cost and training accuracy), the final cost of the same loop in numpy with other
 * roundings (float32; float64 summed in another order or with another CPU's BLAS kernels: without dropout
 * the final cost moves by a few hundredths with the rounding, so the kit's no-dropout row is not expected to
 * match numpy's; bench/README.md),
 * then a per-iteration breakdown of where the time goes, measured phase by phase over many iterations.
 * On wasm the kit's rows run twice, on the kit's kernels (src/kernels) and on tfjs's stock ones (the "before",
 * measured in the same run), and the breakdown gives both, phase by phase and kernel by kernel.
 * Variants alternate within each repetition, so a slow spell of the machine spreads over all of them.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { backwardPropagation, computeCostFromLogits, disposeParameters, forwardPropagation, initBackend, initializeParameters, load2DDataset, model, PARAMETER_NAMES, predict, RandomState, updateParametersInPlace, wasmKernelsInstalled, withStockKernels } from "dropout-kit";
import type { BackendName, BackwardWithDropout, ForwardWithDropout, Gradients, Matrix, Parameters } from "dropout-kit";
import { MT19937 } from "../src/mt19937";
import { parseCommandLine } from "../grader/command-line";
import { loadReferenceSolution } from "../grader/assignments/dropout/solution";

const KEEP_PROB = 0.86;
const KIT_NAMES = { plain: "dropout-kit model, no dropout", dropout: `dropout-kit model, dropout ${KEEP_PROB}, reference solution` };
/** The suffix of a row run on tfjs's own kernels instead of the kit's (src/kernels). */
const STOCK = ", tfjs's stock kernels";
const SEED = 3;
const HIDDEN = [20, 3] as const;

interface Args {
  reps: number;
  iterations: number;
  backend: BackendName;
  breakdownIterations: number;
  python: string;
}

interface DropoutFunctions {
  forwardPropagationWithDropout: ForwardWithDropout;
  backwardPropagationWithDropout: BackwardWithDropout;
}

interface Run {
  seconds: number;
  finalCost?: number;
  accuracy?: number;
}

interface Variant {
  name: string;
  /** Which numpy variant this one is compared with. */
  numpyKey: "plain" | "dropout";
  isNumpy: boolean;
  run: (iterations: number) => Run;
}

const USAGE = "usage: npm run bench -- [--reps N] [--iterations N] [--backend wasm|cpu] [--breakdown-iterations N] [--python PATH]";

function readArgs(): Args {
  const { values } = parseCommandLine("bench", USAGE, {
    options: {
      reps: { type: "string", default: "3" },
      iterations: { type: "string", default: "30000" },
      backend: { type: "string", default: "wasm" },
      "breakdown-iterations": { type: "string", default: "2000" },
      python: { type: "string", default: "python3" },
    },
  });
  const positive = (name: string, text: string | undefined) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} needs a positive integer, got ${text}`);
    return n;
  };
  if (values.backend !== "wasm" && values.backend !== "cpu") throw new Error(`--backend is wasm or cpu, got ${values.backend}`);
  return {
    reps: positive("reps", values.reps),
    iterations: positive("iterations", values.iterations),
    backend: values.backend,
    breakdownIterations: positive("breakdown-iterations", values["breakdown-iterations"]),
    python: values.python!,
  };
}

// ---------------------------------------------------------------------------------------------- inputs

/** Python with numpy, or why not. */
function findNumpy(python: string): { ok: true; version: string } | { ok: false; why: string } {
  const probe = spawnSync(python, ["-c", "import sys, numpy; print(numpy.__version__, sys.version.split()[0])"], { encoding: "utf8" });
  if (probe.error) return { ok: false, why: `${python} not found (${probe.error.message})` };
  const lastLine = probe.stderr.trim().split("\n").at(-1) ?? "";
  if (probe.status !== 0) return { ok: false, why: `numpy is not importable by ${python}: ${lastLine}` };
  const [numpy, pythonVersion] = probe.stdout.trim().split(" ");
  return { ok: true, version: `numpy ${numpy}, Python ${pythonVersion}` };
}

// ---------------------------------------------------------------------------------------------- runs

function runNumpy(args: Args, dataFile: string, keepProb: number, iterations: number): Run {
  const script = resolve(__dirname, "numpy_reference.py");
  const out = spawnSync(args.python, [script, "--data", dataFile, "--iterations", String(iterations), "--keep-prob", String(keepProb), "--seed", String(SEED)], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (out.status !== 0) throw new Error(`numpy_reference.py failed: ${out.stderr || out.stdout}`);
  const result = JSON.parse(out.stdout) as { seconds: number; costs: { cost: number }[]; trainAccuracy: number };
  return { seconds: result.seconds, finalCost: result.costs.at(-1)?.cost, accuracy: result.trainAccuracy };
}

function runModel(X: Matrix, Y: Matrix, iterations: number, keepProb: number, functions?: DropoutFunctions, rng = new RandomState(SEED)): Run {
  const start = performance.now();
  const trained = model(X, Y, { numIterations: iterations, keepProb, printCost: false, rng, ...functions });
  const seconds = (performance.now() - start) / 1000;
  const accuracy = predict(X, Y, trained.parameters, { quiet: true });
  disposeParameters(trained.parameters);
  return { seconds, finalCost: trained.costs.at(-1)?.cost, accuracy };
}

// ---------------------------------------------------------------------------------------------- breakdown

/** Microseconds per call of `fn` (inside a tf.tidy), after a warm-up. */
function usPerCall(n: number, fn: () => void): number {
  const warmUp = Math.min(200, n);
  for (let i = 0; i < warmUp; i++) tf.tidy(fn);
  const start = performance.now();
  for (let i = 0; i < n; i++) tf.tidy(fn);
  return ((performance.now() - start) * 1000) / n;
}

function asVariables(parameters: Parameters): Parameters {
  const out = {} as Parameters;
  for (const name of PARAMETER_NAMES) out[name] = tf.variable(parameters[name], false) as unknown as Matrix;
  return out;
}

async function kernelsPerCall(fn: () => void): Promise<number> {
  const info = await tf.profile(() => tf.tidy(fn));
  return info.kernels.length;
}

/**
 * Microseconds per iteration of each kernel, by name, in `iterations` calls of `fn` (tfjs's profiler): the median
 * of three profiles, as one collection of garbage lands on whichever kernel runs then.
 */
async function kernelTimes(iterations: number, fn: () => void): Promise<Map<string, number>> {
  const profiles: Map<string, number>[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const info = await tf.profile(() => { for (let i = 0; i < iterations; i++) tf.tidy(fn); });
    const times = new Map<string, number>();
    for (const k of info.kernels) times.set(k.name, (times.get(k.name) ?? 0) + (1000 * (k.kernelTimeMs as number)) / iterations);
    profiles.push(times);
  }
  return new Map([...profiles[0].keys()].map((name) => [name, median(profiles.map((t) => t.get(name) ?? 0))]));
}

/** A breakdown line: label, microseconds on the kit's kernels, on tfjs's stock kernels (when both exist), note. */
type PhaseRow = [string, number | string, number | string | undefined, string?];

async function breakdown(args: Args, X: Matrix, Y: Matrix, solution: DropoutFunctions, medianModelUs: Record<string, number>) {
  const n = args.breakdownIterations;
  const m = X.shape[1];
  const [n1, n2] = HIDDEN;
  const both = wasmKernelsInstalled();
  const lines: PhaseRow[] = [];
  const fixed = (label: string, kit: number | string, stock: number | string | undefined, note?: string) => lines.push([label, kit, both ? stock : undefined, note]);
  /** Timed on the kit's kernels, then (on wasm) on the stock ones. */
  const timed = (label: string, calls: number, fn: () => void, note?: string) =>
    lines.push([label, usPerCall(calls, fn), both ? withStockKernels(() => usPerCall(calls, fn)) : undefined, note]);

  const initial = initializeParameters([X.shape[0], ...HIDDEN, 1], new RandomState(SEED));
  const variables = asVariables(initial);
  const learningRate = tf.scalar(0.3);
  const [, plainCache] = forwardPropagation(X, initial);
  const plainGrads = backwardPropagation(X, Y, plainCache);
  const rng = new RandomState(SEED + 1);
  const [, dropoutCache] = solution.forwardPropagationWithDropout(X, initial, KEEP_PROB, rng);
  const { D1, D2, A1, A2, W2, W3 } = dropoutCache;
  const dZ3 = tf.sub(dropoutCache.A3, Y) as Matrix;
  const dZ2 = tf.randomNormal([n2, m]) as Matrix;

  const plainIteration = () => {
    const [, cache] = forwardPropagation(X, variables);
    updateParametersInPlace(variables, backwardPropagation(X, Y, cache), learningRate);
  };
  const dropoutIteration = () => {
    const [, cache] = solution.forwardPropagationWithDropout(X, variables, KEEP_PROB, rng);
    updateParametersInPlace(variables, solution.backwardPropagationWithDropout(X, Y, cache, KEEP_PROB), learningRate);
  };
  const plainKernels = await kernelsPerCall(plainIteration);
  const dropoutKernels = await kernelsPerCall(dropoutIteration);
  const tinyA = tf.tensor2d([[1]]);

  console.log(`\nWhere the time goes: microseconds per iteration, each phase timed alone over ${n} calls (backend ${tf.getBackend()})`);
  console.log(`(phases timed alone do not add up exactly to the loop; the loop figure is the median of the table above)\n`);

  fixed("model, no dropout: whole iteration (table median)", medianModelUs.plain, medianModelUs.plainStock);
  timed("  forwardPropagation", n, () => void forwardPropagation(X, initial));
  timed("  backwardPropagation", n, () => void backwardPropagation(X, Y, plainCache));
  timed("  update in place (updateParametersInPlace: the step in JS, 6 tensors filled in place)", n, () => updateParametersInPlace(variables, plainGrads, learningRate));
  timed("    the same step as 6 x assign(sub(p, mul(g, lr))) (the update before 2026-12-04)", n, () => {
    for (const name of PARAMETER_NAMES) (variables[name] as unknown as tf.Variable).assign(tf.sub(variables[name], tf.mul(plainGrads[`d${name}` as keyof Gradients], learningRate)));
  }, "12 kernels");
  timed("  cost from logits, per call", Math.ceil(n / 10), () => void computeCostFromLogits(plainCache.Z3, Y), "once per 1000 iterations: ~0 per iteration");
  fixed("  kernels (tfjs ops) per iteration", String(plainKernels), String(plainKernels));
  timed("  one 1x1 op (tf.neg), the dispatch floor", n * 5, () => void tf.neg(tinyA));

  fixed("model, dropout 0.86, reference solution (table median)", medianModelUs.dropout, medianModelUs.dropoutStock);
  timed("  forwardPropagationWithDropout (reference)", n, () => void solution.forwardPropagationWithDropout(X, initial, KEEP_PROB, rng));
  timed(`    of which rng.rand(${n1},${m}) + rng.rand(${n2},${m})`, n, () => { rng.rand(n1, m); rng.rand(n2, m); });
  timed("    of which 2 x tf.cast(tf.less(D, keepProb), \"float32\")", n, () => { tf.cast(tf.less(D1, KEEP_PROB), "float32"); tf.cast(tf.less(D2, KEEP_PROB), "float32"); });
  const twister = new MT19937(SEED + 2);
  const [mask1, mask2] = [new Float32Array(n1 * m), new Float32Array(n2 * m)];
  const draws = usPerCall(n, () => { twister.fillFloat32(mask1); twister.fillFloat32(mask2); });
  fixed(`    of the rand calls, the ${(n1 + n2) * m} uniform draws alone (MT19937.fillFloat32${MT19937.bulkDrawsInWasm() ? ", in WebAssembly" : ""})`, draws, "", "no tfjs; numpy's: in its breakdown below");
  const drawsInJs = usPerCall(n, () => { twister.fillFloat32InJavaScript(mask1); twister.fillFloat32InJavaScript(mask2); });
  fixed("      the same draws in JavaScript (fillFloat32InJavaScript, the fallback)", drawsInJs, "");
  timed("  backwardPropagationWithDropout (reference)", n, () => void solution.backwardPropagationWithDropout(X, Y, dropoutCache, KEEP_PROB));
  timed("    of which 2 x mask re-applied and scaled (tf.mul, tf.div)", n, () => { tf.div(tf.mul(dZ2, D2), KEEP_PROB); tf.div(tf.mul(A1, D1), KEEP_PROB); });
  timed("  update in place", n, () => updateParametersInPlace(variables, plainGrads, learningRate));
  fixed("  kernels (tfjs ops) per iteration", String(dropoutKernels), String(dropoutKernels));

  console.log(formatPhaseRows(lines, both));
  lines.length = 0;

  if (both) {
    // Kernel by kernel: tfjs's profiler times each kernel call (its glue and its arithmetic, not tfjs's op layer).
    const calls = Math.min(n, 500);
    console.log(`\nKernel by kernel, microseconds per iteration (tf.profile over ${calls} iterations, median of 3; the rest of an iteration is tfjs's op layer):\n`);
    for (const [label, fn] of [["no dropout", plainIteration], [`dropout ${KEEP_PROB}`, dropoutIteration]] as const) {
      const kit = await kernelTimes(calls, fn);
      const stock = await withStockKernels(() => kernelTimes(calls, fn));
      const names = [...stock.keys()].sort((a, b) => stock.get(b)! - stock.get(a)!);
      const sum = (t: Map<string, number>) => [...t.values()].reduce((a, b) => a + b, 0);
      fixed(`${label}: all kernels`, sum(kit), sum(stock));
      for (const name of names) fixed(`  ${name}`, kit.get(name) ?? 0, stock.get(name)!);
    }
    console.log(formatPhaseRows(lines, both));
    lines.length = 0;
  }

  // Alternatives for the graded lines, each checked to give the same values before it is timed.
  console.log(`\nThe mask ops of the graded lines, and alternatives (same values; checked before timing), microseconds per iteration:\n`);
  const check = (ok: boolean, what: string) => (ok ? "same values" : `DIFFERENT VALUES: ${what}`);
  const maskSame = sameValues(tf.cast(tf.less(D1, KEEP_PROB), "float32"), tf.step(tf.sub(KEEP_PROB, D1)));
  timed("mask: 2 x tf.cast(tf.less(D, keepProb), \"float32\") (the reference solution)", n, () => { tf.cast(tf.less(D1, KEEP_PROB), "float32"); tf.cast(tf.less(D2, KEEP_PROB), "float32"); });
  timed("  2 x tf.step(tf.sub(keepProb, D))", n, () => { tf.step(tf.sub(KEEP_PROB, D1)); tf.step(tf.sub(KEEP_PROB, D2)); }, check(maskSame, "mask"));
  timed("  2 x tf.greater(keepProb, D) (bool, no cast)", n, () => { tf.greater(KEEP_PROB, D1); tf.greater(KEEP_PROB, D2); });
  timed("  2 x tf.where(tf.less(D, keepProb), A, 0) (masks A directly)", n, () => { tf.where(tf.less(D1, KEEP_PROB), A1, 0); tf.where(tf.less(D2, KEEP_PROB), A2, 0); });
  timed("Wᵀ·dZ with the transposeA flag: matMul(W3, dZ3, true, false) + matMul(W2, dZ2, true, false)", n, () => { tf.matMul(W3, dZ3, true, false); tf.matMul(W2, dZ2, true, false); });
  timed("  matMul(tf.transpose(W3), dZ3) + matMul(tf.transpose(W2), dZ2) (the scaffold's)", n, () => { tf.matMul(tf.transpose(W3), dZ3); tf.matMul(tf.transpose(W2), dZ2); });
  console.log(formatPhaseRows(lines, both));

  tf.dispose([initial, plainCache, plainGrads, dropoutCache, dZ3, dZ2, learningRate, tinyA] as unknown as tf.Tensor[]);
  for (const name of PARAMETER_NAMES) variables[name].dispose();
}

function sameValues(a: tf.Tensor, b: tf.Tensor): boolean {
  const [x, y] = [a.dataSync(), b.dataSync()];
  const same = x.length === y.length && x.every((v, i) => v === y[i]);
  tf.dispose([a, b]);
  return same;
}

// ---------------------------------------------------------------------------------------------- output

function formatRows(rows: [string, number | string, string?][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows
    .map(([label, value, note]) => {
      const text = typeof value === "number" ? value.toFixed(1) : value;
      return `  ${label.padEnd(width)}  ${text.padStart(8)}${note ? `   ${note}` : ""}`;
    })
    .join("\n");
}

/** The breakdown's lines: one column of microseconds, or two (the kit's kernels, tfjs's stock kernels). */
function formatPhaseRows(rows: PhaseRow[], both: boolean): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  const cell = (v: number | string | undefined) => (typeof v === "number" ? v.toFixed(1) : v ?? "").padStart(both ? 13 : 8);
  const header = both ? `  ${"".padEnd(width)}  ${"kit kernels".padStart(13)}${"stock kernels".padStart(15)}\n` : "";
  return header + rows.map(([label, kit, stock, note]) => `  ${label.padEnd(width)}  ${cell(kit)}${both ? `  ${cell(stock)}` : ""}${note ? `   ${note}` : ""}`).join("\n");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0].slice(0, 200);
}

function printTable(args: Args, variants: Variant[], numpyNames: Record<string, string>, results: Map<string, Run[]>) {
  const numpyMedian = (key: string) => {
    const runs = results.get(numpyNames[key]);
    return runs?.length ? median(runs.map((r) => r.seconds)) : undefined;
  };
  const header = ["variant", "median s", "min s", "ms/iter", "x numpy", "final cost", "train acc"];
  const body = variants.map((v) => {
    const runs = results.get(v.name) ?? [];
    const seconds = runs.map((r) => r.seconds);
    const med = median(seconds);
    const base = numpyMedian(v.numpyKey);
    const last = runs.at(-1);
    return [
      v.name, med.toFixed(2), Math.min(...seconds).toFixed(2), ((1000 * med) / args.iterations).toFixed(3),
      base ? `${(med / base).toFixed(2)}x` : "n/a", last?.finalCost?.toFixed(5) ?? "", last?.accuracy !== undefined ? `${(100 * last.accuracy).toFixed(1)}%` : "",
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const r of body) console.log(line(r));
  console.log(`\n"x numpy": this variant's median over numpy's median for the same variant (with dropout / without).`);
  console.log(`"final cost": the last recorded cost (iteration ${Math.floor((args.iterations - 1) / 1000) * 1000}); numpy in float64, tfjs in float32.`);
}

/** The kit's kernels against tfjs's stock ones, from the table's medians; and whether the runs ended alike. */
function printKernelsEffect(results: Map<string, Run[]>) {
  console.log(`\nThe kit's kernels (src/kernels) against tfjs's stock kernels, the same loop in the same run (medians):`);
  for (const key of ["plain", "dropout"] as const) {
    const [kit, stock] = [results.get(KIT_NAMES[key]) ?? [], results.get(`${KIT_NAMES[key]}${STOCK}`) ?? []];
    if (!kit.length || !stock.length) continue;
    const ratio = median(kit.map((r) => r.seconds)) / median(stock.map((r) => r.seconds));
    const same = kit.every((r) => r.finalCost === stock[0].finalCost && r.accuracy === stock[0].accuracy) && stock.every((r) => r.finalCost === stock[0].finalCost);
    console.log(`  ${key === "plain" ? "no dropout" : `dropout ${KEEP_PROB}`}: ${ratio.toFixed(2)}x the stock kernels' time; final cost and accuracy ${same ? "identical" : "DIFFERENT"} (${kit[0].finalCost} against ${stock[0].finalCost})`);
  }
}

/**
 * Not timed: the same loop in numpy float32, and in float64 with its matrix products summed in another order
 * (np.einsum, or OpenBLAS's AVX2 kernels instead of the ones it picked for this CPU). Without dropout these land as far from float64 numpy as the kit does: that run amplifies
 * rounding-level differences (bench/README.md, "Why the final costs differ"; `npm run bench:drift`).
 */
function printSensitivity(args: Args, dataFile: string) {
  const at = Math.floor((args.iterations - 1) / 1000) * 1000;
  const rows: [string, number | string, string?][] = [];
  for (const keepProb of [KEEP_PROB, 1]) {
    const others = [
      ["numpy float32", ["--dtype", "float32"], {}],
      ["numpy float64, products by np.einsum", ["--dot", "einsum"], {}],
      // numpy's OpenBLAS picks its kernels by CPU; these are the ones a CPU without AVX-512 gets.
      ["numpy float64, OPENBLAS_CORETYPE=Haswell", [], { OPENBLAS_CORETYPE: "Haswell" }],
    ] as const;
    for (const [label, extra, env] of others) {
      const argv = [resolve(__dirname, "drift.py"), "--data", dataFile, "--iterations", String(args.iterations), "--keep-prob", String(keepProb), "--seed", String(SEED), "--cost-every", "1000", ...extra];
      const out = spawnSync(args.python, argv, { encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, ...env } });
      const name = `${label}, ${keepProb < 1 ? `dropout ${keepProb}` : "no dropout"}`;
      if (out.status !== 0) {
        rows.push([name, "failed", firstLine(out.stderr || out.stdout)]);
        continue;
      }
      const result = JSON.parse(out.stdout) as { costs: { iteration: number; cost: number }[]; trainAccuracy: number };
      const cost = result.costs.find((c) => c.iteration === at)?.cost;
      rows.push([name, cost === undefined ? "?" : cost.toFixed(5), `train acc ${(100 * result.trainAccuracy).toFixed(1)}%`]);
    }
  }
  console.log(`\nThe same loop in numpy, other roundings (not timed; bench/drift.py): cost at iteration ${at}`);
  console.log(formatRows(rows));
  console.log(`Without dropout the final cost moves by a few hundredths with the rounding alone (float32, or float64 summed in`);
  console.log(`another order, as another CPU's BLAS kernels do), so the kit's no-dropout row need not match numpy's; with dropout`);
  console.log(`they agree to about 1e-3.`);
  console.log(`Details: bench/README.md, "Why the final costs differ", and \`npm run bench:drift\`.`);
}

// ---------------------------------------------------------------------------------------------- main

async function main() {
  const args = readArgs();
  const backend = await initBackend(args.backend);
  const { trainX: X, trainY: Y } = load2DDataset();
  const solution = await loadReferenceSolution();
  const numpy = findNumpy(args.python);

  console.log("Training benchmark: the course's net [2, 20, 3, 1], full batch, learning rate 0.3, cost every 1000 iterations");
  console.log(`  iterations ${args.iterations}, repetitions ${args.reps}, keepProb ${KEEP_PROB} (fresh masks every iteration), seed ${SEED}`);
  console.log(`  tfjs ${tf.version.tfjs}, backend ${backend}${backend === "wasm" ? " (no threads in Node)" : ""}; node ${process.version}; ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})`);
  console.log(`  data: load2DDataset()'s training set, X [${X.shape}], Y [${Y.shape}]`);
  console.log(`  dropout functions: the reference solution (grader/assignments/dropout/source/dropout.ipynb's graded cells)`);
  console.log(`  numpy: ${numpy.ok ? numpy.version : `SKIPPED, ${numpy.why}`}`);

  // The same points for numpy, as float64 copies of the float32 values.
  const dir = mkdtempSync(join(tmpdir(), "dropout-bench-"));
  const dataFile = join(dir, "dataset.json");
  writeFileSync(dataFile, JSON.stringify({ X: X.arraySync(), Y: Y.arraySync() }));
  try {
    await benchmark(args, X, Y, solution, numpy, dataFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchmark(args: Args, X: Matrix, Y: Matrix, solution: DropoutFunctions, numpy: ReturnType<typeof findNumpy>, dataFile: string) {

  const numpyNames = { dropout: `numpy, dropout ${KEEP_PROB}`, plain: "numpy, no dropout" };
  const variants: Variant[] = [];
  if (numpy.ok) {
    variants.push({ name: numpyNames.dropout, numpyKey: "dropout", isNumpy: true, run: (n) => runNumpy(args, dataFile, KEEP_PROB, n) });
    variants.push({ name: numpyNames.plain, numpyKey: "plain", isNumpy: true, run: (n) => runNumpy(args, dataFile, 1, n) });
  }
  variants.push({ name: KIT_NAMES.plain, numpyKey: "plain", isNumpy: false, run: (n) => runModel(X, Y, n, 1) });
  variants.push({ name: KIT_NAMES.dropout, numpyKey: "dropout", isNumpy: false, run: (n) => runModel(X, Y, n, KEEP_PROB, solution) });
  if (wasmKernelsInstalled()) {
    variants.push({ name: `${KIT_NAMES.plain}${STOCK}`, numpyKey: "plain", isNumpy: false, run: (n) => withStockKernels(() => runModel(X, Y, n, 1)) });
    variants.push({ name: `${KIT_NAMES.dropout}${STOCK}`, numpyKey: "dropout", isNumpy: false, run: (n) => withStockKernels(() => runModel(X, Y, n, KEEP_PROB, solution)) });
  }
  // Warm-up (not timed): JIT, wasm operator caches, the first use of every kernel.
  const tensorsBefore = tf.memory().numTensors;
  for (const variant of variants) if (!variant.isNumpy) variant.run(Math.min(300, args.iterations));

  const results = new Map<string, Run[]>();
  for (let rep = 0; rep < args.reps; rep++) {
    // Rotate the order each repetition, so no variant always runs first (or right after numpy).
    const order = variants.map((_, k) => variants[(k + rep) % variants.length]);
    for (const variant of order) {
      const run = variant.run(args.iterations);
      results.set(variant.name, [...(results.get(variant.name) ?? []), run]);
      console.log(`  rep ${rep + 1}/${args.reps}  ${variant.name.padEnd(60)} ${run.seconds.toFixed(2)} s`);
    }
  }
  const tensorsAfter = tf.memory().numTensors;
  printTable(args, variants, numpyNames, results);
  if (wasmKernelsInstalled()) printKernelsEffect(results);
  console.log(`tf.memory().numTensors: ${tensorsBefore} before the runs, ${tensorsAfter} after (tensors leaked by training: ${tensorsAfter - tensorsBefore}).`);

  if (numpy.ok) printSensitivity(args, dataFile);

  const perIterationUs = (name: string) => (1e6 * median((results.get(name) ?? []).map((r) => r.seconds))) / args.iterations;
  await breakdown(args, X, Y, solution, {
    plain: perIterationUs(KIT_NAMES.plain), dropout: perIterationUs(KIT_NAMES.dropout),
    plainStock: perIterationUs(`${KIT_NAMES.plain}${STOCK}`), dropoutStock: perIterationUs(`${KIT_NAMES.dropout}${STOCK}`),
  });

  if (numpy.ok) {
    const out = spawnSync(args.python, [resolve(__dirname, "numpy_reference.py"), "--data", dataFile, "--iterations", String(Math.min(args.iterations, 10000)), "--keep-prob", String(KEEP_PROB), "--breakdown"], { encoding: "utf8" });
    if (out.status === 0) {
      const result = JSON.parse(out.stdout) as { breakdownUsPerIteration: Record<string, number>; msPerIteration: number };
      console.log(`\nnumpy's loop with dropout, phase by phase (timers inside the loop; ${(1000 * result.msPerIteration).toFixed(1)} us per iteration with them):\n`);
      console.log(formatRows(Object.entries(result.breakdownUsPerIteration).map(([k, v]) => [k, v])));
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
