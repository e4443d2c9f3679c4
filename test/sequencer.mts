/**
 * The order vitest starts the test files in: the slowest first, so that no long file starts near the end of the
 * run with one core left idle beside it. vitest's own order is by the durations it cached on an earlier run, and,
 * on a fresh clone (no cache), by file size, which put the Gradescope package's test (one short file, about 35 s)
 * last. The list (test/slowest-first.json) is of the slowest files as `npm run bench:suite` measured them; a
 * file not on it keeps vitest's order after them. The groups (vitest.config.mts) still run in their order.
 * An .mts file, as the config is: vite loads the config's imports as ES modules.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { BaseSequencer } from "vitest/node";
import type { TestSpecification } from "vitest/node";

const SLOWEST_FIRST: string[] = JSON.parse(readFileSync(new URL("./slowest-first.json", import.meta.url), "utf8"));

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const known = SLOWEST_FIRST.indexOf(basename(spec.moduleId));
      return known === -1 ? SLOWEST_FIRST.length : known;
    };
    const group = (spec: TestSpecification) => spec.project.config.sequence.groupOrder;
    return base.map((spec, index) => ({ spec, index })).sort((a, b) => group(a.spec) - group(b.spec) || rank(a.spec) - rank(b.spec) || a.index - b.index).map(({ spec }) => spec);
  }
}
