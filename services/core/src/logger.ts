// Logging: pino, JSON lines to stderr (stdout stays free for CLI output).
// Shared code takes a Logger; only composition roots create one. Paths that can
// carry secrets or personal data are redacted whatever a caller logs.
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export const REDACTED_PATHS = [
  '*.secret', '*.secrets', '*.apiKey', '*.api_key', '*.authorization', '*.password', '*.token',
  'headers.authorization', 'headers["x-api-key"]', 'req.headers.authorization', 'req.headers["x-api-key"]',
  // Personal data: whole person lists and narratives, wherever an incident is logged. Not '*.name',
  // which would also hide err.name in error logs.
  '*.persons', '*.document_number', '*.phone', '*.narrative', 'incident.persons', 'incident.narrative', 'persons',
];

export interface LoggerOptions {
  level?: string;
  /** Where to write; defaults to stderr. Tests pass a stream to assert on output. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      name,
      level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: name },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (options.destination ?? process.stderr) as pino.DestinationStream,
  );
}

/** A logger that discards everything, for tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
