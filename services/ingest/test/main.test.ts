// The composition root fails fast, before connecting anywhere, naming the bad variable.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../src/main.ts');

function runMain(env: Record<string, string>) {
  const { KAFKA_BROKERS: _k, TOCSIN_PARTNERS_FILE: _p, TOCSIN_PSEUDONYM_KEY: _s, TOCSIN_DLQ_KEY: _d, ...inherited } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN], { env: { ...inherited, ...env }, encoding: 'utf8', timeout: 20_000 });
}

describe('main', () => {
  it('exits 78 naming a missing variable', () => {
    const result = runMain({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('TOCSIN_PSEUDONYM_KEY is required but not set');
  });

  it('exits 78 naming an unreadable partners file, without echoing keys', () => {
    const key = 'ab'.repeat(32);
    const result = runMain({ KAFKA_BROKERS: '127.0.0.1:9092', TOCSIN_PSEUDONYM_KEY: key, TOCSIN_DLQ_KEY: 'cd'.repeat(32), TOCSIN_PARTNERS_FILE: '/nonexistent/partners.json' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('TOCSIN_PARTNERS_FILE /nonexistent/partners.json cannot be read');
    expect(result.stderr).not.toContain(key);
  });
});
