// Seeded random numbers for the emergence tests (mulberry32): bounded, reproducible noise.
export interface TestRng {
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  poisson(mean: number): number;
}

export function seededRng(seed: number): TestRng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    // Knuth's method; the tests use means below 50.
    poisson: (mean) => {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
  };
}
