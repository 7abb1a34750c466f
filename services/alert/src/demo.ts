// The alerting part of `npm start`: the alert service on the in-process bus,
// a demo receiver on loopback, and a demo subscription delivering to it. The
// receiver's page (GET its URL) shows what arrived and whether it verified.
import type { Bus, InfluxWriter, Logger } from '@tocsin/core';
import { randomBytes } from 'node:crypto';
import { buildAlert, type AlertApp } from './app';
import { alertConfig, type ConfigOverrides } from './config';
import { startDemoReceiver, type DemoReceiver } from './demo-receiver';
import { generateSecret } from './delivery/signing';

export interface AlertDemo {
  app: AlertApp;
  receiver: DemoReceiver;
  subscriptionId: string;
  stop(): Promise<void>;
}

export interface AlertDemoOptions {
  bus: Bus;
  logger: Logger;
  /** Demo agency and its country; the demo subscription takes every alert touching it, or everything when omitted. */
  agency?: string;
  country?: string;
  receiverPort?: number;
  /** Told about a request the demo receiver failed to handle. */
  onReceiverError?: (err: unknown) => void;
  overrides?: Partial<ConfigOverrides>;
  /** Where delivery attempts are written as metrics (npm start with INFLUX_URL). */
  influx?: Pick<InfluxWriter, 'write'>;
}

export async function startAlertDemo(options: AlertDemoOptions): Promise<AlertDemo> {
  const secret = generateSecret();
  const receiver = await startDemoReceiver({
    secrets: () => [secret],
    ...(options.receiverPort !== undefined ? { port: options.receiverPort } : {}),
    ...(options.onReceiverError ? { onError: options.onReceiverError } : {}),
  });
  const config = alertConfig({
    // A fresh key per run: the in-process bus forgets everything on exit anyway.
    operatorKeyBase64: randomBytes(32).toString('base64'),
    source: 'alert/demo',
    // Demo pace: notify within seconds instead of the production minutes.
    lifecycle: { groupWaitMs: 2_000, groupIntervalMs: 10_000, ...options.overrides?.lifecycle },
    ...options.overrides,
    delivery: {
      retryBaseMs: 1_000,
      retryHorizonMs: 10 * 60_000,
      ...options.overrides?.delivery,
      // Its own receiver and nothing else: loopback stays refused for every other port,
      // so an agency cannot use the demo to probe local services.
      // Endpoints an override names (the soak benchmark's own receiver) are allowed beside it.
      ssrf: {
        allowHttp: true, ...options.overrides?.delivery?.ssrf,
        allowEndpoints: [new URL(receiver.url).host, ...(options.overrides?.delivery?.ssrf?.allowEndpoints ?? [])],
      },
    },
  });
  const app = buildAlert({ bus: options.bus, config, logger: options.logger, ...(options.influx ? { influx: options.influx } : {}) });
  await app.start();
  const { subscription } = await app.subscriptions.create(
    { kind: 'admin' },
    {
      agency: options.agency ?? 'demo-agency',
      agency_country: options.country ?? 'NL',
      endpoint_url: receiver.url,
      description: 'Demo subscription created by npm start',
      filters: options.country ? { touches_territory: true } : {},
      secret,
    },
  );
  options.logger.info({ receiver: receiver.url, subscription: subscription.id }, 'demo webhook receiver ready');
  return {
    app,
    receiver,
    subscriptionId: subscription.id,
    async stop() {
      await app.stop();
      await receiver.close();
    },
  };
}
