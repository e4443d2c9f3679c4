/**
 * `npm run assign`: regenerates the student notebooks in notebooks/ from the instructor sources in
 * grader/source/. `--check` only compares and exits non-zero when a committed file is out of date.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { readNotebook, serializeNotebook } from "../notebook/notebook";
import { releaseNotebook } from "./release";

export const SOURCE_DIR = resolve(__dirname, "../source");
export const RELEASE_DIR = resolve(__dirname, "../../notebooks");

export function releasedNotebooks(): { name: string; text: string }[] {
  return readdirSync(SOURCE_DIR)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((name) => ({ name, text: serializeNotebook(releaseNotebook(readNotebook(join(SOURCE_DIR, name)), name)) }));
}

function main(): void {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const { name, text } of releasedNotebooks()) {
    const target = join(RELEASE_DIR, name);
    let current = "";
    try {
      current = readFileSync(target, "utf8");
    } catch {}
    if (current === text) {
      console.log(`up to date: notebooks/${name}`);
    } else if (check) {
      console.error(`out of date: notebooks/${name} differs from what grader/source/${name} generates; run npm run assign`);
      stale++;
    } else {
      writeFileSync(`${target}.tmp`, text);
      renameSync(`${target}.tmp`, target);
      console.log(`wrote: notebooks/${name}`);
    }
  }
  process.exitCode = stale ? 1 : 0;
}

if (require.main === module) main();
