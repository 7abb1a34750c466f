// `tocsin start` (`npm start`): the embedded pipeline with a simulated feed and
// the watch desk on http://127.0.0.1:8080. Settings come from flags or the
// environment (flags win); see the configuration table in README.md.
import { resolve } from 'node:path';
import { createLogger } from '@tocsin/core';
import { startEmbedded } from './embedded';
import type { CommandIo } from './io';
import { VERSION } from './version';

const USAGE = 'usage: tocsin start [--port N] [--seed N] [--speed DAYS_PER_SECOND] [--days N] [--rate INCIDENTS_PER_DAY]';

interface StartSettings {
  port: number;
  seed: number;
  speed: number;
  days: number;
  rate?: number;
}

function number(name: string, raw: string | undefined, fallback: number, check: (n: number) => boolean, what: string): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new Error(`${name} must be ${what}, got "${raw}"`);
  return value;
}

export function parseStartSettings(argv: string[], env: NodeJS.ProcessEnv): StartSettings {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (!['--port', '--seed', '--speed', '--days', '--rate'].includes(flag)) throw new Error(`unknown flag ${flag}; ${USAGE}`);
    if (value === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
    flags.set(flag, value);
  }
  const int = (n: number) => Number.isInteger(n);
  const rate = flags.get('--rate') ?? env['TOCSIN_SIM_RATE'];
  return {
    port: number('PORT', flags.get('--port') ?? env['PORT'], 8080, (n) => int(n) && n >= 0 && n <= 65535, 'a port number (0-65535)'),
    seed: number('TOCSIN_SEED', flags.get('--seed') ?? env['TOCSIN_SEED'], 42, (n) => int(n) && n >= 0, 'a non-negative integer'),
    speed: number('TOCSIN_SIM_SPEED', flags.get('--speed') ?? env['TOCSIN_SIM_SPEED'], 1, (n) => n > 0 && n <= 365, 'a number of simulated days per second in (0, 365]'),
    days: number('TOCSIN_SIM_DAYS', flags.get('--days') ?? env['TOCSIN_SIM_DAYS'], 730, (n) => int(n) && n >= 1 && n <= 3650, 'a whole number of days from 1 to 3650'),
    ...(rate !== undefined ? { rate: number('TOCSIN_SIM_RATE', rate, 0, (n) => n > 0 && n <= 100_000, 'incidents per day in (0, 100000]') } : {}),
  };
}

export async function runStartCommand(argv: string[], io: CommandIo): Promise<number> {
  let settings: StartSettings;
  try {
    settings = parseStartSettings(argv, process.env);
  } catch (error) {
    io.stderr.write(`tocsin start: ${(error as Error).message}\n`);
    return 2;
  }
  const logger = createLogger('tocsin');
  const pipeline = await startEmbedded({
    port: settings.port, host: '127.0.0.1', seed: settings.seed, speed: settings.speed, days: settings.days,
    ...(settings.rate !== undefined ? { ratePerDay: settings.rate } : {}),
    varDir: resolve(process.env['TOCSIN_VAR_DIR'] ?? 'var'), version: VERSION, logger,
    ...(process.env['TOCSIN_DETECTOR_CONFIG'] ? { detectorConfigPath: process.env['TOCSIN_DETECTOR_CONFIG'] } : {}),
  });
  io.stdout.write(
    `Tocsin is running: watch desk ${pipeline.url}  (API docs ${pipeline.url}/docs)\n` +
      `Demo webhook receiver (signed alerts for the demo agency): ${pipeline.demoReceiverUrl}\n` +
      `Simulated feed: ${settings.speed} day(s) per second. Sign in on the page with a demo key from ${pipeline.secretsFile}\n` +
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
