/** Builds src/ into src/dist once per test run, so notebooks executed by the tests never use a stale build. */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

export default function setup(): void {
  const root = resolve(__dirname, "..");
  execFileSync(process.execPath, [resolve(root, "node_modules/typescript/bin/tsc"), "-p", "src/tsconfig.json"], { cwd: root, stdio: "inherit" });
}
