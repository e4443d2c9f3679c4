/**
 * The example submissions the grader ships with (`npm run grade` with no paths grades them): the
 * solution, the untouched release, typical wrong answers, correct variants written differently, and broken
 * or hostile files. Each is generated from the instructor notebook by editing the solution as a student
 * would (text substitutions in the graded cells), so the gallery follows the source. `npm run assign`
 * writes them to grader/assignments/dropout/gallery/; a test keeps the committed files in step.
 */
import { editedSubmission, galleryFilesOf, releasedCopy } from "../../assign/gallery";
import type { Edit, Example } from "../../assign/gallery";
import type { Assignment } from "../../assignment";
import type { Notebook } from "../../notebook/notebook";
import { cellSource, gradeIdOf, serializeNotebook } from "../../notebook/notebook";
import { GRADED_CELLS } from "./checks";

const FORWARD = GRADED_CELLS.forwardPropagationWithDropout;
const BACKWARD = GRADED_CELLS.backwardPropagationWithDropout;

function cellById(nb: Notebook, gradeId: string) {
  return nb.cells.find((c) => gradeIdOf(c) === gradeId)!;
}

const D1_MASK = 'D1 = tf.cast(tf.less(D1, keepProb), "float32") as Matrix;';
const D2_MASK = 'D2 = tf.cast(tf.less(D2, keepProb), "float32") as Matrix;';
const CACHE_LINE = "const cache: DropoutCache = { Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 };";
const GRADIENTS_RETURN = "return { dZ3, dW3, db3, dA2, dZ2, dW2, db2, dA1, dZ1, dW1, db1 };";

/** The examples, built from the assignment's instructor notebook. */
export function galleryFiles(assignment: Assignment): { name: string; text: string }[] {
  const submission = (edits: Edit[] = [], transform?: (nb: Notebook) => void) => editedSubmission(assignment, edits, transform);
  const examples: Example[] = [
  { name: "solution", description: "the reference solution", build: submission() },
  { name: "untouched-release", description: "the student notebook as released", build: () => serializeNotebook(releasedCopy(assignment)) },

  // Typical mistakes.
  { name: "forward-multiplies-by-keepprob", description: "multiplies by keepProb instead of dividing", build: submission([[FORWARD, "A1 = tf.div(A1, keepProb);", "A1 = tf.mul(A1, keepProb);"], [FORWARD, "A2 = tf.div(A2, keepProb);", "A2 = tf.mul(A2, keepProb);"]]) },
  { name: "forward-threshold-inverted", description: "keeps units with probability 1 - keepProb", build: submission([[FORWARD, D1_MASK, 'D1 = tf.cast(tf.greaterEqual(D1, keepProb), "float32") as Matrix;'], [FORWARD, D2_MASK, 'D2 = tf.cast(tf.greaterEqual(D2, keepProb), "float32") as Matrix;']]) },
  { name: "forward-divides-by-one-minus-keepprob", description: "scales by 1/(1 - keepProb)", build: submission([[FORWARD, "A1 = tf.div(A1, keepProb);", "A1 = tf.div(A1, 1 - keepProb);"], [FORWARD, "A2 = tf.div(A2, keepProb);", "A2 = tf.div(A2, 1 - keepProb);"]]) },
  { name: "forward-no-scaling", description: "forgets the division by keepProb", build: submission([[FORWARD, "A1 = tf.div(A1, keepProb);", ""], [FORWARD, "A2 = tf.div(A2, keepProb);", ""]]) },
  { name: "forward-shared-mask", description: "one mask for all examples", build: submission([[FORWARD, "D1 = rng.rand(A1.shape[0], A1.shape[1]);", "D1 = tf.tile(rng.rand(A1.shape[0], 1), [1, A1.shape[1]]) as Matrix;"], [FORWARD, "D2 = rng.rand(A2.shape[0], A2.shape[1]);", "D2 = tf.tile(rng.rand(A2.shape[0], 1), [1, A2.shape[1]]) as Matrix;"]]) },
  { name: "forward-reseeds", description: "reseeds the generator inside the function, as the original notebook did", build: submission([[FORWARD, "D1 = rng.rand(A1.shape[0], A1.shape[1]);", "rng.seed(1);\n  D1 = rng.rand(A1.shape[0], A1.shape[1]);"]]) },
  { name: "forward-drops-output", description: "applies dropout to the output layer too", build: submission([[FORWARD, "const A3 = tf.sigmoid(Z3);  // no dropout on the output layer", "const A3 = tf.div(tf.mul(tf.sigmoid(Z3), tf.cast(tf.less(rng.rand(1, Z3.shape[1]), keepProb), \"float32\")), keepProb) as Matrix;"]]) },
  { name: "forward-ignores-keepprob", description: "a keep probability written into the function (0.7) instead of its keepProb argument", build: submission([[FORWARD, D1_MASK, 'D1 = tf.cast(tf.less(D1, 0.7), "float32") as Matrix;'], [FORWARD, "A1 = tf.div(A1, keepProb);", "A1 = tf.div(A1, 0.7);"], [FORWARD, D2_MASK, 'D2 = tf.cast(tf.less(D2, 0.7), "float32") as Matrix;'], [FORWARD, "A2 = tf.div(A2, keepProb);", "A2 = tf.div(A2, 0.7);"]]) },
  { name: "forward-masks-wrong-order", description: "draws D2's mask before D1's", build: submission([[FORWARD, "D1 = rng.rand(A1.shape[0], A1.shape[1]);", "const secondDraw = rng.rand(W2.shape[0], X.shape[1]);\n  D1 = rng.rand(A1.shape[0], A1.shape[1]);"], [FORWARD, "D2 = rng.rand(A2.shape[0], A2.shape[1]);", "D2 = secondDraw;"]]) },
  { name: "forward-own-generator", description: "makes a generator of its own inside the function (seed 1)", build: submission([[FORWARD, "D1 = rng.rand(A1.shape[0], A1.shape[1]);", "const myRng = new RandomState(1);\n  D1 = myRng.rand(A1.shape[0], A1.shape[1]);"], [FORWARD, "D2 = rng.rand(A2.shape[0], A2.shape[1]);", "D2 = myRng.rand(A2.shape[0], A2.shape[1]);"]]) },
  { name: "forward-datasync-writes", description: "divides by keepProb by writing into dataSync()'s array", build: submission([[FORWARD, "A1 = tf.div(A1, keepProb);", "const a1 = A1.dataSync();\n  for (let i = 0; i < a1.length; i++) a1[i] = a1[i] / keepProb;"], [FORWARD, "A2 = tf.div(A2, keepProb);", "const a2 = A2.dataSync();\n  for (let i = 0; i < a2.length; i++) a2[i] = a2[i] / keepProb;"]]) },
  { name: "backward-swapped-masks", description: "multiplies dA2 by D1 and dA1 by D2", build: submission([[BACKWARD, "dA2 = tf.mul(dA2, D2);", "dA2 = tf.mul(dA2, D1);"], [BACKWARD, "dA1 = tf.mul(dA1, D1);", "dA1 = tf.mul(dA1, D2);"]]) },
  { name: "backward-no-mask", description: "does not re-apply the masks in backward", build: submission([[BACKWARD, "dA2 = tf.mul(dA2, D2);", ""], [BACKWARD, "dA1 = tf.mul(dA1, D1);", ""]]) },
  { name: "backward-no-scaling", description: "forgets the division by keepProb in backward", build: submission([[BACKWARD, "dA2 = tf.div(dA2, keepProb);", ""], [BACKWARD, "dA1 = tf.div(dA1, keepProb);", ""]]) },
  // Borrowed answers: the graded functions call a recomputation instead of computing (the library's old path, the grader's own).
  { name: "borrows-recompute", description: "calls the checks' recomputation of the masked passes instead of writing them", build: submission([[FORWARD, "assertKeepProb(keepProb);  // keepProb must lie in (0, 1]", "assertKeepProb(keepProb);  // keepProb must lie in (0, 1]\n  const borrowed = require(\"dropout-kit/dist/checks/recompute\");\n  return borrowed.forwardWith(borrowed.CORRECT_FORWARD, { X, parameters, keepProb, seed: 1 });"], [BACKWARD, "assertKeepProb(keepProb);\n  const m = X.shape[1];", "assertKeepProb(keepProb);\n  const grader = require(\"../grader/assignments/dropout/checks/recompute\");\n  return grader.autodiffGradients({ X, Y, cache, keepProb });\n  const m = X.shape[1];"]]) },
  { name: "backward-fresh-mask", description: "draws a fresh mask in backward", build: submission([[BACKWARD, "dA2 = tf.mul(dA2, D2);", "dA2 = tf.mul(dA2, tf.cast(tf.less(tf.randomUniform(dA2.shape), keepProb), \"float32\"));"], [BACKWARD, "dA1 = tf.mul(dA1, D1);", "dA1 = tf.mul(dA1, tf.cast(tf.less(tf.randomUniform(dA1.shape), keepProb), \"float32\"));"]]) },

  // Correct answers written differently: full marks.
  { name: "correct-where", description: "tf.where instead of multiplying by the mask", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);", "A1 = tf.where(tf.equal(D1, 1), A1, tf.zerosLike(A1));"], [BACKWARD, "dA1 = tf.mul(dA1, D1);", "dA1 = tf.where(tf.equal(D1, 1), dA1, tf.zerosLike(dA1));"]]) },
  { name: "correct-reciprocal", description: "multiplies by 1/keepProb", build: submission([[FORWARD, "A1 = tf.div(A1, keepProb);", "A1 = tf.mul(A1, 1 / keepProb);"], [BACKWARD, "dA2 = tf.div(dA2, keepProb);", "dA2 = tf.mul(dA2, 1 / keepProb);"]]) },
  { name: "correct-boolean-mask", description: "keeps the masks as booleans", build: submission([[FORWARD, D1_MASK, "D1 = tf.less(D1, keepProb) as Matrix;"], [FORWARD, "A1 = tf.mul(A1, D1);", "A1 = tf.mul(A1, tf.cast(D1, \"float32\"));"], [BACKWARD, "dA1 = tf.mul(dA1, D1);", "dA1 = tf.mul(dA1, tf.cast(D1, \"float32\"));"]]) },
  { name: "correct-loops", description: "element loops over arraySync()", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);\n  A1 = tf.div(A1, keepProb);", "const a1 = A1.arraySync();\n  const d1 = D1.arraySync();\n  A1 = tf.tensor2d(a1.map((row, i) => row.map((v, j) => (d1[i][j] === 1 ? v / keepProb : 0))));"]]) },
  { name: "correct-before-relu", description: "applies the mask before the ReLU", build: submission([[FORWARD, "let A1 = tf.relu(Z1);", "let A1 = Z1;"], [FORWARD, "A1 = tf.div(A1, keepProb);", "A1 = tf.relu(tf.div(A1, keepProb)) as Matrix;"]]) },

  // Broken notebooks.
  { name: "syntax-error", description: "a syntax error in the forward cell", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);", "A1 = tf.mul(A1, D1;"]]) },
  { name: "type-error", description: "a type error in the backward cell", build: submission([[BACKWARD, "dA1 = tf.div(dA1, keepProb);", "dA1 = tf.div(dA1, keepProb).flatten();"]]) },
  { name: "throws", description: "a function that throws", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);", "throw new Error(\"oops, I broke it\");"]]) },
  { name: "infinite-loop", description: "an endless synchronous loop in forward", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);", "let spins = 0;\n  while (keepProb > 0) spins++;"]]) },
  { name: "never-returns", description: "a cell that waits forever (async)", build: submission([[BACKWARD, "function backwardPropagationWithDropout(", "await new Promise(() => {});\nfunction backwardPropagationWithDropout("]]) },
  { name: "memory-bomb", description: "allocates without end", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);", "const hoard: Float64Array[] = [];\n  for (;;) hoard.push(new Float64Array(1 << 24).fill(1));"]]) },
  { name: "huge-output", description: "prints megabytes", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);", "A1 = tf.mul(A1, D1);\n  for (let i = 0; i < 20000; i++) console.log(\"debug \".repeat(50));"]]) },
  { name: "missing-cell", description: "the backward cell deleted", build: submission([], (nb) => { nb.cells = nb.cells.filter((c) => gradeIdOf(c) !== BACKWARD); }) },
  { name: "renamed-cell", description: "the forward cell's grade_id changed", build: submission([], (nb) => { cellById(nb, FORWARD).metadata.nbgrader!.grade_id = "my_forward"; }) },
  { name: "duplicated-cell", description: "the forward cell copied twice", build: submission([], (nb) => { const i = nb.cells.findIndex((c) => gradeIdOf(c) === FORWARD); nb.cells.splice(i + 1, 0, JSON.parse(JSON.stringify(nb.cells[i]))); }) },
  { name: "tampered-test-cell", description: "the public test cell edited to print a pass", build: submission([], (nb) => { cellById(nb, `${FORWARD}_test`).source = ['console.log("All tests passed.");\n']; }) },
  { name: "forward-drops-input", description: "applies dropout to the input features", build: submission([[FORWARD, "const Z1 = tf.add(tf.matMul(W1, X), b1) as Matrix;", "const D0 = tf.cast(tf.less(rng.rand(X.shape[0], X.shape[1]), keepProb), \"float32\");\n  const Z1 = tf.add(tf.matMul(W1, tf.div(tf.mul(X, D0), keepProb)), b1) as Matrix;"]]) },
  {
    name: "malformed-cell",
    description: "the forward cell's source saved as an object (a broken editor or a hand edit)",
    build: submission([], (nb) => { (cellById(nb, FORWARD) as unknown as { source: unknown }).source = { code: cellSource(cellById(nb, FORWARD)) }; }),
  },
  {
    name: "malformed-metadata",
    description: "a null among the cells, and the backward cell's grade_id a number",
    build: submission([], (nb) => {
      (cellById(nb, BACKWARD).metadata.nbgrader as unknown as { grade_id: unknown }).grade_id = 42;
      (nb.cells as unknown[]).splice(1, 0, null);
    }),
  },
  { name: "python-kernel", description: "saved with a Python kernelspec", build: submission([], (nb) => { nb.metadata.kernelspec = { name: "python3", display_name: "Python 3", language: "python" }; }) },
  { name: "invalid-json", description: "a notebook cut short", build: () => submission()().slice(0, 5000) },
  { name: "not-a-notebook", description: "JSON, but not a notebook", build: () => `${JSON.stringify({ hello: "world" })}\n` },
  { name: "nbformat-3", description: "an old notebook format", build: () => `${JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [], cells: [], metadata: {} })}\n` },

  // Hostile code: blocked by the sandbox, and reported.
  { name: "reads-references", description: "tries to read the grader's reference outputs", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);", `A1 = tf.mul(A1, D1);\n  // The grader's sandbox runs in grader/dist: the references are one folder up.\n  require("fs").readFileSync(require("path").resolve("../assignments/dropout/references.json"), "utf8");`]]) },
  { name: "writes-file", description: "tries to write a file", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);", `A1 = tf.mul(A1, D1);\n  require("fs").writeFileSync("/tmp/dropout-grader-was-here.txt", "x");`]]) },
  { name: "spawns-process", description: "tries to start a process", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);", `A1 = tf.mul(A1, D1);\n  require("child_process").execSync("touch /tmp/dropout-grader-spawned");`]]) },
  { name: "opens-network", description: "tries to send data over the network", build: submission([[FORWARD, "A1 = tf.mul(A1, D1);", `A1 = tf.mul(A1, D1);\n  require("http").get("http://127.0.0.1:9/?shape=" + X.shape.join("x"));`]]) },

  // Hostile answers that did not do the work: they get only what their outputs truly satisfy.
  {
    name: "zero-masks-zero-gradients",
    description: "masks that drop every unit, and zero gradients: every property holds trivially",
    build: submission([
      [FORWARD, "D1 = rng.rand(A1.shape[0], A1.shape[1]);", "D1 = tf.zerosLike(A1) as Matrix;"],
      [FORWARD, D1_MASK, ""],
      [FORWARD, "D2 = rng.rand(A2.shape[0], A2.shape[1]);", "D2 = tf.zerosLike(A2) as Matrix;"],
      [FORWARD, D2_MASK, ""],
      [BACKWARD, GRADIENTS_RETURN, "const zero = (t: Matrix) => tf.zerosLike(t) as Matrix;\n  return { dZ3: zero(dZ3), dW3: zero(dW3), db3: zero(db3), dA2: zero(dA2), dZ2: zero(dZ2), dW2: zero(dW2), db2: zero(db2), dA1: zero(dA1), dZ1: zero(dZ1), dW1: zero(dW1), db1: zero(db1) };"],
    ]),
  },
  {
    name: "course-outputs-hardcoded",
    description: "returns the course's published values for the course's inputs, and the plain forward and backward passes (no dropout) elsewhere",
    build: submission([
      [FORWARD, "assertKeepProb(keepProb);  // keepProb must lie in (0, 1]", `assertKeepProb(keepProb);
  const published = courseForwardCase();
  if (X.shape[1] === 5 && Math.abs(X.dataSync()[0] - published.X.dataSync()[0]) < 1e-6) {
    const t = (rows: number[][]) => tf.tensor2d(rows) as Matrix;
    const c = published.expectedCache!;
    const p = parameters;
    return [t(published.expectedA3), { Z1: t(c.Z1!), D1: t(c.D1!), A1: t(c.A1!), W1: p.W1, b1: p.b1, Z2: t(c.Z2!), D2: t(c.D2!), A2: t(c.A2!), W2: p.W2, b2: p.b2, Z3: t(c.Z3!), A3: t(c.A3!), W3: p.W3, b3: p.b3 }];
  }`],
      [FORWARD, "D1 = rng.rand(A1.shape[0], A1.shape[1]);", "D1 = tf.onesLike(A1) as Matrix;"],
      [FORWARD, D1_MASK, ""],
      [FORWARD, "A1 = tf.mul(A1, D1);", ""],
      [FORWARD, "A1 = tf.div(A1, keepProb);", ""],
      [FORWARD, "D2 = rng.rand(A2.shape[0], A2.shape[1]);", "D2 = tf.onesLike(A2) as Matrix;"],
      [FORWARD, D2_MASK, ""],
      [FORWARD, "A2 = tf.mul(A2, D2);", ""],
      [FORWARD, "A2 = tf.div(A2, keepProb);", ""],
      [BACKWARD, "const m = X.shape[1];", `const m = X.shape[1];
  const published = courseBackwardCase();
  if (m === 5 && Math.abs(X.dataSync()[0] - published.X.dataSync()[0]) < 1e-6) {
    const g = published.expected;
    const t = (rows: number[][]) => tf.tensor2d(rows) as Matrix;
    return { dZ3: t(g.dZ3!), dW3: t(g.dW3!), db3: t(g.db3!), dA2: t(g.dA2!), dZ2: t(g.dZ2!), dW2: t(g.dW2!), db2: t(g.db2!), dA1: t(g.dA1!), dZ1: t(g.dZ1!), dW1: t(g.dW1!), db1: t(g.db1!) };
  }`],
      [BACKWARD, "dA2 = tf.mul(dA2, D2);", ""],
      [BACKWARD, "dA2 = tf.div(dA2, keepProb);", ""],
      [BACKWARD, "dA1 = tf.mul(dA1, D1);", ""],
      [BACKWARD, "dA1 = tf.div(dA1, keepProb);", ""],
    ]),
  },
  {
    name: "nan-in-cache",
    description: "the solution, with NaN in the cache wherever a mask or an activation is 0",
    build: submission([
      [FORWARD, CACHE_LINE, `// JSON carries NaN as null, which an old grader read as 0.
  const nanForZero = (t: Matrix) => tf.where(tf.equal(t, 0), tf.fill(t.shape, NaN), t) as Matrix;
  const cache: DropoutCache = { Z1, D1: nanForZero(D1), A1: nanForZero(A1), W1, b1, Z2, D2: nanForZero(D2), A2: nanForZero(A2), W2, b2, Z3, A3, W3, b3 };`],
    ]),
  },
  {
    name: "throws-its-inputs",
    description: "right on the course's inputs; elsewhere prints and throws everything it was given (the backward pass its whole cache), hoping to find expected values",
    build: submission([
      [FORWARD, "assertKeepProb(keepProb);  // keepProb must lie in (0, 1]", `assertKeepProb(keepProb);
  const stash = ((globalThis as { stash?: string[] }).stash ??= []);
  if (X.shape[1] !== 5) {
    const everything = JSON.stringify({ X: X.arraySync(), parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, (v as Matrix).arraySync()])), keepProb, draws: rng.rand(3, 4).arraySync() });
    stash.unshift(everything);
    console.log(stash.join("\\n"));
    throw new Error(stash.join("\\n"));
  }`],
      [BACKWARD, "const m = X.shape[1];", `const m = X.shape[1];
  if (m !== 5) {
    const order = ["A3", "Z3", "A2", "Z2", "D2", "A1", "Z1", "D1", "W3", "b3", "W2", "b2", "W1", "b1"] as const;
    const everything = JSON.stringify({ cache: Object.fromEntries(order.map((k) => [k, cache[k].arraySync()])), X: X.arraySync(), Y: Y.arraySync(), keepProb, earlier: (globalThis as { stash?: string[] }).stash ?? [] });
    console.log(everything);
    throw new Error(everything);
  }`],
    ]),
  },
];
  return galleryFilesOf(examples);
}
