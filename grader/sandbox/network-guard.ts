/**
 * No network for student code. Node 20's permission model restricts files, child processes and workers,
 * but not sockets, so the sandbox child closes the doors itself before any student cell runs:
 * connecting or listening (TCP, TLS, HTTP, fetch: all go through net.Socket), UDP, and DNS lookups (a
 * lookup alone can carry data out) throw an ERR_ACCESS_DENIED error shaped like the permission model's,
 * so the attempt is reported like a refused file write.
 *
 * This is an inner layer. The boundary is the kernel's: under bubblewrap (isolation.ts, the default) the
 * child has a network namespace of its own with only its own loopback, and under the weaker
 * permission-model isolation an `unshare` namespace where the machine allows one, so even code that found a
 * way around these patches reaches nothing outside.
 */
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";

export class NetworkAccessDenied extends Error {
  readonly code = "ERR_ACCESS_DENIED";
  readonly permission = "Network";
  constructor(readonly resource: string) {
    super("Access to this API has been restricted: the grader's sandbox has no network");
  }
}

function describeTarget(args: unknown[]): string {
  const [first, second] = args;
  // net.connect() hands Socket.prototype.connect its arguments already normalized: [[options, callback]].
  if (Array.isArray(first)) return describeTarget(first);
  if (first && typeof first === "object") {
    const o = first as { host?: unknown; port?: unknown; path?: unknown; address?: unknown };
    if (typeof o.path === "string") return o.path; // a Unix socket
    return [o.host ?? o.address, o.port].filter((v) => v !== undefined).join(":");
  }
  return [second, first].filter((v) => typeof v === "string" || typeof v === "number").join(":");
}

/** Replaces `owner[name]` for good: not writable, not configurable, so student code cannot put it back. */
function deny(owner: object, name: string, what: string): void {
  if (typeof (owner as Record<string, unknown>)[name] !== "function") return;
  const denied = function (...args: unknown[]): never {
    throw new NetworkAccessDenied(`${what} ${describeTarget(args)}`.trim());
  };
  Object.defineProperty(owner, name, { value: denied, writable: false, configurable: false, enumerable: false });
}

const DNS_FUNCTIONS = ["lookup", "lookupService", "resolve", "resolve4", "resolve6", "resolveAny", "resolveCaa", "resolveCname", "resolveMx", "resolveNaptr", "resolveNs", "resolvePtr", "resolveSoa", "resolveSrv", "resolveTxt", "reverse"];

let installed = false;

/** Closes the network to everything this process runs afterwards. Idempotent. */
export function blockNetwork(): void {
  if (installed) return;
  installed = true;
  deny(net.Socket.prototype, "connect", "connect to");
  deny(net.Server.prototype, "listen", "listen on");
  for (const name of ["bind", "connect", "send"]) deny(dgram.Socket.prototype, name, `UDP ${name}`);
  for (const owner of [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype]) {
    for (const name of DNS_FUNCTIONS) deny(owner, name, `DNS ${name}`);
  }
  // fetch (undici) connects through net.Socket too, but fails inside a promise with a generic "fetch
  // failed"; refusing it up front names the cause.
  if (typeof globalThis.fetch === "function") deny(globalThis, "fetch", "fetch");
}
