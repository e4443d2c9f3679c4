/**
 * MT19937, the Mersenne Twister behind numpy's legacy `np.random`, seeded like `np.random.seed(n)`
 * (init_genrand). Written here rather than taken from the `mersenne-twister` package because a training
 * run draws about 4,900 numbers per iteration for its masks, and that package keeps its state in a plain
 * Array and allocates on every draw: 170 us per iteration against about 90 us for this Uint32Array version
 * (bench/README.md). test/random.test.ts checks the stream against numpy's.
 */
export class MT19937 {
  private readonly state = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    const mt = this.state;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) mt[i] = (Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i) >>> 0;
  }

  private twist(): void {
    const mt = this.state;
    let k = 0;
    let y: number;
    for (; k < 227; k++) {
      y = (mt[k] & 0x80000000) | (mt[k + 1] & 0x7fffffff);
      mt[k] = mt[k + 397] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    for (; k < 623; k++) {
      y = (mt[k] & 0x80000000) | (mt[k + 1] & 0x7fffffff);
      mt[k] = mt[k - 227] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    y = (mt[623] & 0x80000000) | (mt[0] & 0x7fffffff);
    mt[623] = mt[396] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    this.index = 0;
  }

  /** A uniform 32-bit integer (genrand_int32). */
  int32(): number {
    if (this.index >= 624) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's `random_sample()`: a 53-bit double in [0, 1) from two 32-bit draws. */
  double(): number {
    const a = this.int32() >>> 5;
    const b = this.int32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * `out.length` doubles, as `double()` would give them one by one, each passed through `map`: the
   * tempering inlined in one loop, which is what a mask of thousands of draws per iteration wants.
   */
  fillDoubles(out: Float32Array | Float64Array, map: (x: number) => number = identity): void {
    const mt = this.state;
    let index = this.index;
    for (let i = 0; i < out.length; i++) {
      if (index >= 624) {
        this.twist();
        index = 0;
      }
      let a = mt[index++];
      a ^= a >>> 11;
      a ^= (a << 7) & 0x9d2c5680;
      a ^= (a << 15) & 0xefc60000;
      a ^= a >>> 18;
      if (index >= 624) {
        this.twist();
        index = 0;
      }
      let b = mt[index++];
      b ^= b >>> 11;
      b ^= (b << 7) & 0x9d2c5680;
      b ^= (b << 15) & 0xefc60000;
      b ^= b >>> 18;
      out[i] = map((((a >>> 0) >>> 5) * 67108864 + ((b >>> 0) >>> 6)) / 9007199254740992);
    }
    this.index = index;
  }
}

function identity(x: number): number {
  return x;
}
