/**
 * The order vitest starts the test files in: the slowest first, so that no long file starts near the end of the
 * run with one core left idle beside it. vitest's own order is by the durations it cached on an earlier run, and,
 * on a fresh clone (no cache), by file size, which put the Gradescope package's test (one short file, about 35 s)
 * last. The list is of the slowest files as `npm run bench:suite` measured them; a file not on it keeps vitest's
 * order after them. The groups (vitest.config.mts) still run in their order.
 */
import { basename } from "node:path";
import { BaseSequencer } from "vitest/node";
import type { TestSpecification } from "vitest/node";

export const SLOWEST_FIRST = [
  "grader.test.ts",
  "student-bundle.test.ts",
  "assign-refusals.test.ts",
  "experiments-notebook.test.ts",
  "l2-notebook.test.ts",
  "gradescope-package.test.ts",
  "jupyter-kernel.test.ts",
  "assign-run.test.ts",
  "notebooks.test.ts",
  "assign.test.ts",
  "sandbox-limits.test.ts",
  "experiments.test.ts",
  "public-test-cells.test.ts",
];

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
