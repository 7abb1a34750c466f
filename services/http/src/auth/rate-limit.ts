// Token buckets: a burst of `burst` requests per key (an API key id, or a
// client address), refilled at `perSecond`. In-process only: behind several
// instances each enforces its own share.

export interface RateLimiter {
  /** Takes a token: 0 when the request may go ahead, else the seconds to wait. */
  take(key: string): number;
  /** Like take, without taking: 0 when a token is there. */
  peek(key: string): number;
}

export function createRateLimiter(perSecond: number, burst: number, clock: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (key: string): { tokens: number; at: number } => {
    const now = clock();
    const bucket = buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    return bucket;
  };
  const waitFor = (tokens: number): number => (tokens >= 1 ? 0 : Math.ceil((1 - tokens) / perSecond));
  return {
    take(key) {
      const bucket = refill(key);
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return waitFor(bucket.tokens);
    },
    peek(key) {
      const bucket = refill(key);
      // A full bucket is the same as none: forgetting it keeps memory bounded by active clients.
      if (bucket.tokens >= burst) buckets.delete(key);
      return waitFor(bucket.tokens);
    },
  };
}
