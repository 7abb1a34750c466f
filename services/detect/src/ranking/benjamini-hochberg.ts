// Benjamini–Hochberg step-up q-values: the false discovery rate control used
// across the thousands of dimension keys scored in one bucket.

/**
 * BH-adjusted p-values (q-values), in input order; the same numbers as R's
 * `p.adjust(p, method = "BH", n = m)`. `null` entries (detectors without a
 * p-value) stay `null` and do not count as tests.
 *
 * `m` is the number of hypotheses tested. Pass it when only some p-values are
 * handed over (e.g. a detector returns only p ≤ 0.05 out of 10,000 terms
 * scored): the q-values are then upper bounds of the full-data ones, so the
 * false discovery rate stays controlled.
 */
export function benjaminiHochberg(pValues: readonly (number | null)[], m?: number): (number | null)[] {
  const defined: { p: number; at: number }[] = [];
  pValues.forEach((p, at) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value at index ${at} is ${p}; expected a number in [0, 1]`);
    defined.push({ p, at });
  });
  const tests = m ?? defined.length;
  if (tests < defined.length) {
    throw new RangeError(`m = ${tests} is smaller than the ${defined.length} p-values given`);
  }
  const out: (number | null)[] = pValues.map(() => null);
  // Largest p first, so the running minimum implements min_{j ≥ i} p_(j)·m/j.
  defined.sort((a, b) => b.p - a.p);
  let running = 1;
  defined.forEach(({ p, at }, k) => {
    const rank = defined.length - k;
    running = Math.min(running, (p * tests) / rank);
    out[at] = running;
  });
  return out;
}

/** Indices whose q-value is at most `fdr` (the BH rejections at that level). */
export function discoveries(qValues: readonly (number | null)[], fdr: number): number[] {
  const hits: number[] = [];
  qValues.forEach((q, i) => {
    if (q !== null && q <= fdr) hits.push(i);
  });
  return hits;
}
