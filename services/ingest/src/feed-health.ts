// Health of each partner feed: how many records wait on its topic (lag) and when ingest
// last handled one of its records. A feed whose records wait while nothing is handled,
// or that waits too much, or that has been silent too long, turns ingest `degraded` and
// is named, so a stalled feed can no longer hide behind `ok` (issue 7). Lag is measured
// against the topic's end offsets on a timer, because a stalled partition is exactly the
// one whose batches stop arriving to report anything.
import { partnerTopic, type Bus } from '@tocsin/core';

export interface FeedHealthLimits {
  /** Records waiting on a partner's topic beyond which its feed is `lagging`. */
  maxLagRecords: number;
  /** With records waiting, longer than this without handling one of them is `stalled`. */
  stallAfterMs: number;
  /** Longer than this without any record from the partner is `silent`. */
  maxSilenceMs: number;
}

export const FEED_HEALTH_DEFAULTS: FeedHealthLimits = { maxLagRecords: 10_000, stallAfterMs: 60_000, maxSilenceMs: 15 * 60_000 };

export type FeedProblem = 'lagging' | 'stalled' | 'silent';

export interface FeedState {
  /** Records on the partner's topic not yet handled by ingest (at the last measure). */
  lag: number;
  /** When ingest last handled a record of the partner (wall clock), or null. */
  last_record_at: string | null;
  /** `ended`: its producer said the feed is over (see FeedHealth.end) and nothing of it waits. */
  status: 'ok' | 'ended' | FeedProblem;
}

export class FeedHealth {
  /** topic → partition → next offset to handle. */
  private readonly positions = new Map<string, Map<number, number>>();
  private readonly lastRecordAt = new Map<string, number>();
  private readonly lag = new Map<string, number>();
  private readonly endedFeeds = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly bus: Bus,
    private readonly partners: readonly string[],
    readonly limits: FeedHealthLimits,
    private readonly now: () => number = Date.now,
    private readonly startedAt: number = now(),
  ) {}

  /** Records that ingest handled records of `partner` on a partition up to `lastOffset`. */
  handled(partner: string, topic: string, partition: number, lastOffset: number): void {
    let byPartition = this.positions.get(topic);
    if (!byPartition) this.positions.set(topic, (byPartition = new Map()));
    byPartition.set(partition, lastOffset + 1);
    this.lastRecordAt.set(partner, this.now());
  }

  /**
   * The producer of these partners' feeds says they are over (the embedded demo's simulator
   * or input file at its end): their silence from then on is expected, not a fault. Records
   * still waiting are judged as before, so an ended feed can still be `stalled` or `lagging`.
   * A real partner never says this: silence stays a problem.
   */
  end(partners: readonly string[]): void {
    for (const partner of partners) this.endedFeeds.add(partner);
  }

  /** Measures every partner's lag against its topic's end offsets. */
  async measure(): Promise<void> {
    for (const partner of this.partners) {
      const topic = partnerTopic(partner);
      let ends: Map<number, string>;
      try {
        ends = await this.bus.endOffsets(topic);
      } catch {
        continue; // the topic does not exist yet: nothing waits
      }
      const positions = this.positions.get(topic);
      let lag = 0;
      for (const [partition, end] of ends) lag += Math.max(0, Number(end) - (positions?.get(partition) ?? 0));
      this.lag.set(partner, lag);
    }
  }

  /** Measures every `intervalMs` until stop() (the timer does not keep the process alive). */
  start(intervalMs = 5_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.measure().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Each partner's feed, and the partners whose feed is not ok. */
  report(): { feeds: Record<string, FeedState>; degraded: Array<{ partner: string; problem: FeedProblem }> } {
    const now = this.now();
    const feeds: Record<string, FeedState> = {};
    const degraded: Array<{ partner: string; problem: FeedProblem }> = [];
    for (const partner of this.partners) {
      const lag = this.lag.get(partner) ?? 0;
      const last = this.lastRecordAt.get(partner);
      const quietFor = now - (last ?? this.startedAt);
      let status: FeedState['status'] = 'ok';
      if (lag > this.limits.maxLagRecords) status = 'lagging';
      else if (lag > 0 && quietFor > this.limits.stallAfterMs) status = 'stalled';
      else if (this.endedFeeds.has(partner) && lag === 0) status = 'ended';
      else if (quietFor > this.limits.maxSilenceMs) status = 'silent';
      feeds[partner] = { lag, last_record_at: last === undefined ? null : new Date(last).toISOString(), status };
      if (status !== 'ok' && status !== 'ended') degraded.push({ partner, problem: status });
    }
    return { feeds, degraded };
  }
}
