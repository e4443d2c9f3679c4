/**
 * No network in the grader's sandbox, on both lines of defence: the child's own guard (sockets, UDP, DNS,
 * fetch refused with ERR_ACCESS_DENIED, so an attempt is reported), and bubblewrap's network namespace
 * (checked here with the guard out of the way: a plain Node started the way the sandbox starts its child
 * cannot reach a server this test listens with, while an ordinary process can).
 * The gallery's "opens-network" submission covers the report a student and an instructor get.
 * Fails when: grader/sandbox/network-guard.ts leaves replaced methods writable or stops denying fetch (seen red: 1 each),
 * or isolation.ts's bubblewrap command drops --unshare-net (the namespace test).
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bubblewrapProblem, isolation } from "../grader/sandbox/isolation";
import type { IsolationMode } from "../grader/sandbox/isolation";

const GUARD = resolve(__dirname, "../grader/dist/sandbox/network-guard.js");

/** Runs `script` in a fresh Node (started like the sandbox's child under `mode`, if given); its stdout. */
function runNode(script: string, mode?: IsolationMode): Promise<string> {
  const { file: program, args } = mode ? isolation(mode).command(["-e", script], "/tmp", { cpuSeconds: 30 }) : { file: process.execPath, args: ["-e", script] };
  return new Promise((done, fail) => {
    const child = spawn(program, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", fail);
    child.on("exit", () => done(out.trim()));
  });
}

/** Tries to connect to 127.0.0.1:port and prints what happened. */
const connectScript = (port: number) => `
  const s = require("net").connect(${port}, "127.0.0.1");
  s.on("data", (d) => { console.log("reached: " + d); process.exit(0); });
  s.on("error", (e) => { console.log("error: " + e.code); process.exit(0); });
`;

describe("the sandbox's network", () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => socket.end("secret"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as { port: number }).port;
    // The control (no code of ours involved, so not a test of its own): an ordinary process reaches the
    // server, so the checks below can fail.
    expect(await runNode(connectScript(port))).toBe("reached: secret");
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("the guard refuses sockets, UDP, DNS and fetch with ERR_ACCESS_DENIED, and cannot be undone", async () => {
    const script = `
      require(${JSON.stringify(GUARD)}).blockNetwork();
      const attempts = {
        tcp: () => require("net").connect(${port}, "127.0.0.1"),
        http: () => require("http").get("http://127.0.0.1:${port}/"),
        https: () => require("https").get("https://example.org/"),
        listen: () => require("net").createServer().listen(0),
        udp: () => require("dgram").createSocket("udp4").send("x", 53, "127.0.0.1"),
        dns: () => require("dns").lookup("example.org", () => {}),
        dnsPromises: () => require("dns").promises.resolve4("example.org"),
        fetch: () => fetch("http://127.0.0.1:${port}/"),
        undo: () => { const net = require("net"); net.Socket.prototype.connect = function () { return this; }; return net.connect(${port}, "127.0.0.1"); },
      };
      const seen = {};
      for (const [name, attempt] of Object.entries(attempts)) {
        try { attempt(); seen[name] = "allowed"; } catch (e) { seen[name] = e.code + " " + e.permission; }
      }
      console.log(JSON.stringify(seen));
    `;
    const seen = JSON.parse(await runNode(script)) as Record<string, string>;
    // "undo": the replaced method is read-only, so the assignment is ignored and the connect still refused.
    expect(Object.keys(seen)).toHaveLength(9);
    for (const [name, outcome] of Object.entries(seen)) expect(outcome, name).toBe("ERR_ACCESS_DENIED Network");
  });

  // bubblewrap's network namespace has its own loopback and nothing else: the grader's 127.0.0.1 is not it.
  const problem = bubblewrapProblem();
  if (problem && process.env.CI !== "true") console.warn(`skipping the bubblewrap network check: ${problem} (npm run setup:jupyter installs it)`);
  it.runIf(!problem || process.env.CI === "true")("under bubblewrap nothing outside is reachable, even without the guard", async () => {
    expect(problem, "bubblewrap must work in CI").toBeUndefined();
    expect(await runNode(connectScript(port), "bubblewrap")).toMatch(/^error: (ENETUNREACH|ECONNREFUSED)$/);
    expect(await runNode("console.log(JSON.stringify(Object.keys(require('os').networkInterfaces())))", "bubblewrap")).toBe('["lo"]');
  });
});
