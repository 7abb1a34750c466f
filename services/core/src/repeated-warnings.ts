// Aggregates a warning that repeats: the first occurrence of a cause is logged at once,
// further ones are counted and logged as one line per cause per interval with the count.
// A stage that hits the same condition thousands of times (late observations, one bad
// key) then writes a few lines a minute instead of flooding the terminal (issue 7).
import type { Logger } from './logger';

interface Pending {
  message: string;
  count: number;
  fields: Record<string, unknown>;
}

export class RepeatedWarnings {
  private readonly pending = new Map<string, Pending>();
  /** Causes already logged in the current interval. */
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly logger: Logger,
    /** Wall-clock interval of the aggregated lines. Default one minute. */
    readonly intervalMs = 60_000,
  ) {}

  /**
   * Notes `count` occurrences of `cause` (a stable code such as LATE_OBSERVATION). `fields`
   * of the latest occurrence go on the line; they must be counts and ids, never content.
   */
  warn(cause: string, message: string, count = 1, fields: Record<string, unknown> = {}): void {
    if (!this.seen.has(cause)) {
      this.seen.add(cause);
      this.logger.warn({ ...fields, cause, count }, `${cause}: ${message}`);
      this.schedule();
      return;
    }
    const entry = this.pending.get(cause);
    if (entry) {
      entry.count += count;
      entry.fields = fields;
    } else {
      this.pending.set(cause, { message, count, fields });
    }
    this.schedule();
  }

  /**
   * Writes one line per cause counted since the last line. A cause that kept repeating stays
   * counted in the next interval; one that went quiet is logged at once when it comes back.
   */
  flush(): void {
    this.seen.clear();
    for (const [cause, { message, count, fields }] of this.pending) {
      this.logger.warn({ ...fields, cause, count, interval_s: this.intervalMs / 1000 }, `${cause}: ${message} (${count} more in the last interval)`);
      this.seen.add(cause);
    }
    this.pending.clear();
  }

  /** Flushes what is counted and stops the timer. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
    this.seen.clear();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
      if (this.seen.size > 0) this.schedule();
    }, this.intervalMs);
    this.timer.unref();
  }
}
