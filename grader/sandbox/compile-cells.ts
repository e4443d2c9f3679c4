/**
 * Compiling one submission's cells for the sandbox, in kernel order (each cell against the declarations
 * of the cells before it), with one time budget for all of the submission's type-checking (the time spent
 * compiling its cells, however many sandboxes need them, within the submission's deadline): a cell whose
 * types the compiler cannot finish is left out once, with one message, and never compiled again for the
 * same submission (a second sandbox reuses what is known). Trusted cells (the instructor's set-up) are not
 * charged to the budget.
 */
import { CompileFailed, compileInWorker, TRUSTED_COMPILE_TIMEOUT_MS, warmCompiler } from "./compile-pool";
import { compilerGaveUp } from "./compiler";
import { cachedConversion } from "./conversion-cache";
import type { Conversion } from "./compiler";

export interface CellToRun {
  gradeId: string;
  source: string;
  /** The instructor's own cell: compiled without the student's budget. */
  trusted?: boolean;
}


export class SubmissionCompiler {
  private readonly known = new Map<string, Conversion>();
  /** gradeId -> why its cell cannot be compiled (the compiler gave up, or ran out of the budget). */
  readonly stopped = new Map<string, string>();
  /** Cells sent to the compiler (known conversions and stopped cells are not sent again). */
  compilations = 0;
  /** Time the student's cells have used of the budget (compiling only: running them is not charged here). */
  private spentMs = 0;

  /**
   * `budgetMs`: the time all the student cells' type-checking may take together; `submissionDeadline`: the
   * wall-clock end of the whole submission's grading (Date.now() scale), which no compile outlasts.
   */
  constructor(
    private readonly budgetMs: number,
    private readonly submissionDeadline: number,
    private readonly warmUp: string,
  ) {}

  /** The cells that can run (stopped ones left out) and their conversions, in order. */
  async chain(cells: CellToRun[]): Promise<{ cells: CellToRun[]; conversions: Conversion[] }> {
    const runnable: CellToRun[] = [];
    const conversions: Conversion[] = [];
    let decl = "";
    for (const [k, cell] of cells.entries()) {
      if (this.stopped.has(cell.gradeId)) continue;
      const key = `${decl}\u0000${cell.source}`;
      let conversion = this.known.get(key);
      if (!conversion) {
        const cached = cachedConversion(decl, cell.source);
        if (cached) conversion = { prevDecl: decl, src: cell.source, result: cached };
      }
      if (!conversion) {
        // A fair share of what is left for each student cell still to compile, so that one cell cannot
        // use the time of the others; the last takes all that remains.
        const left = cells.slice(k).filter((c) => !c.trusted && !this.stopped.has(c.gradeId) && !this.known.has(`${decl}\u0000${c.source}`)).length;
        let timeoutMs = TRUSTED_COMPILE_TIMEOUT_MS;
        let startedAt = 0;
        // Asked once the worker is warm: starting a compiler is not the student's time.
        const limit = () => {
          startedAt = Date.now();
          if (cell.trusted) return timeoutMs;
          const share = Math.max(0, this.budgetMs - this.spentMs) / Math.max(1, left);
          return (timeoutMs = Math.max(0, Math.min(share, this.submissionDeadline - startedAt)));
        };
        this.compilations++;
        try {
          conversion = await compileInWorker(decl, cell.source, limit, this.warmUp);
        } catch (error) {
          if (!cell.trusted && startedAt) this.spentMs += Date.now() - startedAt;
          if (!(error instanceof CompileFailed) || cell.trusted) throw error;
          if (error.timedOut && timeoutMs <= 0) {
            // Nothing of this cell's doing: the budget or the submission's time was used up before it.
            this.stopped.set(cell.gradeId, `Your cell '${cell.gradeId}' was not type-checked: no time was left for it (see the other notes about your notebook), so it was not run.`);
          } else this.stopped.set(cell.gradeId, compileStopMessage(cell.gradeId, error.timedOut ? `it was still working after ${seconds(timeoutMs)} s` : `it stopped: ${error.message}`));
          continue;
        }
        if (!cell.trusted) this.spentMs += Date.now() - startedAt;
      }
      if (!this.known.has(key)) {
        const gaveUp = compilerGaveUp(conversion.result);
        if (gaveUp && !cell.trusted) {
          this.stopped.set(cell.gradeId, compileStopMessage(cell.gradeId, `it gave up: "${gaveUp}"`));
          continue;
        }
        this.known.set(key, conversion);
      }
      runnable.push(cell);
      conversions.push(conversion);
      if (conversion.result.diagnostics.length === 0) decl = conversion.result.declOutput ?? "";
    }
    return { cells: runnable, conversions };
  }
}

/**
 * Before a submission's clock starts (starting a compiler is the grader's own cost): a warm compiler, unless
 * the cache on disk (conversion-cache.ts) holds the conversion of every cell of `cells`, in kernel order; then
 * none is started. A cell that needs one later (a sandbox of its own after another cell failed) starts it
 * then, and its budget starts once it is warm.
 */
export async function prepareCompiler(cells: CellToRun[], warmUp: string): Promise<void> {
  let decl = "";
  for (const cell of cells) {
    const cached = cachedConversion(decl, cell.source);
    if (!cached) return warmCompiler(warmUp);
    if (cached.diagnostics.length === 0) decl = cached.declOutput ?? "";
  }
}

const seconds = (ms: number) => String(Math.round(ms / 100) / 10);

/** The one message a student gets, whichever way the compiler stopped (gave up, or out of time). */
export function compileStopMessage(gradeId: string, how: string): string {
  return `The TypeScript compiler could not finish checking the types in your cell '${gradeId}' (${how}), so the cell was not run. Simplify its type annotations: the graded functions need none beyond the ones the notebook gives.`;
}
