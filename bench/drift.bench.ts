/**
 * Why does the kit's final training cost differ from numpy's? `npm run bench:drift`
 *
 *   npm run bench:drift                          the course's run (30,000 iterations), wasm backend, about 1.5 minutes
 *   npm run bench:drift -- --backends wasm,cpu   also tfjs's pure-JS backend (about 2 minutes more)
 *   options: --iterations N (default 30000), --cost-every N (default 10), --python PATH (default python3),
 *            --save-data PATH (also write the training set as the JSON that bench/drift.py and numpy_reference.py read)
 *
 * Trains the course's net [2, 20, 3, 1] (learning rate 0.3, seed 3) with and without dropout (keepProb 0.86)
 * several ways, records the cost every 10 iterations, and prints:
 *   1. the cost at iterations 0, 1, 10, 100, 1000, 5000, 10000, 29000 (the benchmark's "final cost") and
 *      30000, the training accuracy, and the first recorded iteration where a run's cost differs from the
 *      float64 numpy run's by more than 1e-3 (and by more than 1e-6);
 *   2. the largest parameter difference from float64 numpy after 0, 1, 10 and 100 iterations;
 *   3. the gradient of the kit's backwardPropagation against float64's at points of the float64 run, next to
 *      float32 numpy's gradient at the same points: a missing or extra term would show as a relative error
 *      of order 1, float32 rounding as ~1e-6.
 * The numpy runs come from bench/drift.py (which uses numpy_reference.py's own functions for float64).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { backwardPropagation, computeCostFromLogits, disposeParameters, forwardPropagation, initBackend, load2DDataset, model, PARAMETER_NAMES, predict, RandomState } from "dropout-kit";
import type { BackendName, Gradients, Matrix, Parameters } from "dropout-kit";
import { parseCommandLine } from "../grader/command-line";
import { loadReferenceSolution } from "../grader/assignments/dropout/solution";

const KEEP_PROBS = [1, 0.86] as const;
const SEED = 3;
const TABLE_AT = [0, 1, 10, 100, 1000, 5000, 10000, 29000, 30000];
/** The last third of the run, where the no-dropout cost oscillates: its range shows how much "the final cost" can vary. */
const BAND_FROM = 20000;
const PARAMS_AT = [0, 1, 10, 100];
const GRADIENTS_AT = [0, 1, 10, 100, 1000, 2000, 5000, 10000, 20000, 29999];

interface Curve {
  name: string;
  costs: Map<number, number>;
  accuracy: number;
  note?: string;
}

interface NumpyResult {
  costs: { iteration: number; cost: number }[];
  trainAccuracy: number;
  maskDisagreementsWithFloat32: number;
  snapshots: { iteration: number; params: Record<string, number[]>; grads64: Record<string, number[]>; gradsFloat32Numpy: Record<string, number[]> }[];
}

const USAGE = "usage: npm run bench:drift -- [--iterations N] [--cost-every N] [--backends wasm,cpu] [--python PATH] [--save-data PATH]";

function readArgs() {
  const { values } = parseCommandLine("bench:drift", USAGE, {
    options: {
      iterations: { type: "string", default: "30000" },
      "cost-every": { type: "string", default: "10" },
      backends: { type: "string", default: "wasm" },
      python: { type: "string", default: "python3" },
      "save-data": { type: "string" },
    },
  });
  const iterations = Number(values.iterations);
  const costEvery = Number(values["cost-every"]);
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`--iterations needs a positive integer`);
  if (!Number.isInteger(costEvery) || costEvery < 1) throw new Error(`--cost-every needs a positive integer`);
  const backends = values.backends!.split(",") as BackendName[];
  for (const b of backends) if (b !== "wasm" && b !== "cpu") throw new Error(`--backends: wasm and/or cpu, got ${b}`);
  return { iterations, costEvery, backends, python: values.python!, saveData: values["save-data"] };
}

function runNumpy(python: string, dataFile: string, iterations: number, costEvery: number, keepProb: number, extra: string[], env: Record<string, string> = {}): NumpyResult {
  const script = resolve(__dirname, "drift.py");
  const argv = [script, "--data", dataFile, "--iterations", String(iterations), "--cost-every", String(costEvery), "--keep-prob", String(keepProb), "--seed", String(SEED), ...extra];
  const out = spawnSync(python, argv, { encoding: "utf8", maxBuffer: 256 << 20, env: { ...process.env, ...env } });
  if (out.error) throw new Error(`${python} not found: ${out.error.message}`);
  if (out.status !== 0) throw new Error(`drift.py ${extra.join(" ")} failed: ${out.stderr || out.stdout}`);
  return JSON.parse(out.stdout) as NumpyResult;
}

/** The benchmark's own script on the same data: its costs (every 1000) must be drift.py's float64 costs. */
function checkAgainstBenchmarkScript(python: string, dataFile: string, iterations: number, keepProb: number, reference: Curve): string {
  const argv = [resolve(__dirname, "numpy_reference.py"), "--data", dataFile, "--iterations", String(iterations), "--keep-prob", String(keepProb), "--seed", String(SEED)];
  const out = spawnSync(python, argv, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`numpy_reference.py failed: ${out.stderr || out.stdout}`);
  const costs = (JSON.parse(out.stdout) as { costs: { iteration: number; cost: number }[] }).costs;
  const worst = Math.max(...costs.map((c) => Math.abs(c.cost - (reference.costs.get(c.iteration) ?? NaN))));
  return `${costs.length} recorded costs, largest difference ${worst.toExponential(1)}`;
}

/** How a 1e-7 difference becomes a 1e-3 one: ReLU on/off disagreements between float64 and float32 numpy run side by side. */
function printReluEvents(python: string, dataFile: string, iterations = 1000, shown = 8) {
  const out = spawnSync(python, [resolve(__dirname, "drift.py"), "--data", dataFile, "--seed", String(SEED), "--relu-events", String(iterations)], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (out.status !== 0) throw new Error(`drift.py --relu-events failed: ${out.stderr || out.stdout}`);
  const events = (JSON.parse(out.stdout) as { reluEvents: { iteration: number; layer: number; unit: number; example: number; z64: number; gapBefore: number; gapAfter: number }[] }).reluEvents;
  const its = new Set(events.map((e) => e.iteration));
  console.log(`\nfloat64 and float32 numpy side by side, first ${iterations} iterations: a hidden unit on in one run and off in the other at ${its.size} iterations; the first ${shown}:`);
  console.log(table(["iteration", "layer", "unit", "example", "float64 pre-activation", "param gap before", "after the update"], events.slice(0, shown).map((e) => [
    String(e.iteration), String(e.layer), String(e.unit), String(e.example), e.z64.toExponential(2), e.gapBefore.toExponential(2), e.gapAfter.toExponential(2),
  ])));
}

function curveOf(name: string, r: NumpyResult, note?: string): Curve {
  return { name, costs: new Map(r.costs.map((c) => [c.iteration, c.cost])), accuracy: r.trainAccuracy, note };
}

function values(parameters: Parameters): Record<string, number[]> {
  return Object.fromEntries(PARAMETER_NAMES.map((n) => [n, Array.from(parameters[n].dataSync())]));
}

/**
 * The kit's `model`, exactly as the benchmark calls it, with the cost recorded every `costEvery` iterations
 * (and, from a second, short run of the same seed, at every iteration below 100, as drift.py records them).
 */
function runKit(X: Matrix, Y: Matrix, iterations: number, costEvery: number, keepProb: number, functions: object): { curve: Map<number, number>; accuracy: number; params: Record<string, number[]> } {
  const options = { keepProb, printCost: false, ...(keepProb < 1 ? functions : {}) };
  const curve = new Map<number, number>();
  if (iterations > 1) {
    const early = model(X, Y, { ...options, numIterations: Math.min(100, iterations), rng: new RandomState(SEED), costEvery: 1 });
    for (const c of early.costs) curve.set(c.iteration, c.cost);
    disposeParameters(early.parameters);
  }
  const trained = model(X, Y, { ...options, numIterations: iterations, rng: new RandomState(SEED), costEvery });
  for (const c of trained.costs) curve.set(c.iteration, c.cost);
  // The cost after the last update (model records costs before each iteration's update only).
  curve.set(iterations, tf.tidy(() => computeCostFromLogits(forwardPropagation(X, trained.parameters)[1].Z3, Y)));
  const accuracy = predict(X, Y, trained.parameters, { quiet: true });
  const params = values(trained.parameters);
  disposeParameters(trained.parameters);
  return { curve, accuracy, params };
}

function maxAbsDiff(a: Record<string, number[]>, b: Record<string, number[]>): number {
  let worst = 0;
  for (const n of PARAMETER_NAMES) a[n].forEach((v, k) => (worst = Math.max(worst, Math.abs(v - b[n][k]))));
  return worst;
}

/** Largest |g - reference| over one parameter's gradient, relative to that gradient's largest |reference|; worst over parameters. */
function gradientError(g: Record<string, number[]>, reference: Record<string, number[]>): number {
  let worst = 0;
  for (const n of PARAMETER_NAMES) {
    const ref = reference[`d${n}`];
    const scale = Math.max(...ref.map(Math.abs));
    const err = Math.max(...g[`d${n}`].map((v, k) => Math.abs(v - ref[k])));
    worst = Math.max(worst, scale > 0 ? err / scale : err);
  }
  return worst;
}

function kitGradients(X: Matrix, Y: Matrix, params: Record<string, number[]>, shapes: Record<string, number[]>): Record<string, number[]> {
  return tf.tidy(() => {
    const p = Object.fromEntries(PARAMETER_NAMES.map((n) => [n, tf.tensor2d(params[n], shapes[n] as [number, number])])) as unknown as Parameters;
    const grads = backwardPropagation(X, Y, forwardPropagation(X, p)[1]);
    return Object.fromEntries(PARAMETER_NAMES.map((n) => [`d${n}`, Array.from(grads[`d${n}` as keyof Gradients].dataSync())]));
  });
}

function firstPart(curve: Curve, reference: Curve, threshold: number): string {
  for (const [i, c] of [...curve.costs].sort((a, b) => a[0] - b[0])) {
    const r = reference.costs.get(i);
    if (r !== undefined && Math.abs(c - r) > threshold) return String(i);
  }
  return "never";
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

async function main() {
  const args = readArgs();
  await initBackend(args.backends[0]);
  const { trainX: X, trainY: Y } = load2DDataset();
  const solution = await loadReferenceSolution();
  const dir = mkdtempSync(join(tmpdir(), "dropout-drift-"));
  const dataFile = join(dir, "dataset.json");
  writeFileSync(dataFile, JSON.stringify({ X: X.arraySync(), Y: Y.arraySync() }));
  if (args.saveData) writeFileSync(args.saveData, JSON.stringify({ X: X.arraySync(), Y: Y.arraySync() }));
  const shapes: Record<string, number[]> = { W1: [20, 2], b1: [20, 1], W2: [3, 20], b2: [3, 1], W3: [1, 3], b3: [1, 1] };
  console.log(`The course's net [2, 20, 3, 1], learning rate 0.3, seed ${SEED}, ${args.iterations} iterations, cost every ${args.costEvery}`);
  console.log(`Costs are mean(softplus(z3) - y z3) (equal to the course's formula in float64); numpy in float64 unless said.\n`);
  try {
    for (const keepProb of KEEP_PROBS) {
      const numpy = (extra: string[], env?: Record<string, string>) => runNumpy(args.python, dataFile, args.iterations, args.costEvery, keepProb, extra, env);
      const f64 = numpy(keepProb === 1 ? ["--params-at", [...new Set([...PARAMS_AT, ...GRADIENTS_AT])].join(",")] : []);
      const reference = curveOf("numpy float64 (numpy_reference.py's loop)", f64);
      const check = checkAgainstBenchmarkScript(args.python, dataFile, args.iterations, keepProb, reference);
      const curves: Curve[] = [reference];
      curves.push(curveOf("numpy float64, products by np.einsum", numpy(["--dot", "einsum"]), "same arithmetic, another summation order"));
      // OpenBLAS builds with DYNAMIC_ARCH (numpy's wheels) pick their kernels by CPU; this forces the AVX2 ones
      // that a CPU without AVX-512 gets. Other BLAS builds ignore the variable (the row then repeats float64's).
      curves.push(curveOf("numpy float64, OPENBLAS_CORETYPE=Haswell", numpy([], { OPENBLAS_CORETYPE: "Haswell" })));
      curves.push(curveOf("numpy float64, weights x (1 + 1e-12 N(0,1))", numpy(["--perturb", "1e-12"])));
      curves.push(curveOf("numpy float64, weights rounded to float32", numpy(["--init-float32"]), "the kit's starting point"));
      const f32 = numpy(["--dtype", "float32"]);
      curves.push(curveOf("numpy float32", f32));
      const kitParams: Record<string, Record<string, number[]>> = {};
      const kitGradientErrors = new Map<BackendName, Map<number, number>>();
      for (const backend of args.backends) {
        await initBackend(backend);
        const kit = runKit(X, Y, args.iterations, args.costEvery, keepProb, solution);
        curves.push({ name: `dropout-kit model (tfjs ${backend}, float32)`, costs: kit.curve, accuracy: kit.accuracy });
        if (keepProb === 1) {
          if (backend === args.backends[0]) for (const k of PARAMS_AT) kitParams[k] = runKit(X, Y, k, args.costEvery, keepProb, solution).params;
          const errors = new Map<number, number>();
          for (const s of f64.snapshots) errors.set(s.iteration, gradientError(kitGradients(X, Y, s.params, shapes), s.grads64));
          kitGradientErrors.set(backend, errors);
        }
      }

      const title = keepProb === 1 ? "WITHOUT dropout" : `WITH dropout, keepProb ${keepProb} (fresh masks every iteration, the same draws on both sides)`;
      console.log(`=== ${title}\n`);
      const at = [...new Set([...TABLE_AT.filter((i) => i <= args.iterations), args.iterations])];
      const bandFrom = Math.min(BAND_FROM, Math.floor((2 * args.iterations) / 3));
      const band = (c: Curve) => {
        const tail = [...c.costs].filter(([i]) => i >= bandFrom).map(([, v]) => v);
        return `${Math.min(...tail).toFixed(3)}-${Math.max(...tail).toFixed(3)}`;
      };
      const header = ["run", ...at.map(String), "train acc", `cost range ${bandFrom}+`, "parts >1e-6 at", "parts >1e-3 at"];
      const rows = curves.map((c) => [
        c.name, ...at.map((i) => (c.costs.has(i) ? c.costs.get(i)!.toFixed(5) : "")), `${(100 * c.accuracy).toFixed(1)}%`, band(c),
        c === reference ? "-" : firstPart(c, reference, 1e-6), c === reference ? "-" : firstPart(c, reference, 1e-3),
      ]);
      console.log(table(header, rows));
      console.log(`(parting iterations are the first recorded iteration, every ${args.costEvery}, where |cost - float64 numpy's cost| exceeds the threshold)`);
      console.log(`drift.py's float64 run against numpy_reference.py itself (the benchmark's script, course's cost formula): ${check}`);
      if (keepProb < 1) {
        console.log(`mask entries that float32 draws decide differently from numpy's float64 draws over the run: ${f64.maskDisagreementsWithFloat32}`);
      }

      if (keepProb === 1) {
        const snap = new Map(f64.snapshots.map((s) => [s.iteration, s]));
        console.log(`\nLargest |parameter - float64 numpy's| after k iterations (float32 rounding of a weight near 1 is 6e-8):`);
        console.log(table(["k", `dropout-kit (${args.backends[0]})`], PARAMS_AT.filter((k) => snap.has(k)).map((k) => [String(k), maxAbsDiff(kitParams[k], snap.get(k)!.params).toExponential(2)])));
        console.log(`\nGradients at points of the float64 run (parameters rounded to float32), max |g - g64| / max |g64|, worst of the six:`);
        const gradRows = GRADIENTS_AT.filter((k) => snap.has(k)).map((k) => [
          String(k), ...args.backends.map((b) => kitGradientErrors.get(b)!.get(k)!.toExponential(2)), gradientError(snap.get(k)!.gradsFloat32Numpy, snap.get(k)!.grads64).toExponential(2),
        ]);
        console.log(table(["iteration", ...args.backends.map((b) => `dropout-kit (${b})`), "numpy float32"], gradRows));
        printReluEvents(args.python, dataFile);
        console.log("");
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
