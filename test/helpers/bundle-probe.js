// Run inside an installed student bundle (node bundle-probe.js targets.json): loads every module the bundle's
// library holds (its index and each file by path) and calls every exported function with the arguments a
// student would try, on a hidden-style case, looking for a graded function's output among what comes back.
// Prints one JSON line: { modules, calls, hits: [{ module, name, target, args }] }.
"use strict";
const { readFileSync, readdirSync, statSync } = require("node:fs");
const { join, relative } = require("node:path");
const root = process.cwd();
const targets = JSON.parse(readFileSync(process.argv[2], "utf8"));
const kit = require(join(root, "node_modules", "dropout-kit"));
const { tf } = kit;
// Side effects only (display, plots) or training the student's own functions: never a graded output.
const SKIP = new Set(["model", "loadPlotly", "showFigure", "display", "initBackend", "plotDataset", "plotCosts", "plotDecisionBoundary", "plotWeightNorms"]);

const wire = (t) => ({ shape: t.shape, values: t.values });
const tensor = (w) => tf.tensor2d(w.values, w.shape);
const tensors = (record) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, tensor(v)]));
const f = targets.forward.inputs, b = targets.backward.inputs, c = targets.cost.inputs, r = targets.l2backward.inputs;
const argumentLists = () => [
  [tensor(f.X), tensors(f.parameters), f.keepProb, new kit.RandomState(f.seed)],
  [f], [{ keep: "below", factor: (p) => 1 / p, explanation: "" }, f], [{ explanation: "", keep: "below", factor: (p) => 1 / p }, f, f.keepProb],
  [[f.parameters.W1.shape[0], f.X.shape[1]], f.keepProb, new kit.RandomState(f.seed)], [[f.parameters.W1.shape[0], f.X.shape[1]], f.keepProb, new kit.RandomState(f.seed), { inverted: false }],
  [tensor(b.X), tensor(b.Y), tensors(b.cache), b.keepProb], [b],
  [tensor(c.A3), tensor(c.Y), tensors(c.parameters), c.lambd], [c],
  [tensor(r.X), tensor(r.Y), tensors(r.cache), r.lambd], [r],
];

/** Every number array a returned value holds (tensors, wire tensors, numbers), a few levels deep. */
function arraysIn(value, depth = 0, seen = new Set()) {
  if (value === null || value === undefined || depth > 4) return [];
  if (typeof value === "number") return [[value]];
  if (value instanceof tf.Tensor) return value.isDisposed ? [] : [Array.from(value.dataSync())];
  if (ArrayBuffer.isView(value)) return [Array.from(value)];
  if (typeof value !== "object" || seen.has(value)) return [];
  seen.add(value);
  if (Array.isArray(value) && value.every((v) => typeof v === "number")) return [value];
  const out = [];
  for (const v of Object.values(value)) out.push(...arraysIn(v, depth + 1, seen));
  return out;
}
const matches = (got, want) => got.length === want.length && want.some((w) => Math.abs(w) > 1e-6) && got.every((g, k) => Number.isFinite(g) && Math.abs(g - want[k]) <= 1e-4 + 1e-3 * Math.abs(want[k]));

function modulesOf(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...modulesOf(path));
    else if (name.endsWith(".js")) out.push(path);
  }
  return out;
}

const dist = join(root, "node_modules", "dropout-kit", "dist");
// selfCheck.js is the bundle's command line (it reads process.argv and exits), not a module of functions.
const modules = [join(root, "node_modules", "dropout-kit"), ...modulesOf(dist).filter((file) => !file.endsWith("selfCheck.js"))];
async function main() {
await kit.initBackend();
const hits = [];
let calls = 0;
const quiet = { log: console.log, error: console.error, warn: console.warn };
for (const file of modules) {
  let exported;
  try { exported = require(file); } catch { continue; }
  const fns = Object.entries(exported).filter(([name, v]) => typeof v === "function" && !SKIP.has(name));
  for (const [name, fn] of fns) {
    for (const args of argumentLists()) {
      calls++;
      let value;
      console.log = console.error = console.warn = () => {};
      try { value = tf.tidy(() => { const v = fn(...args); return v instanceof tf.Tensor ? v.clone() : (() => { const a = arraysIn(v); return a; })(); }); } catch { value = undefined; }
      Object.assign(console, quiet);
      const found = Array.isArray(value) && value.every(Array.isArray) ? value : arraysIn(value);
      for (const [target, want] of Object.entries(targets.wanted)) {
        if (found.some((got) => matches(got, want))) hits.push({ module: relative(root, file), name, target, args: args.length });
      }
    }
  }
}
console.log(JSON.stringify({ modules: modules.length, calls, hits }));
}
main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
