/** The assignments as `npm run assign` makes them (see index.ts for grading's list). */
import type { Assignment } from "../assignment";
import { dropoutAuthoring } from "./dropout/authoring";
import { l2RegularizationAuthoring } from "./l2-regularization/authoring";

export const AUTHORED_ASSIGNMENTS: Assignment[] = [l2RegularizationAuthoring, dropoutAuthoring];
