// `tocsin score`: run one count detector over one series read from stdin as CSV.
//
//   tocsin score --detector <id> [--param name=value ...] < in.csv > out.csv
//   tocsin score --list
//
// Exit codes: 0 success; 1 bad input data or a detector failure; 2 bad command line
// (unknown option, detector or parameter, bad parameter value).
import { readScoreInput, formatScoreOutput } from './csv';
import { DetectorError, type DetectorErrorCode } from './errors';
import { parseParams } from './params';
import { countDetectors, getCountDetector } from './registry';
import type { CountDetector } from './types';

export interface ScoreCommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = 'usage: tocsin score --detector <id> [--param name=value ...] < in.csv > out.csv | tocsin score --list';
const DEFAULT_FREQ = 52;

/** Command-line misuse exits 2, bad data and failed fits exit 1. */
const USAGE_ERRORS: readonly DetectorErrorCode[] = ['DETECTOR_UNKNOWN', 'PARAM_UNKNOWN', 'PARAM_INVALID'];

class UsageError extends Error {}

interface ParsedArgs {
  list: boolean;
  help: boolean;
  detector?: string;
  params: string[];
}

function parseArgs(argv: readonly string[]): ParsedArgs {
  const args: ParsedArgs = { list: false, help: false, params: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`option ${name} needs a value`);
      i++;
      return next;
    };
    switch (name) {
      case '--list':
        args.list = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--detector':
      case '-d':
        args.detector = value();
        break;
      case '--param':
      case '-p':
        args.params.push(value());
        break;
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return args;
}

function describeDetectors(): string {
  const out: string[] = [];
  for (const d of countDetectors) {
    out.push(`${d.id} (v${d.version}) - ${d.description}`);
    out.push(`  mirrors: ${d.reference}`);
    for (const p of d.params) {
      const dflt = p.default === undefined || p.default === null ? 'see description' : String(p.default);
      const choices = p.values ? ` [${p.values.join('|')}]` : '';
      out.push(`  ${p.name} (${p.type}${choices}, default ${dflt}): ${p.description}`);
    }
  }
  out.push('all detectors: freq (integer, default 52): periods per year');
  return out.join('\n') + '\n';
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Splits off the command's own `freq` parameter from the detector's parameters. */
function takeFreq(pairs: readonly string[]): { freq: number; rest: string[] } {
  let freq = DEFAULT_FREQ;
  const rest: string[] = [];
  for (const pair of pairs) {
    const [name, ...value] = pair.split('=');
    if (name?.trim() !== 'freq') {
      rest.push(pair);
      continue;
    }
    const raw = value.join('=').trim();
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new DetectorError('PARAM_INVALID', `parameter freq="${raw}" is not a positive integer`);
    freq = Number(raw);
  }
  return { freq, rest };
}

function checkRange(detector: CountDetector, params: ReturnType<typeof parseParams>, n: number): void {
  const range = params['range'];
  if (Array.isArray(range) && range[0] > n) {
    throw new DetectorError('PARAM_INVALID', `${detector.id}: range ${range[0]}:${range[1]} starts after the last row (${n})`);
  }
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, '; ');
}

/** Runs `tocsin score` with the given arguments (without the `score` word) and streams; returns the exit code. */
export async function runScoreCommand(argv: string[], io: ScoreCommandIo): Promise<number> {
  const fail = (code: number, message: string): number => {
    io.stderr.write(`tocsin score: ${oneLine(message)}\n`);
    return code;
  };
  try {
    const args = parseArgs(argv);
    if (args.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (args.list) {
      io.stdout.write(describeDetectors());
      return 0;
    }
    if (!args.detector) return fail(2, `missing --detector (${USAGE})`);
    const detector = getCountDetector(args.detector);
    const { freq, rest } = takeFreq(args.params);
    const params = parseParams(detector, rest);
    const input = readScoreInput(await readAll(io.stdin), freq);
    checkRange(detector, params, input.series.counts.length);
    const rows = detector.run(input.series, params);
    io.stdout.write(formatScoreOutput(input.t, rows));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return fail(2, `${err.message} (${USAGE})`);
    if (err instanceof DetectorError) return fail(USAGE_ERRORS.includes(err.code) ? 2 : 1, err.message);
    return fail(1, `internal error: ${err instanceof Error ? err.message : String(err)}`);
  }
}
