import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

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
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 300_000,
    globalSetup: ["test/global-setup.ts"],
    // Every test file starts on the wasm backend, as the notebooks do (and without the cpu backend's banner).
    setupFiles: ["test/setup-backend.ts"],
  },
});
