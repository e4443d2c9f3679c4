/**
 * A random generator that reproduces numpy's legacy `np.random` streams draw for draw, so the
 * course's published test cases (built with `np.random.seed(1)`) can be rebuilt exactly here.
 *
 * - `np.random.seed(n)` seeds MT19937 with init_genrand(n) (src/mt19937.ts).
 * - `np.random.rand()` is the 53-bit double made from two 32-bit draws (`MT19937.double`).
 * - `np.random.randn()` is the polar Box-Muller method on those doubles: each accepted pair yields two
 *   normals; the second is cached and returned by the next call (reseeding clears the cache).
 * - Matrices are filled row-major, as numpy fills a C-ordered array.
 *
 * Randomness in this course always comes from a generator that is passed in, never from a global, so
 * tests are reproducible while a training loop still draws fresh masks at every iteration.
 */
import * as tf from "@tensorflow/tfjs";
import { MT19937 } from "./mt19937";
import { newFloat32Tensor } from "./tensorMemory";

export class RandomState {
  private twister!: MT19937;
  private cachedGaussian: number | undefined;
  private draws = 0;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Like `np.random.seed(n)`: restarts the stream. */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer in [0, 2**32 - 1], got ${seed}`);
    }
    this.twister = new MT19937(seed);
    this.cachedGaussian = undefined;
  }

  /** How many uniform doubles have been drawn since construction (useful to check who consumed randomness). */
  get drawCount(): number {
    return this.draws;
  }

  /** One draw of `np.random.rand()`: uniform in [0, 1). */
  uniform(): number {
    this.draws++;
    return this.twister.double();
  }

  /** One draw of `np.random.randn()`: standard normal. */
  gaussian(): number {
    if (this.cachedGaussian !== undefined) {
      const g = this.cachedGaussian;
      this.cachedGaussian = undefined;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.uniform() - 1;
      x2 = 2 * this.uniform() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.cachedGaussian = f * x1;
    return f * x2;
  }

  /** `count` uniform draws as float64 (no rounding to float32). */
  uniformArray(count: number): Float64Array {
    const out = new Float64Array(checkCount(count));
    this.twister.fillDoubles(out);
    this.draws += out.length;
    return out;
  }

  /** `count` standard-normal draws as float64. */
  gaussianArray(count: number): Float64Array {
    const out = new Float64Array(checkCount(count));
    for (let i = 0; i < out.length; i++) out[i] = this.gaussian();
    return out;
  }

  /** Like `np.random.rand(rows, cols)`: a float32 tensor of uniform draws in [0, 1), row-major. */
  rand(rows: number, cols: number): tf.Tensor2D {
    const [r, c] = checkShape(rows, cols, "rand");
    // Drawn straight into the new tensor's memory (src/tensorMemory.ts), already in float32: a training run
    // calls this twice per iteration. fillFloat32 never rounds a draw up to 1 (see there).
    const mask = newFloat32Tensor([r, c], (out) => this.twister.fillFloat32(out)) as tf.Tensor2D;
    this.draws += r * c;
    return mask;
  }

  /** Like `np.random.randn(rows, cols)`: a float32 tensor of standard-normal draws, row-major. */
  randn(rows: number, cols: number): tf.Tensor2D {
    const [r, c] = checkShape(rows, cols, "randn");
    return tf.tensor2d(Float32Array.from(this.gaussianArray(r * c)), [r, c]);
  }
}

function checkCount(count: number): number {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  return count;
}

function checkShape(rows: number, cols: number, name: string): [number, number] {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`${name}(rows, cols) needs two non-negative integers, got (${rows}, ${cols})`);
  }
  return [rows, cols];
}
