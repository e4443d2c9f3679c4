/** `npm run references`: regenerates grader/references/dropout.json from the instructor notebook's solution. */
import { initBackend } from "dropout-kit";
import { loadReferenceSolution } from "../reference-solution";
import { generateReferences, REFERENCES_FILE, writeReferences } from "./references";

(async () => {
  await initBackend();
  const references = generateReferences(await loadReferenceSolution());
  writeReferences(references);
  console.log(`wrote ${REFERENCES_FILE}: ${Object.keys(references.forward).length} forward and ${Object.keys(references.backward).length} backward cases`);
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
