/**
 * MT19937, the Mersenne Twister behind numpy's legacy `np.random`, seeded like `np.random.seed(n)`
 * (init_genrand). Written here rather than taken from the `mersenne-twister` package because a training
 * run draws about 4,900 numbers per iteration for its masks, and that package keeps its state in a plain
 * Array and allocates on every draw: 170 us per iteration against 74 us for this Uint32Array version
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
}
