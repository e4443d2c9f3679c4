/**
 * The dropout assignment's references (`npm run assign`): the solution (the instructor notebook's graded cells)
 * run on every grader case. Grading reads them from references.json (the public tests' data is derived from
 * them: checks/publicData.ts); a test fails when the committed files differ from what the source generates.
 */
import { DROPOUT_CACHE_NAMES, GRADIENT_NAMES, RandomState, tf } from "dropout-kit";
import type { DropoutCache, ForwardWithDropout, BackwardWithDropout, GradedFunction, Matrix, Parameters, WireTensor } from "dropout-kit";
import type { References } from "../../assignment";
import { BACKWARD_CASES, courseBackwardInputs, FORWARD_CASES, forwardInputs, labels, mapValues, ownForwardOf, toWire } from "./cases";
import type { BackwardInputs, ForwardInputs } from "./cases";

export interface DropoutReferences extends References {
  /** forward case id -> A3 and cache.<name> values. */
  forward: Record<string, Record<string, WireTensor>>;
  /**
   * backward case id -> its inputs and the gradients (`outputs`, the file's name for the expected outputs).
   * A hidden case's inputs come from seeds of its own (a forward pass of the solution makes its cache), never
   * from a forward case's expected outputs.
   */
  backward: Record<string, { inputs: BackwardInputs; outputs: Record<string, WireTensor> }>;
}

function fromWire(w: WireTensor): tf.Tensor {
  return tf.tensor(w.values, w.shape);
}

function runForward(forward: ForwardWithDropout, inputs: ForwardInputs): Record<string, WireTensor> {
  const [A3, cache] = forward(fromWire(inputs.X) as Matrix, mapValues(inputs.parameters, fromWire) as unknown as Parameters, inputs.keepProb, new RandomState(inputs.seed));
  return { A3: toWire(A3), ...Object.fromEntries(DROPOUT_CACHE_NAMES.map((n) => [`cache.${n}`, toWire(cache[n])])) };
}

export function deriveReferences(solution: Record<string, GradedFunction>, setupCell: string): DropoutReferences {
  const forward = solution.forwardPropagationWithDropout as unknown as ForwardWithDropout;
  const backwardFn = solution.backwardPropagationWithDropout as unknown as BackwardWithDropout;
  const forwardRefs: DropoutReferences["forward"] = {};
  const backward: DropoutReferences["backward"] = {};
  tf.tidy(() => {
    for (const spec of FORWARD_CASES) forwardRefs[spec.id] = runForward(forward, forwardInputs(spec));
    for (const spec of BACKWARD_CASES) {
      let inputs: BackwardInputs;
      if (spec.course) inputs = courseBackwardInputs();
      else if (spec.courseInputs) inputs = courseBackwardInputs(spec);
      else {
        // The case's own forward pass (its own seeds), for a consistent cache.
        const own = ownForwardOf(spec);
        const values = runForward(forward, own);
        const cache = Object.fromEntries(DROPOUT_CACHE_NAMES.map((n) => [n, values[`cache.${n}`]]));
        inputs = { X: own.X, Y: labels(own.X.shape[1], spec.labelSeed!), cache, keepProb: own.keepProb };
      }
      const grads = backwardFn(fromWire(inputs.X) as Matrix, fromWire(inputs.Y) as Matrix, mapValues(inputs.cache, fromWire) as unknown as DropoutCache, inputs.keepProb);
      backward[spec.id] = { inputs, outputs: Object.fromEntries(GRADIENT_NAMES.map((n) => [n, toWire(grads[n])])) };
    }
  });
  return { assignment: "dropout", setupCell, forward: forwardRefs, backward };
}
