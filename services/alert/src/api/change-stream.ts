// The alert change stream behind GET /api/alerts/events: every alert the engine
// writes (and every alert whose silenced state a new or ended silence flips) is
// numbered and sent, at most every `flushMs`, to each open stream as that
// stream's viewer may see it (the list row, list-entry.ts) — never the record.
// A short log of recent changes lets a reconnecting page resume from its last
// event id; one that fell behind the log (or speaks of another server run)
// gets a `reset` event and reloads its list.
//
// Positions (event ids) are opaque: the change number encrypted under a key of
// this server run. A plain counter would tell an agency how many alerts change
// system-wide, including those withheld from it.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Alert, Silence } from '@tocsin/core';
import type { Principal } from '@tocsin/http';
import { ApiError } from '@tocsin/http';
import type { AlertEngine, EngineChange } from '../engine/engine';
import { isSilenced, type AlertListEntry } from './list-entry';

/** Limits of the change stream (docs/api.md#limits). */
export const STREAM_LIMITS = {
  /** A stream ticket is valid this long and for one connection. */
  ticketTtlMs: 60_000,
  /** Unused tickets one key may hold at a time. */
  ticketsPerKey: 10,
  /** Open streams per API key (a desk with a few tabs); more answer 429. */
  streamsPerKey: 5,
  /** A heartbeat event this often, so proxies keep the connection and the page knows it is live. */
  heartbeatMs: 15_000,
  /** Changes are batched per stream and sent at most this often (an alert changed twice is sent once). */
  flushMs: 250,
  /** Changes kept for resuming (Last-Event-ID); an older position gets `reset`. */
  replayChanges: 5_000,
  /** A stream ends after this long; the page reconnects with a new ticket and resumes. */
  maxStreamMs: 30 * 60_000,
  /** A client that leaves this much unread is cut off (it resumes when it reconnects). */
  maxBufferedBytes: 4 * 1024 * 1024,
} as const;

export type StreamLimits = { -readonly [K in keyof typeof STREAM_LIMITS]: number };

export interface StreamSink {
  write(chunk: string): void;
  /** Bytes written but not yet taken by the client. */
  buffered(): number;
  end(): void;
}

type Describe = (alert: Readonly<Alert>, principal: Principal, silences: readonly Silence[]) => AlertListEntry | null;

interface OpenStream {
  principal: Principal;
  sink: StreamSink;
  pending: Map<string, Readonly<Alert>>;
  timers: NodeJS.Timeout[];
}

const MAGIC = Buffer.from('tocsinev', 'latin1');

/** One AES block (a permutation) of MAGIC + the change number: unreadable, and another run's id fails the magic. */
class PositionCodec {
  private readonly key = randomBytes(32);

  encode(seq: number): string {
    const block = Buffer.alloc(16);
    MAGIC.copy(block, 0);
    block.writeBigUInt64BE(BigInt(seq), 8);
    const cipher = createCipheriv('aes-256-ecb', this.key, null).setAutoPadding(false);
    return Buffer.concat([cipher.update(block), cipher.final()]).toString('base64url');
  }

  /** The change number, or null for an id this run did not make. */
  decode(id: string): number | null {
    const raw = /^[A-Za-z0-9_-]{22}$/.test(id) ? Buffer.from(id, 'base64url') : null;
    if (!raw || raw.length !== 16) return null;
    const decipher = createDecipheriv('aes-256-ecb', this.key, null).setAutoPadding(false);
    const block = Buffer.concat([decipher.update(raw), decipher.final()]);
    return block.subarray(0, 8).equals(MAGIC) ? Number(block.readBigUInt64BE(8)) : null;
  }
}

export class AlertChangeHub {
  private readonly positions = new PositionCodec();
  private seq = 0;
  /** Ring of the latest changes: alert ids by change number. */
  private readonly log: string[] = [];
  private readonly streams = new Set<OpenStream>();
  private silenced: Set<string>;
  /** Active silences as of the last silence change (every start, end and expiry is one). */
  private active: Silence[] = [];
  private readonly unsubscribe: () => void;
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly engine: Pick<AlertEngine, 'get' | 'select' | 'silences' | 'onChange'>,
    private readonly describe: Describe,
    private readonly limits: StreamLimits = { ...STREAM_LIMITS },
  ) {
    this.silenced = this.silencedNow();
    this.unsubscribe = engine.onChange((change) => this.onChange(change));
  }

  /** The current position: a list read now plus every change after it is up to date. */
  position(): string {
    return this.positions.encode(this.seq);
  }

  streamCount(keyId?: string): number {
    let n = 0;
    for (const s of this.streams) if (keyId === undefined || s.principal.keyId === keyId) n++;
    return n;
  }

  /**
   * Opens a stream for `principal` from `lastEventId` (changes after it are
   * replayed) or from now. Throws 429 when the key has its limit of streams.
   * Returns the function that closes it (call it when the client goes away).
   */
  open(principal: Principal, sink: StreamSink, lastEventId: string | undefined): () => void {
    if (this.streamCount(principal.keyId) >= this.limits.streamsPerKey) {
      throw new ApiError('rate_limited', `this key has ${this.limits.streamsPerKey} open alert streams (the limit); close one first`, { 'retry-after': '5' });
    }
    const stream: OpenStream = { principal, sink, pending: new Map(), timers: [] };
    this.streams.add(stream);
    sink.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ position: this.position(), heartbeat_ms: this.limits.heartbeatMs })}\n\n`);
    if (lastEventId !== undefined) this.replay(stream, lastEventId);
    const close = (): void => {
      if (!this.streams.delete(stream)) return;
      for (const t of stream.timers) clearTimeout(t);
      sink.end();
    };
    stream.timers.push(
      setInterval(() => this.send(stream, `event: heartbeat\ndata: ${JSON.stringify({ at: new Date().toISOString() })}\n\n`, close), this.limits.heartbeatMs),
      setTimeout(close, this.limits.maxStreamMs),
    );
    return close;
  }

  close(): void {
    this.unsubscribe();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const s of [...this.streams]) {
      for (const t of s.timers) clearTimeout(t);
      this.streams.delete(s);
      s.sink.end();
    }
  }

  private onChange(change: EngineChange): void {
    if (change.kind === 'alert') {
      const silencedNow = isSilenced(change.alert, this.active);
      if (silencedNow) this.silenced.add(change.alert.id);
      else this.silenced.delete(change.alert.id);
      this.record(change.alert);
      return;
    }
    // A silence began or ended: every alert whose silenced state flipped has changed for the desk.
    const before = this.silenced;
    this.silenced = this.silencedNow();
    const flipped = new Set([...before].filter((id) => !this.silenced.has(id)).concat([...this.silenced].filter((id) => !before.has(id))));
    if (flipped.size === 0) return;
    for (const alert of this.engine.select()) if (flipped.has(alert.id)) this.record(alert);
  }

  private silencedNow(): Set<string> {
    const active = (this.active = this.engine.silences());
    if (active.length === 0) return new Set();
    return new Set(this.engine.select().filter((a) => isSilenced(a, active)).map((a) => a.id));
  }

  private record(alert: Readonly<Alert>): void {
    this.seq++;
    this.log.push(alert.id);
    if (this.log.length > this.limits.replayChanges) this.log.splice(0, this.log.length - this.limits.replayChanges);
    if (this.streams.size === 0) return;
    for (const s of this.streams) s.pending.set(alert.id, alert);
    this.flushTimer ??= setTimeout(() => this.flush(), this.limits.flushMs);
  }

  private replay(stream: OpenStream, lastEventId: string): void {
    const seq = this.positions.decode(lastEventId);
    const oldest = this.seq - this.log.length; // changes after `oldest` are in the log
    if (seq === null || seq > this.seq || seq < oldest) {
      const reason = seq === null ? 'not a position of this server run (restarted?)' : 'too far behind';
      stream.sink.write(`event: reset\ndata: ${JSON.stringify({ reason, position: this.position() })}\n\n`);
      return;
    }
    for (const id of new Set(this.log.slice(seq - oldest))) {
      try {
        stream.pending.set(id, this.engine.get(id));
      } catch {
        // gone since (pruned): nothing to show
      }
    }
    if (stream.pending.size) this.flushTimer ??= setTimeout(() => this.flush(), 0);
  }

  private flush(): void {
    this.flushTimer = null;
    const silences = this.active;
    const position = this.position();
    for (const stream of [...this.streams]) {
      if (stream.pending.size === 0) continue;
      const events: string[] = [];
      for (const alert of stream.pending.values()) {
        const entry = this.describe(alert, stream.principal, silences);
        if (entry) events.push(`event: alert\ndata: ${JSON.stringify(entry)}\n\n`);
      }
      stream.pending.clear();
      if (events.length === 0) continue; // nothing this viewer may see: not even that something changed
      // The id goes on the batch's last event: a client cut off mid-batch resumes from the previous batch.
      events.push(`id: ${position}\nevent: position\ndata: ${JSON.stringify({ position })}\n\n`);
      this.send(stream, events.join(''), () => {
        this.streams.delete(stream);
        for (const t of stream.timers) clearTimeout(t);
        stream.sink.end();
      });
    }
  }

  private send(stream: OpenStream, chunk: string, close: () => void): void {
    if (stream.sink.buffered() > this.limits.maxBufferedBytes) {
      close();
      return;
    }
    stream.sink.write(chunk);
  }
}
