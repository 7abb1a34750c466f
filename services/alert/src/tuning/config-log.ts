// The detector configuration's versions, kept on the compacted topic detector-config.v1:
// the key '<id>' holds the configuration detect runs (latest wins, as detect reads it) and
// a key '<id>@<version>' per version holds a DetectorConfigChange (who, when, why, and the
// configuration), so compaction keeps the whole history and a restart reads it back. A
// change writes both records in one send to the topic's single partition, the history
// record first. This service is the topic's only API writer; changes are serialised here
// and a stale previous_version or a used version is refused (optimistic concurrency).
import { randomUUID } from 'node:crypto';
import { compileValidator, decodeJson, type Bus, type BusMessage, type DetectorConfig, type DetectorConfigChange, type Logger, type Producer, type Subscription } from '@tocsin/core';
import type { DetectorScoring, ScoringPlan } from './scoring';

/** Versions whose configuration is kept in memory (the topic keeps them all). */
export const HISTORY_LIMIT = 200;

/** One version as GET /api/detector-config lists it. */
export interface ConfigVersion {
  version: string;
  previous_version: string | null;
  /** null for a version that did not come through the API (the start-up file, or a record published by hand). */
  changed_by: string | null;
  changed_at: string | null;
  reason: string | null;
  /** api: PUT /api/detector-config; topic: published on the topic directly; file: the start-up configuration. */
  origin: 'api' | 'topic' | 'file';
}

export type ChangeOutcome =
  | { ok: true; entry: ConfigVersion }
  | { ok: false; reason: 'stale'; current: string }
  | { ok: false; reason: 'version_used'; version: string }
  | { ok: false; reason: 'wrong_id'; expected: string };

export interface ConfigLogDeps {
  bus: Bus;
  topic: string;
  /** The configuration detect starts with (the same file), current until the topic holds one. */
  baseline: ScoringPlan;
  /** detect's validation, for the records read back from the topic. */
  scoring: Pick<DetectorScoring, 'plan'>;
  logger: Logger;
  clock?: () => number;
}

const validateChange = compileValidator<DetectorConfigChange>('detector-config-change.v1');

export class DetectorConfigLog {
  private plan: ScoringPlan;
  /** Every version seen, oldest first (metadata only: a few hundred bytes each). */
  private readonly versions: ConfigVersion[] = [];
  private readonly byVersion = new Map<string, ConfigVersion>();
  /** Configurations of the last HISTORY_LIMIT versions. */
  private readonly configs = new Map<string, DetectorConfig>();
  private producer: Producer | null = null;
  private subscription: Subscription | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;
  private readonly clock: () => number;

  constructor(private readonly deps: ConfigLogDeps) {
    this.plan = deps.baseline;
    this.log = deps.logger.child({ component: 'detector-config-log' });
    this.clock = deps.clock ?? Date.now;
    this.record({ version: deps.baseline.version, previous_version: null, changed_by: null, changed_at: null, reason: null, origin: 'file' }, deps.baseline.config);
  }

  get id(): string {
    return this.deps.baseline.config.id;
  }

  current(): ScoringPlan {
    return this.plan;
  }

  /** Newest first. */
  history(): ConfigVersion[] {
    return [...this.versions].reverse();
  }

  /** A version's configuration, while it is among the last HISTORY_LIMIT. */
  configOf(version: string): DetectorConfig | undefined {
    return this.configs.get(version);
  }

  async start(): Promise<void> {
    await this.deps.bus.ensureTopics([{ topic: this.deps.topic, partitions: 1, config: { 'cleanup.policy': 'compact' } }]);
    const seen = await this.deps.bus.endOffsets(this.deps.topic);
    await this.deps.bus.readToEnd(this.deps.topic, (m) => this.apply(m));
    this.producer = await this.deps.bus.producer();
    // Follow what others publish (a record written by hand) after the read; ours are applied at once.
    this.subscription = await this.deps.bus.subscribe({
      groupId: `tocsin-alert-detector-config-${randomUUID()}`,
      topics: [this.deps.topic],
      fromBeginning: true,
      eachBatch: async (batch) => {
        const from = BigInt(seen.get(batch.partition) ?? '0');
        for (const m of batch.messages) if (BigInt(m.offset) >= from) this.apply(m);
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
    await this.producer?.close();
    this.producer = null;
  }

  /**
   * Writes a new version (already validated: buildPlan) if previousVersion is still current
   * and the version is new. Changes run one at a time, so two analysts cannot both pass the check.
   */
  change(next: ScoringPlan, input: { previousVersion: string; actor: string; reason: string }): Promise<ChangeOutcome> {
    const run = this.queue.then(() => this.changeNow(next, input));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async changeNow(next: ScoringPlan, input: { previousVersion: string; actor: string; reason: string }): Promise<ChangeOutcome> {
    if (!this.producer) throw new Error('detector config log is not started');
    if (next.config.id !== this.id) return { ok: false, reason: 'wrong_id', expected: this.id };
    if (input.previousVersion !== this.plan.version) return { ok: false, reason: 'stale', current: this.plan.version };
    if (this.byVersion.has(next.version)) return { ok: false, reason: 'version_used', version: next.version };
    const change: DetectorConfigChange = {
      type: 'detector-config.change', schema_version: 1, config_id: this.id, version: next.version, previous_version: this.plan.version,
      changed_by: input.actor, changed_at: new Date(this.clock()).toISOString(), reason: input.reason, config: next.config,
    };
    await this.producer.send([{
      topic: this.deps.topic,
      messages: [
        { key: `${this.id}@${next.version}`, value: JSON.stringify(change) },
        { key: this.id, value: JSON.stringify(next.config) },
      ],
    }]);
    this.recordChange(change);
    this.plan = next;
    this.log.info({ from: change.previous_version, to: next.version, by: input.actor }, 'detector config changed');
    return { ok: true, entry: this.byVersion.get(next.version)! };
  }

  private apply(message: BusMessage): void {
    const key = message.key?.toString('utf8');
    if (message.value === null || key === undefined) return;
    try {
      if (key === this.id) {
        const next = this.deps.scoring.plan(decodeJson(message.value));
        if (!this.byVersion.has(next.version)) {
          this.record({ version: next.version, previous_version: this.plan.version, changed_by: null, changed_at: null, reason: null, origin: 'topic' }, next.config);
        }
        this.plan = next;
      } else if (key.startsWith(`${this.id}@`)) {
        const checked = validateChange(decodeJson(message.value));
        if (!checked.ok) throw new Error(`${checked.errors[0]!.pointer} ${checked.errors[0]!.message}`);
        this.recordChange(checked.value);
      }
    } catch (err) {
      // detect ignores an invalid configuration too: the one in force stays.
      this.log.warn({ err: (err as Error).message, offset: message.offset, key }, 'detector-config record ignored: invalid');
    }
  }

  private recordChange(change: DetectorConfigChange): void {
    const entry: ConfigVersion = {
      version: change.version, previous_version: change.previous_version, changed_by: change.changed_by, changed_at: change.changed_at, reason: change.reason, origin: 'api',
    };
    const known = this.byVersion.get(change.version);
    if (known) Object.assign(known, entry);
    else this.record(entry, change.config);
  }

  private record(entry: ConfigVersion, config: DetectorConfig): void {
    // The start-up file is history only when the topic's first version replaced it.
    const first = this.versions[0];
    if (this.versions.length === 1 && first!.origin === 'file' && entry.previous_version !== first!.version) {
      this.versions.pop();
      this.byVersion.delete(first!.version);
      this.configs.delete(first!.version);
    }
    this.versions.push(entry);
    this.byVersion.set(entry.version, entry);
    this.configs.set(entry.version, config);
    if (this.configs.size > HISTORY_LIMIT) this.configs.delete(this.configs.keys().next().value!);
  }
}
