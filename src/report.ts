/** The notebook's closing comparison, printed as an aligned text table (readable in a terminal too). */

export interface AccuracyRow {
  model: string;
  train: number;
  test: number;
}

export function formatAccuracyTable(rows: AccuracyRow[]): string {
  const header = ["model", "train accuracy", "test accuracy"];
  const cells = rows.map((r) => [r.model, percent(r.train), percent(r.test)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...cells.map(line)].join("\n");
}

export function accuracyTable(rows: AccuracyRow[]): void {
  console.log(formatAccuracyTable(rows));
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
