// When to try a failed delivery again: exponential backoff with "full jitter"
// (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniform random
// delay in [0, min(cap, base * 2^(n-1))]. Full jitter spreads the retries of many
// deliveries that failed together (one receiver outage) instead of having them
// hit the recovering receiver in waves. A small floor keeps a retry from firing
// in the same millisecond.

export interface BackoffPolicy {
  /** Delay ceiling of the first retry, ms. */
  baseDelayMs: number;
  /** Longest single delay, ms. */
  maxDelayMs: number;
  /** Shortest delay, ms. */
  minDelayMs: number;
}

export function backoffDelayMs(policy: BackoffPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 40);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.max(policy.minDelayMs, Math.floor(random() * ceiling));
}

/**
 * The next attempt time after `failedAttempts` failures at `now`, honouring a
 * receiver's Retry-After (never earlier than it asks), or null when that time
 * would fall after the retry horizon `deadline` (the delivery is exhausted).
 */
export function nextAttemptAt(
  policy: BackoffPolicy,
  failedAttempts: number,
  now: number,
  deadline: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  const delay = Math.max(backoffDelayMs(policy, failedAttempts, random), retryAfterMs ?? 0);
  const at = now + delay;
  return at > deadline ? null : at;
}
