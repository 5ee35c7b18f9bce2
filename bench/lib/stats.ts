/** Small, dependency-free statistics for the benchmarks. Inputs are never mutated. */

export const sorted = (xs: ArrayLike<number>): number[] => Array.from(xs).sort((a, b) => a - b);

/** Percentile by linear interpolation between closest ranks (p in 0..100). */
export function percentile(xs: ArrayLike<number>, p: number, isSorted = false): number {
  const s = isSorted ? Array.from(xs) : sorted(xs);
  if (s.length === 0) return Number.NaN;
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

export const median = (xs: ArrayLike<number>) => percentile(xs, 50);
export const max = (xs: ArrayLike<number>) => Math.max(...Array.from(xs));
export const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);

/** P(X <= k) for X ~ Binomial(n, 1/2), in log space so n in the thousands does not underflow. */
function binomialHalfCdf(n: number, k: number): number {
  let logC = 0; // log C(n, 0)
  let total = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    total += Math.exp(logC - n * Math.LN2);
  }
  return total;
}

/**
 * A distribution-free confidence interval for the median: the order statistics x(j) and
 * x(n-j+1) with the largest j such that P(Bin(n, 1/2) <= j - 1) <= (1 - level) / 2. Its
 * coverage is at least `level`; it needs no assumption about the shape of the data.
 */
export function medianCI(xs: ArrayLike<number>, level = 0.95): [number, number] {
  const s = sorted(xs);
  const n = s.length;
  const alpha = (1 - level) / 2;
  let j = 0;
  while (j + 1 <= n && binomialHalfCdf(n, j) <= alpha) j++;
  if (j === 0) return [Number.NaN, Number.NaN];
  return [s[j - 1]!, s[n - j]!];
}

/** A fixed-seed PRNG (mulberry32), so runs draw the same random delays. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const fmt = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';

export const pct = (ratio: number, digits = 1): string =>
  Number.isFinite(ratio) ? `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(digits)} %` : '—';
