/**
 * Plots: the figures hold what they claim (points, costs, the model's own predictions on the grid, each model's
 * weight norms), and what reaches the notebook is one bundle that renders in the classic Notebook (HTML that
 * waits for window.Plotly and calls Plotly.newPlot), keeps the figure as plotly JSON, and has a text line.
 * Fails when: src/plots.ts stops escaping "<" in the inline figure JSON (seen red: 1 test), or swaps x and y in the
 * decision-boundary grid (seen red: 1), or weightNorms returns the sum of squares instead of its square root (seen
 * red: 2), or weightNormsFigure draws the first model's norms for every model (seen red: 1).
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as jupyter from "tslab/dist/jupyter";
import { costsFigure, datasetFigure, decisionBoundaryFigure, display, figureBundle, initializeParameters, loadPlotly, plotDataset, plotlyBundleSource, plotWeightNorms, predictDec, RandomState, tf, weightNorms, weightNormsFigure } from "dropout-kit";
import type { DisplayBundle, Matrix } from "dropout-kit";

let X: Matrix;
let Y: Matrix;
beforeAll(() => {
  // After test/setup-backend.ts has initialized the backend.
  X = tf.tensor2d([[-0.5, 0.1, 0.4, 0.7], [0.2, -0.3, 0.6, -0.7]]) as Matrix;
  Y = tf.tensor2d([[1, 0, 1, 0]]) as Matrix;
});

/** Captures what the kit sends to the notebook, through the hook the tslab kernel sets. */
function captureDisplays(body: () => void): DisplayBundle[] {
  const hook = jupyter as unknown as { lastWriteDisplayData: unknown };
  const original = hook.lastWriteDisplayData;
  const shown: DisplayBundle[] = [];
  hook.lastWriteDisplayData = (message: { data: DisplayBundle }) => shown.push(message.data);
  try {
    body();
  } finally {
    hook.lastWriteDisplayData = original;
  }
  return shown;
}

afterEach(() => {
  (jupyter as unknown as { lastWriteDisplayData: unknown }).lastWriteDisplayData = null;
});

describe("figures", () => {
  it("datasetFigure: one trace per team, every point once", () => {
    const { figure, description } = datasetFigure(X, Y, { title: "t" });
    const [ours, theirs] = figure.data as { x: number[]; y: number[]; name: string }[];
    expect(ours.x).toEqual([-0.5, 0.4]);
    expect(ours.y).toEqual([0.2, 0.6]);
    expect(theirs.x).toEqual([0.1, 0.7]);
    expect(description).toBe("t: 4 points");
  });

  it("datasetFigure: X and Y must match", () => {
    expect(() => datasetFigure(X, tf.tensor2d([[1, 0]]) as Matrix)).toThrow(/Y must have shape \[1, 4\]/);
    expect(() => datasetFigure(tf.tensor2d([[1, 2]]) as Matrix, Y)).toThrow(/X must have shape \[2, m\]/);
  });

  it("costsFigure: the cost history, iteration by iteration; an empty history is an error", () => {
    const { figure } = costsFigure([{ iteration: 0, cost: 0.7 }, { iteration: 1000, cost: 0.2 }], { learningRate: 0.3 });
    expect(figure.data[0]).toMatchObject({ x: [0, 1000], y: [0.7, 0.2] });
    expect(JSON.stringify(figure.layout)).toContain("learning rate 0.3");
    expect(() => costsFigure([])).toThrow(/cost history is empty/);
  });

  it("decisionBoundaryFigure: the grid holds the model's own predictions, and no tensor is left behind", () => {
    const parameters = initializeParameters([2, 20, 3, 1], new RandomState(3));
    const before = tf.memory().numTensors;
    const { figure } = decisionBoundaryFigure(parameters, X, Y, { resolution: 12 });
    expect(tf.memory().numTensors).toBe(before);
    const heatmap = figure.data[0] as { x: number[]; y: number[]; z: number[][] };
    expect(heatmap.z).toHaveLength(12);
    expect(heatmap.z.every((row) => row.length === 12 && row.every((v) => v === 0 || v === 1))).toBe(true);
    for (const [r, c] of [[0, 0], [3, 7], [11, 11], [6, 2]]) {
      const point = tf.tensor2d([[heatmap.x[c]], [heatmap.y[r]]]) as Matrix;
      expect(predictDec(parameters, point).dataSync()[0], `grid cell [${r}, ${c}]`).toBe(heatmap.z[r][c]);
    }
    expect(() => decisionBoundaryFigure(parameters, X, Y, { resolution: 1 })).toThrow(/resolution must be an integer/);
  });
});

describe("weight norms", () => {
  it("weightNorms: each weight matrix's Frobenius norm, summed in float64; the biases left out; no tensor left behind", () => {
    const parameters = initializeParameters([2, 20, 3, 1], new RandomState(3));
    parameters.b1 = tf.fill([20, 1], 100) as Matrix; // would dominate every norm if the biases counted
    const before = tf.memory().numTensors;
    const norms = weightNorms(parameters);
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(norms)).toEqual(["W1", "W2", "W3"]);
    for (const name of ["W1", "W2", "W3"] as const) {
      const values = Array.from(parameters[name].dataSync());
      expect(norms[name], name).toBeCloseTo(Math.hypot(...values), 12);
    }
    const W = tf.tensor2d([[3, 0], [0, -4]]) as Matrix;
    expect(weightNorms({ ...parameters, W1: W, W2: tf.mul(W, 2) as Matrix, W3: tf.zeros([1, 3]) as Matrix })).toEqual({ W1: 5, W2: 10, W3: 0 });
  });

  it("weightNormsFigure: one group of bars per layer, one bar per model, as tall as its norm", () => {
    const plain = initializeParameters([2, 20, 3, 1], new RandomState(3));
    const small = { ...plain, W1: tf.mul(plain.W1, 0.5) as Matrix, W2: tf.mul(plain.W2, 0.25) as Matrix };
    const { figure, description } = weightNormsFigure([{ name: "plain", parameters: plain }, { name: "small", parameters: small }], { title: "Sizes" });
    expect(figure.layout).toMatchObject({ barmode: "group" });
    const bars = figure.data as { type: string; name: string; x: string[]; y: number[] }[];
    expect(bars.map((b) => [b.type, b.name])).toEqual([["bar", "plain"], ["bar", "small"]]);
    const [expectedPlain, expectedSmall] = [weightNorms(plain), weightNorms(small)];
    for (const [bar, expected] of [[bars[0], expectedPlain], [bars[1], expectedSmall]] as const) {
      expect(bar.x).toEqual(["W1", "W2", "W3"]);
      bar.y.forEach((height, k) => expect(height, `${bar.name} ${bar.x[k]}`).toBeCloseTo(expected[bar.x[k] as "W1"], 4));
    }
    expect(bars[1].y[0]).toBeCloseTo(bars[0].y[0] / 2, 3);
    expect(bars[1].y[2]).toBe(bars[0].y[2]);
    expect(description).toBe(`Sizes: plain ${["W1", "W2", "W3"].map((l) => `${l} ${expectedPlain[l as "W1"].toFixed(2)}`).join(", ")}; small ${["W1", "W2", "W3"].map((l) => `${l} ${expectedSmall[l as "W1"].toFixed(2)}`).join(", ")}`);
  });

  it("weightNormsFigure: no model, or parameters without a weight matrix, is an error that says what to pass", () => {
    expect(() => weightNormsFigure([])).toThrow(/give at least one model, as \[\{ name, parameters \}, \.\.\.\]/);
    const { W2: _, ...withoutW2 } = initializeParameters([2, 20, 3, 1], new RandomState(3));
    expect(() => weightNormsFigure([{ name: "x", parameters: withoutW2 as never }])).toThrow(/no weight matrix W2/);
  });

  it("plotWeightNorms sends one bundle to the notebook", () => {
    const parameters = initializeParameters([2, 20, 3, 1], new RandomState(3));
    const shown = captureDisplays(() => plotWeightNorms([{ name: "a", parameters }]));
    expect(shown).toHaveLength(1);
    expect(String(shown[0]["text/html"])).toContain("Plotly.newPlot");
    expect(String(shown[0]["text/plain"])).toMatch(/^<plot: Size of the weights, layer by layer: a W1 \d+\.\d\d, W2 /);
  });
});

describe("what reaches the notebook", () => {
  it("a plot is one bundle: plotly JSON, HTML that draws itself once plotly.js is there, and a text line", () => {
    const shown = captureDisplays(() => plotDataset(X, Y, { title: "Kicks" }));
    expect(shown).toHaveLength(1);
    const bundle = shown[0];
    expect(Object.keys(bundle).sort()).toEqual(["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
    const html = String(bundle["text/html"]);
    const id = /<div id="([^"]+)"/.exec(html)![1];
    expect(html).toContain(`document.getElementById("${id}")`);
    expect(html).toContain("window.Plotly.newPlot(el, FIG.data, FIG.layout");
    expect(html).toContain("run the set-up cell (loadPlotly()) first");
    expect(bundle["text/plain"]).toBe("<plot: Kicks: 4 points>");
    expect((bundle["application/vnd.plotly.v1+json"] as { data: unknown[] }).data).toHaveLength(2);
  });

  it("a title cannot break out of the inline script", () => {
    const html = String(figureBundle({ data: [], layout: { title: { text: "</script><b>x" } } }, "d")["text/html"]);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });

  it("two identical plots get different element ids", () => {
    const figure = { data: [], layout: {} };
    const ids = [figureBundle(figure, "a"), figureBundle(figure, "a")].map((b) => /<div id="([^"]+)"/.exec(String(b["text/html"]))![1]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("loadPlotly inlines plotly.js's cartesian bundle once, as a script the page runs", () => {
    const source = plotlyBundleSource();
    expect(source.length).toBeGreaterThan(1_000_000);
    expect(source.length).toBeLessThan(2_000_000);
    expect(source).not.toMatch(/<\/script/i);
    const shown = captureDisplays(() => loadPlotly());
    expect(shown).toHaveLength(1);
    expect(String(shown[0]["text/html"]).startsWith(`<script type="text/javascript">${source.slice(0, 200)}`)).toBe(true);
  });

  it("outside a notebook nothing is displayed and nothing fails", () => {
    expect(display({ "text/plain": "x" })).toBe(false);
    expect(() => plotDataset(X, Y)).not.toThrow();
  });
});
