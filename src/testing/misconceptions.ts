/**
 * Misconceptions by name. A diagnosis that names one gives its stable id (verdicts.ts's Diagnosis), and the
 * id travels with the check's result into results.json (`tests[].extra_data.misconceptions`), so a class report
 * counts ids, not sentences. Each assignment has a catalogue (src/assignments/<id>/misconceptions.ts): the ids,
 * a short title each, and where the course explains it. An id is never renamed: a later tool may count it too.
 */

/** Where the course explains a misconception: one of the assignment's notebooks and a heading in it (its text, as written). */
export interface Section {
  notebook: string;
  heading: string;
}

export interface MisconceptionInfo {
  /** A short name, for an instructor's table. */
  title: string;
  /** The sections that explain it, most direct first (none for a finding that is not about the course's content). */
  explainedIn: Section[];
}

export type Catalogue<Id extends string> = Record<Id, MisconceptionInfo>;

/** Findings every assignment's gates and repeat checks name. */
export const COMMON_MISCONCEPTIONS = {
  recalled: "recalled-published-answer",
  ignoresInputs: "ignores-inputs",
  changesInputs: "changes-inputs",
} as const;

export const COMMON_CATALOGUE: Catalogue<(typeof COMMON_MISCONCEPTIONS)[keyof typeof COMMON_MISCONCEPTIONS]> = {
  "recalled-published-answer": { title: "a published answer given on a case whose answer is not published (recalled, not computed)", explainedIn: [] },
  "ignores-inputs": { title: "the same outputs on every case, whatever the inputs", explainedIn: [] },
  "changes-inputs": { title: "changes or disposes of the tensors it is given", explainedIn: [] },
};
