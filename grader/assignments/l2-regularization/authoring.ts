/**
 * The L2 regularization assignment as `npm run assign` makes it: grading's part (index.ts) plus its instructor
 * source, the derivation of its references from the solution, its public cases and its example gallery.
 */
import { resolve } from "node:path";
import type { Assignment } from "../../assignment";
import { galleryFiles } from "./gallery";
import { l2Regularization } from "./index";
import { l2PublicData } from "./checks/publicData";
import { deriveReferences } from "./references";
import type { L2References } from "./references";
import { cases, notebook } from "./source/settings";

export const l2RegularizationAuthoring: Assignment<L2References> = {
  ...l2Regularization,
  sourceDir: resolve(__dirname, "source"),
  recomputations: [resolve(__dirname, "checks/recompute.ts"), resolve(__dirname, "checks/diagnoses.ts")],
  notebookSettings: notebook,
  publicCasesFile: resolve(__dirname, "../../../src/assignments/l2-regularization/publicTests.json"),
  deriveReferences,
  publicCases: (references) => l2PublicData(cases, references, notebook.LAMBD),
  gallery: () => galleryFiles(l2RegularizationAuthoring),
};
