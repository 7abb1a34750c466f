// `tocsin start --input`: a user's file replayed onto the embedded pipeline's partner topics
// in event-time order, instead of the simulated feed. Records are sent as the partner would
// send them (the same bytes ingest reads from a real partner), paced at `speed` days of event
// time per real second or as fast as the bus takes them. The embedded clock follows the
// replay (see embedded.ts), so an old file is neither "late" nor "from the future".
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, Logger, PartnerConfig, TopicBatch } from '@tocsin/core';
import type { IngestStats } from '@tocsin/ingest';
import type { SimulationResult } from '@tocsin/simulator';
import type { InputFile, InputRecord } from './input-file';

const DAY_MS = 86_400_000;
/** Most records per send; the bus splits a send under its limits anyway. */
const BATCH_SIZE = 500;
/** Most event time one send spans. */
const BATCH_SPAN_MS = DAY_MS;
/**
 * How far in event time the replay may run ahead of what ingest has handled: with the send span,
 * it bounds how far apart ingest's partner partitions can be, which must stay below detect's
 * allowed lateness (14 days by default) for no record of the file to be late. Up to 3 days:
 * beyond, batches are not much larger and the bound gets closer to the lateness.
 */
export function aheadMs(allowedLatenessDays: number): number {
  return Math.min(3, Math.max(0, allowedLatenessDays - 2)) * DAY_MS;
}
/** How long the end-of-file report waits for ingest to have handled every record sent. */
const SETTLE_MS = 60_000;

export interface ReplayProgress {
  sent: number;
  /** Event time of the last record sent, ISO 8601. */
  eventTime: string;
}

export interface ReplayOptions {
  bus: Bus;
  /** Days of event time per real second, or 'max'. */
  speed: number | 'max';
  signal: AbortSignal;
  logger: Logger;
  /** Called with a batch's newest event time before it is sent: the pipeline's clock may then reach it. */
  onDue(eventMs: number): void;
  onProgress(progress: ReplayProgress): void;
  /** Ingest's counts: the replay keeps within days of what ingest has handled, and reports what became of the file. */
  ingestStats(): IngestStats;
  /** Detect's `buckets.allowed_lateness_days`: how far apart partner partitions may be without a late record. */
  allowedLatenessDays: number;
}

export interface InputFeed {
  /** The partners whose topics the file is sent to (their mappings are ingest's partner configs). */
  partners: PartnerConfig[];
  /** Start of the day of the earliest accepted record: the pipeline's clock starts there. */
  startMs: number;
  /** Records the file holds and what the check before sending made of them. */
  counts: InputFile['counts'];
  replay(options: ReplayOptions): Promise<SimulationResult>;
}

/**
 * Event-time order: accepted rows by occurred_at; a rejected or duplicate row has no event time
 * of its own and keeps its place after the row before it in the file (sort is stable).
 */
export function eventOrder(records: readonly InputRecord[]): Array<{ record: InputRecord; timeMs: number }> {
  const first = records.find((r) => r.occurredMs !== undefined)?.occurredMs ?? 0;
  let previous = first;
  const timed = records.map((record) => {
    if (record.occurredMs !== undefined) previous = record.occurredMs;
    return { record, timeMs: record.occurredMs ?? previous };
  });
  return timed.sort((a, b) => a.timeMs - b.timeMs);
}

/** Handled-record totals of ingest for these partners: accepted (new or updated), duplicate, rejected by reason. */
export function ingestCounts(stats: IngestStats, partners: readonly string[]): { handled: number; accepted: number; duplicate: number; rejected: Record<string, number> } {
  const out = { handled: 0, accepted: 0, duplicate: 0, rejected: {} as Record<string, number> };
  for (const id of partners) {
    const s = stats.partners[id];
    if (!s) continue;
    out.accepted += s.accepted + s.updated;
    out.duplicate += s.duplicate;
    for (const [reason, n] of Object.entries(s.rejected)) out.rejected[reason] = (out.rejected[reason] ?? 0) + (n ?? 0);
  }
  out.handled = out.accepted + out.duplicate + Object.values(out.rejected).reduce((a, b) => a + b, 0);
  return out;
}

export function inputFeed(file: InputFile, fileName: string): InputFeed {
  const ordered = eventOrder(file.records);
  const firstAccepted = file.records.reduce((min, r) => (r.occurredMs !== undefined && r.occurredMs < min ? r.occurredMs : min), Number.POSITIVE_INFINITY);
  // A file without one acceptable row still replays (its rows all go to the dead-letter topic), on today's clock.
  const startMs = Math.floor((Number.isFinite(firstAccepted) ? firstAccepted : Date.now()) / DAY_MS) * DAY_MS;
  const partnerIds = file.partners.map((p) => p.id);

  async function replay(options: ReplayOptions): Promise<SimulationResult> {
    const { bus, speed, signal } = options;
    const ahead = aheadMs(options.allowedLatenessDays);
    const log = options.logger.child({ component: 'input' });
    const began = Date.now();
    const dueAt = (eventMs: number): number => (speed === 'max' ? 0 : began + ((eventMs - startMs) / DAY_MS / speed) * 1000);
    await bus.ensureTopics([...new Set(file.records.map((r) => r.topic))].map((topic) => ({ topic, partitions: 3 })));
    const producer = await bus.producer();
    const byPartner: Record<string, number> = {};
    let sent = 0;
    let aborted = false;
    let pending: Array<{ record: InputRecord; timeMs: number }> = [];
    // Sends not yet known to be handled by ingest: their newest event time and the total sent after each.
    const unconfirmed: Array<{ newest: number; sentAfter: number }> = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const newest = batch[batch.length - 1]!.timeMs;
      await handledBefore(batch[0]!.timeMs - ahead);
      options.onDue(newest);
      const topics = new Map<string, TopicBatch>();
      for (const { record } of batch) {
        let out = topics.get(record.topic);
        if (!out) topics.set(record.topic, (out = { topic: record.topic, messages: [] }));
        out.messages.push({ key: record.key, value: record.value, headers: { 'content-type': record.contentType } });
        byPartner[record.partner] = (byPartner[record.partner] ?? 0) + 1;
      }
      await producer.send([...topics.values()]);
      sent += batch.length;
      options.onProgress({ sent, eventTime: new Date(newest).toISOString() });
      unconfirmed.push({ newest, sentAfter: sent });
    };
    // Ingest reads the partner partitions one batch at a time, in any order: with the whole file
    // on the topics at once, one partition's newest day would close days another partition has
    // still to deliver (late observations). Sending a day at a time, never more than `ahead`
    // past what ingest has handled, keeps the partitions within days of each other, as a live
    // partner's are.
    const handledBefore = async (eventMs: number): Promise<void> => {
      let target = 0;
      while (unconfirmed.length > 0 && unconfirmed[0]!.newest < eventMs) target = unconfirmed.shift()!.sentAfter;
      while (!signal.aborted && ingestCounts(options.ingestStats(), partnerIds).handled < target) {
        await sleep(5, undefined, { signal }).catch(() => {});
      }
    };
    try {
      log.info({ file: fileName, records: ordered.length, speed, from: new Date(startMs).toISOString() }, 'replaying the input file');
      for (const item of ordered) {
        if (signal.aborted) {
          aborted = true;
          break;
        }
        const wait = dueAt(item.timeMs) - Date.now();
        if (wait > 0) {
          await flush();
          try {
            await sleep(wait, undefined, { signal });
          } catch (error) {
            if (!signal.aborted) throw error;
            aborted = true;
            break;
          }
        }
        if (pending.length >= BATCH_SIZE || (pending.length > 0 && item.timeMs - pending[0]!.timeMs >= BATCH_SPAN_MS)) await flush();
        pending.push(item);
      }
      if (!aborted) await flush();
    } finally {
      await producer.close();
    }
    if (!aborted) await reportEnd(options, sent, log);
    return { produced: sent, byPartner, aborted, elapsedMs: Date.now() - began };
  }

  /** Waits (bounded) until ingest has handled every record sent, then logs what became of them. */
  async function reportEnd(options: ReplayOptions, sent: number, log: Logger): Promise<void> {
    const until = Date.now() + SETTLE_MS;
    let counts = ingestCounts(options.ingestStats(), partnerIds);
    while (counts.handled < sent && Date.now() < until && !options.signal.aborted) {
      await sleep(200);
      counts = ingestCounts(options.ingestStats(), partnerIds);
    }
    const settled = counts.handled >= sent;
    log.info(
      { file: fileName, sent, accepted: counts.accepted, duplicates: counts.duplicate, rejected: counts.rejected, ...(settled ? {} : { not_yet_handled: sent - counts.handled }) },
      'input file ended; the pipeline keeps running (Ctrl-C to stop)',
    );
  }

  return { partners: file.partners, startMs, counts: file.counts, replay };
}
