/**
 * Executes notebook cells with tslab's own engine, in this process, with the kernel's semantics:
 * tslab's converter and executor (declarations shared across cells, top-level await, type errors
 * reported instead of run), stdout/stderr captured by patching the process streams as the kernel does,
 * and rich displays captured through the same hook (`jupyter.lastWriteDisplayData`) the kernel sets.
 *
 * Kernel rule that applies here too: local .ts imports must lie under `rootDir` (the notebook's folder),
 * so the caller runs this with the notebook's folder as the working directory.
 */
import { createRequire } from "node:module";
import { Console } from "node:console";

export interface DisplayBundle {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface CellRun {
  /** Index among the code cells that were run. */
  index: number;
  ok: boolean;
  stdout: string;
  stderr: string;
  displays: DisplayBundle[];
  durationMs: number;
}

interface TslabExecutor {
  execute(src: string): Promise<boolean>;
  locals: Record<string, unknown>;
  close(): void;
}

export interface CellExecutor {
  run(code: string): Promise<CellRun>;
  /** The cells' top-level declarations, by name (tslab keeps them here between cells). */
  readonly locals: Readonly<Record<string, unknown>>;
  close(): void;
}

/** What tslab's executor needs from a converter (tslab/dist/converter's Converter, in part). */
export interface CellConverter {
  convert(prevDecl: string, src: string): unknown;
  addModule(name: string, content: string, meta?: unknown): unknown[];
  close(): void;
}

/**
 * `converters`: by default tslab's own TypeScript converters, made here. The grader's sandbox passes
 * converters that replay conversions made in advance by the same tslab converter in the grader's
 * process (sandbox/compiler.ts), so the sandbox never loads the TypeScript compiler.
 */
export function createCellExecutor(rootDir: string = process.cwd(), converters?: { node: CellConverter; browser: CellConverter }): CellExecutor {
  const require = createRequire(`${rootDir}/`);
  const { createExecutor } = require("tslab/dist/executor.js");
  const jupyter = require("tslab/dist/jupyter.js");
  if (!converters) {
    const { createConverter } = require("tslab/dist/converter.js");
    converters = { node: createConverter(), browser: createConverter({ isBrowser: true }) };
  }
  const convs = converters!;
  const converters_ = { node: convs.node, browser: convs.browser, close() {} };
  // The executor prints errors and last-expression values to this console; it writes through the
  // (patched) process streams, exactly as the kernel's global console does.
  const cellConsole = new Console({ stdout: process.stdout, stderr: process.stderr });
  const executor: TslabExecutor = createExecutor(rootDir, converters_, cellConsole);
  let index = 0;

  async function run(code: string): Promise<CellRun> {
    const captured = { stdout: "", stderr: "", displays: [] as DisplayBundle[] };
    const original = { out: process.stdout.write, err: process.stderr.write, display: jupyter.lastWriteDisplayData };
    process.stdout.write = ((chunk: string | Uint8Array) => {
      captured.stdout += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return true;
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      captured.stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return true;
    }) as typeof process.stderr.write;
    jupyter.lastWriteDisplayData = (bundle: DisplayBundle) => captured.displays.push(bundle);
    const started = performance.now();
    let ok = false;
    try {
      ok = await executor.execute(code);
    } catch (error) {
      captured.stderr += `${(error as Error)?.stack ?? String(error)}\n`;
    } finally {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
      jupyter.lastWriteDisplayData = original.display;
    }
    return { index: index++, ok, ...captured, durationMs: performance.now() - started };
  }

  return {
    run,
    locals: executor.locals,
    close() {
      executor.close();
      convs.node.close();
      convs.browser.close();
    },
  };
}
