// deploy/systemd/tocsin-<service>.service: each runs `tocsin service <service>` with its
// env file and the sandbox options; where systemd-analyze exists, the units verify
// cleanly and their offline security exposure stays below 2.0 ("OK").
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

const dir = join(import.meta.dirname, '../../deploy/systemd');
const SERVICES = ['ingest', 'detect', 'alert', 'desk'] as const;
const HARDENING = [
  'NoNewPrivileges=yes', 'DynamicUser=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'PrivateDevices=yes',
  'CapabilityBoundingSet=', 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX', 'SystemCallFilter=@system-service', 'RestrictNamespaces=yes',
];
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

function unit(service: string): string {
  return readFileSync(join(dir, `tocsin-${service}.service`), 'utf8');
}

describe('deploy/systemd', () => {
  for (const service of SERVICES) {
    it(`tocsin-${service}.service runs the service with its env file, graceful stop and the sandbox`, () => {
      const lines = unit(service).split('\n');
      expect(lines).toContain(`ExecStart=/usr/bin/node /opt/tocsin/bin/tocsin.mjs service ${service}`);
      expect(lines).toContain(`EnvironmentFile=/etc/tocsin/${service}.env`);
      expect(lines).toContain('KillSignal=SIGTERM');
      for (const option of HARDENING) expect(lines, option).toContain(option);
      // V8 compiles code at run time; this option would kill node.
      expect(lines).not.toContain('MemoryDenyWriteExecute=yes');
    });
  }

  it.skipIf(!hasSystemdAnalyze)('verify cleanly and score below 2.0 exposure in systemd-analyze security', () => {
    const work = mkdtempSync(join(tmpdir(), 'tocsin-units-'));
    onTestFinished(() => rmSync(work, { recursive: true, force: true }));
    const node = execFileSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).trim();
    for (const service of SERVICES) {
      // verify checks that ExecStart exists and reads EnvironmentFile; point them at this machine.
      const text = unit(service).replace('/usr/bin/node', node).replace('EnvironmentFile=/', 'EnvironmentFile=-/');
      const file = join(work, `tocsin-${service}.service`);
      writeFileSync(file, text);
      const verify = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'warning' } });
      expect(`${verify.stdout}${verify.stderr}`.trim(), `systemd-analyze verify ${service}`).toBe('');
      const security = spawnSync('systemd-analyze', ['security', '--offline=yes', '--threshold=20', file], { encoding: 'utf8' });
      expect(security.status, security.stdout.split('\n').slice(-2).join('\n')).toBe(0);
    }
  });
});
