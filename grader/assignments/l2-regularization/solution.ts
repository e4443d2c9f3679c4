/** The L2 solution, typed: for the tests that train or compare with it. */
import type { BackwardWithRegularization, CostWithRegularization } from "dropout-kit";
import type { Notebook } from "../../notebook/notebook";
import { instructorNotebook, loadGradedFunctions } from "../../reference-solution";
import { l2RegularizationAuthoring } from "./authoring";

export const L2_INSTRUCTOR_NOTEBOOK = instructorNotebook(l2RegularizationAuthoring);

export interface L2Functions {
  computeCostWithRegularization: CostWithRegularization;
  backwardPropagationWithRegularization: BackwardWithRegularization;
}

/** The graded functions of a notebook in the L2 assignment's layout (the solution by default). */
export async function loadL2Functions(notebook?: Notebook): Promise<L2Functions> {
  return (await loadGradedFunctions(l2RegularizationAuthoring, notebook)) as unknown as L2Functions;
}

export const loadL2ReferenceSolution = (): Promise<L2Functions> => loadL2Functions();
