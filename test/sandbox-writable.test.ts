/**
 * No place in the bubblewrap sandbox is writable, by any route a student has. A writable tmpfs is memory
 * that no process's resident size shows: files that V8's trace flags wrote into bwrap's /dev (the
 * permission model does not see them, prlimit caps each file but not their number) once held 2.6 GB of the
 * machine for one submission, outside the grader's memory watchdog. So the probe here runs inside the
 * sandbox *without* the permission model (the operating system is the boundary), takes every mount point
 * the sandbox has from /proc/self/mountinfo (and /dev/shm, /tmp, HOME, the working directory), and tries
 * each route: a file, a folder, and V8's --trace-turbo-cfg-file. Nothing may be created. And no file that
 * exists opens for writing (opened, never written): under /proc/sys the host's sysctls are such files when
 * the grader runs as root (uid 65534 inside is uid 0 outside), /proc/sysrq-trigger with them.
 * The control runs the same probe in an ordinary Node process on a temporary folder: every route writes
 * there, so the probe can see a write.
 * Fails when: isolation.ts mounts a writable tmpfs again (seen red with `--tmpfs /tmp` and with /dev left
 * writable: "/dev: file, folder, v8-flag", "/tmp: ..."), or leaves /proc writable (seen red as root without
 * `--remount-ro /proc`: 758 sysctls opened, /proc/sys/abi/vsyscall32 first).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bubblewrapProblem, isolation } from "../grader/sandbox/isolation";

/** A probe script: tries every route into each folder it is given (or, given none, every mount point it sees). */
const PROBE = `
const fs = require("fs"), v8 = require("v8");
const given = JSON.parse(process.argv[1]);
const mountPoints = () => fs.readFileSync("/proc/self/mountinfo", "utf8").trim().split("\\n").map((line) => line.split(" ")[4].replace(/\\\\040/g, " "));
const folders = [...new Set(given.length ? given : [...mountPoints(), "/dev/shm", "/tmp", process.env.HOME, process.cwd()])]
  .filter((f) => { try { return fs.statSync(f).isDirectory(); } catch { return false; } });
// A function of its own per folder: V8 caches compiled code by source, and only a fresh compile writes.
const heat = (tag) => { const f = new Function("x", "let s = " + tag + "; for (let i = 0; i < 1000; i++) s += i * x; return s;"); for (let k = 0; k < 100000; k++) f(k); };
const writable = [];
for (const folder of folders) {
  const routes = [];
  const at = (name) => folder.replace(/\\/$/, "") + "/" + name;
  try { fs.writeFileSync(at("probe-file"), "x"); routes.push("file"); } catch {}
  try { fs.mkdirSync(at("probe-folder")); routes.push("folder"); } catch {}
  v8.setFlagsFromString("--trace-turbo");
  v8.setFlagsFromString("--trace-turbo-cfg-file=" + at("probe-cfg.txt"));
  heat(folders.indexOf(folder));
  v8.setFlagsFromString("--no-trace-turbo");
  if (fs.existsSync(at("probe-cfg.txt"))) routes.push("v8-flag");
  if (routes.length) writable.push(folder + ": " + routes.join(", "));
}
// Files that exist already, opened for writing (never written): the host's sysctls under /proc/sys and
// /proc/sysrq-trigger are such files when the grader runs as root; /dev's regular files too.
const existing = [];
const walk = (dir, depth) => {
  let names; try { names = fs.readdirSync(dir); } catch { return; }
  for (const name of names) {
    const path = dir + "/" + name;
    let st; try { st = fs.lstatSync(path); } catch { continue; }
    if (st.isDirectory() && depth < 6) walk(path, depth + 1);
    else if (st.isFile()) existing.push(path);
  }
};
if (given.length === 0) {
  walk("/proc/sys", 0);
  walk("/dev", 0);
  for (const name of fs.readdirSync("/proc")) if (!/^\\d+$|^self$|^thread-self$/.test(name)) { try { if (fs.lstatSync("/proc/" + name).isFile()) existing.push("/proc/" + name); } catch {} }
} else walk(given[0], 0);
const opened = existing.filter((path) => { try { fs.closeSync(fs.openSync(path, "r+")); return true; } catch { return false; } });
// --trace-turbo prints to stdout too: the result is the last line.
process.stdout.write("\\n" + JSON.stringify({ folders, writable, existing: existing.length, opened: opened.slice(0, 20), openedCount: opened.length }) + "\\n");
`;

const lastLine = (text: string) => JSON.parse(text.trim().split("\n").at(-1)!) as ProbeResult;

interface ProbeResult {
  folders: string[];
  writable: string[];
  /** Existing files tried (opened for writing, never written), and those that opened. */
  existing: number;
  opened: string[];
  openedCount: number;
}

const problem = bubblewrapProblem();

describe("the control: the probe sees a write where one is possible", () => {
  it("in an ordinary Node process, each route writes into a temporary folder", () => {
    const folder = mkdtempSync(join(tmpdir(), "writable-control-"));
    // In the folder itself: --trace-turbo also writes turbo-*.json files into the working directory.
    const result = lastLine(execFileSync(process.execPath, ["-e", PROBE, JSON.stringify([folder])], { cwd: folder, encoding: "utf8", maxBuffer: 256 * 1024 ** 2 }));
    expect(result.writable).toEqual([`${folder}: file, folder, v8-flag`]);
    expect(readdirSync(folder).filter((f) => f.startsWith("probe-")).sort()).toEqual(["probe-cfg.txt", "probe-file", "probe-folder"]);
    expect(result.opened).toEqual(expect.arrayContaining([`${folder}/probe-file`, `${folder}/probe-cfg.txt`]));
  }, 60_000);
});

describe.runIf(!problem || process.env.CI === "true")("inside the bubblewrap sandbox", () => {
  it("no mount point, nor /dev, /dev/shm, /tmp, HOME or the working directory, takes a file, a folder or V8's trace output; no file under /proc or /dev opens for writing", () => {
    expect(problem, "bubblewrap must work in CI").toBeUndefined();
    const { file, args } = isolation("bubblewrap").command(["-e", PROBE, "[]"], resolve(__dirname, "../grader/dist"), { cpuSeconds: 30 });
    const result = lastLine(execFileSync(file, args, { encoding: "utf8", timeout: 60_000, maxBuffer: 256 * 1024 ** 2 }));
    // The probe saw the sandbox's mounts (not an empty list that proves nothing).
    expect(result.folders).toEqual(expect.arrayContaining(["/", "/dev", "/tmp", "/usr", resolve(__dirname, "../grader/dist")]));
    expect(result.writable).toEqual([]);
    // No existing file opens for writing: not the host's sysctls, not /proc/sysrq-trigger (root in CI).
    expect(result.existing).toBeGreaterThan(100);
    expect(result.opened).toEqual([]);
    // Nor did --trace-turbo's own files land in the sandbox's working directory (or anywhere in the project).
    expect(readdirSync(resolve(__dirname, "../grader/dist")).filter((f) => f.startsWith("turbo-"))).toEqual([]);
    expect(readdirSync(resolve(__dirname, "..")).filter((f) => f.startsWith("turbo-"))).toEqual([]);
  }, 60_000);
});
