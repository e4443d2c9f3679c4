/** The dropout solution, typed: for the tests, benchmarks and scripts that train or compare with it. */
import type { BackwardWithDropout, ForwardWithDropout } from "dropout-kit";
import type { Notebook } from "../../notebook/notebook";
import { instructorNotebook, loadGradedFunctions } from "../../reference-solution";
import { dropoutAuthoring } from "./authoring";

export const INSTRUCTOR_NOTEBOOK = instructorNotebook(dropoutAuthoring);

export interface DropoutFunctions {
  forwardPropagationWithDropout: ForwardWithDropout;
  backwardPropagationWithDropout: BackwardWithDropout;
}

/** The graded functions of a notebook in the dropout assignment's layout (the solution by default). */
export async function loadDropoutFunctions(notebook?: Notebook): Promise<DropoutFunctions> {
  return (await loadGradedFunctions(dropoutAuthoring, notebook)) as unknown as DropoutFunctions;
}

export const loadReferenceSolution = (): Promise<DropoutFunctions> => loadDropoutFunctions();
