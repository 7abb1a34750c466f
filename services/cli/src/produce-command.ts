// `tocsin produce --partner <id> [--mapping m.json] <file>`: publishes a file to the partner's
// topic (partner.<id>.incidents) on a real Kafka cluster, for an agency without its own
// producer or to load history. Every row is first checked on ingest's own path (the same
// reasons and messages as its dead letters); rejected rows are reported and not sent
// (--send-rejected sends them as they are, so ingest dead-letters them). Records are sent as
// the partner sends them: a CSV header plus one row, or one JSON record, keyed by incident id.
// The bus splits each send under the broker's limits. See docs/your-own-data.md.
import { createKafkaBus, createLogger, kafkaConnectionFromEnv, partnerTopic, recordBytes, type KafkaConnection, type OutgoingMessage } from '@tocsin/core';
import { parseKey } from '@tocsin/ingest';
import { eventOrder } from './input-feed';
import { InputFileError, readInputFile, type InputFile, type InputRecord } from './input-file';
import type { CommandIo } from './io';

const USAGE = `usage: tocsin produce --partner <id> [--mapping partner.json] [--send-rejected] [--order event|file]
                      [--create-topic PARTITIONS] [--examples N] [--quiet] <file>
  --partner        the partner whose topic partner.<id>.incidents receives the file
  --mapping        its partner config (schemas/partner-config.v1; a partners file: the entry with that id);
                   without it the file is canonical incident JSON (lines or one array)
  --send-rejected  also send the rows ingest would reject, as they are (ingest dead-letters them)
  --order          event (default): accepted rows by occurred_at; file: as in the file
  --create-topic   create the topic with this many partitions when it does not exist
  --examples       rejected rows listed per reason (default 10)
  --quiet          no progress lines
  Kafka settings from the environment as for tocsin service (KAFKA_BROKERS, KAFKA_SSL, KAFKA_SASL_*).
  exit 0: every row sent; 1: rows rejected (listed; not sent without --send-rejected);
       2: usage, file, mapping or environment error (nothing sent); 3: Kafka error (the last progress line says what was acknowledged)`;

/** Records per send: the bus cuts each into produce requests under the broker's limits. */
const SEND_CHUNK = 1_000;
const PROGRESS_EVERY_MS = 1_000;

interface Flags {
  partner?: string;
  mapping?: string;
  sendRejected: boolean;
  order: 'event' | 'file';
  createPartitions?: number;
  examples: number;
  quiet: boolean;
  file?: string;
}

function wholeNumber(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min) throw new Error(`${flag} needs a whole number from ${min}, got ${JSON.stringify(value ?? '')}`);
  return n;
}

export function parseProduceFlags(argv: string[]): Flags & { partner: string; file: string } {
  const flags: Flags = { sendRejected: false, order: 'event', examples: 10, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--send-rejected') flags.sendRejected = true;
    else if (arg === '--quiet') flags.quiet = true;
    else if (arg === '--partner') flags.partner = argv[++i];
    else if (arg === '--mapping') flags.mapping = argv[++i];
    else if (arg === '--order') {
      const value = argv[++i];
      if (value !== 'event' && value !== 'file') throw new Error(`--order must be event or file, got ${JSON.stringify(value ?? '')}`);
      flags.order = value;
    } else if (arg === '--create-topic') flags.createPartitions = wholeNumber(arg, argv[++i], 1);
    else if (arg === '--examples') flags.examples = wholeNumber(arg, argv[++i], 0);
    else if (arg.startsWith('--')) throw new Error(`unknown flag ${arg}`);
    else if (flags.file === undefined) flags.file = arg;
    else throw new Error(`one file at a time, got ${JSON.stringify(flags.file)} and ${JSON.stringify(arg)}`);
  }
  if (flags.partner === undefined || flags.partner.startsWith('--')) throw new Error('--partner <id> is required');
  if (flags.mapping !== undefined && flags.mapping.startsWith('--')) throw new Error('--mapping needs a file');
  if (flags.file === undefined) throw new Error('the file to send is required');
  return flags as Flags & { partner: string; file: string };
}

/** Rejected rows per reason, up to `examples` each, as ingest's dead letters would name them. */
function rejectionReport(file: InputFile, examples: number): string {
  const byReason = new Map<string, InputRecord[]>();
  for (const r of file.records) {
    if (r.verdict !== 'rejected') continue;
    const reason = r.rejection!.reason;
    byReason.set(reason, [...(byReason.get(reason) ?? []), r]);
  }
  const lines: string[] = [];
  for (const [reason, rows] of [...byReason].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    lines.push(`rejected ${reason} ${rows.length}`);
    for (const r of rows.slice(0, examples)) lines.push(`  line ${r.line}: ${r.rejection!.message}`);
    if (rows.length > examples) lines.push(`  … ${rows.length - examples} more`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function messageOf(record: InputRecord): OutgoingMessage {
  return { key: record.key, value: record.value, headers: { 'content-type': record.contentType } };
}

export async function runProduceCommand(argv: string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help')) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let flags: ReturnType<typeof parseProduceFlags>;
  let connection: KafkaConnection;
  let file: InputFile;
  const checkStarted = Date.now();
  try {
    flags = parseProduceFlags(argv);
  } catch (error) {
    io.stderr.write(`tocsin produce: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    connection = kafkaConnectionFromEnv(env);
    const rawKey = env['TOCSIN_PSEUDONYM_KEY']?.trim();
    file = readInputFile({
      file: flags.file, partner: flags.partner, now: Date.now(),
      ...(flags.mapping !== undefined ? { mapping: flags.mapping } : {}),
      ...(env['TOCSIN_TAXONOMY_DIR']?.trim() ? { taxonomyDir: env['TOCSIN_TAXONOMY_DIR'].trim() } : {}),
      ...(rawKey ? { pseudonymKey: parseKey('TOCSIN_PSEUDONYM_KEY', rawKey, { min: 32 }) } : {}),
    });
  } catch (error) {
    io.stderr.write(`tocsin produce: ${(error as Error).message}\n`);
    return 2;
  }
  const topic = partnerTopic(flags.partner);
  const checkSeconds = (Date.now() - checkStarted) / 1000;
  io.stderr.write(rejectionReport(file, flags.examples));
  const ordered = flags.order === 'event' ? eventOrder(file.records).map((t) => t.record) : file.records;
  const chosen = ordered.filter((r) => flags.sendRejected || r.verdict !== 'rejected');

  // The Kafka client's own retries are not the user's business; a send that fails for good is
  // reported below. LOG_LEVEL=warn shows them.
  const logger = createLogger('produce', { level: env['LOG_LEVEL']?.trim() || 'fatal' });
  const bus = createKafkaBus({ ...connection, clientId: 'tocsin-produce', logger });
  const started = Date.now();
  let sent = 0;
  let lastProgress = started;
  const progress = (force: boolean): void => {
    if (flags.quiet || (!force && Date.now() - lastProgress < PROGRESS_EVERY_MS)) return;
    lastProgress = Date.now();
    const seconds = (Date.now() - started) / 1000;
    io.stderr.write(`produce: ${sent}/${chosen.length} records acknowledged by ${topic} (${Math.round(sent / Math.max(seconds, 0.001))} records/s)\n`);
  };
  try {
    if (!(await bus.listTopics()).includes(topic)) {
      if (flags.createPartitions === undefined) {
        io.stderr.write(`tocsin produce: topic ${topic} does not exist on ${connection.brokers.join(',')}; create it (docs/operations.md) or pass --create-topic PARTITIONS\n`);
        return 3;
      }
      await bus.ensureTopics([{ topic, partitions: flags.createPartitions }]);
    }
    const producer = await bus.producer();
    try {
      // A record the topic can never take fails the whole send: report it like a rejected row instead.
      const maxBytes = await producer.maxRecordBytes(topic);
      const tooLarge = chosen.filter((r) => recordBytes(messageOf(r)) > maxBytes);
      for (const r of tooLarge) io.stderr.write(`rejected too_large_for_topic: line ${r.line}: the record takes ${recordBytes(messageOf(r))} bytes, more than ${topic} takes (${maxBytes})\n`);
      const skipped = new Set(tooLarge);
      const sendable = chosen.filter((r) => !skipped.has(r));
      for (let i = 0; i < sendable.length; i += SEND_CHUNK) {
        const chunk = sendable.slice(i, i + SEND_CHUNK);
        await producer.send([{ topic, messages: chunk.map(messageOf) }]);
        sent += chunk.length;
        progress(false);
      }
      progress(true);
      const seconds = (Date.now() - started) / 1000;
      const { counts } = file;
      const notSent = chosen.length - sendable.length + (flags.sendRejected ? 0 : counts.rejected);
      io.stdout.write(
        `${flags.file}: ${counts.records} records checked in ${checkSeconds.toFixed(1)} s; sent ${sent} to ${topic} in ${seconds.toFixed(1)} s (${Math.round(sent / Math.max(seconds, 0.001))} records/s)\n` +
          `accepted ${counts.accepted}, duplicates of an earlier row ${counts.duplicates} (ingest skips them), rejected ${counts.rejected}` +
          `${counts.rejected > 0 ? (flags.sendRejected ? ' (sent as they are: ingest dead-letters them)' : ' (not sent)') : ''}` +
          `${tooLarge.length > 0 ? `, too large for the topic ${tooLarge.length} (not sent)` : ''}; not sent in all ${notSent}\n`,
      );
      return counts.rejected > 0 || tooLarge.length > 0 ? 1 : 0;
    } finally {
      await producer.close();
    }
  } catch (error) {
    progress(true);
    io.stderr.write(`tocsin produce: Kafka error after ${sent} records were acknowledged: ${(error as Error).message}\n`);
    return 3;
  } finally {
    await bus.close();
  }
}
