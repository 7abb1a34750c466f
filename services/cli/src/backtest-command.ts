// `tocsin backtest`: what would this configuration have raised on this incident history,
// and who would have been told? Runs the file through the services' own code in event time
// (backtest-run.ts) and writes rejected.ndjson, signals.ndjson, alerts.ndjson, deliveries
// (with --subscriptions), summary.json and a self-contained report.html into --out.
// Progress on stderr; exit 0 on success, 2 on bad usage or unreadable input.
import { createWriteStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { once } from 'node:events';
import type { Alert, PartnerConfig } from '@tocsin/core';
import { DEFAULT_CONFIG_PATH, loadPlan, type DetectorPlan } from '@tocsin/detect';
import { parseKey } from '@tocsin/ingest';
import { readGroundTruth } from '@tocsin/simulator';
import type { CommandIo } from './io';
import { loadMappingPartner, MAX_INPUT_BYTES } from './input-file';
import { parseSubscriptions, runBacktest, type BacktestProgress, type BacktestRun, type BacktestTruth } from './backtest-run';
import { renderReport } from './backtest-report';

const USAGE = `usage: tocsin backtest --input <file.csv|file.ndjson|-> [--mapping partner.json [--partner id]]
                       [--config detector-config.json] [--subscriptions subs.json]
                       [--truth truth.json | --labels alerts.json] --out <dir> [--quiet]
  --input          canonical incident JSON lines (each names its partner), or with --mapping a
                   partner's file (CSV or JSON) read through that mapping; - reads stdin
  --mapping        partner config (schemas/partner-config.v1), or a partners file with --partner
  --config         detector configuration (default ${DEFAULT_CONFIG_PATH})
  --subscriptions  subscribers (schemas/backtest-subscriptions.v1): deliveries each would get
  --truth          the simulator's ground-truth file (tocsin simulate --out-truth): TP/FP, delays
  --labels         a labelled alert history (alert.v1 records, JSON array, {"alerts": [...]} or
                   lines) scored by the desk's true/false positive labels
  --out            output folder (created): report.html, alerts.ndjson, signals.ndjson,
                   rejected.ndjson, deliveries.ndjson, summary.json
  --quiet          nothing on stderr but errors (no progress, no closing summary)
  Pseudonyms use TOCSIN_PSEUDONYM_KEY when set (the same tokens as ingest), else a random key.
  exit 0: done; 2: usage, input or configuration error`;

interface Flags {
  input?: string;
  mapping?: string;
  partner?: string;
  config?: string;
  subscriptions?: string;
  truth?: string;
  labels?: string;
  out?: string;
  quiet: boolean;
}

const VALUE_FLAGS: Record<string, keyof Flags> = {
  '--input': 'input', '--mapping': 'mapping', '--partner': 'partner', '--config': 'config',
  '--subscriptions': 'subscriptions', '--truth': 'truth', '--labels': 'labels', '--out': 'out',
};

export function parseBacktestFlags(argv: readonly string[]): Flags {
  const flags: Flags = { quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quiet') { flags.quiet = true; continue; }
    const name = VALUE_FLAGS[arg];
    if (!name) throw new Error(`unknown flag ${JSON.stringify(arg)}`);
    const value = argv[++i];
    if (value === undefined || (value.startsWith('--') && value !== '-')) throw new Error(`${arg} needs a value`);
    if (flags[name] !== undefined) throw new Error(`${arg} given twice`);
    (flags as unknown as Record<string, string>)[name] = value;
  }
  if (!flags.input) throw new Error('--input is required (a file, or - for stdin)');
  if (!flags.out) throw new Error('--out is required (the folder for the report and outputs)');
  if (flags.truth && flags.labels) throw new Error('score against --truth or --labels, not both');
  if (flags.partner && !flags.mapping) throw new Error('--partner picks one partner of a --mapping file');
  return flags;
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${what} ${path} cannot be read as JSON: ${(error as Error).message}`);
  }
}

/** Alert records of a labelled history: a JSON array, the API's { alerts: [...] }, or JSON lines. */
export function parseLabels(text: string, path: string): Alert[] {
  const trimmed = text.trim();
  let records: unknown;
  try {
    records = trimmed.startsWith('[') || trimmed.startsWith('{"alerts"') ? JSON.parse(trimmed) : trimmed.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
  } catch (error) {
    throw new Error(`--labels ${path} is neither JSON nor JSON lines: ${(error as Error).message}`);
  }
  const list = Array.isArray(records) ? records : (records as { alerts?: unknown }).alerts;
  if (!Array.isArray(list)) throw new Error(`--labels ${path} holds no list of alerts`);
  list.forEach((a, i) => {
    const alert = a as Partial<Alert> | null;
    if (!alert || typeof alert.id !== 'string' || typeof alert.episode !== 'number') throw new Error(`--labels ${path}: record ${i + 1} is not an alert (no id and episode)`);
  });
  return list as Alert[];
}

/** The whole input (it is read into memory, as `tocsin start --input` reads it): at most MAX_INPUT_BYTES. */
async function readInput(path: string, io: CommandIo): Promise<Buffer> {
  const tooBig = (): Error => new Error(`${path === '-' ? 'standard input' : path} has more than ${MAX_INPUT_BYTES} bytes, the limit of one backtest (split it)`);
  if (path !== '-') {
    if (statSync(path).size > MAX_INPUT_BYTES) throw tooBig();
    return readFileSync(path);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += bytes.length;
    if (size > MAX_INPUT_BYTES) throw tooBig();
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

async function writeLines(path: string, items: Iterable<unknown>): Promise<void> {
  const out = createWriteStream(path);
  let buffer = '';
  for (const item of items) {
    buffer += `${JSON.stringify(item)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

function progressLine(p: BacktestProgress): string {
  const at = p.eventTime === null ? '' : `, simulated date ${new Date(p.eventTime).toISOString().slice(0, 10)}`;
  return `tocsin backtest: ${p.phase} ${p.records} records${at}, ${Math.round(p.perSecond)}/s\n`;
}

/** summary.json: the run's figures without the bulky parts. */
function summaryOf(run: BacktestRun, flags: Flags): object {
  return {
    input: flags.input, mapping: flags.mapping ?? null, config: flags.config ?? DEFAULT_CONFIG_PATH,
    read: run.read, incidents: run.incidents, first_event: run.firstEvent, last_event: run.lastEvent, late_dropped: run.lateDropped,
    signals: run.signals.length, alerts: run.episodes.length, deliveries: run.deliveries?.length ?? null,
    scored_by: run.scoredBy, alert_table: run.alertTable, truth_table: run.truthTable, seconds: run.seconds, records_per_second: Math.round(run.rate),
    multiple_testing_families: run.families,
  };
}

export async function runBacktestCommand(argv: string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help')) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let flags: Flags;
  try {
    flags = parseBacktestFlags(argv);
  } catch (error) {
    io.stderr.write(`tocsin backtest: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let partner: PartnerConfig | undefined;
  let plan: DetectorPlan;
  let truth: BacktestTruth | undefined;
  let labels: Alert[] | undefined;
  let subscriptions;
  let file: Buffer;
  try {
    partner = flags.mapping ? loadMappingPartner(flags.mapping, flags.partner) : undefined;
    plan = loadPlan(flags.config ?? DEFAULT_CONFIG_PATH);
    if (flags.subscriptions) subscriptions = parseSubscriptions(readJson(flags.subscriptions, '--subscriptions'));
    if (flags.truth) truth = (await readGroundTruth(flags.truth)) as unknown as BacktestTruth;
    if (flags.labels) labels = parseLabels(readFileSync(flags.labels, 'utf8'), flags.labels);
    file = await readInput(flags.input!, io);
  } catch (error) {
    io.stderr.write(`tocsin backtest: ${(error as Error).message}\n`);
    return 2;
  }
  const rawKey = env['TOCSIN_PSEUDONYM_KEY']?.trim();
  let run: BacktestRun;
  try {
    run = runBacktest({
      file, plan,
      ...(partner ? { partner } : {}),
      ...(subscriptions ? { subscriptions } : {}),
      ...(truth ? { truth } : {}),
      ...(labels ? { labels } : {}),
      ...(rawKey ? { pseudonymKey: parseKey('TOCSIN_PSEUDONYM_KEY', rawKey, { min: 32 }) } : {}),
      ...(env['TOCSIN_TAXONOMY_DIR']?.trim() ? { taxonomyDir: env['TOCSIN_TAXONOMY_DIR'].trim() } : {}),
      ...(flags.quiet ? {} : { onProgress: (p: BacktestProgress) => io.stderr.write(progressLine(p)) }),
    });
  } catch (error) {
    // Only a file that cannot be cut into records at all (unbalanced CSV quotes, a broken JSON array).
    io.stderr.write(`tocsin backtest: ${flags.input}: ${(error as Error).message}\n`);
    return 2;
  }
  const out = resolve(flags.out!);
  mkdirSync(out, { recursive: true });
  await writeLines(join(out, 'rejected.ndjson'), run.rejections);
  await writeLines(join(out, 'signals.ndjson'), run.signals);
  await writeLines(join(out, 'alerts.ndjson'), run.episodes);
  if (run.deliveries) await writeLines(join(out, 'deliveries.ndjson'), run.deliveries);
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summaryOf(run, flags), null, 2)}\n`);
  const shown = { input: flags.input === '-' ? 'standard input' : basename(flags.input!), config: flags.config ? basename(flags.config) : 'the default (deploy/detector-config.v1.json)' };
  writeFileSync(join(out, 'report.html'), renderReport(run, { ...shown, ...(flags.mapping ? { mapping: basename(flags.mapping) } : {}), trends: truth?.trends ?? null }));
  if (flags.quiet) return 0;
  const rejected = Object.entries(run.read.byReason).map(([r, n]) => `${r} ${n}`).join(', ');
  io.stderr.write(
    `tocsin backtest: ${run.read.records} records (${run.read.accepted} accepted, ${run.read.duplicates} duplicates, ${run.read.rejected} rejected${rejected ? `: ${rejected}` : ''}), ` +
      `${run.signals.length} signals, ${run.episodes.length} alerts${run.deliveries ? `, ${run.deliveries.length} deliveries` : ''}; ` +
      `${run.seconds.total.toFixed(1)} s, ${Math.round(run.rate)} records/s; report: ${join(out, 'report.html')}\n`,
  );
  return 0;
}
