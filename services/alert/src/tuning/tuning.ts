// Live tuning of the detectors, as the API offers it: the configuration's version log
// (detector-config.v1, which detect follows) and dry runs of a candidate over the recent
// incidents against the subscriptions this service holds. It lives in the alert service
// because a dry run needs the alert lifecycle and the subscriptions, both here (docs/api.md).
import type { Bus, Logger, WebhookSubscription } from '@tocsin/core';
import type { LifecycleConfig } from '../config';
import type { Regions } from '../regions';
import { DetectorConfigLog } from './config-log';
import { dryRun, type DryRunResult } from './dry-run';
import type { DetectorScoring, ScoringPlan } from './scoring';
import { RecentIncidents, type RecentIncidentsLimits, type RecentIncidentsStats } from './recent-incidents';

export interface DetectorTuningDeps {
  bus: Bus;
  topics: { config: string; incidents: string };
  /** The configuration detect starts with (same file): current until the topic holds a version. */
  baseline: ScoringPlan;
  /** detect's validation and scoring, from the composition root. */
  scoring: DetectorScoring;
  lifecycle: LifecycleConfig;
  subscriptions: { active(): WebhookSubscription[] };
  regions: Regions;
  logger: Logger;
  clock?: () => number;
  recentLimits?: Partial<RecentIncidentsLimits>;
}

export class DetectorTuning {
  readonly log: DetectorConfigLog;
  readonly recent: RecentIncidents;

  constructor(private readonly deps: DetectorTuningDeps) {
    const logger = deps.logger.child({ component: 'tuning' });
    this.log = new DetectorConfigLog({ bus: deps.bus, topic: deps.topics.config, baseline: deps.baseline, scoring: deps.scoring, logger, ...(deps.clock ? { clock: deps.clock } : {}) });
    this.recent = new RecentIncidents({ bus: deps.bus, topic: deps.topics.incidents, logger, ...(deps.recentLimits ? { limits: deps.recentLimits } : {}) });
  }

  async start(): Promise<void> {
    await this.log.start();
    await this.recent.start();
  }

  async stop(): Promise<void> {
    await this.recent.stop();
    await this.log.stop();
  }

  /**
   * Runs the current and the candidate configuration over the recent incidents. Synchronous
   * (CPU-bound, one at a time): its cost is bounded by the window's limits.
   */
  /** detect's validation of a candidate (throws CONFIG_INVALID naming the bad value). */
  plan(raw: unknown): ScoringPlan {
    return this.deps.scoring.plan(raw);
  }

  dryRun(candidate: ScoringPlan): DryRunResult {
    const window = this.recent.window();
    return dryRun({
      events: window.events, window: { fromDay: window.fromDay, toDay: window.toDay, days: this.recent.limits.days },
      current: this.log.current(), candidate, scoring: this.deps.scoring, lifecycle: this.deps.lifecycle, subscriptions: this.deps.subscriptions.active(), regions: this.deps.regions,
    });
  }

  stats(): { configVersion: string; versions: number; recent: RecentIncidentsStats } {
    return { configVersion: this.log.current().version, versions: this.log.history().length, recent: this.recent.stats() };
  }
}
