// The detect service: explode stage → detect.observations.v1 → score stage → signals.v1,
// with live configuration and optional InfluxDB metrics. No I/O on import; main.ts
// (one process per service) and the embedded `npm start` both call buildDetect.
import { hostname } from 'node:os';
import { type Bus, type DetectorConfig, type InfluxWriter, type InfluxWriterStats, type Logger, type Signal } from '@tocsin/core';
import { buildPlan, type DetectorPlan } from './config';
import { createConfigSource } from './config-source';
import { createExplodeStage, type ExplodeStageStats } from './explode/explode-stage';
import { createScoreStage, type ScoreStageStats } from './score/score-stage';
import { DEFAULT_DETECT_TOPICS, type DetectTopics } from './topics';

export interface DetectDeps {
  bus: Bus;
  /** A validated plan (loadPlan) or a raw config object (validated here). */
  config: DetectorPlan | DetectorConfig;
  logger: Logger;
  influx?: InfluxWriter;
  clock?: () => number;
  /** Partitions of the topics this service creates (observations and state must match). Default 6. */
  partitions?: number;
  /** Instance name in signals' `source`. Default detect/<hostname>. */
  instance?: string;
  /** Signals kept in memory for recentSignals. Default 1000. */
  recentLimit?: number;
  /** Consumer group overrides, for tests that run several independent services on one broker. */
  groups?: { explode?: string; score?: string };
  /** Topic names, default those of @tocsin/core TOPICS. */
  topics?: Partial<DetectTopics>;
  /** Write per-key state to detect.state.v1 (default true); see ScoreStageDeps.changelog. */
  stateChangelog?: boolean;
}

export interface DetectStats {
  configVersion: string;
  configRejected: number;
  explode: ExplodeStageStats;
  score: ScoreStageStats;
  influx: InfluxWriterStats | null;
}

export interface Detect {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): DetectStats;
  /** Newest first. */
  recentSignals(limit?: number): Signal[];
}

const isPlan = (c: DetectorPlan | DetectorConfig): c is DetectorPlan => typeof (c as DetectorPlan).detectorsFor === 'function';

export function buildDetect(deps: DetectDeps): Detect {
  const logger = deps.logger.child({ service: 'detect' });
  const clock = deps.clock ?? Date.now;
  const partitions = deps.partitions ?? 6;
  const recentLimit = deps.recentLimit ?? 1000;
  const initial = isPlan(deps.config) ? deps.config : buildPlan(deps.config);
  const topics: DetectTopics = { ...DEFAULT_DETECT_TOPICS, ...deps.topics };
  const configSource = createConfigSource(deps.bus, initial, logger, topics.config);
  const recent: Signal[] = [];
  const explode = createExplodeStage({ bus: deps.bus, plan: configSource.current, logger, groupId: deps.groups?.explode, topics });
  const score = createScoreStage({
    bus: deps.bus,
    plan: configSource.current,
    logger,
    influx: deps.influx,
    clock,
    source: deps.instance ?? `detect/${hostname()}`,
    groupId: deps.groups?.score,
    topics,
    ...(deps.stateChangelog === false ? { changelog: false } : {}),
    onSignals(signals) {
      recent.push(...signals);
      if (recent.length > recentLimit) recent.splice(0, recent.length - recentLimit);
    },
  });
  let started = false;

  return {
    async start() {
      if (started) return;
      started = true;
      await deps.bus.ensureTopics([
        { topic: topics.incidents, partitions },
        { topic: topics.observations, partitions },
        // Same partition count as the observations: a key's state lives on the partition number of its observations.
        { topic: topics.state, partitions, config: { 'cleanup.policy': 'compact' } },
        { topic: topics.config, partitions: 1, config: { 'cleanup.policy': 'compact' } },
        { topic: topics.signals, partitions },
      ]);
      const [observations, state] = await Promise.all([deps.bus.endOffsets(topics.observations), deps.bus.endOffsets(topics.state)]);
      if (observations.size !== state.size) {
        throw new Error(`${topics.observations} has ${observations.size} partitions but ${topics.state} has ${state.size}: they must match, a key's state is read from the partition number of its observations`);
      }
      await configSource.start();
      await score.start();
      await explode.start();
      logger.info({ configVersion: configSource.current().version }, 'detect started');
    },
    async stop() {
      if (!started) return;
      started = false;
      await explode.stop();
      await score.stop();
      await configSource.stop();
      await deps.influx?.flush();
      logger.info('detect stopped');
    },
    stats: () => ({
      configVersion: configSource.current().version,
      configRejected: configSource.rejected(),
      explode: explode.stats(),
      score: score.stats(),
      influx: deps.influx?.stats() ?? null,
    }),
    recentSignals(limit = 100) {
      return recent.slice(-limit).reverse();
    },
  };
}
