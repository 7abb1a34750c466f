// `tocsin simulate`: generate partner feeds from a seed, to Kafka or to stdout as
// JSONL, and optionally write the ground truth of the injected trends.
import { once } from 'node:events';
import { createKafkaBus, createLogger, type Bus, type Incident } from '@tocsin/core';
import { SimulatorError } from './errors';
import { runSimulation, streamScenario, writeGroundTruth, type SimulationResult } from './run';
import { createScenario } from './scenario';
import type { EncodedRecord } from './wire';

export const SIMULATE_HELP = `usage: tocsin simulate [options]

  --seed N             random seed (default 42); same seed, same bytes
  --start YYYY-MM-DD   first simulated day (default 2025-01-01)
  --days N             simulated days (default 365)
  --rate N             mean baseline incidents per day (default ~330)
  --partners N         number of partner agencies, 2-19 (default 19)
  --trends default|none  inject the standard trends or none (default: default)
  --extra-surges N     add N random method surges (benchmarks)
  --order arrival|event  send in reported_at (default) or occurred_at order
  --speed N|max        simulated days per real second, or max (default max)
  --out-truth FILE     write the ground truth of injected trends as JSON
  --kafka HOST:PORT[,HOST:PORT]  produce to Kafka (KAFKA_BROKERS is used when set)
  --stdout jsonl       print one {"partner","key","value"} JSON line per record
  --stdout incidents   print one canonical incident (incident.v1) per line, as fast as possible
                       (the input of tocsin backtest and tocsin start --input)
`;

export interface SimulateIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** What the command needs from its surroundings; tests inject a memory bus and an env. */
export interface SimulateDeps {
  env?: Record<string, string | undefined>;
  createBus?: (brokers: string[]) => Bus;
  signal?: AbortSignal;
}

interface Flags {
  seed: number;
  start: string;
  days: number;
  rate?: number;
  partners?: number;
  trends: 'default' | 'none';
  extraSurges: number;
  order: 'arrival' | 'event';
  speed: number | 'max';
  outTruth?: string;
  kafka?: string[];
  stdout: boolean;
  /** What --stdout prints: partner records (jsonl) or canonical incidents. */
  stdoutFormat: 'jsonl' | 'incidents';
  help: boolean;
}

const VALUE_FLAGS = ['--seed', '--start', '--days', '--rate', '--partners', '--trends', '--extra-surges', '--order', '--speed', '--out-truth', '--kafka', '--stdout'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function badFlag(message: string): never {
  throw new SimulatorError('bad_flag', message);
}

function integer(flag: string, raw: string, min: number): number {
  if (!/^\d+$/.test(raw)) badFlag(`${flag} must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) badFlag(`${flag} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

function positive(flag: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) badFlag(`${flag} must be a positive number, got "${raw}"`);
  return n;
}

function brokers(raw: string): string[] {
  const list = raw.split(',').map((b) => b.trim()).filter((b) => b.length > 0);
  if (list.length === 0 || list.some((b) => !/^[A-Za-z0-9.[\]:-]+:\d{1,5}$/.test(b))) badFlag(`--kafka must be host:port[,host:port...], got "${raw}"`);
  return list;
}

export function parseSimulateFlags(argv: readonly string[]): Flags {
  const flags: Flags = { seed: 42, start: '2025-01-01', days: 365, trends: 'default', extraSurges: 0, order: 'arrival', speed: 'max', stdout: false, stdoutFormat: 'jsonl', help: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      flags.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(VALUE_FLAGS as readonly string[]).includes(name)) badFlag(`unknown flag "${arg}"; run tocsin simulate --help`);
    if (seen.has(name)) badFlag(`${name} given twice`);
    seen.add(name);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) badFlag(`${name} needs a value`);
    switch (name as ValueFlag) {
      case '--seed': flags.seed = integer(name, value, 0); break;
      case '--start': flags.start = value; break;
      case '--days': flags.days = integer(name, value, 1); break;
      case '--rate': flags.rate = positive(name, value); break;
      case '--partners': flags.partners = integer(name, value, 1); break;
      case '--extra-surges': flags.extraSurges = integer(name, value, 0); break;
      case '--out-truth': flags.outTruth = value; break;
      case '--kafka': flags.kafka = brokers(value); break;
      case '--trends':
        if (value !== 'default' && value !== 'none') badFlag(`--trends must be default or none, got "${value}"`);
        flags.trends = value;
        break;
      case '--order':
        if (value !== 'arrival' && value !== 'event') badFlag(`--order must be arrival or event, got "${value}"`);
        flags.order = value;
        break;
      case '--speed': flags.speed = value === 'max' ? 'max' : positive(name, value); break;
      case '--stdout':
        if (value !== 'jsonl' && value !== 'incidents') badFlag(`--stdout supports jsonl or incidents, got "${value}"`);
        flags.stdout = true;
        flags.stdoutFormat = value;
        break;
    }
  }
  if (flags.stdout && flags.kafka) badFlag('choose one output: --kafka or --stdout jsonl, not both');
  if (flags.stdoutFormat === 'incidents' && flags.speed !== 'max') badFlag('--stdout incidents writes as fast as possible; --speed does not apply');
  return flags;
}

async function writeJsonl(out: NodeJS.WritableStream, records: EncodedRecord[], stop: AbortSignal): Promise<void> {
  if (stop.aborted) return;
  let text = '';
  for (const r of records) text += JSON.stringify({ partner: r.partner, key: r.key, value: r.value.toString('utf8') }) + '\n';
  if (!out.write(text)) await Promise.race([once(out, 'drain'), once(stop, 'abort')]);
}

/** Canonical incidents, one JSON line each, in the order given; stops quietly on abort (closed pipe). */
async function writeIncidents(out: NodeJS.WritableStream, incidents: Iterable<Incident>, stop: AbortSignal): Promise<SimulationResult> {
  const began = Date.now();
  const byPartner: Record<string, number> = {};
  let produced = 0;
  let text = '';
  for (const incident of incidents) {
    if (stop.aborted) break;
    text += `${JSON.stringify(incident)}\n`;
    byPartner[incident.partner] = (byPartner[incident.partner] ?? 0) + 1;
    produced++;
    if (text.length > 1 << 16) {
      if (!out.write(text)) await Promise.race([once(out, 'drain'), once(stop, 'abort')]);
      text = '';
    }
  }
  if (!stop.aborted && text) out.write(text);
  return { produced, byPartner, aborted: stop.aborted, elapsedMs: Date.now() - began };
}

export async function runSimulateCommand(argv: string[], io: SimulateIo, deps: SimulateDeps = {}): Promise<number> {
  let flags: Flags;
  let scenario;
  try {
    flags = parseSimulateFlags(argv);
    if (flags.help) {
      io.stdout.write(SIMULATE_HELP);
      return 0;
    }
    scenario = createScenario({
      seed: flags.seed, start: flags.start, days: flags.days, trends: flags.trends, extraSurges: flags.extraSurges,
      ...(flags.rate !== undefined ? { ratePerDay: flags.rate } : {}),
      ...(flags.partners !== undefined ? { partners: flags.partners } : {}),
    });
  } catch (err) {
    if (err instanceof SimulatorError) {
      io.stderr.write(`tocsin simulate: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const env = deps.env ?? process.env;
  const kafkaBrokers = flags.kafka ?? (flags.stdout ? undefined : env['KAFKA_BROKERS'] ? brokersFromEnv(env['KAFKA_BROKERS']) : undefined);
  if (!flags.stdout && !kafkaBrokers && !flags.outTruth) {
    io.stderr.write('tocsin simulate: no output; give --kafka host:port (or set KAFKA_BROKERS), --stdout jsonl, or --out-truth FILE\n');
    return 2;
  }
  if (kafkaBrokers === null) {
    io.stderr.write(`tocsin simulate: KAFKA_BROKERS must be host:port[,host:port...], got "${env['KAFKA_BROKERS']}"\n`);
    return 2;
  }

  if (flags.outTruth) {
    try {
      await writeGroundTruth(flags.outTruth, scenario);
    } catch (err) {
      io.stderr.write(`tocsin simulate: cannot write ground truth to ${flags.outTruth}: ${(err as Error).message}\n`);
      return 1;
    }
  }

  const streamOptions = { speed: flags.speed, order: flags.order, ...(deps.signal ? { signal: deps.signal } : {}) };
  let result: SimulationResult | undefined;
  if (flags.stdout) {
    // A closed pipe (`| head`) ends the run quietly, as Unix tools do; other write errors fail it.
    const stop = new AbortController();
    let writeError: Error | undefined;
    const onError = (err: Error): void => {
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') writeError = err;
      stop.abort();
    };
    io.stdout.on('error', onError);
    deps.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    try {
      result = flags.stdoutFormat === 'incidents'
        ? await writeIncidents(io.stdout, flags.order === 'event' ? scenario.incidents() : scenario.arrivals(), stop.signal)
        : await streamScenario(scenario, { ...streamOptions, signal: stop.signal }, (records) => writeJsonl(io.stdout, records, stop.signal));
    } finally {
      io.stdout.off('error', onError);
    }
    if (writeError) {
      io.stderr.write(`tocsin simulate: writing to stdout failed: ${writeError.message}\n`);
      return 1;
    }
  } else if (kafkaBrokers) {
    const bus = deps.createBus
      ? deps.createBus(kafkaBrokers)
      : createKafkaBus({ brokers: kafkaBrokers, clientId: 'tocsin-simulator', logger: createLogger('simulator') });
    try {
      result = await runSimulation({ bus, scenario, ...streamOptions });
    } catch (err) {
      io.stderr.write(`tocsin simulate: producing to Kafka at ${kafkaBrokers.join(',')} failed: ${(err as Error).message}\n`);
      return 1;
    } finally {
      await bus.close();
    }
  }
  const summary = result
    ? `${result.produced} records from ${scenario.partners.length} partners in ${(result.elapsedMs / 1000).toFixed(1)} s${result.aborted ? ' (stopped early)' : ''}`
    : 'no records produced';
  io.stderr.write(`tocsin simulate: ${summary}; ${scenario.groundTruth.length} trends${flags.outTruth ? ` written to ${flags.outTruth}` : ''}\n`);
  return 0;
}

/** KAFKA_BROKERS parsed like --kafka; null when malformed. */
function brokersFromEnv(raw: string): string[] | null {
  try {
    return brokers(raw);
  } catch {
    return null;
  }
}
