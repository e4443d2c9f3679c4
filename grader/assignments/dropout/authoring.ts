/**
 * The dropout assignment as `npm run assign` makes it: grading's part (index.ts) plus its instructor source,
 * the derivation of its references from the solution, its public cases and its example gallery.
 */
import { resolve } from "node:path";
import type { Assignment } from "../../assignment";
import { galleryFiles } from "./gallery";
import { dropout } from "./index";
import { dropoutPublicData } from "./checks/publicData";
import { deriveReferences } from "./references";
import type { DropoutReferences } from "./references";
import { notebook } from "./source/settings";

export const dropoutAuthoring: Assignment<DropoutReferences> = {
  ...dropout,
  sourceDir: resolve(__dirname, "source"),
  recomputations: [resolve(__dirname, "checks/recompute.ts")],
  // The experiments notebook's helpers (they implement dropout's variants): released beside it, never in the library.
  companions: ["experimentHelpers.ts"],
  notebookSettings: notebook,
  publicCasesFile: resolve(__dirname, "../../../src/assignments/dropout/publicTests.json"),
  deriveReferences,
  publicCases: dropoutPublicData,
  gallery: () => galleryFiles(dropoutAuthoring),
};
