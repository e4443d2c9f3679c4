/** The public tests of every assignment's notebook, by assignment (the bundle's self-check picks one). */
import type { PublicSuite } from "../testing/publicSuite";
import { DROPOUT_SUITE } from "./dropout/publicTests";
import { L2_SUITE } from "./l2-regularization/publicTests";

export const PUBLIC_SUITES: PublicSuite[] = [L2_SUITE, DROPOUT_SUITE];
