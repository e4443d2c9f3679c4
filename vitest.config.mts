import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { defineConfig } from "vitest/config";
import SlowestFirst from "./test/sequencer.mts";

/**
 * Two groups of test files. Most run in parallel, at least two at a time: much of the suite is waiting on
 * other processes (kernels starting, sandboxes, npm ci, Chromium), and vitest's own default, one worker fewer
 * than the cores, ran one file at a time on the 2-core machine. No two of them share state: each writes only
 * into folders of its own (temporary ones, or ones named by its process id), and none changes a file that
 * another reads.
 * The `.alone` files do change such files (test/compiler-watch.alone.test.ts changes the link counts of
 * node_modules/@types, and tslab's kernel and headless runner watch every library file their programs read),
 * so they run after the rest, one at a time.
 */
const ALONE = "test/**/*.alone.test.ts";

export default defineConfig({
  resolve: {
    // Inside vitest, "dropout-kit" is the TypeScript source, so tests, the extracted reference solution
    // and the helpers share one copy of every module (one RandomState class, one NotImplementedError).
    // Notebooks and scripts outside vitest use the built package (src/dist) through node_modules.
    // A module the package does not re-export ("dropout-kit/dist/notebookFile") is its source file likewise.
    alias: [
      { find: /^dropout-kit\/dist\/(.*)$/, replacement: resolve(import.meta.dirname, "src/$1.ts") },
      { find: /^dropout-kit$/, replacement: resolve(import.meta.dirname, "src/index.ts") },
    ],
  },
  test: {
    pool: "forks",
    maxWorkers: Math.max(2, availableParallelism()),
    // The slowest files first (test/sequencer.mts).
    sequence: { sequencer: SlowestFirst },
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Every test file starts on the wasm backend, as the notebooks do (and without the cpu backend's banner).
    setupFiles: ["test/setup-backend.ts"],
    // The global set-up (building src/dist and grader/dist) belongs to the parallel group only: set at the root
    // or inherited, it would run once for the root and once for each group, the later builds rewriting the
    // library under files already running.
    projects: [
      { extends: true, test: { name: "parallel", include: ["test/**/*.test.ts"], exclude: [ALONE], sequence: { groupOrder: 0 }, globalSetup: ["test/global-setup.ts"] } },
      { extends: true, test: { name: "alone", include: [ALONE], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
