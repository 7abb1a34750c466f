import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, secretBytes, sign, signedHeaders, verify } from '../../src/delivery/signing';
import { isAlertError } from '../../src/errors';

const body = JSON.stringify({ type: 'alert.opened', timestamp: '2026-11-20T00:00:00.000Z', data: { alert: { id: 'al_1' } } });
const now = () => Math.floor(Date.now() / 1000);

describe('Standard Webhooks signing, checked with the standardwebhooks package', () => {
  it('produces signatures the reference implementation verifies', () => {
    const secret = generateSecret();
    const headers = signedHeaders([secret], 'msg_abc', now(), body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('matches the reference signature byte for byte', () => {
    const secret = generateSecret();
    const ts = now();
    expect(sign(secret, 'msg_x', ts, body)).toBe(new Webhook(secret).sign('msg_x', new Date(ts * 1000), body));
  });

  it('verifies with either secret during a rotation, and not with an unrelated one', () => {
    const [fresh, old] = [generateSecret(), generateSecret()];
    const headers = signedHeaders([fresh, old], 'msg_rot', now(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(fresh).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(old).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, { ...headers })).toThrow(/No matching signature/);
  });

  it('is rejected by the reference implementation when the timestamp is stale', () => {
    const secret = generateSecret();
    const headers = signedHeaders([secret], 'msg_old', now() - 10 * 60, body);
    expect(() => new Webhook(secret).verify(body, { ...headers })).toThrow(/too old/);
  });

  it('fails verification when one byte of the body changes', () => {
    const secret = generateSecret();
    const headers = signedHeaders([secret], 'msg_t', now(), body);
    expect(() => new Webhook(secret).verify(body.replace('al_1', 'al_2'), { ...headers })).toThrow();
  });

  it('our verifier accepts what the reference signs and refuses stale or foreign ones', () => {
    const secret = generateSecret();
    const ts = now();
    const signature = new Webhook(secret).sign('msg_r', new Date(ts * 1000), body);
    const headers = { 'webhook-id': 'msg_r', 'webhook-timestamp': String(ts), 'webhook-signature': signature };
    expect(verify([secret], headers, body, ts)).toEqual({ ok: true });
    expect(verify([secret], headers, body, ts + 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verify([generateSecret()], headers, body, ts)).toEqual({ ok: false, reason: 'no_matching_signature' });
    expect(verify([secret], { ...headers, 'webhook-id': undefined }, body, ts)).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('refuses secrets that are not whsec_ base64 of 24..64 bytes', () => {
    for (const bad of ['abc', 'whsec_', 'whsec_!!!', `whsec_${Buffer.alloc(8).toString('base64')}`]) {
      expect(() => secretBytes(bad)).toThrow();
      try {
        secretBytes(bad);
      } catch (e) {
        expect(isAlertError(e, 'SECRET_INVALID')).toBe(true);
      }
    }
  });
});
