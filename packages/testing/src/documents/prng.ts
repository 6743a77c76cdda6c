/** A deterministic pseudo-random source (sfc32), so a seed always yields the same documents. */
export interface Prng {
  /** Return a float in [0, 1). */
  next(): number;
  /** Return an integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** Return a float in [min, max). */
  float(min: number, max: number): number;
  /** Return one element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** Return true with probability `p`. */
  chance(p: number): boolean;
  /** Return a normally distributed value (Box-Muller). */
  normal(mean?: number, sd?: number): number;
  /** Derive an independent generator for a named sub-stream. */
  fork(label: string): Prng;
}

/** Hash a string into four 32-bit words (a small avalanche mix, stable across platforms). */
function seedWords(text: string): [number, number, number, number] {
  let h1 = 0x9e3779b9;
  let h2 = 0x85ebca6b;
  let h3 = 0xc2b2ae35;
  let h4 = 0x27d4eb2f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h3 = Math.imul(h3 ^ c, 0x1b873593);
    h4 = Math.imul(h4 ^ c, 0xcc9e2d51);
  }
  const mix = (h: number): number => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    return (h ^ (h >>> 16)) >>> 0;
  };
  return [mix(h1 ^ h3), mix(h2 ^ h4), mix(h3 ^ h1 ^ 0x55), mix(h4 ^ h2 ^ 0xaa)];
}

/** Create a deterministic generator from a seed (number or string). */
export function createPrng(seed: number | string): Prng {
  let [a, b, c, d] = seedWords(String(seed));
  const next = (): number => {
    // sfc32: a small, fast generator with a 128-bit state.
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const prng: Prng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (p) => next() < p,
    normal(mean = 0, sd = 1) {
      const u = Math.max(next(), 1e-12);
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    fork: (label) => createPrng(`${String(seed)}/${label}`),
  };
  return prng;
}
