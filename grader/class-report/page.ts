/**
 * The class report as one self-contained page (class-report.html): plotly.js inlined (no network, opens from
 * disk), the figures of class-report.json drawn as charts, and every number also written out in tables, so the
 * page reads even where scripts do not run. Everything that comes from a submission (a student id is a file
 * name; a sentence may quote a student's error) is escaped as HTML text, and the data the charts read sits in a
 * JSON script block that cannot end early (every "<" written as \u003c).
 */
import { plotlyBundleSource, withoutControls } from "dropout-kit";
import type { Section } from "dropout-kit";
import type { AssignmentSummary, CheckSummary, ClassReport, MisconceptionSummary } from "./summary";
import { MOST_COMMON } from "./summary";

/** Text as HTML text or an attribute value: nothing in it can open a tag, an entity or end an attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const percent = (rate: number | null) => (rate === null ? "–" : `${Math.round(rate * 100)}%`);
const score = (x: number) => String(Math.round(x * 100) / 100);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * A student id (a file name) as text: escaped, its control and invisible characters shown as \u{..} (a
 * right-to-left override must not make one id read as another), isolated from the text around it.
 */
const studentText = (id: string) => `<bdi><code>${escapeHtml(withoutControls(id, false))}</code></bdi>`;

/** Students as a list; long lists are folded (the JSON has them all). */
function studentList(students: string[]): string {
  if (students.length === 0) return "–";
  const items = students.map(studentText);
  if (items.length <= 12) return items.join(", ");
  return `<details><summary>${items.slice(0, 8).join(", ")} and ${students.length - 8} more</summary>${items.join(", ")}</details>`;
}

const sectionText = (s: Section) => `<code>${escapeHtml(s.notebook)}</code> › ${escapeHtml(s.heading)}`;

function cards(a: AssignmentSummary): string {
  const s = a.scores;
  const card = (value: string, label: string) => `<div class="card"><div class="value">${value}</div><div class="label">${label}</div></div>`;
  return `<div class="cards">${[
    card(String(a.submissions), "submissions"),
    card(String(a.graded), "graded"),
    card(`${score(s.median)} / ${score(s.maxScore)}`, "median score"),
    card(score(s.mean), "mean score"),
    card(String(s.fullMarks), "full marks"),
    card(String(s.zero), "scored 0"),
  ].join("")}</div>`;
}

function reteach(a: AssignmentSummary): string {
  if (a.misconceptions.length === 0) return a.graded > 0 ? "<p>No diagnosis named a misconception in this batch.</p>" : "";
  // What to teach again: misconceptions about the course's content (a finding such as a recalled answer is in the table below).
  const items = a.misconceptions.filter((m) => m.explainedIn.length > 0).slice(0, MOST_COMMON).map((m) => {
    const where = m.explainedIn.length > 0 ? ` Explained in ${m.explainedIn.map(sectionText).join("; ")}.` : "";
    return `<li><strong>${escapeHtml(m.title)}</strong>: ${plural(m.students.length, "student")} of ${a.graded} (${percent(a.graded ? m.students.length / a.graded : null)}).${where}</li>`;
  });
  if (items.length === 0) return "<p>No diagnosis named a misconception about the course's content in this batch (the findings are in the table below).</p>";
  return `<h3>What to go over again</h3><ol class="reteach">${items.join("")}</ol>`;
}

function misconceptionRows(a: AssignmentSummary): string {
  if (a.misconceptions.length === 0) return "";
  const row = (m: MisconceptionSummary) => `<tr>
  <td><strong>${escapeHtml(m.title)}</strong><br><code class="id">${escapeHtml(m.id)}</code>${m.known ? "" : " <em>(not in this grader's catalogue)</em>"}</td>
  <td class="num">${m.students.length}</td>
  <td>${studentList(m.students)}</td>
  <td>${m.checks.map((c) => `<code>${escapeHtml(c.id)}</code> (${c.students})`).join(", ")}</td>
  <td>${m.sentences.map((s) => `<blockquote>${escapeHtml(withoutControls(s.text))}</blockquote>${m.sentences.length > 1 ? `<div class="small">read by ${plural(s.students, "student")}</div>` : ""}`).join("")}</td>
  <td>${m.explainedIn.map(sectionText).join("<br>") || "–"}</td>
</tr>`;
  return `<h3>Named misconceptions</h3>
<table><thead><tr><th>misconception</th><th>students</th><th>who</th><th>in the checks</th><th>what they read</th><th>explained in</th></tr></thead>
<tbody>${a.misconceptions.map(row).join("\n")}</tbody></table>`;
}

function checkRows(a: AssignmentSummary): string {
  const row = (c: CheckSummary) => `<tr>
  <td>${escapeHtml(c.name)}<br><code class="id">${escapeHtml(c.id)}</code></td>
  <td class="num">${percent(c.passRate)}</td>
  <td class="num">${c.passed}</td>
  <td class="num">${c.named}</td>
  <td class="num">${c.unnamed}</td>
  <td class="num">${c.notRun}</td>
  <td>${studentList(c.unnamedStudents)}</td>
</tr>`;
  return `<h3>Checks, lowest pass rate first</h3>
<p class="small">Over the ${plural(a.graded, "graded submission")}. A failure is <em>named</em> when its diagnosis named a misconception, <em>unnamed</em> when points were lost and no diagnosis named why (where the grader's vocabulary runs out), <em>not run</em> when the function could not be checked at all (missing, not implemented, did not compile or load, or on every call stopped by a limit or blocked from files, processes or the network).</p>
<table><thead><tr><th>check</th><th>pass rate</th><th>passed</th><th>failed, named</th><th>failed, unnamed</th><th>not run</th><th>unnamed: who</th></tr></thead>
<tbody>${a.checks.map(row).join("\n")}</tbody></table>`;
}

function problemLists(a: AssignmentSummary): string {
  const parts: string[] = [];
  if (a.ungradable.length > 0) {
    parts.push(`<h3>Could not be graded (${a.ungradable.length})</h3><ul>${a.ungradable.map((u) => `<li>${studentText(u.student)}: ${escapeHtml(withoutControls(u.reason))}</li>`).join("")}</ul>`);
  }
  if (a.cutShort.length > 0) {
    parts.push(`<h3>Grading cut short (${a.cutShort.length})</h3><ul>${a.cutShort.map((u) => `<li>${studentText(u.student)} (${escapeHtml(u.kinds.join(", "))}): ${escapeHtml(withoutControls(u.detail))}</li>`).join("")}</ul>`);
  }
  if (a.editedReadOnly.length > 0) {
    parts.push(`<h3>Read-only cells edited (${a.editedReadOnly.length})</h3><p class="small">Reported only: the grader runs its own tests, so these edits change no score.</p><ul>${a.editedReadOnly.map((u) => `<li>${studentText(u.student)}: ${u.cells.map((c) => `<code>${escapeHtml(c)}</code>`).join(", ")}</li>`).join("")}</ul>`);
  }
  return parts.join("\n");
}

function assignmentSection(a: AssignmentSummary, k: number): string {
  const charts = a.graded > 0
    ? `<div class="charts">
  <div class="chart" id="chart-${k}-scores" data-chart="scores" data-assignment="${k}"></div>
  <div class="chart" id="chart-${k}-checks" data-chart="checks" data-assignment="${k}"></div>
  ${a.misconceptions.length > 0 ? `<div class="chart wide" id="chart-${k}-misconceptions" data-chart="misconceptions" data-assignment="${k}"></div>` : ""}
</div>`
    : `<p class="empty">None of this assignment's ${plural(a.submissions, "submission")} could be graded, so there are no scores, checks or misconceptions to show.</p>`;
  return `<section>
<h2>${escapeHtml(a.title)} <span class="small">(<code>${escapeHtml(a.id)}</code>, ${escapeHtml(a.notebook)})</span></h2>
${cards(a)}
${reteach(a)}
${charts}
${misconceptionRows(a)}
${a.graded > 0 ? checkRows(a) : ""}
${problemLists(a)}
</section>`;
}

/** The script that draws the charts from the page's JSON (it runs in the browser). */
const DRAW = String.raw`(function () {
  var report = JSON.parse(document.getElementById("class-report-data").textContent);
  var font = { family: "system-ui, sans-serif", size: 12 };
  function draw(el) {
    var a = report.assignments[Number(el.getAttribute("data-assignment"))];
    var kind = el.getAttribute("data-chart");
    var data, layout;
    if (kind === "scores") {
      var bins = a.scores.histogram;
      data = [{ type: "bar", x: bins.map(function (b) { return b.from; }), y: bins.map(function (b) { return b.count; }), marker: { color: "#4c78a8" },
        width: bins.map(function () { return (bins.length > 1 ? bins[1].from - bins[0].from : 1) * 0.9; }),
        hovertemplate: "%{y} with a score of %{x} (to the next bar)<extra></extra>" }];
      var width = bins.length > 1 ? bins[1].from - bins[0].from : 1;
      layout = { title: { text: "Scores (" + a.scores.count + " submissions)" }, xaxis: { title: { text: "score out of " + a.scores.maxScore }, dtick: bins.length <= 25 ? width : undefined }, yaxis: { title: { text: "students" }, rangemode: "tozero" }, bargap: 0.05 };
    } else if (kind === "checks") {
      var names = a.checks.map(function (c) { return c.id; });
      var part = function (label, key, color) { return { type: "bar", orientation: "h", name: label, y: names, x: a.checks.map(function (c) { return c[key]; }), marker: { color: color } }; };
      data = [part("passed", "passed", "#54a24b"), part("failed, misconception named", "named", "#f58518"), part("failed, unnamed", "unnamed", "#e45756"), part("not run", "notRun", "#bab0ac")];
      layout = { title: { text: "Checks, lowest pass rate first" }, barmode: "stack", yaxis: { autorange: "reversed", automargin: true }, xaxis: { title: { text: "graded submissions" } }, legend: { orientation: "h", y: -0.2 } };
    } else {
      var top = a.misconceptions.slice(0, 15);
      data = [{ type: "bar", orientation: "h", y: top.map(function (m) { return m.title.length > 60 ? m.title.slice(0, 59) + "…" : m.title; }), x: top.map(function (m) { return m.students.length; }), marker: { color: "#f58518" },
        hovertemplate: "%{x} students<extra></extra>" }];
      layout = { title: { text: "Named misconceptions: students per misconception" }, yaxis: { autorange: "reversed", automargin: true }, xaxis: { title: { text: "students" }, rangemode: "tozero", dtick: 1 } };
    }
    layout.font = font;
    layout.margin = { t: 48, r: 16 };
    window.Plotly.newPlot(el, data, layout, { responsive: true, displayModeBar: false });
  }
  var charts = document.querySelectorAll("[data-chart]");
  for (var i = 0; i < charts.length; i++) {
    if (window.Plotly) draw(charts[i]);
    else charts[i].textContent = "plotly.js did not load: the tables below have the same figures.";
  }
})();`;

const STYLE = `body { font-family: system-ui, sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #222; }
h1 { margin-bottom: 4px; } h2 { border-bottom: 2px solid #4c78a8; padding-bottom: 4px; margin-top: 40px; }
.small { font-size: 13px; color: #555; font-weight: normal; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 10px 16px; min-width: 110px; }
.card .value { font-size: 24px; font-weight: 600; } .card .label { font-size: 12px; color: #666; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; } .chart { flex: 1 1 520px; height: 420px; } .chart.wide { flex-basis: 100%; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 24px; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 6px 8px; vertical-align: top; text-align: left; } th { background: #f4f6f9; }
td.num { text-align: right; white-space: nowrap; } code.id { color: #666; font-size: 11px; }
blockquote { margin: 0 0 4px; padding-left: 8px; border-left: 3px solid #f58518; white-space: pre-wrap; }
.reteach li { margin-bottom: 6px; } .empty { padding: 12px; background: #fff6e5; border-radius: 6px; }`;

/** The page: self-contained (plotly.js inlined), its charts drawn from the report's own JSON. */
export function classReportPage(report: ClassReport): string {
  // Inside a script element only "</script" (any case) and "<!--" could end or change it: no "<" is left.
  const data = JSON.stringify(report).replace(/</g, "\\u003c");
  const titles = report.assignments.map((a) => a.title);
  const heading = titles.length > 0 ? `Class report: ${titles.join(", ")}` : "Class report";
  let body: string;
  if (report.submissions === 0) body = `<p class="empty">This batch had no submissions: nothing was graded. Run <code>npm run grade -- FOLDER</code> on a folder of notebooks.</p>`;
  else if (report.assignments.length === 0) body = `<p class="empty">None of the ${plural(report.submissions, "submission")} could be told to belong to an assignment, so there are no scores to show.</p>`;
  else body = report.assignments.map(assignmentSection).join("\n");
  const unassigned = report.unassigned.length > 0
    ? `<section><h2>Not in any assignment (${report.unassigned.length})</h2><p class="small">These have no row in grades.csv (see grades-left-out.csv); grade them again with <code>--assignment ID</code> once you know which.</p><ul>${report.unassigned.map((u) => `<li>${studentText(u.student)}: ${escapeHtml(withoutControls(u.reason))}</li>`).join("")}</ul></section>`
    : "";
  const plotly = report.assignments.some((a) => a.graded > 0) ? `<script>${plotlyBundleSource()}</script>` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(heading)}</h1>
<p class="small">${plural(report.submissions, "submission")} in this batch. The same figures as data: <code>class-report.json</code> beside this page. Student ids are the notebooks' file names, as in grades.csv.</p>
${body}
${unassigned}
<script type="application/json" id="class-report-data">${data}</script>
${plotly}
<script>${DRAW}</script>
</body>
</html>
`;
}
