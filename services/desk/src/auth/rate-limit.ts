// Token bucket per API key: a burst of `burst` requests, refilled at `perSecond`.
// In-process only: behind several instances each enforces its own share.

export interface RateLimiter {
  /** 0 when the request may go ahead, else the seconds to wait. */
  take(key: string): number;
}

export function createRateLimiter(perSecond: number, burst: number, clock: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const now = clock();
      const bucket = buckets.get(key) ?? { tokens: burst, at: now };
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / perSecond);
    },
  };
}
