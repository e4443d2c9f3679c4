#!/usr/bin/env node
// The `dropout-grade` command (package.json "bin"): runs grader/cli.ts through tsx, from any folder.
const { spawnSync } = require("node:child_process");
const { resolve } = require("node:path");
const tsx = require.resolve("tsx/cli");
const result = spawnSync(process.execPath, [tsx, resolve(__dirname, "../cli.ts"), ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(result.status ?? 1);
