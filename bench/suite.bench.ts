/**
 * How long the test suite takes, and where: `npm run bench:suite` runs `vitest run` (CI=true, as .ci/run
 * does) with vitest's JSON reporter, then prints the wall clock, the test count and the 10 slowest files. With
 * `--compare REPORT` (a report an earlier run saved with `--save REPORT`) it prints the two side by side, the
 * ratios measured against that baseline. Figures only: it asserts nothing, and a noisy machine moves them.
 *
 *   npm run bench:suite -- --save /tmp/before.json          # on the old tree
 *   npm run bench:suite -- --compare /tmp/before.json       # on the new one
 *   npm run bench:suite -- --report /tmp/run.json           # read a report, run nothing
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

const ROOT = resolve(__dirname, "..");

interface Report {
  wallSeconds: number;
  /** User + system CPU of vitest and every process it waited for (bash's `times`): steadier than the wall clock on a shared host. */
  cpuSeconds?: number;
  tests: number;
  failed: number;
  files: { file: string; seconds: number }[];
}

/** vitest's JSON report as file durations (each file's first test start to its end), plus the wall clock measured here. */
function reportOf(json: { numTotalTests: number; numFailedTests: number; testResults: { name: string; startTime: number; endTime: number }[] }, wallSeconds: number): Report {
  const files = json.testResults.map((r) => ({ file: relative(ROOT, r.name), seconds: (r.endTime - r.startTime) / 1000 })).sort((a, b) => b.seconds - a.seconds);
  return { wallSeconds, tests: json.numTotalTests, failed: json.numFailedTests, files };
}

function run(extra: string[]): Report {
  const out = join(mkdtempSync(join(tmpdir(), "suite-bench-")), "vitest.json");
  const times = `${out}.times`;
  const started = performance.now();
  // Through bash, whose `times` then prints the CPU its children (vitest and everything it waited for) used.
  const child = spawnSync("bash", ["-c", '"$@"; status=$?; times > "$SUITE_TIMES"; exit $status', "suite", process.execPath, resolve(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--reporter=json", `--outputFile=${out}`, ...extra], {
    cwd: ROOT,
    env: { ...process.env, CI: "true", NO_COLOR: "1", SUITE_TIMES: times },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const wall = (performance.now() - started) / 1000;
  if (!existsSync(out)) throw new Error(`vitest wrote no report (exit ${child.status})`);
  const report = reportOf(JSON.parse(readFileSync(out, "utf8")), wall);
  report.cpuSeconds = existsSync(times) ? childrenCpu(readFileSync(times, "utf8")) : undefined;
  (report as Report & { raw?: string }).raw = out;
  return report;
}

/** The children's line of bash's `times` ("0m1.5s 0m0.2s" on its second line): user + system seconds. */
function childrenCpu(text: string): number | undefined {
  const line = text.trim().split("\n")[1] ?? "";
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return parts.length === 2 ? parts[0] + parts[1] : undefined;
}

const pad = (text: string, width: number) => text.padEnd(width);
const secs = (s: number | undefined) => (s === undefined ? "-" : `${s.toFixed(1)} s`);

function print(now: Report, before?: Report): void {
  console.log(`suite: ${now.tests} tests, ${now.failed} failed, ${secs(now.wallSeconds)} wall clock${before ? ` (baseline ${secs(before.wallSeconds)}, ${(now.wallSeconds / before.wallSeconds).toFixed(2)}x)` : ""}`);
  if (now.cpuSeconds !== undefined) console.log(`CPU (user + system, every process of the run): ${secs(now.cpuSeconds)}${before?.cpuSeconds ? ` (baseline ${secs(before.cpuSeconds)}, ${(now.cpuSeconds / before.cpuSeconds).toFixed(2)}x)` : ""}`);
  console.log(`\n${pad("the 10 slowest files", 42)} ${pad("now", 10)}${before ? `${pad("baseline", 10)}ratio` : ""}`);
  for (const { file, seconds } of now.files.slice(0, 10)) {
    const old = before?.files.find((f) => f.file === file)?.seconds;
    console.log(`${pad(file, 42)} ${pad(secs(seconds), 10)}${before ? `${pad(secs(old), 10)}${old ? `${(seconds / old).toFixed(2)}x` : "new"}` : ""}`);
  }
  if (before) {
    console.log(`\n${pad("the baseline's 10 slowest files", 42)} ${pad("baseline", 10)}now`);
    for (const { file, seconds } of before.files.slice(0, 10)) console.log(`${pad(file, 42)} ${pad(secs(seconds), 10)}${secs(now.files.find((f) => f.file === file)?.seconds)}`);
  }
  const sum = now.files.reduce((total, f) => total + f.seconds, 0);
  console.log(`\nfiles' own time, summed: ${secs(sum)} (${(sum / now.wallSeconds).toFixed(2)} files at a time on average)`);
}

function main(): void {
  const { values, positionals } = parseArgs({ options: { save: { type: "string" }, compare: { type: "string" }, report: { type: "string" } }, allowPositionals: true, strict: true });
  const now = values.report ? (JSON.parse(readFileSync(values.report, "utf8")) as Report) : run(positionals);
  if (values.save) {
    const { raw, ...report } = now as Report & { raw?: string };
    writeFileSync(values.save, `${JSON.stringify(report, null, 1)}\n`);
    if (raw) copyFileSync(raw, `${values.save}.vitest.json`);
  }
  print(now, values.compare ? (JSON.parse(readFileSync(values.compare, "utf8")) as Report) : undefined);
}

main();
