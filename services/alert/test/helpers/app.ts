// An alert app on the in-process bus with test timings (seconds, not days) and
// loopback allowed by the SSRF allow-list, torn down after the test.
import { randomBytes } from 'node:crypto';
import { createMemoryBus, silentLogger, type Bus } from '@tocsin/core';
import { onTestFinished } from 'vitest';
import { buildAlert, type AlertApp } from '../../src/app';
import { alertConfig, type ConfigOverrides } from '../../src/config';
import { startDemoReceiver, type DemoReceiver, type DemoReceiverOptions } from '../../src/demo-receiver';

export const TEST_OPERATOR_KEY = randomBytes(32).toString('base64');

export function testConfig(overrides: Partial<ConfigOverrides> = {}) {
  return alertConfig({
    operatorKeyBase64: TEST_OPERATOR_KEY,
    source: 'alert/test',
    tickMs: 20,
    ...overrides,
    lifecycle: { groupWaitMs: 0, groupIntervalMs: 50, ...overrides.lifecycle },
    delivery: {
      retryBaseMs: 40,
      retryMinDelayMs: 5,
      retryMaxDelayMs: 200,
      retryHorizonMs: 5_000,
      requestTimeoutMs: 1_000,
      breakerOpenMs: 100,
      ...overrides.delivery,
      ssrf: { allowHttp: true, allowCidrs: ['127.0.0.0/8'], ...overrides.delivery?.ssrf },
    },
  });
}

export async function startTestApp(options: { bus?: Bus; overrides?: Partial<ConfigOverrides> } = {}): Promise<{ app: AlertApp; bus: Bus }> {
  const bus = options.bus ?? createMemoryBus({ defaultPartitions: 3, maxRetryDelayMs: 100 });
  const app = buildAlert({ bus, config: testConfig(options.overrides), logger: silentLogger() });
  await app.start();
  onTestFinished(() => app.stop());
  return { app, bus };
}

export async function startReceiver(options: DemoReceiverOptions): Promise<DemoReceiver> {
  const r = await startDemoReceiver(options);
  onTestFinished(() => r.close());
  return r;
}

/** Polls `check` until it returns a value (not undefined/false) or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
