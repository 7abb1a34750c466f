import { createMemoryBus, partnerTopic, type Bus } from '@tocsin/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createScenario, runSimulateCommand, type GroundTruthFile } from '../src/index';

function captureIo() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  return { io: { stdout, stderr }, out: () => Buffer.concat(out).toString('utf8'), err: () => Buffer.concat(err).toString('utf8') };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-sim-cli-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('tocsin simulate', () => {
  it('prints one JSONL line per record with --stdout jsonl, identical to the scenario encoding', async () => {
    const { io, out, err } = captureIo();
    const code = await runSimulateCommand(['--seed', '9', '--start', '2025-02-01', '--days', '3', '--stdout', 'jsonl', '--order', 'event'], io, { env: {} });
    expect(code, err()).toBe(0);
    const lines = out().trimEnd().split('\n').map((l) => JSON.parse(l) as { partner: string; key: string; value: string });
    const scenario = createScenario({ seed: 9, start: '2025-02-01', days: 3 });
    const expected = [...scenario.incidents()].map((i) => scenario.encode(i));
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, n) => {
      const e = expected[n]!;
      expect(line).toEqual({ partner: e.partner, key: e.key, value: e.value.toString('utf8') });
    });
    expect(err()).toMatch(new RegExp(`${expected.length} records from 19 partners`));
  });

  it('prints canonical incidents with --stdout incidents, in arrival order by default', async () => {
    const { io, out, err } = captureIo();
    const code = await runSimulateCommand(['--seed', '9', '--start', '2025-02-01', '--days', '3', '--stdout', 'incidents'], io, { env: {} });
    expect(code, err()).toBe(0);
    const scenario = createScenario({ seed: 9, start: '2025-02-01', days: 3 });
    expect(out().trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([...scenario.arrivals()].map((i) => JSON.parse(JSON.stringify(i)) as unknown));
    expect((await runSimulateCommand(['--stdout', 'incidents', '--speed', '2'], captureIo().io, { env: {} }))).toBe(2);
  });

  it('writes the ground truth with --out-truth', async () => {
    const dir = tempDir();
    const path = join(dir, 'truth.json');
    const { io, err } = captureIo();
    const code = await runSimulateCommand(['--seed', '42', '--days', '365', '--out-truth', path], io, { env: {} });
    expect(code, err()).toBe(0);
    const file = JSON.parse(readFileSync(path, 'utf8')) as GroundTruthFile;
    expect(file.trends.length).toBe(6);
    expect(file.scenario.seed).toBe(42);
  });

  it('produces to the bus named by --kafka (the bus factory is injectable)', async () => {
    let bus: Bus | undefined;
    const brokersSeen: string[][] = [];
    const { io, err } = captureIo();
    const code = await runSimulateCommand(['--seed', '1', '--days', '2', '--partners', '3', '--kafka', '127.0.0.1:9092'], io, {
      env: {},
      createBus: (brokers) => {
        brokersSeen.push(brokers);
        // A real in-process bus; the command closes it, so keep it readable by closing late.
        const real = createMemoryBus();
        bus = { ...real, close: async () => {} };
        onTestFinished(() => real.close());
        return bus;
      },
    });
    expect(code, err()).toBe(0);
    expect(brokersSeen).toEqual([['127.0.0.1:9092']]);
    const topics = await bus!.listTopics();
    expect(topics.sort()).toEqual(['partner.de-bka.incidents', 'partner.nl-douane.incidents', 'partner.nl-politie.incidents']);
    let count = 0;
    await bus!.readToEnd(partnerTopic('nl-douane'), () => {
      count++;
    });
    expect(count).toBeGreaterThan(0);
  });

  it('uses KAFKA_BROKERS when no output flag is given', async () => {
    const seen: string[][] = [];
    const { io, err } = captureIo();
    const code = await runSimulateCommand(['--days', '1', '--partners', '2'], io, {
      env: { KAFKA_BROKERS: 'a:1,b:2' },
      createBus: (brokers) => {
        seen.push(brokers);
        const real = createMemoryBus();
        onTestFinished(() => real.close());
        return real;
      },
    });
    expect(code, err()).toBe(0);
    expect(seen).toEqual([['a:1', 'b:2']]);
  });

  it.each([
    [['--days', 'ten', '--stdout', 'jsonl'], /--days must be an integer, got "ten"/],
    [['--seed'], /--seed needs a value/],
    [['--frobnicate', '1'], /unknown flag "--frobnicate"/],
    [['--speed', '-2', '--stdout', 'jsonl'], /--speed must be a positive number/],
    [['--stdout', 'csv'], /--stdout supports jsonl or incidents/],
    [['--kafka', 'nohost', '--days', '1'], /--kafka must be host:port/],
    [['--kafka', 'a:1', '--stdout', 'jsonl'], /choose one output/],
    [['--start', '2025-13-01', '--stdout', 'jsonl'], /start "2025-13-01" is not a calendar date/],
    [['--partners', '40', '--stdout', 'jsonl'], /partners must be an integer from 2 to 19/],
    [['--days', '2', '--days', '3', '--stdout', 'jsonl'], /--days given twice/],
    [['--days', '2'], /no output/],
  ])('fails with a one-line error and exit code 2 for %j', async (argv, message) => {
    const { io, out, err } = captureIo();
    const code = await runSimulateCommand(argv, io, { env: {} });
    expect(code).toBe(2);
    expect(err()).toMatch(message);
    expect(err().trimEnd().split('\n')).toHaveLength(1);
    expect(out()).toBe('');
  });

  it('prints help', async () => {
    const { io, out } = captureIo();
    expect(await runSimulateCommand(['--help'], io, { env: {} })).toBe(0);
    expect(out()).toContain('--out-truth FILE');
  });
});
