/**
 * A hidden-style case of each graded function (seeds, shapes, keepProb and lambd no public case has) and its
 * answers, recomputed with the grader's own code: what test/helpers/bundle-probe.js looks for among what the
 * student bundle's functions return. `wanted` holds each answer's values by name.
 */
import { RandomState, scoped, toTensor, tf } from "dropout-kit";
import type { WireTensor } from "dropout-kit";
import { forwardInputs } from "../../grader/assignments/dropout/cases";
import { forwardWith, generatorMasks } from "../../grader/assignments/dropout/checks/recompute";
import { loadReferenceSolution } from "../../grader/assignments/dropout/solution";
import { l2BackwardInputs, l2CostInputs } from "../../grader/assignments/l2-regularization/cases";
import { l2Term, plainGradientsOf, plusMultiple, regularizedCostOf } from "../../grader/assignments/l2-regularization/checks/recompute";

const wire = (t: tf.Tensor): WireTensor => ({ shape: t.shape.slice(), values: Array.from(t.dataSync(), Number) });

export async function hiddenStyleTargets() {
  const solution = await loadReferenceSolution();
  const forward = forwardInputs({ dims: [3, 7, 5, 1], examples: 9, keepProb: 0.65, maskSeed: 12345, inputSeed: 777 });
  const pass = forwardWith("correct", forward);
  const masks = generatorMasks(forward);
  // A backward case of its own: the solution's forward pass on other inputs makes its cache.
  const own = forwardInputs({ dims: [4, 6, 6, 1], examples: 7, keepProb: 0.55, maskSeed: 4321, inputSeed: 999 });
  const { backward, grads } = scoped(() => {
    const parameters = Object.fromEntries(Object.entries(own.parameters).map(([k, v]) => [k, toTensor(v)]));
    const [, cache] = solution.forwardPropagationWithDropout(toTensor(own.X), parameters as never, own.keepProb, new RandomState(own.seed));
    const Y = tf.cast(tf.less(tf.randomUniform([1, 7], 0, 1, "float32", 5), 0.5), "float32") as tf.Tensor2D;
    const g = solution.backwardPropagationWithDropout(toTensor(own.X), Y, cache, own.keepProb);
    const wireCache = Object.fromEntries(Object.entries(cache).map(([k, v]) => [k, wire(v as tf.Tensor)]));
    return { backward: { X: own.X, Y: wire(Y), cache: wireCache, keepProb: own.keepProb }, grads: Object.fromEntries(Object.entries(g).map(([k, v]) => [k, wire(v as tf.Tensor)])) };
  });
  const cost = l2CostInputs({ id: "probe", description: "probe", lambd: 0.37, dims: [3, 6, 4, 1], examples: 9, inputSeed: 4242 });
  const l2backward = l2BackwardInputs({ id: "probe", description: "probe", lambd: 0.37, dims: [3, 6, 4, 1], examples: 9, inputSeed: 4343 });
  const plain = plainGradientsOf(l2backward);
  const m = l2backward.Y.shape[1];
  const regularized = (l: number) => plusMultiple(plain[`dW${l}`], l2backward.lambd / m, l2backward.cache[`W${l}`]);
  const wanted: Record<string, number[]> = {
    "forward A3": pass.A3.values,
    "forward A1": pass.A1.values,
    "forward D1": masks.D1.values,
    "forward D2": masks.D2.values,
    "forward D1 / keepProb": masks.D1.values.map((v) => v / forward.keepProb),
    "backward dA1": grads.dA1.values,
    "backward dA2": grads.dA2.values,
    "backward dW1": grads.dW1.values,
    "backward dW2": grads.dW2.values,
    "L2 cost": [regularizedCostOf(cost)],
    "L2 term": [l2Term(cost)],
    "L2 dW1": regularized(1).values,
    "L2 dW2": regularized(2).values,
    "L2 dW3": regularized(3).values,
    "L2 dW1's term (λ/m)·W1": l2backward.cache.W1.values.map((w) => (l2backward.lambd / m) * w),
  };
  return { forward: { inputs: forward }, backward: { inputs: backward }, cost: { inputs: cost }, l2backward: { inputs: l2backward }, wanted };
}
