import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module of the test command, without types
import { ensureTestPackages, installCommand, missingPackages } from '../../scripts/debian-packages.mjs';

const none = () => false;

describe('npm test set-up of Debian packages', () => {
  it('names what is missing, skipping servers given by the shared-server variables', () => {
    expect(missingPackages({}, none)).toEqual(['influxdb', 'victoria-metrics', 'chromium']);
    expect(missingPackages({ TOCSIN_TEST_INFLUX_URL: 'http://127.0.0.1:1', TOCSIN_TEST_VICTORIA_URL: 'http://127.0.0.1:2' }, none)).toEqual(['chromium']);
    expect(missingPackages({}, (c: string) => c !== 'influxd')).toEqual(['influxdb']);
  });

  it('without root names the one command; as root runs apt-get update, then install, logging one line', () => {
    // A PATH holding only an apt-get (never run: `run` is given), so every package is missing.
    const bin = mkdtempSync(join(tmpdir(), 'tocsin-apt-'));
    writeFileSync(join(bin, 'apt-get'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const env = { PATH: bin, TOCSIN_CHROMIUM: join(bin, 'chromium') };
    const all = ['influxdb', 'victoria-metrics', 'chromium'];
    expect(ensureTestPackages({ env, isRoot: false, log: () => {} })).toContain(`sudo sh -c '${installCommand(all)}'`);
    const calls: string[][] = [];
    const lines: string[] = [];
    const ok = ensureTestPackages({ env, isRoot: true, log: (l: string) => lines.push(l), run: (cmd: string, args: string[]) => (calls.push([cmd, ...args]), { status: 0 }) });
    expect(calls).toEqual([['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...all]]);
    expect(lines).toHaveLength(1);
    // Still missing after the (pretend) install: said so rather than running the tests blind.
    expect(ok).toContain('still missing');
    const failed = ensureTestPackages({ env, isRoot: true, log: () => {}, run: () => ({ status: 100, stderr: 'E: no network', stdout: '' }) });
    expect(failed).toContain('apt-get update failed');
    rmSync(bin, { recursive: true, force: true });
  });
});
