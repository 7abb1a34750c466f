// Live tuning on real Kafka: PUT /api/detector-config writes the configuration and its
// history record on detector-config.v1, a running detect (its own process's code, on the
// same broker) applies it and scores the next incidents with it, a dry run replays the
// incidents the service read from incidents.v1, and the history with its reasons survives
// a restart of the service. Every topic and group is this test's own.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { createKafkaBus, decodeJson, encodeEvent, silentLogger, type Bus, type DetectorConfig, type DetectorConfigChange, type IncidentEvent, type Signal } from '@tocsin/core';
import { buildDetect, buildPlan } from '@tocsin/detect';
import { buildApiServer, createApiKey, createApiKeyStore } from '@tocsin/http';
import { detectorConfigRoutes } from '../../services/alert/src/api/detector-config';
import { detectScoring } from '../../services/cli/src/detector-scoring';
import { DEFAULT_LIFECYCLE } from '../../services/alert/src/config';
import { loadRegions } from '../../services/alert/src/regions';
import { DetectorTuning } from '../../services/alert/src/tuning/tuning';
import { testKafkaClient } from '../helpers/kafka';
import { DAY_MS, days, floorConfig, START } from './fixtures';
import { until } from '../helpers/until';

const brokers = inject('kafkaBrokers');
const config = (version: string, minRatio: number) => floorConfig(version, minRatio, 1);

describe('live detector tuning on Kafka', () => {
  it('lands a PUT on detector-config.v1, detect applies it, and the history survives a restart', async () => {
    const id = randomUUID().slice(0, 8);
    const topics = { incidents: `it-${id}-incidents`, observations: `it-${id}-observations`, state: `it-${id}-state`, config: `it-${id}-config`, signals: `it-${id}-signals` };
    const kafkaBus = (): Bus => {
      const bus = createKafkaBus({ brokers: brokers.split(','), clientId: `tuning-it-${id}`, logger: silentLogger(), topicRefreshMs: 1_000 });
      onTestFinished(() => bus.close());
      return bus;
    };
    const bus = kafkaBus();
    onTestFinished(async () => {
      const admin = testKafkaClient(brokers, 'tuning-it-cleanup').admin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: Object.values(topics) });
      } finally {
        await admin.disconnect();
      }
    });
    await bus.ensureTopics([{ topic: topics.incidents, partitions: 2 }]);
    const baseline = buildPlan(config('strict-1', 3));
    const detect = buildDetect({ bus, config: baseline, logger: silentLogger(), partitions: 2, topics, groups: { explode: `it-${id}-explode`, score: `it-${id}-score` }, instance: 'detect/it' });
    onTestFinished(() => detect.stop());
    await detect.start();

    const analyst = createApiKey({ agency: 'watch-desk', country: 'NL', scopes: ['alerts:read', 'detectors:tune'] });
    const reader = createApiKey({ agency: 'nl-police', country: 'NL', scopes: ['alerts:read', 'subscriptions:manage'] });
    const serve = async (tuning: DetectorTuning) => {
      const app = await buildApiServer({ logger: silentLogger(), version: 'it', keys: createApiKeyStore([analyst.record, reader.record]), routes: [detectorConfigRoutes(tuning)] });
      onTestFinished(() => app.close());
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as { port: number };
      return (path: string, key: string, init: RequestInit = {}) =>
        fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
    };
    const startTuning = async (on: Bus) => {
      const tuning = new DetectorTuning({
        bus: on, topics: { config: topics.config, incidents: topics.incidents }, baseline, scoring: detectScoring, lifecycle: DEFAULT_LIFECYCLE,
        subscriptions: { active: () => [] }, regions: loadRegions(), logger: silentLogger(),
      });
      onTestFinished(() => tuning.stop());
      await tuning.start();
      return tuning;
    };
    const tuning = await startTuning(bus);
    const api = await serve(tuning);

    const publish = async (events: IncidentEvent[]) => {
      const producer = await bus.producer();
      await producer.send([{ topic: topics.incidents, messages: events.map((e) => ({ key: `${e.incident.partner}:${e.incident.id}`, value: encodeEvent(e) })) }]);
      await producer.close();
    };
    const signals = async (): Promise<Signal[]> => {
      const out: Signal[] = [];
      await bus.readToEnd(topics.signals, (m) => void out.push(decodeJson(m.value) as Signal));
      return out;
    };

    // Days 0-19 under the strict config: the surge on day 15 raises nothing.
    const first = days(0, 20, [15]);
    await publish(first);
    await until('the first days scored', () => (detect.stats().score.observations >= first.length ? true : undefined));
    await until('the window to hold them', () => (tuning.recent.stats().incidents >= first.length ? true : undefined));
    expect((await signals()).filter((s) => s.detector.id === 'ears-c1')).toEqual([]);

    // The dry run replays what the service read from incidents.v1.
    const dry = await api('/api/detector-config/dry-run', analyst.key, { method: 'POST', body: JSON.stringify({ config: config('loose-2', 1.5) }) });
    expect(dry.status).toBe(200);
    const diff = (await dry.json()) as { window: { incidents: number }; counts: { appear: number }; appear: Array<{ dimension: { key: string } }> };
    expect(diff.window.incidents).toBe(first.length);
    expect(diff.counts.appear).toBe(1);
    expect(diff.appear[0]!.dimension.key).toBe('NL');

    expect((await api('/api/detector-config', reader.key, { method: 'PUT', body: JSON.stringify({ config: config('loose-2', 1.5), previous_version: 'strict-1', reason: 'not mine to change' }) })).status).toBe(403);
    const put = await api('/api/detector-config', analyst.key, { method: 'PUT', body: JSON.stringify({ config: config('loose-2', 1.5), previous_version: 'strict-1', reason: '2.5x surges on NL matter' }) });
    expect(put.status).toBe(200);

    // On the topic: the history record, then the configuration detect follows.
    const records: Array<{ key: string; value: unknown }> = [];
    await bus.readToEnd(topics.config, (m) => void records.push({ key: m.key!.toString('utf8'), value: decodeJson(m.value) }));
    expect(records.map((r) => r.key)).toEqual(['default@loose-2', 'default']);
    expect(records[0]!.value as DetectorConfigChange).toMatchObject({ type: 'detector-config.change', version: 'loose-2', previous_version: 'strict-1', reason: '2.5x surges on NL matter', changed_by: `watch-desk/${analyst.record.id}` });
    expect((records[1]!.value as DetectorConfig).version).toBe('loose-2');

    // detect applies it without a restart: the next surge (day 35) is a signal scored with it.
    await until('detect on the new version', () => (detect.stats().configVersion === 'loose-2' ? true : undefined));
    await publish(days(20, 40, [35]));
    const tuned = await until('a signal of the new version', async () => {
      const found = (await signals()).filter((s) => s.detector.id === 'ears-c1' && s.config_version === 'loose-2');
      return found.length > 0 ? found : undefined;
    });
    expect(tuned.map((s) => s.bucket.start.slice(0, 10))).toContain(new Date(START + 35 * DAY_MS).toISOString().slice(0, 10));
    expect(tuned.every((s) => s.observed < 3 * (s.expected ?? 0))).toBe(true);

    // A restart of the service (a new bus, a fresh read of the topic) keeps the history and its reasons.
    await tuning.stop();
    const again = await startTuning(kafkaBus());
    expect(again.log.current().version).toBe('loose-2');
    expect(again.log.history()).toEqual([
      expect.objectContaining({ version: 'loose-2', previous_version: 'strict-1', reason: '2.5x surges on NL matter', origin: 'api', changed_by: `watch-desk/${analyst.record.id}` }),
      expect.objectContaining({ version: 'strict-1', origin: 'file' }),
    ]);
    const api2 = await serve(again);
    const stale = await api2('/api/detector-config', analyst.key, { method: 'PUT', body: JSON.stringify({ config: config('loose-3', 1.2), previous_version: 'strict-1', reason: 'from a stale page' }) });
    expect(stale.status).toBe(409);
  }, 180_000);
});
