/**
 * What the student bundle's self-check (src/selfCheck.ts) and the grader share about an assignment's notebook:
 * its id (the release writes it into the notebook's metadata, `course_kit.assignment`), its set-up cell, its
 * graded cells, and the public tests' report on each graded function. The grader's assignment definitions take
 * their graded cells from here, so the names exist once.
 */
export interface PublicSuite {
  /** The assignment's id, as the notebook's metadata names it. */
  assignment: string;
  /** The grade_id of the set-up cell (imports, settings, backend). */
  setupCell: string;
  /** graded function name -> the grade_id of the cell that defines it, in the notebook's order. */
  gradedCells: Record<string, string>;
  /** The report a test cell prints for one graded function: its text and how many public checks failed. */
  report(fn: string, target: unknown): { text: string; failed: number };
}

/** The metadata key where a released notebook names its assignment: `metadata.course_kit.assignment`. */
export const ASSIGNMENT_METADATA = "course_kit";
