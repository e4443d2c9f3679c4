/** The public tests of every assignment's notebook, by assignment (the bundle's self-check picks one). */
import type { PublicSuite } from "./checks/publicSuite";
import { DROPOUT_SUITE } from "./publicTests";

export const PUBLIC_SUITES: PublicSuite[] = [DROPOUT_SUITE];
