/**
 * Which assignment a submitted notebook is: the flag, else the notebook's metadata (`course_kit.assignment`, which
 * the release writes), else the graded cells it holds; anything else is said plainly, with what to do.
 * Fails when: the metadata is not read (seen red: whichAssignment ignoring it, "names 'beta'" picked alpha by its
 * cells), an unknown name is graded as some assignment, or the release stops writing the metadata.
 */
import { describe, expect, it } from "vitest";
import type { GradedAssignment } from "../grader/assignment";
import { whichAssignment } from "../grader/grading/submission";
import type { Cell } from "../grader/notebook/notebook";
import { releasedCopy } from "../grader/assign/gallery";
import { dropoutAuthoring } from "../grader/assignments/dropout/authoring";

const assignment = (id: string, cells: Record<string, string>) => ({ id, gradedCells: cells }) as unknown as GradedAssignment;
const ALPHA = assignment("alpha", { f: "f_cell" });
const BETA = assignment("beta", { g: "g_cell" });
const cell = (gradeId: string): Cell => ({ cell_type: "code", source: "", metadata: { nbgrader: { grade_id: gradeId } } }) as unknown as Cell;
const named = (id: unknown) => ({ course_kit: { assignment: id } });

describe("which assignment a notebook is", () => {
  it("the one its metadata names, even when it holds another's cells, and then the student reads why their cells were missed", () => {
    const found = whichAssignment(named("beta"), [cell("f_cell")], [ALPHA, BETA]);
    expect(found.assignment).toBe(BETA);
    expect(found.note).toMatch(/metadata says it is the assignment 'beta', but it holds the graded cells of 'alpha', none of 'beta'/);
    expect(whichAssignment(named("beta"), [cell("g_cell")], [ALPHA, BETA]).note).toBeUndefined();
  });

  it("the flag over the metadata", () => {
    expect(whichAssignment(named("beta"), [], [ALPHA, BETA], ALPHA).assignment).toBe(ALPHA);
  });

  it("without metadata, the one whose graded cells it holds", () => {
    expect(whichAssignment({}, [cell("setup"), cell("g_cell")], [ALPHA, BETA]).assignment).toBe(BETA);
    expect(whichAssignment(undefined, [cell("f_cell")], [ALPHA, BETA]).assignment).toBe(ALPHA);
  });

  it("a name the grader does not know is said, never graded as another", () => {
    const found = whichAssignment(named("gamma"), [cell("f_cell")], [ALPHA, BETA]);
    expect(found.assignment).toBeUndefined();
    expect(found.problem).toMatch(/'gamma', which this grader does not grade \(it grades: alpha, beta\)/);
  });

  it("no name and no graded cell, or the cells of two: which one cannot be told, and the student reads what to do", () => {
    expect(whichAssignment({}, [cell("other")], [ALPHA, BETA]).problem).toMatch(/cannot be told: its metadata names none and it holds no graded cell of any \(this grader grades: alpha, beta\)\. Submit the assignment's notebook/);
    expect(whichAssignment({}, [cell("f_cell"), cell("g_cell")], [ALPHA, BETA]).problem).toMatch(/graded cells of several assignments \(alpha, beta\)/);
  });

  it("malformed metadata falls back to the cells, and says so", () => {
    const found = whichAssignment(named(42), [cell("g_cell")], [ALPHA, BETA]);
    expect(found.assignment).toBe(BETA);
    expect(found.note).toMatch(/metadata is malformed/);
  });

  it("the released notebook names its assignment", () => {
    const released = releasedCopy(dropoutAuthoring);
    expect(released.metadata).toMatchObject(named("dropout"));
    expect(whichAssignment(released.metadata, [], [ALPHA, BETA, assignment("dropout", {})]).assignment?.id).toBe("dropout");
  });
});
