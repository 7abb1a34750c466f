// `tocsin start --input` arguments: what is accepted, and the clear errors (exit 2) for the rest.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStartSettings, runStartCommand } from '../src/start-command';
import { memoryIo } from './io';
import { writeSurgeFiles } from './helpers/surge-file';

describe('tocsin start --input arguments', () => {
  it('reads the input, its mapping, partner and speed', () => {
    expect(parseStartSettings(['--input', 'a.csv', '--mapping', 'm.json', '--speed', '30'], {})).toMatchObject({ speed: 30, input: { file: 'a.csv', mapping: 'm.json' } });
    expect(parseStartSettings(['--input', 'a.ndjson', '--partner', 'ngo-a', '--as-fast-as-possible'], {})).toMatchObject({ speed: 'max', input: { file: 'a.ndjson', partner: 'ngo-a' } });
    // The simulator's rate from the environment does not apply to a file.
    expect(parseStartSettings(['--input', 'a.csv'], { TOCSIN_SIM_RATE: '10' }).rate).toBeUndefined();
  });

  it.each([
    [['--mapping', 'm.json'], /--mapping goes with --input <file>/],
    [['--as-fast-as-possible'], /--as-fast-as-possible goes with --input <file>/],
    [['--input', 'a.csv', '--days', '30'], /--days sets the simulated feed; it does not apply with --input/],
    [['--input', 'a.csv', '--speed', '2', '--as-fast-as-possible'], /give --speed or --as-fast-as-possible, not both/],
    [['--input'], /--input needs a value/],
    [['--input', '--mapping', 'm.json'], /--input needs a value/],
    [['--input', 'a.csv', '--speed', '0'], /TOCSIN_SIM_SPEED must be a number of simulated days per second in \(0, 365\]/],
    [['--input', 'a.csv', 'b.csv'], /unknown argument b.csv/],
    [['--input', 'a.csv', '--input', 'b.csv'], /--input is given twice/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseStartSettings(argv, {})).toThrow(message);
  });

  it('exits 2 with the usage on bad arguments, and with the reason on a file or mapping it cannot use', async () => {
    const usage = memoryIo();
    expect(await runStartCommand(['--input', 'a.csv', '--seed', '3'], usage.io)).toBe(2);
    expect(usage.err()).toContain('tocsin start: --seed sets the simulated feed');
    expect(usage.err()).toContain('usage: tocsin start');

    const files = writeSurgeFiles('acme-customs');
    const missing = memoryIo();
    expect(await runStartCommand(['--input', join(files.dir, 'missing.csv'), '--mapping', files.mapping], missing.io)).toBe(2);
    expect(missing.err()).toMatch(/^tocsin start: .*missing\.csv cannot be read: ENOENT/);
    const noPartner = memoryIo();
    expect(await runStartCommand(['--input', files.csv], noPartner.io)).toBe(2);
    expect(noPartner.err()).toContain('no record names its partner; give one with --partner (or a mapping with --mapping)');
  });
});
