/**
 * How a sandbox child is isolated from the machine. Two modes:
 *
 * - "bubblewrap" (the default, and the boundary): the child runs under bwrap (Flatpak's sandbox, Debian's
 *   `bubblewrap`) in new user, pid, network, ipc, uts and cgroup namespaces, as uid/gid 65534, on a read-only
 *   root that holds only /usr, /lib, /bin, Node and the three folders the child needs (node_modules, the
 *   helper library, the compiled sandbox runtime), read-only; nothing writable anywhere (no tmpfs: its pages
 *   would be memory outside the watchdog's count), /dev with its device nodes only; a fresh, read-only /proc that
 *   shows only the sandbox's own processes (the grader and other sandboxes are out of reach: no pid to
 *   signal); --die-with-parent and --new-session. Inside, prlimit sets address space, CPU time, open files,
 *   file size and process limits before Node starts. Node's permission model and the network guard stay on
 *   as inner layers.
 * - "permission-model" (weaker, only when asked for by name): Node's permission model and the network
 *   guard, plus a network namespace via `unshare` where the kernel allows one. Node's own documentation says
 *   the permission model is no defence against malicious code (README's threat model lists what gets through); use
 *   it only where each submission already runs in a throw-away container, as on Gradescope.
 *
 * Nothing secret (references, cases, settings, the instructor notebook, submissions, reports, the home
 * folder) is ever mounted into the sandbox.
 */
import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";

export type IsolationMode = "bubblewrap" | "permission-model";
export const ISOLATION_MODES: IsolationMode[] = ["bubblewrap", "permission-model"];

/** The project's folder (this module runs from grader/sandbox/, or compiled from grader/dist/sandbox/ in the compile workers). */
export const PROJECT_ROOT = resolve(__dirname, basename(dirname(__dirname)) === "dist" ? "../../.." : "../..");

/** What the child may read, as real paths (bind mounts and the permission model both want them resolved). */
export function readablePaths(): string[] {
  const paths = [resolve(PROJECT_ROOT, "node_modules"), resolve(PROJECT_ROOT, "src"), resolve(PROJECT_ROOT, "grader/dist")];
  return [...new Set(paths.filter(existsSync).map((p) => realpathSync(p)))];
}

export interface ResourceLimits {
  /** CPU seconds for the child's whole life. */
  cpuSeconds: number;
}

/** Address space: V8 and the wasm backend reserve ~11.5 GB of virtual memory up front (measured); resident memory is watched apart. */
const ADDRESS_SPACE_BYTES = 16 * 1024 ** 3;
const OPEN_FILES = 256;
/** No place in the sandbox is writable; a cap on any one file all the same (a backstop, and for the weaker mode). */
const FILE_SIZE_BYTES = 8 * 1024 ** 2;
/** Threads count as processes; Node runs about 10. Root is exempt from this rlimit (the pid namespace still holds). */
const PROCESSES = 64;

export interface Isolation {
  mode: IsolationMode;
  /** One line for reports: what the student's code ran under. */
  description: string;
  /** The command that starts Node with `nodeArgs` (flags, script) inside this isolation. */
  command(nodeArgs: string[], cwd: string, limits: ResourceLimits): { file: string; args: string[] };
}

export class IsolationUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IsolationUnavailable";
  }
}

function bubblewrapArgs(cwd: string): string[] {
  const node = realpathSync(process.execPath);
  const args = [
    "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
    "--uid", "65534", "--gid", "65534", "--hostname", "sandbox",
    "--die-with-parent", "--new-session",
    "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "NO_COLOR", "1",
    "--ro-bind", "/usr", "/usr", "--ro-bind-try", "/lib", "/lib", "--ro-bind-try", "/lib64", "/lib64", "--ro-bind-try", "/bin", "/bin",
  ];
  // Nothing is writable: a tmpfs's pages are memory that no process's resident size shows (V8's log and
  // trace flags write past the permission model; files in bwrap's /dev once held 2.6 GB of one submission).
  // /tmp is a folder of the read-only root (HOME points there); binds made after it sit on top of it, so a
  // project under /tmp stays visible. /dev keeps its device nodes (/dev/null, /dev/urandom), read-only.
  args.push("--proc", "/proc", "--dev", "/dev", "--dir", "/tmp");
  if (!node.startsWith("/usr/")) args.push("--ro-bind", node, node);
  for (const path of readablePaths()) args.push("--ro-bind", path, path);
  // /proc read-only too: as root, uid 65534 inside is uid 0 outside, and a fresh procfs's /proc/sys holds the
  // host's sysctls (758 of them opened for writing here, /proc/sysrq-trigger with them; V8's trace flags write
  // past the permission model). Reading /proc/self is all Node needs.
  args.push("--remount-ro", "/dev", "--remount-ro", "/proc", "--remount-ro", "/", "--chdir", cwd);
  return args;
}

function prlimitArgs(limits: ResourceLimits): string[] {
  return ["prlimit", `--as=${ADDRESS_SPACE_BYTES}`, `--cpu=${Math.max(1, Math.ceil(limits.cpuSeconds))}`, `--nofile=${OPEN_FILES}`, `--fsize=${FILE_SIZE_BYTES}`, `--nproc=${PROCESSES}`, "--"];
}

const bubblewrap: Isolation = {
  mode: "bubblewrap",
  description: "bubblewrap: user, pid, network, ipc and uts namespaces, uid 65534, read-only filesystem with no grader data, resource limits; Node's permission model inside",
  command(nodeArgs, cwd, limits) {
    return { file: "bwrap", args: [...bubblewrapArgs(cwd), "--", ...prlimitArgs(limits), realpathSync(process.execPath), ...nodeArgs] };
  },
};

let netnsPrefix: string[] | undefined;
/** `unshare -n` (root) or `unshare -rn` (a user namespace): an empty network namespace, where allowed. */
function networkNamespacePrefix(): string[] {
  if (netnsPrefix) return netnsPrefix;
  netnsPrefix = [];
  if (process.platform !== "linux" || process.env.DROPOUT_GRADER_NO_NETNS === "1") return netnsPrefix;
  for (const flags of [["-n"], ["-rn"]]) {
    const probe = spawnSync("unshare", [...flags, "--", process.execPath, "-e", "process.exit(Object.keys(require('os').networkInterfaces()).length)"], { stdio: "ignore", timeout: 10_000 });
    if (probe.status === 0) return (netnsPrefix = ["unshare", ...flags, "--"]);
  }
  return netnsPrefix;
}

const permissionModel: Isolation = {
  mode: "permission-model",
  get description() {
    return `Node's permission model and network guard only${networkNamespacePrefix().length ? ", in a network namespace" : ""} (weaker isolation, chosen with --isolation=permission-model)`;
  },
  command(nodeArgs) {
    const prefix = networkNamespacePrefix();
    return prefix.length ? { file: prefix[0], args: [...prefix.slice(1), process.execPath, ...nodeArgs] } : { file: process.execPath, args: nodeArgs };
  },
};

let bubblewrapProbe: string | undefined | null = null;

/** Why bubblewrap cannot start a sandbox here, or undefined when it can (probed once per process). */
export function bubblewrapProblem(): string | undefined {
  if (bubblewrapProbe !== null) return bubblewrapProbe;
  const { file, args } = bubblewrap.command(["-e", "process.exit(process.getuid() === 65534 && process.pid === 2 ? 0 : 3)"], "/tmp", { cpuSeconds: 10 });
  const probe = spawnSync(file, args, { encoding: "utf8", timeout: 20_000 });
  if (probe.error) bubblewrapProbe = (probe.error as NodeJS.ErrnoException).code === "ENOENT" ? "bubblewrap (bwrap) is not installed" : `bwrap could not be started: ${probe.error.message}`;
  else if (probe.status !== 0) bubblewrapProbe = `bwrap failed to start a sandbox here (exit status ${probe.status}${probe.stderr.trim() ? `: ${probe.stderr.trim().split("\n")[0]}` : ""}); some containers refuse the namespaces it needs`;
  else bubblewrapProbe = undefined;
  return bubblewrapProbe;
}

/** The isolation to grade under; throws IsolationUnavailable, saying what to do, when it cannot be had. */
export function isolation(mode: IsolationMode): Isolation {
  if (mode === "permission-model") return permissionModel;
  const problem = bubblewrapProblem();
  if (problem) {
    throw new IsolationUnavailable(
      `${problem}, so student code cannot be isolated by the operating system. Install it (\`sudo apt-get install bubblewrap\`, or \`npm run setup:jupyter\`, which does) and run again. ` +
        "Only where every submission already runs in a throw-away container (Gradescope) may you grade with the weaker isolation, by naming it: --isolation=permission-model (or DROPOUT_GRADER_ISOLATION=permission-model).",
    );
  }
  return bubblewrap;
}

/** The mode asked for: an explicit choice, else DROPOUT_GRADER_ISOLATION, else bubblewrap. */
export function requestedIsolation(explicit?: string): IsolationMode {
  const asked = explicit ?? process.env.DROPOUT_GRADER_ISOLATION ?? "bubblewrap";
  if (!ISOLATION_MODES.includes(asked as IsolationMode)) throw new IsolationUnavailable(`unknown isolation '${asked}': use one of ${ISOLATION_MODES.join(", ")}`);
  return asked as IsolationMode;
}
