/**
 * The dropout assignment as `npm run assign` makes it: grading's part (index.ts) plus its instructor source,
 * the derivation of its references from the solution, its public cases and its example gallery.
 */
import { resolve } from "node:path";
import type { Assignment } from "../../assignment";
import { galleryFiles } from "./gallery";
import { dropout } from "./index";
import { deriveReferences, publicCasesOf } from "./references";
import type { DropoutReferences } from "./references";
import { notebook } from "./source/settings";

export const dropoutAuthoring: Assignment<DropoutReferences> = {
  ...dropout,
  sourceDir: resolve(__dirname, "source"),
  notebookSettings: notebook,
  publicCasesFile: resolve(__dirname, "../../../src/checks/publicCases.json"),
  deriveReferences,
  publicCases: publicCasesOf,
  gallery: () => galleryFiles(dropoutAuthoring),
};
