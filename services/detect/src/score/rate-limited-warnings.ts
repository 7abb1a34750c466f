// At most one log line per topic (e.g. detector id) per interval, with the number of
// occurrences suppressed since the last one: a degenerate in-control model repeats on
// every closed bucket of every sparse key, and the log must stay readable.

/** Interval of DETECTOR_FALLBACK warnings per detector. */
export const FALLBACK_WARNING_INTERVAL_MS = 60_000;

export class RateLimitedWarnings {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly clock: () => number,
    private readonly intervalMs: number,
    /** Topics remembered at most (bounded: topics come from configuration, this is a guard). */
    private readonly maxTopics = 1000,
  ) {}

  /** Calls `emit(suppressed)` when `topic` last emitted more than the interval ago; returns whether it did. */
  warn(topic: string, emit: (suppressed: number) => void): boolean {
    const now = this.clock();
    const seen = this.last.get(topic);
    if (seen && now - seen.at < this.intervalMs) {
      seen.suppressed++;
      return false;
    }
    if (!seen && this.last.size >= this.maxTopics) this.last.clear();
    emit(seen?.suppressed ?? 0);
    this.last.set(topic, { at: now, suppressed: 0 });
    return true;
  }
}
