// `tocsin mapping check --mapping m.json <file>`: dry-runs a partner file through a partner
// mapping on ingest's own code path and prints accepted/rejected counts per reason with
// examples (values quoted, person values only as pseudonyms), so a mapping can be fixed
// in seconds. Nothing is sent anywhere. Exit 0: every row accepted; 1: some rejected;
// 2: bad usage, unreadable file or invalid mapping.
import { readFileSync } from 'node:fs';
import { checkMapping, formatMappingCheck, parseKey } from '@tocsin/ingest';
import { loadMappingPartner } from './input-file';
import type { CommandIo } from './io';

const USAGE = `usage: tocsin mapping check --mapping <partner.json> [--partner <id>] [--examples N] [--show N] [--json] <file>
  --mapping   one partner config (schemas/partner-config.v1) or a partners file (an array; pick one with --partner)
  --examples  rejected rows shown per reason (default 3)
  --show      accepted incidents printed as JSON (default 0)
  --json      the report as JSON
  Pseudonyms in messages use TOCSIN_PSEUDONYM_KEY when set (the same tokens as ingest), else a random key.
  exit 0: every row accepted; 1: some rows rejected; 2: usage, file or mapping error`;

interface Flags {
  mapping?: string;
  partner?: string;
  examples: number;
  show: number;
  json: boolean;
  file?: string;
}

function count(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number, got ${JSON.stringify(value ?? '')}`);
  return n;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { examples: 3, show: 0, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') flags.json = true;
    else if (arg === '--mapping') flags.mapping = argv[++i];
    else if (arg === '--partner') flags.partner = argv[++i];
    else if (arg === '--examples') flags.examples = count(arg, argv[++i]);
    else if (arg === '--show') flags.show = count(arg, argv[++i]);
    else if (arg.startsWith('--')) throw new Error(`unknown flag ${arg}`);
    else if (flags.file === undefined) flags.file = arg;
    else throw new Error(`one file at a time, got ${JSON.stringify(flags.file)} and ${JSON.stringify(arg)}`);
  }
  if (!flags.mapping) throw new Error('--mapping is required');
  if (!flags.file) throw new Error('the file to check is required');
  return flags;
}

export async function runMappingCommand(argv: string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || rest.includes('--help')) {
    (action === undefined ? io.stderr : io.stdout).write(`${USAGE}\n`);
    return action === undefined ? 2 : 0;
  }
  let flags: Flags;
  try {
    if (action !== 'check') throw new Error(`unknown action ${JSON.stringify(action)}`);
    flags = parseFlags(rest);
  } catch (error) {
    io.stderr.write(`tocsin mapping: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const partner = loadMappingPartner(flags.mapping!, flags.partner);
    const file = readFileSync(flags.file!);
    const rawKey = env['TOCSIN_PSEUDONYM_KEY']?.trim();
    const report = checkMapping({
      partner,
      file,
      examples: flags.examples,
      sample: flags.show,
      ...(rawKey ? { pseudonymKey: parseKey('TOCSIN_PSEUDONYM_KEY', rawKey, { min: 32 }) } : {}),
      ...(env['TOCSIN_TAXONOMY_DIR']?.trim() ? { taxonomyDir: env['TOCSIN_TAXONOMY_DIR'].trim() } : {}),
    });
    io.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatMappingCheck(report, flags.file!, partner));
    return report.rejected === 0 ? 0 : 1;
  } catch (error) {
    io.stderr.write(`tocsin mapping: ${(error as Error).message}\n`);
    return 2;
  }
}
