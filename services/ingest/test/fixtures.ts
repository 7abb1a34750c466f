// Shared test data: two partners (one JSON, one CSV) and a valid incident in partner terms.
import { compileValidator, loadTaxonomy, partnerTopic, type BusMessage, type Incident, type PartnerConfig } from '@tocsin/core';
import { ingestConfig, type IngestConfig } from '../src/config';
import { DedupeStore } from '../src/dedupe';
import type { ProcessContext } from '../src/process-record';
import { createPseudonymiser } from '../src/pseudonymise';

export const PSEUDONYM_KEY = Buffer.alloc(32, 7);
export const DLQ_KEY = Buffer.alloc(32, 9);
/** 2026-11-28T12:00:00Z */
export const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

export function testConfig(overrides: Partial<IngestConfig> = {}): IngestConfig {
  return ingestConfig({ pseudonymKey: PSEUDONYM_KEY, deadLetterKey: DLQ_KEY, source: 'ingest/test', ...overrides });
}

export const JSON_PARTNER: PartnerConfig = {
  id: 'nl-police',
  name: 'Netherlands police',
  country: 'NL',
  format: 'json',
  code_map: { methods: { CONT: 'concealment.container' }, category: { DRUGS: '06' } },
};

export const CSV_PARTNER: PartnerConfig = {
  id: 'fr-douane',
  name: 'French customs',
  country: 'FR',
  format: 'csv',
  timezone_offset: '+01:00',
  default_handling: { tlp: 'AMBER', source_reliability: 'B', information_credibility: '2' },
  code_map: { commodities: { COC: 'drug.cocaine', HER: 'drug.heroin' } },
  csv: {
    delimiter: ';',
    list_separator: '|',
    columns: {
      id: 'reference', occurred_at: 'date', country: 'pays', category: 'categorie', origin: 'origine',
      transit: 'transit', destination: 'destination', modality: 'mode', commodities: 'marchandises',
      quantity_value: 'quantite', quantity_unit: 'unite', narrative: 'recit', narrative_lang: 'langue',
      person_name: 'nom', person_document: 'document', person_phone: 'telephone', tlp: 'tlp',
    },
  },
};

export const CSV_HEADER = 'reference;date;pays;categorie;origine;transit;destination;mode;marchandises;quantite;unite;recit;langue;nom;document;telephone;tlp';

export function csvRow(overrides: Partial<Record<string, string>> = {}): string {
  const values: Record<string, string> = {
    reference: 'FR-1', date: '2026-11-20 08:30', pays: 'France', categorie: '06', origine: 'Maroc', transit: 'Espagne|Portugal',
    destination: 'FR', mode: 'land', marchandises: 'COC|HER', quantite: '12,5', unite: 'kg',
    recit: 'Marie Dupont arrêtée, tél. 06 12 34 56 78', langue: 'fr', nom: 'Marie Dupont', document: '12AB34567', telephone: '+33 6 12 34 56 78', tlp: 'green',
    ...overrides,
  };
  return CSV_HEADER.split(';').map((column) => values[column] ?? '').join(';');
}

/** A valid canonical-JSON incident of JSON_PARTNER, in partner terms (names, offsets, partner codes). */
export function partnerIncident(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'NL-2026-0001',
    partner: 'nl-police',
    occurred_at: '2026-11-20T10:15:00+01:00',
    reported_at: '2026-11-21T09:00:00Z',
    country: 'Netherlands',
    category: 'DRUGS',
    route: { origin: 'COL', transit: ['Spain'], destination: 'NL', name: 'Andes – Caribbean – Europe by container' },
    modality: 'sea',
    methods: ['CONT'],
    technologies: ['encrypted-phone-network'],
    commodities: ['drug.cocaine'],
    quantity: { value: 420, unit: 'kg' },
    narrative: { text: 'Jan de Vries (passport NX1234567) called +31 6 1234 5678 before the container MSCU1234567 was opened.', lang: 'en' },
    persons: [{ role: 'courier', name: 'Jan de Vries', document_number: 'NX1234567', phone: '+31 6 1234 5678', nationality: 'NLD' }],
    handling: { tlp: 'AMBER', source_reliability: 'B', information_credibility: '2', share_with: ['Belgium', 'DE'] },
    ...overrides,
  };
}

let nextOffset = 0;
export function busMessage(topic: string, value: string | Buffer | null, overrides: Partial<BusMessage> = {}): BusMessage {
  return {
    topic,
    partition: 0,
    offset: String(nextOffset++),
    key: null,
    value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
    timestamp: NOW - 60_000,
    headers: {},
    ...overrides,
  };
}

export const JSON_TOPIC = partnerTopic(JSON_PARTNER.id);
export const CSV_TOPIC = partnerTopic(CSV_PARTNER.id);

/** A processRecord context over a fresh de-duplication store. */
export function processContext(overrides: Partial<ProcessContext> = {}): ProcessContext {
  return {
    partners: new Map([JSON_PARTNER, CSV_PARTNER].map((p) => [p.id, p])),
    taxonomy: loadTaxonomy(),
    validateIncident: compileValidator<Incident>('incident.v1'),
    pseudonymiser: createPseudonymiser(PSEUDONYM_KEY),
    config: testConfig(),
    dedupe: new DedupeStore(90 * 86_400_000).stage(),
    now: NOW,
    ...overrides,
  };
}

/** Raw personal values used in the fixtures; none may appear in anything ingest emits. */
export const RAW_IDENTIFIERS = ['Jan de Vries', 'Vries', 'NX1234567', '1234 5678', 'Marie Dupont', 'Dupont', '12AB34567', '12 34 56 78'];
