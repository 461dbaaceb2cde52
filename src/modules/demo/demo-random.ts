/**
 * A small seeded PRNG (sfc32) and the draws the demo generator needs. Each member gets its own
 * stream derived from (seed, member index), so the data does not depend on chunk sizes or order.
 */

/** 32-bit integer mix (splitmix32 finaliser): turns nearby inputs into unrelated states. */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream for (seed, stream): the same pair always yields the same numbers. */
  constructor(seed: number, stream = 0) {
    this.a = mix32(seed ^ 0x5bd1e995);
    this.b = mix32(stream + this.a);
    this.c = mix32(this.b ^ Math.imul(stream, 0x27d4eb2d));
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next(); // sfc32 needs a few rounds to forget its seed
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An index drawn with the given weights (need not sum to 1). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Gamma with integer shape k and the given mean: higher k means a steadier rhythm. */
  gamma(shape: number, mean: number): number {
    let product = 1;
    for (let i = 0; i < shape; i++) product *= 1 - this.next();
    return (-Math.log(product) * mean) / shape;
  }

  /** Events in a period with the given mean count (Knuth; fine for the small means used here). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = this.next(); p > limit; p *= this.next()) k++;
    return k;
  }
}

/** Id kinds: one uuid space per table, so ids never collide across tables. */
export const IdKind = {
  store: 1,
  member: 2,
  identity: 3,
  consent: 4,
  consentEvent: 5,
  tag: 6,
  order: 7,
  item: 8,
  refund: 9,
  touchpoint: 10,
} as const;

/**
 * Deterministic ids: the tenant's tag (from its own random id), the kind and a counter made of the member
 * index and a per-member sequence. The same seed yields the same ids up to that tag, and ids of one tenant
 * ascend, so bulk inserts append to the primary key index instead of scattering (UUID version 8 layout).
 */
export class DemoIds {
  private readonly tag: string;

  constructor(tenantId: string) {
    this.tag = tenantId.replace(/-/g, '').slice(-12);
  }

  id(kind: number, memberIndex: number, seq = 0): string {
    const counter = (memberIndex * 1048576 + seq).toString(16).padStart(15, '0');
    return `${this.tag.slice(0, 8)}-${this.tag.slice(8)}-8${kind.toString(16)}00-8${counter.slice(0, 3)}-${counter.slice(3)}`;
  }
}
