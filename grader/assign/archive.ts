/**
 * Deterministic .zip archives (fflate): entries sorted by path, one fixed timestamp, fixed permissions,
 * so the same files always give the same bytes (`npm run assign` twice: byte-identical archives).
 */
import { zipSync } from "fflate";
import type { Zippable } from "fflate";

/** 1980-01-01, the earliest time a zip entry can hold: no build's clock leaks into the archive. */
const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);

export interface ArchiveEntry {
  path: string;
  content: string | Uint8Array;
  /** An executable script (run_autograder, setup.sh). */
  executable?: boolean;
}

export function zipArchive(entries: ArchiveEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<string>();
  const files: Zippable = {};
  for (const entry of sorted) {
    if (seen.has(entry.path)) throw new Error(`the archive would hold ${entry.path} twice`);
    seen.add(entry.path);
    const data = typeof entry.content === "string" ? new TextEncoder().encode(entry.content) : entry.content;
    // Unix permissions in the external attributes (high 16 bits), as zip tools on Linux read them.
    const mode = entry.executable ? 0o100755 : 0o100644;
    files[entry.path] = [data, { mtime: FIXED_TIME, level: 9, os: 3, attrs: (mode << 16) >>> 0 }];
  }
  return zipSync(files, { mtime: FIXED_TIME });
}
