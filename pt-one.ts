import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readGalleryFile } from "./grader/examples/gallery";
import { runNotebookHeadless } from "./grader/notebook/headless";
import { gradeIdOf, serializeNotebook } from "./grader/notebook/notebook";
const CELLS = ["setup", "forward_propagation_with_dropout", "forward_propagation_with_dropout_test", "backward_propagation_with_dropout", "backward_propagation_with_dropout_test"];
(async () => {
  const F = join(process.cwd(), ".ptone"); mkdirSync(F, { recursive: true });
  const nb = JSON.parse(readGalleryFile(`${process.argv[2]}.ipynb`)); nb.cells = nb.cells.filter((c: any) => CELLS.includes(gradeIdOf(c) ?? ""));
  writeFileSync(join(F, "x.ipynb"), serializeNotebook(nb));
  for (const r of await runNotebookHeadless(join(F, "x.ipynb"))) console.log(`=== ${r.gradeId} ok=${r.ok}\n--stdout\n${r.stdout}\n--stderr\n${r.stderr}`);
})();
