// `tocsin start` (`npm start`): the embedded pipeline with a simulated feed and
// the watch desk on http://127.0.0.1:8080; with --input, a user's file replayed in
// event-time order instead of the simulated feed (docs/your-own-data.md). Settings
// come from flags or the environment (flags win); see the configuration table in README.md.
import { resolve } from 'node:path';
import { createLogger } from '@tocsin/core';
import { startEmbedded } from './embedded';
import { inputFeed, type InputFeed } from './input-feed';
import { InputFileError, readInputFile, type InputFile } from './input-file';
import type { CommandIo } from './io';
import { VERSION } from './version';

const USAGE = `usage: tocsin start [--port N] [--seed N] [--speed DAYS_PER_SECOND] [--days N] [--rate INCIDENTS_PER_DAY]
       tocsin start --input <file> [--mapping partner.json] [--partner ID] [--speed DAYS_PER_SECOND | --as-fast-as-possible] [--port N]
  --input     replay a file instead of the simulated feed: CSV or JSON through --mapping (schemas/partner-config.v1),
              or canonical incident JSON lines (partner: --partner, else each record's own "partner")
  --speed     days of event time per real second, in (0, 365] (default 1; TOCSIN_SIM_SPEED)
  exit 2: bad usage, or an input file or mapping that cannot be used (docs/your-own-data.md)`;

const VALUE_FLAGS = ['--port', '--seed', '--speed', '--days', '--rate', '--input', '--mapping', '--partner'];
const SWITCHES = ['--as-fast-as-possible'];
/** Flags of the simulated feed, meaningless with --input. */
const SIMULATOR_FLAGS = ['--seed', '--days', '--rate'];

export interface StartSettings {
  port: number;
  seed: number;
  speed: number | 'max';
  days: number;
  rate?: number;
  /** `tocsin start --input`: the file replayed instead of the simulated feed. */
  input?: { file: string; mapping?: string; partner?: string };
}

function number(name: string, raw: string | undefined, fallback: number, check: (n: number) => boolean, what: string): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new Error(`${name} must be ${what}, got "${raw}"`);
  return value;
}

export function parseStartSettings(argv: string[], env: NodeJS.ProcessEnv): StartSettings {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (SWITCHES.includes(flag)) {
      flags.set(flag, '');
      continue;
    }
    if (!VALUE_FLAGS.includes(flag)) throw new Error(`unknown ${flag.startsWith('-') ? 'flag' : 'argument'} ${flag}`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    if (flags.has(flag)) throw new Error(`${flag} is given twice`);
    flags.set(flag, value);
  }
  const file = flags.get('--input');
  if (file === undefined) {
    for (const flag of ['--mapping', '--partner', '--as-fast-as-possible']) if (flags.has(flag)) throw new Error(`${flag} goes with --input <file>`);
  } else {
    for (const flag of SIMULATOR_FLAGS) if (flags.has(flag)) throw new Error(`${flag} sets the simulated feed; it does not apply with --input`);
    if (flags.has('--as-fast-as-possible') && flags.has('--speed')) throw new Error('give --speed or --as-fast-as-possible, not both');
  }
  const int = (n: number) => Number.isInteger(n);
  const rate = flags.get('--rate') ?? env['TOCSIN_SIM_RATE'];
  const speed = flags.has('--as-fast-as-possible')
    ? ('max' as const)
    : number('TOCSIN_SIM_SPEED', flags.get('--speed') ?? env['TOCSIN_SIM_SPEED'], 1, (n) => n > 0 && n <= 365, 'a number of simulated days per second in (0, 365]');
  return {
    port: number('PORT', flags.get('--port') ?? env['PORT'], 8080, (n) => int(n) && n >= 0 && n <= 65535, 'a port number (0-65535)'),
    seed: number('TOCSIN_SEED', flags.get('--seed') ?? env['TOCSIN_SEED'], 42, (n) => int(n) && n >= 0, 'a non-negative integer'),
    speed,
    days: number('TOCSIN_SIM_DAYS', flags.get('--days') ?? env['TOCSIN_SIM_DAYS'], 730, (n) => int(n) && n >= 1 && n <= 3650, 'a whole number of days from 1 to 3650'),
    ...(rate !== undefined && file === undefined ? { rate: number('TOCSIN_SIM_RATE', rate, 0, (n) => n > 0 && n <= 100_000, 'incidents per day in (0, 100000]') } : {}),
    ...(file !== undefined ? { input: inputSettings(file, flags.get('--mapping'), flags.get('--partner')) } : {}),
  };
}

function inputSettings(file: string, mapping: string | undefined, partner: string | undefined): NonNullable<StartSettings['input']> {
  return { file, ...(mapping === undefined ? {} : { mapping }), ...(partner === undefined ? {} : { partner }) };
}

/** Reads and checks the input file before anything starts, and says what it holds. */
function loadInput(input: NonNullable<StartSettings['input']>, env: NodeJS.ProcessEnv): InputFeed {
  // The pipeline's clock follows the file, so no row is "in the future" at this check.
  const file = readInputFile({ ...input, now: END_OF_TIME_MS, ...(env['TOCSIN_TAXONOMY_DIR']?.trim() ? { taxonomyDir: env['TOCSIN_TAXONOMY_DIR'].trim() } : {}) });
  return inputFeed(file, input.file);
}

/** Latest instant a Date holds; "now" for a check that must not find rows in the future. */
const END_OF_TIME_MS = 8.64e15 - 86_400_000;

export async function runStartCommand(argv: string[], io: CommandIo): Promise<number> {
  let settings: StartSettings;
  try {
    settings = parseStartSettings(argv, process.env);
  } catch (error) {
    io.stderr.write(`tocsin start: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let input: InputFeed | undefined;
  if (settings.input) {
    try {
      input = loadInput(settings.input, process.env);
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      io.stderr.write(`tocsin start: ${error.message}\n`);
      return 2;
    }
  }
  const logger = createLogger('tocsin');
  const pipeline = await startEmbedded({
    port: settings.port, host: '127.0.0.1', seed: settings.seed, speed: settings.speed, days: settings.days,
    ...(settings.rate !== undefined ? { ratePerDay: settings.rate } : {}),
    varDir: resolve(process.env['TOCSIN_VAR_DIR'] ?? 'var'), version: VERSION, logger,
    ...(process.env['TOCSIN_DETECTOR_CONFIG'] ? { detectorConfigPath: process.env['TOCSIN_DETECTOR_CONFIG'] } : {}),
    ...(input ? { input } : {}),
  });
  const feedLine = input && settings.input
    ? `Input file ${settings.input.file}: ${describeCounts(input.counts)}, replayed from ${new Date(input.startMs).toISOString().slice(0, 10)} ` +
      `${settings.speed === 'max' ? 'as fast as possible' : `at ${settings.speed} day(s) per second`} to partner(s) ${input.partners.map((p) => p.id).join(', ')}`
    : `Simulated feed: ${settings.speed} day(s) per second`;
  io.stdout.write(
    `Tocsin is running: watch desk ${pipeline.url}  (API docs ${pipeline.url}/docs)\n` +
      `Demo webhook receiver (signed alerts for the demo agency): ${pipeline.demoReceiverUrl}\n` +
      `${feedLine}. Sign in on the page with a demo key from ${pipeline.secretsFile}\n` +
      (process.env['INFLUX_URL'] ? `Metrics: written to InfluxDB at ${URL.canParse(process.env['INFLUX_URL']) ? new URL(process.env['INFLUX_URL']).origin : 'INFLUX_URL'} (dashboards: docs/dashboards-quickstart.md)\n` : '') +
      'Stop with Ctrl-C.\n',
  );
  await new Promise<void>((resolveStop) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      pipeline.stop().then(resolveStop, (err: unknown) => {
        logger.error({ err }, 'graceful stop failed');
        resolveStop();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

function describeCounts(counts: InputFile['counts']): string {
  const rejected = counts.rejected > 0 ? `, ${counts.rejected} rejected (they go to the dead-letter topic and show on the page)` : '';
  const duplicates = counts.duplicates > 0 ? `, ${counts.duplicates} repeat an earlier row` : '';
  return `${counts.records} records, ${counts.accepted} accepted${duplicates}${rejected}`;
}
