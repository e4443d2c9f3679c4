/**
 * Plots for the notebooks, drawn by plotly.js in the classic Jupyter Notebook.
 *
 * The classic Notebook has no renderer for plotly's own MIME type, but it runs the scripts of HTML
 * outputs (in a trusted notebook). So:
 * - `loadPlotly()`, in the set-up cell, puts plotly.js on the page once, inlined (no network needed);
 *   the cartesian bundle (1.5 MB: scatter, contour, heatmap, ...) rather than the full one (10 MB), so
 *   that a saved, executed notebook stays small;
 * - every plot is one display bundle: the figure as `application/vnd.plotly.v1+json` (for frontends
 *   that render it: JupyterLab, VS Code), a small `text/html` div whose script waits for `window.Plotly`
 *   and calls `Plotly.newPlot`, and a `text/plain` line for terminals.
 * Outside a kernel (plain Node, the tests) nothing is displayed. Each `plotX` function returns nothing (a
 * notebook cell would print a returned value); its figure comes from the matching `xFigure` builder.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { predictDec } from "./predict";
import { formatShape } from "./format";
import type { Matrix, Parameters } from "./types";
import { weightNorms } from "./weightNorms";

export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

export type DisplayBundle = Record<string, unknown>;

/** Colours of the two teams, as in the course's pictures: ours blue (1), theirs red (0). */
const BLUE = "#1f77b4";
const requireHere = createRequire(__filename);
const RED = "#d62728";

// ---------------------------------------------------------------------------------------------------
// Sending output to the notebook.

interface TslabJupyter {
  lastWriteDisplayData: ((data: { data: DisplayBundle; metadata: object; transient: object }, update: boolean) => void) | null;
}

/** tslab's display hook, set while a kernel (or tslab's own executor under our runner) executes a cell. */
function displayHook(): TslabJupyter["lastWriteDisplayData"] {
  try {
    // Loaded lazily: the kit works without tslab (scripts, tests), and the hook only exists inside it.
    const jupyter = requireHere("tslab/dist/jupyter") as TslabJupyter;
    return jupyter.lastWriteDisplayData;
  } catch {
    return null;
  }
}

/** Shows a multi-MIME bundle in the current cell's output; returns false when there is no notebook to show it in. */
export function display(bundle: DisplayBundle): boolean {
  const hook = displayHook();
  if (!hook) return false;
  hook({ data: bundle, metadata: {}, transient: {} }, false);
  return true;
}

let plotlySource: string | undefined;

/** plotly.js's cartesian bundle, read once from node_modules. */
export function plotlyBundleSource(): string {
  plotlySource ??= readFileSync(requireHere.resolve("plotly.js-cartesian-dist-min/plotly-cartesian.min.js"), "utf8");
  return plotlySource;
}

/**
 * Puts plotly.js on the notebook's page, for the plots of the following cells. Call it once, in the
 * set-up cell; running it again is harmless.
 */
export function loadPlotly(): void {
  // "</script" cannot appear inside an inline script; the minified bundle is checked for it in the tests.
  const html = `<script type="text/javascript">${plotlyBundleSource()}</script>\n<div style="color:#888;font-size:small">plotly.js ${plotlyVersion()} is loaded: plots below will draw. (No plots? Trust the notebook: File &gt; Trust Notebook.)</div>`;
  display({ "text/html": html, "text/plain": `plotly.js ${plotlyVersion()} loaded` });
}

function plotlyVersion(): string {
  return (requireHere("plotly.js-cartesian-dist-min/package.json") as { version: string }).version;
}

let plotCounter = 0;

/** The display bundle for one figure: plotly JSON, a self-drawing HTML div, and a plain-text line. */
export function figureBundle(figure: Figure, description: string): DisplayBundle {
  const json = JSON.stringify(figure);
  // Ids from the figure's content and a counter: unique on the page, and the same on every run.
  const id = `dropout-plot-${createHash("sha256").update(json).digest("hex").slice(0, 10)}-${plotCounter++}`;
  const script = `(function () {
  var tries = 0;
  function draw() {
    var el = document.getElementById(${JSON.stringify(id)});
    if (window.Plotly && el) { window.Plotly.newPlot(el, FIG.data, FIG.layout, {responsive: true}); return; }
    if (++tries < 100) { setTimeout(draw, 50); return; }
    if (el) el.textContent = "plotly.js is not on this page: run the set-up cell (loadPlotly()) first, then this cell.";
  }
  var FIG = ${json.replace(/</g, "\\u003c")};
  draw();
})();`;
  return {
    "application/vnd.plotly.v1+json": figure,
    "text/html": `<div id="${id}" style="width:100%;max-width:720px;height:460px"></div>\n<script type="text/javascript">\n${script}\n</script>`,
    "text/plain": `<plot: ${description}>`,
  };
}

/** Shows a figure in the notebook (nothing outside one). */
export function showFigure(figure: Figure, description: string): void {
  display(figureBundle(figure, description));
}

/** A figure and the one-line text a terminal shows for it. */
export interface DescribedFigure {
  figure: Figure;
  description: string;
}

// ---------------------------------------------------------------------------------------------------
// The course's three pictures, and the weights' sizes (what L2 regularization changes).

export interface PlotOptions {
  title?: string;
}

function columns(X: Matrix, Y: Matrix): { x1: number[]; x2: number[]; y: number[] } {
  if (X.rank !== 2 || X.shape[0] !== 2) throw new RangeError(`X must have shape [2, m] (one column per point), got ${formatShape(X.shape)}`);
  if (Y.rank !== 2 || Y.shape[0] !== 1 || Y.shape[1] !== X.shape[1]) throw new RangeError(`Y must have shape [1, ${X.shape[1]}] to match X, got ${formatShape(Y.shape)}`);
  const x = X.arraySync() as number[][];
  return { x1: x[0], x2: x[1], y: Array.from(Y.dataSync()) };
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

function pointTraces(X: Matrix, Y: Matrix): Record<string, unknown>[] {
  const { x1, x2, y } = columns(X, Y);
  const team = (label: number, name: string, color: string) => {
    const idx = y.flatMap((v, j) => (v === label ? [j] : []));
    return {
      type: "scatter",
      mode: "markers",
      name,
      x: idx.map((j) => round4(x1[j])),
      y: idx.map((j) => round4(x2[j])),
      marker: { color, size: 7, line: { color: "#222", width: 0.6 } },
    };
  };
  return [team(1, "ours (1)", BLUE), team(0, "theirs (0)", RED)];
}

/** The data's range on one axis, with a small margin. */
function span(values: number[]): [number, number] {
  return [round4(Math.min(...values) - 0.05), round4(Math.max(...values) + 0.05)];
}

/** Axes fitted to the points, one unit as long on both (a diagonal looks diagonal). */
function pitchLayout(title: string, X: Matrix): Record<string, unknown> {
  const x = X.arraySync() as number[][];
  return {
    title: { text: title, x: 0.02, xanchor: "left" }, // left: the toolbar sits on the right
    xaxis: { title: { text: "x₁" }, zeroline: false, range: span(x[0]), constrain: "domain" },
    yaxis: { title: { text: "x₂" }, zeroline: false, range: span(x[1]), scaleanchor: "x", constrain: "domain" },
    legend: { orientation: "h", y: -0.18 },
    margin: { t: 50, r: 20, b: 40, l: 50 },
  };
}

/** The data set: each point where the ball came down, coloured by the team that headed it. */
export function plotDataset(X: Matrix, Y: Matrix, options: PlotOptions = {}): void {
  const { figure, description } = datasetFigure(X, Y, options);
  showFigure(figure, description);
}

export function datasetFigure(X: Matrix, Y: Matrix, options: PlotOptions = {}): DescribedFigure {
  const title = options.title ?? "The data set";
  return { figure: { data: pointTraces(X, Y), layout: pitchLayout(title, X) }, description: `${title}: ${X.shape[1]} points` };
}

type CostHistory = readonly { iteration: number; cost: number }[];
type CostPlotOptions = PlotOptions & { learningRate?: number };

/** The cost against the iteration, from `model`'s cost history. */
export function plotCosts(costs: CostHistory, options: CostPlotOptions = {}): void {
  const { figure, description } = costsFigure(costs, options);
  showFigure(figure, description);
}

export function costsFigure(costs: CostHistory, options: CostPlotOptions = {}): DescribedFigure {
  if (costs.length === 0) throw new RangeError("plotCosts: the cost history is empty (did the model train for 0 iterations?)");
  const title = options.title ?? "Cost";
  const fullTitle = options.learningRate === undefined ? title : `${title} (learning rate ${options.learningRate})`;
  const figure: Figure = {
    data: [{ type: "scatter", mode: "lines", name: "cost", x: costs.map((c) => c.iteration), y: costs.map((c) => c.cost), line: { color: BLUE } }],
    layout: {
      title: { text: fullTitle, x: 0.02, xanchor: "left" },
      xaxis: { title: { text: "iteration" } },
      yaxis: { title: { text: "cost" }, rangemode: "tozero" },
      margin: { t: 50, r: 20, b: 50, l: 60 },
    },
  };
  const last = costs[costs.length - 1];
  return { figure, description: `${fullTitle}: ${costs.length} points, last ${last.cost.toFixed(4)} at iteration ${last.iteration}` };
}

export interface BoundaryOptions extends PlotOptions {
  /** Grid points per axis (default 150). */
  resolution?: number;
}

/**
 * The model's decision regions (its prediction at every point of a grid over the data's range), with
 * the points on top: where the boundary bends around single training points, the model has overfitted.
 */
export function plotDecisionBoundary(parameters: Parameters, X: Matrix, Y: Matrix, options: BoundaryOptions = {}): void {
  const { figure, description } = decisionBoundaryFigure(parameters, X, Y, options);
  showFigure(figure, description);
}

export function decisionBoundaryFigure(parameters: Parameters, X: Matrix, Y: Matrix, options: BoundaryOptions = {}): DescribedFigure {
  const resolution = options.resolution ?? 150;
  if (!Number.isInteger(resolution) || resolution < 2 || resolution > 1000) throw new RangeError(`resolution must be an integer in [2, 1000], got ${resolution}`);
  const { x1, x2 } = columns(X, Y);
  const axis = (v: number[]) => {
    const [lo, hi] = span(v);
    return Array.from({ length: resolution }, (_, k) => round4(lo + ((hi - lo) * k) / (resolution - 1)));
  };
  const gx = axis(x1);
  const gy = axis(x2);
  // Grid as the columns of a [2, resolution²] matrix, row by row of the picture.
  const grid = tf.tensor2d([gy.flatMap(() => gx), gy.flatMap((y) => gx.map(() => y))], [2, resolution * resolution]) as Matrix;
  const predicted = predictDec(parameters, grid);
  const flat = Array.from(predicted.dataSync());
  tf.dispose([grid, predicted]);
  const z = gy.map((_, r) => flat.slice(r * resolution, (r + 1) * resolution));
  const title = options.title ?? "Decision boundary";
  const regions = {
    type: "heatmap",
    name: "prediction",
    x: gx,
    y: gy,
    z,
    zmin: 0,
    zmax: 1,
    colorscale: [[0, "#f4c7c3"], [1, "#c6dbef"]],
    showscale: false,
    hoverinfo: "skip",
  };
  const blueShare = flat.reduce((a, b) => a + b, 0) / flat.length;
  return {
    figure: { data: [regions, ...pointTraces(X, Y)], layout: pitchLayout(title, X) },
    description: `${title}: predicts "ours" on ${(100 * blueShare).toFixed(1)}% of the pitch`,
  };
}

/** One trained model in a comparison: the name its bars carry in the legend, and its parameters. */
export interface NamedParameters {
  name: string;
  parameters: Parameters;
}

/** Bar colours of the compared models, in order (then repeated). */
const MODEL_COLORS = ["#7f7f7f", "#2ca02c", "#ff7f0e", "#9467bd"];

/**
 * The size of each layer's weights (its Frobenius norm, `weightNorms`), one group of bars per layer and one
 * bar per model: L2 regularization shows as shorter bars.
 */
export function plotWeightNorms(models: readonly NamedParameters[], options: PlotOptions = {}): void {
  const { figure, description } = weightNormsFigure(models, options);
  showFigure(figure, description);
}

export function weightNormsFigure(models: readonly NamedParameters[], options: PlotOptions = {}): DescribedFigure {
  if (models.length === 0) throw new RangeError("plotWeightNorms: give at least one model, as [{ name, parameters }, ...]");
  const title = options.title ?? "Size of the weights, layer by layer";
  const measured = models.map((m) => ({ name: m.name, norms: weightNorms(m.parameters) }));
  const layers = ["W1", "W2", "W3"] as const;
  const data = measured.map(({ name, norms }, k) => ({
    type: "bar",
    name,
    x: [...layers],
    y: layers.map((layer) => round4(norms[layer])),
    text: layers.map((layer) => norms[layer].toFixed(2)),
    textposition: "outside",
    marker: { color: MODEL_COLORS[k % MODEL_COLORS.length] },
  }));
  const figure: Figure = {
    data,
    layout: {
      title: { text: title, x: 0.02, xanchor: "left" },
      barmode: "group",
      xaxis: { title: { text: "weight matrix" } },
      yaxis: { title: { text: "Frobenius norm ‖W‖ = sqrt(Σ W²)" }, rangemode: "tozero" },
      legend: { orientation: "h", y: -0.18 },
      margin: { t: 50, r: 20, b: 50, l: 60 },
    },
  };
  const summary = measured.map(({ name, norms }) => `${name} ${layers.map((l) => `${l} ${norms[l].toFixed(2)}`).join(", ")}`);
  return { figure, description: `${title}: ${summary.join("; ")}` };
}
