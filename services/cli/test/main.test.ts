import { memoryIo } from './io';
import { describe, expect, it } from 'vitest';
import { createApiKeyStore } from '@tocsin/http';
import { main } from '../src/main';
import { parseStartSettings } from '../src/start-command';

const io = memoryIo;

describe('tocsin CLI', () => {
  it('prints help, version, and refuses unknown commands', async () => {
    const a = io();
    expect(await main(['help'], a.io)).toBe(0);
    expect(a.out()).toContain('tocsin score');
    const b = io();
    expect(await main(['version'], b.io)).toBe(0);
    expect(b.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
    const c = io();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.err()).toBe('tocsin: unknown command "frobnicate"; run tocsin help\n');
  });

  it('creates an API key whose record authenticates it', async () => {
    const a = io();
    expect(await main(['keys', 'create', '--agency', 'fr-ocrtis', '--country', 'FR', '--scope', 'alerts:read'], a.io)).toBe(0);
    const { key, record } = JSON.parse(a.out()) as { key: string; record: never };
    expect(createApiKeyStore([record]).authenticate(key)).toMatchObject({ agency: 'fr-ocrtis', country: 'FR', scopes: ['alerts:read'] });
    expect(a.out()).not.toContain('"sha256": "' + key);
    const bad = io();
    expect(await main(['keys', 'create', '--agency', 'fr-ocrtis', '--country', 'France', '--scope', 'alerts:read'], bad.io)).toBe(2);
    expect(bad.err()).toContain('--country');
    const badScope = io();
    expect(await main(['keys', 'create', '--agency', 'x1', '--country', 'FR', '--scope', 'root'], badScope.io)).toBe(2);
    expect(badScope.err()).toContain('unknown scope "root"');
  });

  it('checks start settings and names the bad one', () => {
    expect(parseStartSettings([], {})).toEqual({ port: 8080, seed: 42, speed: 1, days: 730 });
    expect(parseStartSettings(['--port', '9000'], { PORT: '7000' }).port).toBe(9000);
    expect(parseStartSettings([], { PORT: '7000', TOCSIN_SIM_SPEED: '3' })).toMatchObject({ port: 7000, speed: 3 });
    expect(() => parseStartSettings([], { PORT: 'http' })).toThrow(/PORT must be a port number/);
    expect(() => parseStartSettings(['--speed', '0'], {})).toThrow(/TOCSIN_SIM_SPEED/);
    expect(() => parseStartSettings(['--colour', 'red'], {})).toThrow(/unknown flag --colour/);
  });

  it('refuses to run a single service without Kafka', async () => {
    const a = io();
    const saved = process.env['KAFKA_BROKERS'];
    delete process.env['KAFKA_BROKERS'];
    try {
      expect(await main(['service', 'ingest'], a.io)).toBe(2);
    } finally {
      if (saved !== undefined) process.env['KAFKA_BROKERS'] = saved;
    }
    expect(a.err()).toContain('KAFKA_BROKERS is not set');
    const b = io();
    expect(await main(['service', 'teleport'], b.io)).toBe(2);
  });

  it('lists benchmarks and refuses unknown ones', async () => {
    const a = io();
    expect(await main(['bench', 'nope'], a.io)).toBe(2);
    expect(a.err()).toContain('unknown benchmark "nope"');
    expect(a.err()).toContain('detection');
  });
});
