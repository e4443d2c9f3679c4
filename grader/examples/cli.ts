/** `npm run gallery`: regenerates grader/examples/submissions/ from the instructor notebook. */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GALLERY_DIR, galleryFiles } from "./gallery";

mkdirSync(GALLERY_DIR, { recursive: true });
const files = galleryFiles();
for (const { name, text } of files) {
  writeFileSync(join(GALLERY_DIR, `${name}.tmp`), text);
  renameSync(join(GALLERY_DIR, `${name}.tmp`), join(GALLERY_DIR, name));
}
const wanted = new Set(files.map((f) => f.name));
for (const old of readdirSync(GALLERY_DIR).filter((f) => f.endsWith(".ipynb") && !wanted.has(f))) rmSync(join(GALLERY_DIR, old));
console.log(`wrote ${files.length} example submissions to ${GALLERY_DIR}`);
