/** The public tests of every assignment's notebook, by assignment (the bundle's self-check picks one). */
import type { PublicSuite } from "./checks/publicSuite";
import { L2_SUITE } from "./l2PublicTests";
import { DROPOUT_SUITE } from "./publicTests";

export const PUBLIC_SUITES: PublicSuite[] = [L2_SUITE, DROPOUT_SUITE];
