// Secrets for the embedded demo (`npm start`). Keys given in the environment are
// used as they are; missing ones are generated once and kept in a 0600 file under
// var/ so pseudonyms stay stable across restarts of the demo. They are never logged.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createApiKey, type ApiKeyRecord } from '@tocsin/http';
import { parseKey } from '@tocsin/ingest';

export interface EmbeddedSecrets {
  pseudonymKey: Buffer;
  deadLetterKey: Buffer;
  /** Operator key that encrypts webhook secrets at rest. */
  secretsKey: Buffer;
  /** Demo API keys, shown to the person running the demo, never logged. */
  apiKeys: Array<{ label: string; key: string; record: ApiKeyRecord }>;
}

interface StoredSecrets {
  pseudonymKey: string;
  deadLetterKey: string;
  secretsKey: string;
  apiKeys: EmbeddedSecrets['apiKeys'];
}

/** A key from the environment, checked as the services check it (32 bytes, hex or base64). */
function fromEnv(env: NodeJS.ProcessEnv, name: string): Buffer | null {
  const raw = env[name]?.trim();
  return raw ? parseKey(name, raw, { min: 32, exact: true }) : null;
}

/** The demo's analyst: tunes the detectors (detectors:tune) and reads alerts, nothing else. */
export const ANALYST_LABEL = 'analyst (alerts:read, detectors:tune)';

function writeSecrets(file: string, stored: StoredSecrets): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function loadEmbeddedSecrets(file: string, env: NodeJS.ProcessEnv): EmbeddedSecrets {
  let stored: StoredSecrets;
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
  } else {
    const desk = createApiKey({ agency: 'watch-desk', country: 'NL', scopes: ['admin'] });
    const agency = createApiKey({ agency: 'fr-ocrtis', country: 'FR', scopes: ['alerts:read', 'subscriptions:manage'] });
    stored = {
      pseudonymKey: randomBytes(32).toString('hex'),
      deadLetterKey: randomBytes(32).toString('hex'),
      secretsKey: randomBytes(32).toString('hex'),
      apiKeys: [
        { label: 'watch desk (admin)', ...desk },
        { label: 'demo agency fr-ocrtis (alerts:read, subscriptions:manage)', ...agency },
      ],
    };
    writeSecrets(file, stored);
  }
  // Demo secrets from before the tuning scope lack the analyst's key: add it once.
  if (!stored.apiKeys.some((k) => k.record.scopes.includes('detectors:tune'))) {
    stored.apiKeys.push({ label: ANALYST_LABEL, ...createApiKey({ agency: 'watch-desk', country: 'NL', scopes: ['alerts:read', 'detectors:tune'] }) });
    writeSecrets(file, stored);
  }
  return {
    pseudonymKey: fromEnv(env, 'TOCSIN_PSEUDONYM_KEY') ?? Buffer.from(stored.pseudonymKey, 'hex'),
    deadLetterKey: fromEnv(env, 'TOCSIN_DLQ_KEY') ?? Buffer.from(stored.deadLetterKey, 'hex'),
    secretsKey: fromEnv(env, 'TOCSIN_SECRETS_KEY') ?? Buffer.from(stored.secretsKey, 'hex'),
    apiKeys: stored.apiKeys,
  };
}
