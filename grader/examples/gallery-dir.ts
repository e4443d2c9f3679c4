/**
 * Where the example submissions live (grader/examples/submissions/), on its own so that what only grades
 * them (`npm run grade` with no paths) does not load the generator that writes them (gallery.ts).
 */
import { resolve } from "node:path";

export const GALLERY_DIR = resolve(__dirname, "submissions");
