// The watch-desk page in the production layout: `tocsin service alert` and
// `tocsin service desk` as separate processes on the real Kafka (topics of their
// own through TOCSIN_TOPIC_PREFIX), the page loaded from the desk in Chromium.
// A signal on the signals topic opens an alert in the alert service; the page,
// which talks only to the desk, lists it, hears of a second alert over the change
// stream (server-sent events through the desk's proxy) and acknowledges the first,
// and the alert service records the acknowledgement with the page's key as actor.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { createKafkaBus, encodeEvent, silentLogger } from '@tocsin/core';
import { createApiKey } from '@tocsin/http';
import { alertTopicSpecs } from '../../services/alert/src/app';
import { alertConfig, topicsWithPrefix } from '../../services/alert/src/config';
import { AGENCIES, evidence, signalOf } from '../../services/alert/test/api/harness';
import { testKafkaClient } from '../helpers/kafka';
import { openPage, signIn } from './page-browser';
import { startTocsin } from '../helpers/tocsin-process';

const CHROMIUM = process.env['TOCSIN_CHROMIUM'] ?? '/usr/bin/chromium';
const brokers = inject('kafkaBrokers');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** `tocsin service <name>` as systemd or k8s runs it. */
const service = (name: string, env: Record<string, string>) => startTocsin(['service', name], { KAFKA_BROKERS: brokers, LOG_LEVEL: 'info', ...env });

describe.skipIf(!existsSync(CHROMIUM))('watch-desk page against tocsin service desk + alert on Kafka', () => {
  it('lists the alert the alert service opened and acknowledges it, all through the desk', async () => {
    const prefix = `it-desk-${randomUUID().slice(0, 8)}.`;
    const config = alertConfig({ operatorKeyBase64: randomBytes(32).toString('base64'), topics: topicsWithPrefix(prefix), partitions: 1 });
    const bus = createKafkaBus({ brokers: [brokers], clientId: 'desk-page-kafka-it', logger: silentLogger() });
    onTestFinished(() => bus.close());
    await bus.ensureTopics(alertTopicSpecs(config));
    onTestFinished(async () => {
      const admin = testKafkaClient(brokers, 'desk-page-kafka-it').admin();
      await admin.connect();
      // Every topic of this run: alert's, and those the services made for themselves (tuning).
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      await admin.deleteTopics({ topics: [...new Set([...Object.values(config.topics), ...topics])] }).catch(() => {});
      await admin.disconnect();
    });
    // The signal detect would publish; alert reads its topic from the beginning.
    const signal = signalOf('concealment.container', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')]);
    const producer = await bus.producer();
    await producer.send([{ topic: config.topics.signals, messages: [{ key: signal.dimension.key, value: encodeEvent(signal) }] }]);
    await producer.close();

    const dir = mkdtempSync(join(tmpdir(), 'tocsin-desk-kafka-'));
    const admin = createApiKey({ agency: 'tocsin-ops', country: 'NL', scopes: ['admin'] });
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify([admin.record]));
    const [alertPort, deskPort] = [await freePort(), await freePort()];
    const common = { TOCSIN_API_KEYS_FILE: keysFile, TOCSIN_TOPIC_PREFIX: prefix };
    const alert = service('alert', { ...common, ALERT_HTTP_PORT: String(alertPort), ALERT_GROUP_ID: `alert-${prefix}`, ALERT_OPERATOR_KEY: config.operatorKeyBase64 });
    const desk = service('desk', { ...common, DESK_PORT: String(deskPort), TOCSIN_ALERT_URL: `http://127.0.0.1:${alertPort}` });
    const base = `http://127.0.0.1:${deskPort}`;
    const auth = { authorization: `Bearer ${admin.key}` };

    // Through the desk only: the alert appears once both services run.
    const alertsViaDesk = async (): Promise<Array<{ id: string }>> => {
      const res = await fetch(`${base}/api/alerts`, { headers: auth }).catch(() => null);
      return res?.ok ? ((await res.json()) as { alerts: Array<{ id: string }> }).alerts : [];
    };
    await expect.poll(alertsViaDesk, { timeout: 90_000, interval: 500 }).toHaveLength(1).catch((error: Error) => {
      throw new Error(`no alert through the desk (${error.message})\n--- alert:\n${alert.log()}\n--- desk:\n${desk.log()}`);
    });
    const alertId = (await alertsViaDesk())[0]!.id;
    // The desk's own signal feed reads the same prefixed topic.
    await expect.poll(async () => ((await (await fetch(`${base}/api/signals`, { headers: auth })).json()) as { signals: unknown[] }).signals.length, { timeout: 30_000 }).toBe(1);

    const { page, problems, screenshot } = await openPage(import.meta.filename);
    // Every request the page makes must succeed through the desk (the browser's own favicon probe aside).
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    page.on('dialog', (d) => void d.accept('seen on the production desk'));
    await page.goto(base);
    await signIn(page, auth.authorization);
    const row = page.locator(`#alerts tr[data-id="${alertId}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('Concealment in shipping containers');
    // The change stream (ticket, then server-sent events) runs through the desk's proxy.
    await expect.poll(() => page.textContent('#live'), { timeout: 15_000 }).toContain('live');
    const next = signalOf('payment.crypto', [evidence(AGENCIES.own.agency, 'NL', 'GREEN')], { rank_score: 99 });
    const again = await bus.producer();
    await again.send([{ topic: config.topics.signals, messages: [{ key: next.dimension.key, value: encodeEvent(next) }] }]);
    await again.close();
    await expect.poll(() => page.textContent('#new-banner'), { timeout: 30_000 }).toContain('1 new alert');

    await row.locator('button[data-action=acknowledge]').click();
    await expect.poll(() => page.textContent('#alert-message')).toContain(`acknowledged ${alertId}`);
    await expect.poll(() => row.getAttribute('class'), { timeout: 10_000 }).toContain('acked');
    await screenshot('production-layout-acknowledged');

    // Recorded by the alert service (read back from it directly, not through the desk).
    const direct = (await (await fetch(`http://127.0.0.1:${alertPort}/api/alerts/${encodeURIComponent(alertId)}`, { headers: auth })).json()) as { desk: { acknowledged?: { comment?: string; by: string } } };
    expect(direct.desk.acknowledged?.comment).toBe('seen on the production desk');
    expect(direct.desk.acknowledged?.by).toMatch(/^tocsin-ops\/[0-9a-f]{12}$/);
    expect(problems).toEqual([]);
  }, 180_000);
});
