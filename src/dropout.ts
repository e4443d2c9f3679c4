/** Small guards shared by the graded functions' scaffolding and the helpers. */

/** keepProb is a probability of keeping a unit: it must lie in (0, 1]. 1 means "no dropout". */
export function assertKeepProb(keepProb: number): void {
  if (typeof keepProb !== "number" || !(keepProb > 0 && keepProb <= 1)) {
    throw new RangeError(
      `keepProb must be a number in (0, 1] (the probability of KEEPING a unit; 1 turns dropout off), got ${String(keepProb)}`,
    );
  }
}

/** Thrown by the exercise stubs until the student fills them in. */
export class NotImplementedError extends Error {
  constructor(what: string) {
    super(`not implemented: ${what}. Write your code between "YOUR CODE STARTS HERE" and "YOUR CODE ENDS HERE", and delete this throw.`);
    this.name = "NotImplementedError";
  }
}

export function notImplemented(what: string): never {
  throw new NotImplementedError(what);
}
