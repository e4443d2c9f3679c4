/**
 * Conversions remembered on disk, across grader runs: a cell's conversion (tslab's type-check and emit) is a
 * function of its source, the declarations of the cells before it, and the files the compiler read (the
 * libraries' typings, TypeScript's own). Starting a compiler and type-checking the libraries costs about
 * 3 s of wall clock and 5 s of CPU per process, more than the rest of a one-submission run; a re-run of a
 * batch, a second `npm run check` of the same cells, the instructor's set-up cell in every run: each is found here and
 * no compiler is started.
 *
 * Layout, under the cache folder (DROPOUT_GRADER_CACHE, else $XDG_CACHE_HOME/dropout-kit, else
 * ~/.cache/dropout-kit; `off` turns it off):
 *   <namespace>/entries/<sha256 of the cell's key>.json   { prevDecl, src, deps, result }
 *   <namespace>/deps/<sha256 of the list>.json            [[path, size, mtimeMs], ...]: what the compiler had read
 * The namespace is this format's version, tslab's and its TypeScript's versions and the compiler's root: another
 * checkout or another tslab never shares entries. An entry is used only when its key matches exactly and every
 * file of its list still has the size and modification time it had (npm's own lock in node_modules, rewritten
 * by every install, is on every list: a package installed since is seen). Anything unreadable, oversized or
 * malformed is a miss, never an error: the cell is compiled as if there were no cache.
 *
 * The entries hold students' compiled cells: the folder is the grader's (mode 0700, files 0600) and is not
 * among the paths the sandbox can read (isolation.ts binds only the libraries and the sandbox runtime).
 */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, rmSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Conversion } from "./compiler";
import { SANDBOX_ROOT } from "./compiler";
import { PROJECT_ROOT, readablePaths } from "./isolation";

/** The largest entry written or read: a conversion of an honest cell is a few kilobytes. */
const MAX_ENTRY_BYTES = 4 * 1024 * 1024;
/** The largest list of files read. */
const MAX_DEPS_BYTES = 8 * 1024 * 1024;
/** Entries kept per namespace; beyond it the oldest go (checked once per process, at its first write). */
export const MAX_ENTRIES = 20_000;
const FORMAT = 1;

/** Rewritten by npm on every install: a package added, removed or upgraded changes its size or time. */
const NPM_LOCK = join(PROJECT_ROOT, "node_modules/.package-lock.json");

/** The cache folder, or undefined when the cache is off. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.DROPOUT_GRADER_CACHE;
  if (setting !== undefined && setting.trim() !== "") return ["off", "0", "false", "no"].includes(setting.trim().toLowerCase()) ? undefined : resolve(setting);
  const base = env.XDG_CACHE_HOME?.startsWith("/") ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(base, "dropout-kit");
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function versionOf(pkg: string, paths?: string[]): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(require.resolve(`${pkg}/package.json`, paths ? { paths } : undefined)) as { version: string }).version;
  } catch {
    return "?";
  }
}

let namespaceDir: string | undefined | null = null;
function namespace(): string | undefined {
  if (namespaceDir !== null) return namespaceDir;
  const root = cacheRoot();
  if (!root) return (namespaceDir = undefined);
  // Never where the sandbox can read: the entries hold other students' cells.
  let real = root;
  try {
    real = realpathSync(root);
  } catch {}
  const exposed = readablePaths().find((p) => real === p || real.startsWith(`${p}/`));
  if (exposed) {
    process.stderr.write(`grader: the conversion cache may not be in ${exposed}, which student code can read; grading goes on without it (set DROPOUT_GRADER_CACHE to a folder outside the project's node_modules, src and grader/dist)\n`);
    return (namespaceDir = undefined);
  }
  const tslabDir = dirname(require.resolve("tslab/package.json"));
  const id = sha256(JSON.stringify([FORMAT, versionOf("tslab"), versionOf("@tslab/typescript-for-tslab", [tslabDir]), SANDBOX_ROOT])).slice(0, 16);
  return (namespaceDir = join(root, `conversions-${id}`));
}

/** A file's bytes, or undefined when it is missing, not a plain file, or larger than `max`. */
function readCapped(path: string, max: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > max) return undefined;
    const size = stat.size;
    const buffer = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, buffer, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return buffer.subarray(0, at).toString("utf8");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

type FileStamp = [path: string, size: number, mtimeMs: number];

function stamp(path: string): FileStamp | undefined {
  try {
    const s = statSync(path);
    return [path, s.size, s.mtimeMs];
  } catch {
    return undefined;
  }
}

/** Whether each deps list still holds, decided once per process (the files do not change while it grades). */
const depsValid = new Map<string, boolean>();

function depsHold(dir: string, id: string): boolean {
  const known = depsValid.get(id);
  if (known !== undefined) return known;
  let ok = false;
  const text = /^[0-9a-f]{64}$/.test(id) ? readCapped(join(dir, "deps", `${id}.json`), MAX_DEPS_BYTES) : undefined;
  if (text !== undefined && sha256(text) === id) {
    try {
      const list = JSON.parse(text) as unknown;
      ok = Array.isArray(list) && list.length > 0 && list.every((entry) => {
        if (!Array.isArray(entry) || entry.length !== 3 || typeof entry[0] !== "string") return false;
        const now = stamp(entry[0]);
        return now !== undefined && now[1] === entry[1] && now[2] === entry[2];
      });
    } catch {
      ok = false;
    }
  }
  depsValid.set(id, ok);
  return ok;
}

/** A remembered conversion of `src` against `prevDecl`, or undefined. */
export function cachedConversion(prevDecl: string, src: string): Conversion["result"] | undefined {
  const dir = namespace();
  if (!dir) return undefined;
  const text = readCapped(join(dir, "entries", `${sha256(`${prevDecl}\u0000${src}`)}.json`), MAX_ENTRY_BYTES);
  if (text === undefined) return undefined;
  try {
    const entry = JSON.parse(text) as { prevDecl?: unknown; src?: unknown; deps?: unknown; result?: { diagnostics?: unknown } };
    if (entry.prevDecl !== prevDecl || entry.src !== src || typeof entry.deps !== "string") return undefined;
    if (!entry.result || typeof entry.result !== "object" || !Array.isArray(entry.result.diagnostics)) return undefined;
    if (!depsHold(dir, entry.deps)) return undefined;
    return entry.result as Conversion["result"];
  } catch {
    return undefined;
  }
}

/** Every file a compiler of this process has reported reading, and the list (with its id) made of them. */
const read = new Set<string>();
let currentDeps: { id: string; text: string; size: number } | undefined;
let pruned = false;
let warned = false;

function writePrivately(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Keeps the newest MAX_ENTRIES entries (by modification time), so the folder cannot grow without end. */
function prune(entries: string): void {
  const names = readdirSync(entries).filter((n) => n.endsWith(".json"));
  if (names.length <= MAX_ENTRIES) return;
  const aged = names.map((n) => ({ n, t: stamp(join(entries, n))?.[2] ?? 0 })).sort((a, b) => a.t - b.t);
  for (const { n } of aged.slice(0, names.length - Math.floor(MAX_ENTRIES * 0.8))) rmSync(join(entries, n), { force: true });
}

/**
 * Remembers a conversion made by a compiler that, over its life, read `reads` (compile-worker.ts reports
 * them). A write that fails says so once on stderr and grading goes on without the cache.
 */
export function rememberConversion(prevDecl: string, src: string, result: Conversion["result"], reads: string[]): void {
  const dir = namespace();
  if (!dir) return;
  try {
    const before = read.size;
    for (const path of reads) if (typeof path === "string" && path.startsWith("/")) read.add(path);
    if (!currentDeps || read.size !== before) {
      const list = [NPM_LOCK, ...read].sort().map(stamp).filter((s): s is FileStamp => s !== undefined);
      const text = JSON.stringify(list);
      currentDeps = { id: sha256(text), text, size: list.length };
      if (!stamp(join(dir, "deps", `${currentDeps.id}.json`))) writePrivately(join(dir, "deps", `${currentDeps.id}.json`), text);
      depsValid.set(currentDeps.id, true);
    }
    if (currentDeps.size < 2) return; // the compiler reported no file: nothing to tie the entry to
    const text = JSON.stringify({ prevDecl, src, deps: currentDeps.id, result });
    if (Buffer.byteLength(text) > MAX_ENTRY_BYTES) return;
    const entries = join(dir, "entries");
    writePrivately(join(entries, `${sha256(`${prevDecl}\u0000${src}`)}.json`), text);
    if (!pruned) {
      pruned = true;
      prune(entries);
    }
  } catch (error) {
    if (!warned) {
      warned = true;
      process.stderr.write(`grader: the conversion cache in ${dir} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); grading goes on without it (set DROPOUT_GRADER_CACHE to another folder, or to off)\n`);
    }
  }
}
