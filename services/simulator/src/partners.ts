// The partner agencies of the simulated world and how each one writes its feed.
// Most send canonical JSON; two customs services send CSV with their own column
// names and codes so that ingest's declarative mapping is exercised end to end.
import type { Handling, PartnerConfig } from '@tocsin/core';
import type { NarrativeLang } from './narrative';
import type { CrimeFamily } from './world';

export type AgencyKind = 'police' | 'customs' | 'border';

/** A partner as the simulator sees it: its config plus how it behaves. */
export interface SimPartner {
  config: PartnerConfig;
  kind: AgencyKind;
  langs: NarrativeLang[];
  /** Mean reporting delay in days (customs record seizures faster than police record complaints). */
  meanDelayDays: number;
  /** Prefix of the incident ids this agency issues. */
  idPrefix: string;
}

/** How likely each kind of agency records each family of crime. */
export const AGENCY_AFFINITY: Record<AgencyKind, Record<CrimeFamily, number>> = {
  police: { drugs: 1, migrants: 1, trafficking: 3, firearms: 2, fraud: 3, wildlife: 0.3, goods: 0.5 },
  customs: { drugs: 2.5, migrants: 0.1, trafficking: 0.1, firearms: 1, fraud: 0.5, wildlife: 3, goods: 3 },
  border: { drugs: 0.5, migrants: 3, trafficking: 1, firearms: 0.5, fraud: 0.2, wildlife: 0.3, goods: 1 },
};

const NL_CUSTOMS_HANDLING_COLUMNS = {
  tlp: 'tlp', share_with: 'delen_met', source_reliability: 'bron', information_credibility: 'info',
} as const;

const nlDouane: PartnerConfig = {
  id: 'nl-douane',
  name: 'Douane Nederland (FIOD/Douane Recherche)',
  country: 'NL',
  format: 'csv',
  timezone_offset: '+01:00',
  csv: {
    delimiter: ';',
    list_separator: '|',
    header: true,
    columns: {
      id: 'zaaknummer', occurred_at: 'datum_feit', reported_at: 'datum_melding', country: 'land', category: 'delict',
      origin: 'herkomst', transit: 'doorvoer', destination: 'bestemming', route_name: 'route', modality: 'vervoerswijze',
      methods: 'werkwijze', technologies: 'technologie', commodities: 'goederen', quantity_value: 'hoeveelheid', quantity_unit: 'eenheid',
      narrative: 'omschrijving', narrative_lang: 'taal', person_name: 'naam', person_document: 'documentnummer', person_phone: 'telefoon',
      ...NL_CUSTOMS_HANDLING_COLUMNS,
    },
  },
  code_map: {
    category: { DRUGTRAF: '06012', DRUGBEZIT: '06011', MENSSMOKKEL: '08071', MENSHANDEL: '0204', WAPENS: '0901', OPLICHTING: '0701', NAMAAK: '0702', WITWAS: '0704', ACCIJNS: '0705', AFVAL: '1002', NATUUR: '1003', DIEFSTAL: '0502' },
    commodities: { COC: 'drug.cocaine', CAN: 'drug.cannabis', HER: 'drug.heroin', XTC: 'drug.mdma', AMF: 'drug.amphetamine', PREC: 'drug.precursor', NPS: 'drug.nps', OPI: 'drug.synthetic-opioid', CASH: 'cash', NAMAAK: 'counterfeit.goods', MEDNAMAAK: 'counterfeit.medicine', WAPEN: 'firearm', WAPENDEEL: 'firearm.part' },
    methods: { CONT: 'concealment.container', RIP: 'concealment.rip-on-rip-off', AGF: 'concealment.fresh-produce', INSIDER: 'insider.port', PAKKET: 'postal.parcel', BRIEF: 'postal.mail', KOERIER: 'cash-courier', DEKMANTEL: 'front-company' },
    technologies: { PGP: 'encrypted-phone-network', DARKWEB: 'darkweb-market', CRYPTO: 'crypto.currency' },
    modality: { ZEE: 'sea', LUCHT: 'air', WEG: 'land', POST: 'postal', SPOOR: 'rail', ONLINE: 'online', ONBEKEND: 'unknown' },
  },
};

const deZollHandling: Handling = { tlp: 'AMBER', handling_code: 'H1', source_reliability: 'B', information_credibility: '2' };

const deZoll: PartnerConfig = {
  id: 'de-zoll',
  name: 'Zollkriminalamt',
  country: 'DE',
  format: 'csv',
  // No handling columns: every record carries the agency's default marking.
  default_handling: deZollHandling,
  csv: {
    delimiter: ',',
    list_separator: ';',
    header: true,
    columns: {
      id: 'Vorgangsnummer', occurred_at: 'Tatzeit', reported_at: 'Meldezeit', country: 'Land', category: 'Delikt',
      origin: 'Herkunft', transit: 'Transit', destination: 'Ziel', modality: 'Verkehrsweg', methods: 'Modus',
      technologies: 'Technik', commodities: 'Ware', quantity_value: 'Menge', quantity_unit: 'Einheit',
      narrative: 'Sachverhalt', narrative_lang: 'Sprache', person_name: 'Name', person_document: 'Ausweisnummer', person_phone: 'Telefon',
    },
  },
  code_map: {
    category: { 'BTM-HANDEL': '06012', 'BTM-BESITZ': '06011', SCHLEUSUNG: '08071', WAFFEN: '0901', PRODUKTPIRATERIE: '0702', GELDWAESCHE: '0704', STEUER: '0705', ABFALL: '1002', ARTENSCHUTZ: '1003', DIEBSTAHL: '0502', BETRUG: '0701', MENSCHENHANDEL: '0204' },
    commodities: { KOKAIN: 'drug.cocaine', HEROIN: 'drug.heroin', CANNABIS: 'drug.cannabis', AMPHETAMIN: 'drug.amphetamine', ZIGARETTEN: 'tobacco', BARGELD: 'cash', ABFALL: 'waste', WAFFE: 'firearm', MUNITION: 'ammunition' },
    methods: { FAHRZEUGVERSTECK: 'concealment.vehicle', LKW: 'smuggling.truck', CONTAINER: 'concealment.container', BARGELDKURIER: 'cash-courier' },
    modality: { LUFT: 'air', SEE: 'sea', STRASSE: 'land', POST: 'postal', BAHN: 'rail', ONLINE: 'online', UNBEKANNT: 'unknown' },
  },
};

const json = (id: string, name: string, country: string): PartnerConfig => ({ id, name, country, format: 'json' });

/** All simulated partners; the first ones are kept when a scenario asks for fewer. */
export const SIM_PARTNERS: readonly SimPartner[] = [
  { config: json('nl-politie', 'Politie Nederland – Dienst Landelijke Informatieorganisatie', 'NL'), kind: 'police', langs: ['nl', 'en'], meanDelayDays: 3, idPrefix: 'NLP' },
  { config: nlDouane, kind: 'customs', langs: ['nl'], meanDelayDays: 1.5, idPrefix: 'NLD' },
  { config: json('de-bka', 'Bundeskriminalamt', 'DE'), kind: 'police', langs: ['de'], meanDelayDays: 4, idPrefix: 'BKA' },
  { config: deZoll, kind: 'customs', langs: ['de'], meanDelayDays: 2, idPrefix: 'ZKA' },
  { config: json('be-federale-politie', 'Police fédérale / Federale Politie', 'BE'), kind: 'police', langs: ['fr', 'nl'], meanDelayDays: 3, idPrefix: 'BEP' },
  { config: json('fr-police-nationale', 'Police nationale – OFAST/OCRIEST', 'FR'), kind: 'police', langs: ['fr'], meanDelayDays: 3.5, idPrefix: 'FRP' },
  { config: json('es-policia-nacional', 'Policía Nacional', 'ES'), kind: 'police', langs: ['es'], meanDelayDays: 3, idPrefix: 'ESP' },
  { config: json('it-polizia-di-stato', 'Polizia di Stato – Servizio Centrale Operativo', 'IT'), kind: 'police', langs: ['it'], meanDelayDays: 4, idPrefix: 'ITP' },
  { config: json('pt-policia-judiciaria', 'Polícia Judiciária', 'PT'), kind: 'police', langs: ['pt'], meanDelayDays: 3, idPrefix: 'PTJ' },
  { config: json('at-bundeskriminalamt', 'Bundeskriminalamt Österreich', 'AT'), kind: 'police', langs: ['de'], meanDelayDays: 3, idPrefix: 'ATB' },
  { config: json('pl-straz-graniczna', 'Straż Graniczna', 'PL'), kind: 'border', langs: ['en'], meanDelayDays: 2, idPrefix: 'PLSG' },
  { config: json('gr-hellenic-police', 'Hellenic Police', 'GR'), kind: 'police', langs: ['en'], meanDelayDays: 4, idPrefix: 'GRHP' },
  { config: json('hr-policija', 'Ravnateljstvo policije', 'HR'), kind: 'border', langs: ['en'], meanDelayDays: 3, idPrefix: 'HRP' },
  { config: json('ie-garda', 'An Garda Síochána', 'IE'), kind: 'police', langs: ['en'], meanDelayDays: 4, idPrefix: 'IEG' },
  { config: json('se-polisen', 'Polismyndigheten – NOA', 'SE'), kind: 'police', langs: ['en'], meanDelayDays: 4, idPrefix: 'SEP' },
  { config: json('fr-douane', 'Douane française – DNRED', 'FR'), kind: 'customs', langs: ['fr'], meanDelayDays: 2, idPrefix: 'FRD' },
  { config: json('es-guardia-civil', 'Guardia Civil', 'ES'), kind: 'border', langs: ['es'], meanDelayDays: 2.5, idPrefix: 'ESGC' },
  { config: json('it-guardia-di-finanza', 'Guardia di Finanza', 'IT'), kind: 'customs', langs: ['it'], meanDelayDays: 2.5, idPrefix: 'ITGF' },
  { config: json('be-douane', 'Douane / Administration générale des Douanes et Accises', 'BE'), kind: 'customs', langs: ['nl', 'fr'], meanDelayDays: 2, idPrefix: 'BED' },
];

export const MIN_PARTNERS = 2;
export const MAX_PARTNERS = SIM_PARTNERS.length;

/** What a partner's wire format can carry, so generated incidents survive the round trip. */
export interface PartnerCapabilities {
  maxPersons: number;
  personIdentifiersOnly: boolean;
  routeName: boolean;
  quantity: boolean;
  narrative: boolean;
  /** Set when the feed has no marking columns and every record gets the default. */
  fixedHandling?: Handling;
  handlingColumns: { tlp: boolean; shareWith: boolean; handlingCode: boolean };
}

export function capabilitiesOf(config: PartnerConfig): PartnerCapabilities {
  if (config.format === 'json' || !config.csv) {
    return { maxPersons: 4, personIdentifiersOnly: false, routeName: true, quantity: true, narrative: true, handlingColumns: { tlp: true, shareWith: true, handlingCode: true } };
  }
  const c = config.csv.columns;
  const hasGrades = c.tlp !== undefined && c.source_reliability !== undefined && c.information_credibility !== undefined;
  const caps: PartnerCapabilities = {
    maxPersons: c.person_name !== undefined ? 1 : 0,
    personIdentifiersOnly: true,
    routeName: c.route_name !== undefined,
    quantity: c.quantity_value !== undefined && c.quantity_unit !== undefined,
    narrative: c.narrative !== undefined && c.narrative_lang !== undefined,
    handlingColumns: { tlp: hasGrades, shareWith: hasGrades && c.share_with !== undefined, handlingCode: false },
  };
  if (!hasGrades && config.default_handling) caps.fixedHandling = config.default_handling;
  return caps;
}
