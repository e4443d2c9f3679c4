/**
 * What the checks know of a case: whether its expected values may be shown (public: the course's published
 * case and the public tests' own) or not (hidden: the grader's).
 */

export interface CaseInfo {
  id: string;
  /** What a student reads: "On <description>: ...". */
  description: string;
  /** The course's published case. */
  course?: boolean;
  /** The course's inputs with a generator, labels or keepProb of the grader's own: hidden, and the course check's gate. */
  courseInputs?: boolean;
  /** A case of the public tests (the notebook runs it too): its expected values may be shown. */
  public?: boolean;
}

/** Public: its expected values may be shown in feedback. */
export function isPublicCase(c: CaseInfo): boolean {
  return !!(c.course || c.public);
}

/** Hidden: neither public nor on the course's published inputs (whose published values can be recalled). */
export function isHiddenCase(c: CaseInfo): boolean {
  return !isPublicCase(c) && !c.courseInputs;
}
