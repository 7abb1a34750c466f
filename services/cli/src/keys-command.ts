// `tocsin keys create`: makes a per-agency API key. Prints the key once (to
// stdout, for the operator to hand over) and the record to add to the keys file
// (only the hash is stored).
import { createApiKey, SCOPES, type Scope } from '@tocsin/http';
import type { CommandIo } from './io';

const USAGE = 'usage: tocsin keys create --agency <id> --country <ISO alpha-2> --scope <alerts:read|subscriptions:manage|detectors:tune|admin> [--scope ...]';

export async function runKeysCommand(argv: string[], io: CommandIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`tocsin keys: ${message}\n`);
    return 2;
  };
  if (argv[0] !== 'create') return fail(USAGE);
  let agency: string | undefined;
  let country: string | undefined;
  const scopes: Scope[] = [];
  for (let i = 1; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) return fail(`${flag} needs a value; ${USAGE}`);
    if (flag === '--agency') agency = value;
    else if (flag === '--country') country = value;
    else if (flag === '--scope') {
      if (!SCOPES.includes(value as Scope)) return fail(`unknown scope "${value}"; scopes: ${SCOPES.join(', ')}`);
      scopes.push(value as Scope);
    } else return fail(`unknown flag ${flag}; ${USAGE}`);
  }
  if (!agency || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(agency)) return fail('--agency must be a lower-case id like fr-ocrtis');
  if (!country || !/^[A-Z]{2}$/.test(country)) return fail('--country must be an ISO 3166-1 alpha-2 code like FR');
  if (scopes.length === 0) return fail(`at least one --scope is needed; ${USAGE}`);
  const { key, record } = createApiKey({ agency, country, scopes });
  io.stdout.write(`${JSON.stringify({ key, record }, null, 2)}\n`);
  io.stderr.write('Hand the key to the agency over a secure channel; add only "record" to the keys file (TOCSIN_API_KEYS_FILE).\n');
  return 0;
}
