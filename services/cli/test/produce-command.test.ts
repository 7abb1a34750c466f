// `tocsin produce` argument, file and environment errors: exit 2 with a clear message, before
// anything connects to Kafka.
import { describe, expect, it } from 'vitest';
import { runProduceCommand } from '../src/produce-command';
import { memoryIo } from './io';
import { writeSurgeFiles } from './helpers/surge-file';

const KAFKA = { KAFKA_BROKERS: '127.0.0.1:1' };

describe('tocsin produce arguments', () => {
  it.each([
    [[], /--partner <id> is required/],
    [['--partner', 'acme-customs'], /the file to send is required/],
    [['--partner', 'acme-customs', '--order', 'random', 'a.csv'], /--order must be event or file, got "random"/],
    [['--partner', 'acme-customs', '--create-topic', '0', 'a.csv'], /--create-topic needs a whole number from 1, got "0"/],
    [['--partner', 'acme-customs', '--colour', 'red', 'a.csv'], /unknown flag --colour/],
    [['--partner', 'acme-customs', 'a.csv', 'b.csv'], /one file at a time/],
  ])('refuses %j with the usage (exit 2)', async (argv, message) => {
    const { io, err } = memoryIo();
    expect(await runProduceCommand(argv, io, KAFKA)).toBe(2);
    expect(err()).toMatch(message);
    expect(err()).toContain('usage: tocsin produce');
  });

  it('exits 2 without KAFKA_BROKERS, with a mapping of another partner, or a file it cannot read', async () => {
    const files = writeSurgeFiles('acme-customs');
    const noKafka = memoryIo();
    expect(await runProduceCommand(['--partner', 'acme-customs', '--mapping', files.mapping, files.csv], noKafka.io, {})).toBe(2);
    expect(noKafka.err()).toBe('tocsin produce: KAFKA_BROKERS is not set (comma-separated host:port list)\n');
    const other = memoryIo();
    expect(await runProduceCommand(['--partner', 'other-agency', '--mapping', files.mapping, files.csv], other.io, KAFKA)).toBe(2);
    expect(other.err()).toContain('has no partner "other-agency" (it has acme-customs)');
    const missing = memoryIo();
    expect(await runProduceCommand(['--partner', 'acme-customs', '--mapping', files.mapping, `${files.csv}.gone`], missing.io, KAFKA)).toBe(2);
    expect(missing.err()).toContain('cannot be read: ENOENT');
  });

  it('prints its usage on --help (exit 0)', async () => {
    const { io, out } = memoryIo();
    expect(await runProduceCommand(['--help'], io, {})).toBe(0);
    expect(out()).toContain('exit 0: every row sent; 1: rows rejected');
  });
});
