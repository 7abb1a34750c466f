// `tocsin dead-letter list|show`: what operators need to act on rejected records.
// Reads dead-letter.v1 from Kafka (KAFKA_BROKERS, read-only, no consumer-group
// commits) or from a JSONL file (--file), and decrypts an original with
// TOCSIN_DLQ_KEY. Decrypted originals may hold personal data: they go to stdout
// only, never to a log.
import { readFileSync } from 'node:fs';
import { compileValidator, createKafkaBus, createLogger, csvRow, decodeJson, kafkaConnectionFromEnv, TOPICS, type DeadLetter } from '@tocsin/core';
import { decryptDeadLetterOriginal, parseKey } from '@tocsin/ingest';
import type { CommandIo } from './io';

const USAGE = `usage: tocsin dead-letter list [--reason R] [--partner P] [--limit N] [--format jsonl|csv] [--file dead-letters.jsonl]
       tocsin dead-letter show <id> [--file dead-letters.jsonl]   (needs TOCSIN_DLQ_KEY)`;

const LIST_COLUMNS = ['id', 'produced_at', 'stage', 'partner', 'reason', 'pointer', 'row', 'message'] as const;

interface Flags {
  reason?: string;
  partner?: string;
  limit: number;
  format: 'jsonl' | 'csv';
  file?: string;
  positional: string[];
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { limit: 100, format: 'jsonl', positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      flags.positional.push(arg);
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    if (arg === '--reason') flags.reason = value;
    else if (arg === '--partner') flags.partner = value;
    else if (arg === '--file') flags.file = value;
    else if (arg === '--format') {
      if (value !== 'jsonl' && value !== 'csv') throw new Error('--format must be jsonl or csv');
      flags.format = value;
    }
    else if (arg === '--limit') {
      flags.limit = Number(value);
      if (!Number.isInteger(flags.limit) || flags.limit < 1) throw new Error('--limit must be a positive integer');
    } else throw new Error(`unknown flag ${arg}`);
  }
  return flags;
}

async function readDeadLetters(flags: Flags, env: NodeJS.ProcessEnv): Promise<DeadLetter[]> {
  const validate = compileValidator<DeadLetter>('dead-letter.v1');
  const letters: DeadLetter[] = [];
  const add = (raw: unknown, where: string) => {
    const result = validate(raw);
    if (!result.ok) throw new Error(`${where} is not a dead letter: ${result.errors[0]?.pointer} ${result.errors[0]?.message}`);
    letters.push(result.value);
  };
  if (flags.file) {
    readFileSync(flags.file, 'utf8').split('\n').forEach((line, i) => {
      if (line.trim()) add(JSON.parse(line), `${flags.file}:${i + 1}`);
    });
    return letters;
  }
  const bus = createKafkaBus({ ...kafkaConnectionFromEnv(env), clientId: 'tocsin-dead-letter-cli', logger: createLogger('dead-letter', { level: 'warn' }) });
  try {
    await bus.readToEnd(TOPICS.deadLetter.name, (m) => add(decodeJson(m.value), `${m.topic}:${m.partition}:${m.offset}`));
  } finally {
    await bus.close();
  }
  return letters;
}

export async function runDeadLetterCommand(argv: string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [action, ...rest] = argv;
  let flags: Flags;
  try {
    flags = parseFlags(rest);
    if (action !== 'list' && action !== 'show') throw new Error(USAGE);
    if (action === 'show' && flags.positional.length !== 1) throw new Error(`show needs exactly one dead-letter id\n${USAGE}`);
    if (action === 'list' && flags.positional.length > 0) throw new Error(`list takes no positional argument\n${USAGE}`);
  } catch (error) {
    io.stderr.write(`tocsin dead-letter: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const letters = await readDeadLetters(flags, env);
    if (action === 'list') {
      const shown = letters
        .filter((d) => !flags.reason || d.reason === flags.reason)
        .filter((d) => !flags.partner || d.partner === flags.partner)
        .slice(-flags.limit);
      const rows = shown.map((d) => ({ id: d.id, produced_at: d.produced_at, stage: d.stage, partner: d.partner, reason: d.reason, pointer: d.pointer, row: d.row, message: d.message }));
      if (flags.format === 'csv') {
        // Messages quote feed values: csvRow keeps a value like "=HYPERLINK(...)" from running in a spreadsheet.
        io.stdout.write(`${csvRow(LIST_COLUMNS)}\n`);
        for (const r of rows) io.stdout.write(`${csvRow(LIST_COLUMNS.map((c) => r[c]))}\n`);
      } else {
        for (const r of rows) io.stdout.write(`${JSON.stringify(r)}\n`);
      }
      io.stderr.write(`${shown.length} of ${letters.length} dead letters\n`);
      return 0;
    }
    const id = flags.positional[0]!;
    const letter = letters.find((d) => d.id === id);
    if (!letter) {
      io.stderr.write(`tocsin dead-letter: no dead letter with id ${id}\n`);
      return 1;
    }
    const rawKey = env['TOCSIN_DLQ_KEY']?.trim();
    if (!rawKey) {
      io.stderr.write('tocsin dead-letter: TOCSIN_DLQ_KEY is not set; it is needed to decrypt the original\n');
      return 2;
    }
    const original = decryptDeadLetterOriginal(letter, parseKey('TOCSIN_DLQ_KEY', rawKey, { min: 32, exact: true }));
    const { original: _encrypted, ...meta } = letter;
    io.stdout.write(`${JSON.stringify(meta, null, 2)}\n--- original (${original.length} of ${letter.original.size} bytes${letter.original.truncated ? ', truncated' : ''}) ---\n`);
    io.stdout.write(original);
    io.stdout.write('\n');
    return 0;
  } catch (error) {
    io.stderr.write(`tocsin dead-letter: ${(error as Error).message}\n`);
    return 1;
  }
}
