/**
 * MT19937, the Mersenne Twister behind numpy's legacy `np.random`, seeded like `np.random.seed(n)`
 * (init_genrand). Written here rather than taken from the `mersenne-twister` package because a training
 * run draws about 4,900 numbers per iteration for its masks (9,700 32-bit words), so the fill loops are
 * what matters (bench/README.md): the state is an Int32Array (every word V8 reads is a small integer, never a
 * uint32 above 2**31 that it would keep as a double), the twist is branch-free, and `fillFloat32` tempers
 * and converts in one loop over the words that are left before the next twist, with no check inside it.
 * test/random.test.ts checks the stream against numpy's.
 * The bulk draws run in WebAssembly where they can (src/kernels/mt19937.wat: the same loop, about a third of
 * the time); `fillFloat32InJavaScript` is the same fill in JavaScript, the fallback and the tests' reference.
 */
import { MT19937_WASM_BASE64 } from "./kernels/wasmBinary";
const UPPER = 0x80000000 | 0;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df | 0;
const TEMPER_B = 0x9d2c5680 | 0;
const TEMPER_C = 0xefc60000 | 0;
/** 2**-53: a 53-bit integer times this is numpy's double in [0, 1), exactly (a power of two only scales). */
const TWO_TO_MINUS_53 = 1.1102230246251565e-16;
/** The largest float32 below 1. */
const FLOAT32_BELOW_ONE = 1 - 2 ** -24;

export class MT19937 {
  private readonly state = new Int32Array(624);
  private index = 624;

  constructor(seed: number) {
    const mt = this.state;
    mt[0] = seed | 0;
    for (let i = 1; i < 624; i++) mt[i] = Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
  }

  private twist(): void {
    const mt = this.state;
    let k = 0;
    let y: number;
    // (y & 1 ? MATRIX_A : 0), without a branch on a random bit.
    for (; k < 227; k++) {
      y = (mt[k] & UPPER) | (mt[k + 1] & LOWER);
      mt[k] = mt[k + 397] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; k < 623; k++) {
      y = (mt[k] & UPPER) | (mt[k + 1] & LOWER);
      mt[k] = mt[k - 227] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    y = (mt[623] & UPPER) | (mt[0] & LOWER);
    mt[623] = mt[396] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.index = 0;
  }

  /** A uniform 32-bit integer (genrand_int32), as an unsigned number. */
  int32(): number {
    if (this.index >= 624) this.twist();
    return temper(this.state[this.index++]) >>> 0;
  }

  /** numpy's `random_sample()`: a 53-bit double in [0, 1) from two 32-bit draws. */
  double(): number {
    const a = this.int32() >>> 5;
    const b = this.int32() >>> 6;
    return (a * 67108864 + b) * TWO_TO_MINUS_53;
  }

  /** `out.length` doubles, as `double()` would give them one by one. */
  fillDoubles(out: Float64Array): void {
    const mt = this.state;
    const n = out.length;
    let i = 0;
    while (i < n) {
      if (this.index >= 623) {
        out[i++] = this.double(); // a pair that straddles a twist (or starts one)
        continue;
      }
      let index = this.index;
      for (const end = Math.min(n, i + ((624 - index) >> 1)); i < end; i++, index += 2) {
        out[i] = ((temper(mt[index]) >>> 5) * 67108864 + (temper(mt[index + 1]) >>> 6)) * TWO_TO_MINUS_53;
      }
      this.index = index;
    }
  }

  /**
   * `out.length` doubles, as `double()` would give them, each rounded to float32 but never up to 1: a draw
   * above 1 - 2**-25 rounds to exactly 1 in float32, and a mask `rand < keepProb` with keepProb = 1 would
   * then drop a unit; such a draw gives the largest float32 below 1 instead. What `RandomState.rand` fills.
   */
  fillFloat32(out: Float32Array): void {
    const draws = wasmDraws();
    if (!draws) return this.fillFloat32InJavaScript(out);
    const state = new Int32Array(draws.memory.buffer, 0, 624);
    state.set(this.state);
    for (let i = 0; i < out.length; i += WASM_CHUNK) {
      const n = Math.min(WASM_CHUNK, out.length - i);
      this.index = draws.fill_float32(this.index, n);
      out.set(new Float32Array(draws.memory.buffer, WASM_OUT, n), i);
    }
    this.state.set(state);
  }

  /** Whether `fillFloat32` runs in WebAssembly here (else in JavaScript). */
  static bulkDrawsInWasm(): boolean {
    return wasmDraws() !== null;
  }

  /** `fillFloat32` in JavaScript. */
  fillFloat32InJavaScript(out: Float32Array): void {
    const mt = this.state;
    const n = out.length;
    let i = 0;
    while (i < n) {
      if (this.index >= 623) {
        const x = this.double();
        out[i++] = x < FLOAT32_BELOW_ONE ? x : FLOAT32_BELOW_ONE;
        continue;
      }
      let index = this.index;
      for (const end = Math.min(n, i + ((624 - index) >> 1)); i < end; i++, index += 2) {
        const x = ((temper(mt[index]) >>> 5) * 67108864 + (temper(mt[index + 1]) >>> 6)) * TWO_TO_MINUS_53;
        out[i] = x < FLOAT32_BELOW_ONE ? x : FLOAT32_BELOW_ONE;
      }
      this.index = index;
    }
  }
}

/** mt19937.wat's layout: the state at byte 0, up to WASM_CHUNK draws at WASM_OUT. */
const WASM_OUT = 4096;
const WASM_CHUNK = 8192;

interface WasmDraws {
  memory: WebAssembly.Memory;
  fill_float32(index: number, n: number): number;
}

let draws: WasmDraws | null | undefined;

/** mt19937.wat, instantiated once; null where WebAssembly is not to be had (then the JavaScript loop). */
function wasmDraws(): WasmDraws | null {
  if (draws === undefined) {
    try {
      const bytes = Uint8Array.from(Buffer.from(MT19937_WASM_BASE64, "base64"));
      draws = new WebAssembly.Instance(new WebAssembly.Module(bytes.buffer as ArrayBuffer)).exports as unknown as WasmDraws;
    } catch {
      draws = null;
    }
  }
  return draws;
}

/** MT19937's tempering of one state word (a signed 32-bit integer in, a signed 32-bit integer out). */
function temper(y: number): number {
  y ^= y >>> 11;
  y ^= (y << 7) & TEMPER_B;
  y ^= (y << 15) & TEMPER_C;
  return y ^ (y >>> 18);
}
