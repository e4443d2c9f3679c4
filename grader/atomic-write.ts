/**
 * The project's one way to write a file atomically: a temporary file beside it (named by this process, so
 * parallel writers never share one), then a rename over the target. A reader sees the old file or the new
 * one, never half of one; an interrupted run leaves at most a `.tmp` file.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function writeAtomically(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}
