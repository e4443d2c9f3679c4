/**
 * The guards of `model`'s regularization options: L2's lambd, and the course's rule of one regularizer at
 * a time. (keepProb's own guard, assertKeepProb, is in dropout.ts beside the dropout scaffolding.)
 */

/** lambd is the L2 strength: a finite number >= 0, where 0 means "no L2". */
export function assertLambd(lambd: number): void {
  if (typeof lambd !== "number" || !Number.isFinite(lambd) || lambd < 0) {
    throw new RangeError(`lambd must be a finite number >= 0 (the strength of the L2 term; 0 turns L2 off), got ${String(lambd)}`);
  }
}

/**
 * The course trains with L2 or with dropout, never both in one run: each of its notebooks shows what one
 * regularizer does on its own (nothing forbids combining them in general).
 */
export function assertOneRegularizer(lambd: number, keepProb: number): void {
  if (lambd > 0 && keepProb < 1) {
    throw new Error(
      `lambd ${lambd} and keepProb ${keepProb} ask for L2 and dropout in one run; this course trains with one ` +
        "regularizer at a time: set lambd to 0 or keepProb to 1",
    );
  }
}
