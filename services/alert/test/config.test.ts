import { describe, expect, it } from 'vitest';
import { alertConfigFromEnv } from '../src/config';

const key = Buffer.alloc(32, 7).toString('base64');

describe('alert configuration from the environment', () => {
  it('applies defaults and overrides, with a topic prefix', () => {
    const c = alertConfigFromEnv({ ALERT_OPERATOR_KEY: key, TOCSIN_TOPIC_PREFIX: 'x.', ALERT_RETRY_HORIZON_MS: '1000', ALERT_SSRF_ALLOW_CIDRS: '127.0.0.0/8, ::1/128', ALERT_SSRF_ALLOW_ENDPOINTS: '127.0.0.1:8081', ALERT_ALLOW_HTTP: 'true' });
    expect(c.topics).toMatchObject({ signals: 'x.signals.v1', deliveries: 'x.deliveries.v1', deadLetter: 'x.dead-letter.v1' });
    expect(c.delivery.retryHorizonMs).toBe(1000);
    expect(c.delivery.retryBaseMs).toBe(5000);
    expect(c.delivery.ssrf).toEqual({ allowCidrs: ['127.0.0.0/8', '::1/128'], allowHosts: [], allowHttp: true, allowEndpoints: ['127.0.0.1:8081'] });
    expect(c.lifecycle.groupWaitMs).toBe(30_000);
  });

  it('fails fast naming the bad variable', () => {
    expect(() => alertConfigFromEnv({})).toThrow(/ALERT_OPERATOR_KEY/);
    expect(() => alertConfigFromEnv({ ALERT_OPERATOR_KEY: key, ALERT_RETRY_BASE_MS: 'soon' })).toThrow(/ALERT_RETRY_BASE_MS/);
    expect(() => alertConfigFromEnv({ ALERT_OPERATOR_KEY: key, ALERT_RETRY_HORIZON_MS: '-5' })).toThrow(/retryHorizonMs/);
    expect(() => alertConfigFromEnv({ ALERT_OPERATOR_KEY: key, ALERT_MAX_RESOLVE_AFTER_BUCKETS: '2.5' })).toThrow(/maxResolveAfterBuckets must be a whole number/);
    expect(() => alertConfigFromEnv({ ALERT_OPERATOR_KEY: key, ALERT_MAX_RESOLVE_AFTER_BUCKETS: '2' })).toThrow(/maxResolveAfterBuckets \(2\) must be >= lifecycle.resolveAfterBuckets \(3\)/);
  });

  it('reads the lifecycle buckets, damping included', () => {
    const c = alertConfigFromEnv({ ALERT_OPERATOR_KEY: key, ALERT_RESOLVE_AFTER_BUCKETS: '2', ALERT_MAX_RESOLVE_AFTER_BUCKETS: '2', ALERT_COOLDOWN_BUCKETS: '1' });
    expect(c.lifecycle).toMatchObject({ resolveAfterBuckets: 2, maxResolveAfterBuckets: 2, cooldownBuckets: 1 });
    expect(alertConfigFromEnv({ ALERT_OPERATOR_KEY: key }).lifecycle).toMatchObject({ resolveAfterBuckets: 3, maxResolveAfterBuckets: 8, cooldownBuckets: 3 });
  });
});
