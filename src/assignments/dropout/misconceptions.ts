/**
 * The dropout assignment's misconceptions: each id a diagnosis (diagnoses.ts) can name, with a short title and
 * the sections of the notebooks that explain it. Ids are stable (results.json carries them); add, never rename.
 */
import type { Catalogue, Section } from "../../testing/misconceptions";
import { COMMON_CATALOGUE } from "../../testing/misconceptions";
import type { Diagnosis } from "../../testing/verdicts";
import { diagnosis } from "../../testing/verdicts";

const forward: Section = { notebook: "dropout.ipynb", heading: "3.1 - Forward propagation with dropout" };
const backward: Section = { notebook: "dropout.ipynb", heading: "3.2 - Backward propagation with dropout" };
const training: Section = { notebook: "dropout.ipynb", heading: "3.3 - Training with dropout" };
const expectation: Section = { notebook: "experiments.ipynb", heading: '1. "At test time the output should equal the expected output at training time"' };
const cancels: Section = { notebook: "experiments.ipynb", heading: '2. "Doesn\'t dividing by keepProb cancel the dropout?"' };
const paper: Section = { notebook: "experiments.ipynb", heading: "3. The paper's recipe against inverted dropout" };
const rate: Section = { notebook: "experiments.ipynb", heading: "4. `1/keepProb` or `1/(1 - keepProb)`? And what does tfjs's `rate` mean?" };
const perExample: Section = { notebook: "experiments.ipynb", heading: "5. One mask per example, or one per batch?" };

export const DROPOUT_CATALOGUE = {
  ...COMMON_CATALOGUE,
  "times-keepprob": { title: "multiplies the kept activations by keepProb instead of dividing", explainedIn: [expectation, paper, forward] },
  "threshold-inverted": { title: "keeps a unit where its draw is at or above keepProb (kept with probability 1 − keepProb)", explainedIn: [forward, rate] },
  "one-minus-keepprob": { title: "divides by 1 − keepProb instead of keepProb", explainedIn: [rate, forward] },
  "uses-drop-probability": { title: "uses 1 − keepProb (the drop probability, tfjs's rate) as the keep probability", explainedIn: [rate] },
  "no-scaling": { title: "does not divide the kept activations by keepProb", explainedIn: [expectation, cancels, forward] },
  "divides-twice": { title: "divides the kept activations by keepProb twice", explainedIn: [cancels, forward] },
  "ignores-keepprob": { title: "a keep probability written into the function instead of its keepProb argument", explainedIn: [forward] },
  "mask-shared-by-examples": { title: "one mask shared by all examples", explainedIn: [perExample, forward] },
  "mask-shared-by-units": { title: "one mask shared by all units of an example", explainedIn: [forward] },
  "masks-drawn-in-wrong-order": { title: "draws D2's mask before D1's", explainedIn: [forward] },
  "dropout-on-input": { title: "dropout applied to the input features", explainedIn: [forward] },
  "dropout-on-output": { title: "dropout applied to the output layer", explainedIn: [forward] },
  "draws-other-masks": { title: "draws masks of other shapes or numbers than D1 and D2", explainedIn: [forward] },
  "reseeds-generator": { title: "reseeds the generator inside the function (the same masks at every iteration)", explainedIn: [training, forward] },
  "own-generator": { title: "makes a generator of its own inside the function", explainedIn: [training, forward] },
  "other-generator": { title: "masks of a generator seeded otherwise than the one given", explainedIn: [forward] },
  "never-draws-from-generator": { title: "draws the masks from Math.random or tf.randomUniform, not the rng given", explainedIn: [forward] },
  "wrong-generator-method": { title: "draws the masks with a generator method other than rng.rand", explainedIn: [forward] },
  "mask-drops-everything": { title: "a mask that drops every unit", explainedIn: [forward] },
  "mask-keeps-everything": { title: "a mask that keeps every unit although keepProb < 1", explainedIn: [forward] },
  "writes-into-datasync-copy": { title: "writes into the copy dataSync() returns, which changes no tensor", explainedIn: [forward] },
  "non-finite-values": { title: "NaN or Infinity made by a step of the forward pass", explainedIn: [forward] },
  "backward-no-mask": { title: "backward: dA not multiplied by the cache's mask", explainedIn: [backward] },
  "backward-no-scaling": { title: "backward: dA not divided by keepProb", explainedIn: [backward] },
  "backward-times-keepprob": { title: "backward: dA multiplied by keepProb instead of divided", explainedIn: [backward] },
  "backward-one-minus-keepprob": { title: "backward: dA divided by 1 − keepProb", explainedIn: [backward, rate] },
  "masks-swapped": { title: "each layer's gradient with the other layer's mask", explainedIn: [backward] },
  "backward-fresh-mask": { title: "backward: a fresh mask instead of the forward pass's", explainedIn: [backward] },
} satisfies Catalogue<string>;

export type DropoutMisconception = keyof typeof DROPOUT_CATALOGUE;

/** A dropout diagnosis naming `ids` (checked against the catalogue by the compiler). */
export const named = (ids: DropoutMisconception | DropoutMisconception[], text: string): Diagnosis => diagnosis(ids, text);
