// Turns "one incident of stream S on day D" into a full Incident record: who
// reported it, when, where, how it is marked and graded, who was involved, and
// what the officer wrote. Every choice draws from the day's Rng, in a fixed order.
import type { Handling, Incident } from '@tocsin/core';
import { fakePerson, type Person } from './persons';
import { isNarrativeLang, writeNarrative } from './narrative';
import { capabilitiesOf, type PartnerCapabilities, type SimPartner } from './partners';
import type { Rng } from './prng';
import { DAY_MS, type Stream } from './streams';
import type { QuantityUnit } from './world';

/** Reports arrive at most this late; the arrival-order buffer relies on it. */
export const MAX_REPORTING_DELAY_DAYS = 60;

/** An incident before its id is known (ids follow event-time order within a day). */
export interface IncidentDraft {
  occurredMs: number;
  partner: SimPartner;
  incident: Omit<Incident, 'id'>;
}

const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
const TLP_WEIGHTS = [7, 45, 35, 9, 4];
const RELIABILITY = ['A', 'B', 'C', 'X'] as const;
const RELIABILITY_WEIGHTS = [15, 50, 20, 15];
const CREDIBILITY = ['1', '2', '3', '4'] as const;
const CREDIBILITY_WEIGHTS = [10, 40, 35, 15];
const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
const HANDLING_CODE_WEIGHTS = [30, 35, 25, 10];
const RESTRICTIONS = [
  'Not to be disseminated to third countries without the consent of the owner.',
  'Use for operational analysis only; no action without prior consultation.',
  'Contains information from an ongoing undercover operation.',
];
const PERSON_COUNT_WEIGHTS = [30, 40, 20, 10];

const capsCache = new WeakMap<SimPartner, PartnerCapabilities>();
function capsOf(partner: SimPartner): PartnerCapabilities {
  let caps = capsCache.get(partner);
  if (!caps) {
    caps = capabilitiesOf(partner.config);
    capsCache.set(partner, caps);
  }
  return caps;
}

const two = (n: number): string => (n < 10 ? '0' : '') + n;

/** YYYY-MM-DD of a day count since 1970-01-01 (Hinnant's civil-from-days; no Date allocation). */
function civilDate(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${two(m)}-${two(d)}`;
}

/** RFC 3339 UTC with whole seconds, e.g. 2025-03-01T14:02:09Z; the hot path of generation. */
export function isoSeconds(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  const s = Math.floor((ms - day * DAY_MS) / 1000);
  return civilDate(day) + 'T' + two(Math.floor(s / 3600)) + ':' + two(Math.floor(s / 60) % 60) + ':' + two(s % 60) + 'Z';
}

function roundQuantity(value: number, unit: QuantityUnit): number {
  switch (unit) {
    case 'persons':
    case 'units':
    case 'items':
    case 'eur':
    case 'usd':
      return Math.max(1, Math.round(value));
    case 'g':
      return Math.max(1, Math.round(value));
    default:
      return value < 10 ? Math.round(value * 100) / 100 : Math.round(value * 10) / 10;
  }
}

/**
 * Ordinary reports arrive within this many days, inside the detect stage's default allowed
 * lateness (14 days): the feed's own records are never dropped as late by accident.
 */
export const ON_TIME_MAX_DELAY_DAYS = 12;
/** Reports late on purpose (ScenarioOptions.lateReportShare) arrive this many days late or more. */
export const LATE_MIN_DELAY_DAYS = 15;
/** Default share of reports sent late on purpose: enough to exercise late handling, stated in the ground truth. */
export const DEFAULT_LATE_REPORT_SHARE = 0.002;

/**
 * Days between the event and the report: mostly days, sometimes a week or so (at most
 * ON_TIME_MAX_DELAY_DAYS); a `lateShare` of reports weeks late on purpose.
 */
function reportingDelayDays(rng: Rng, meanDays: number, lateShare: number): number {
  const r = rng.float();
  let days: number;
  if (r < 0.9) days = Math.min(ON_TIME_MAX_DELAY_DAYS, rng.logNormal(meanDays * 0.7, 0.7));
  else if (r < 1 - lateShare) days = 5 + rng.float() * (ON_TIME_MAX_DELAY_DAYS - 5);
  else days = LATE_MIN_DELAY_DAYS + rng.float() * (MAX_REPORTING_DELAY_DAYS - LATE_MIN_DELAY_DAYS);
  return Math.min(MAX_REPORTING_DELAY_DAYS, Math.max(0.02, days));
}

function handlingFor(rng: Rng, caps: PartnerCapabilities, ownCountry: string, partnerCountries: readonly string[]): Handling {
  if (caps.fixedHandling) return { ...caps.fixedHandling };
  const handling: Handling = {
    tlp: rng.weighted(TLP_LEVELS, TLP_WEIGHTS),
    source_reliability: rng.weighted(RELIABILITY, RELIABILITY_WEIGHTS),
    information_credibility: rng.weighted(CREDIBILITY, CREDIBILITY_WEIGHTS),
  };
  if (caps.handlingColumns.shareWith && rng.chance(0.12)) {
    const others = partnerCountries.filter((c) => c !== ownCountry);
    const wanted = Math.min(others.length, 1 + rng.int(4));
    const chosen = new Set<string>();
    while (chosen.size < wanted) chosen.add(rng.pick(others));
    if (chosen.size > 0) handling.share_with = [...chosen].sort();
  }
  if (caps.handlingColumns.handlingCode && rng.chance(0.6)) {
    handling.handling_code = rng.weighted(HANDLING_CODES, HANDLING_CODE_WEIGHTS);
    if (handling.handling_code === 'H3') handling.restrictions = rng.pick(RESTRICTIONS);
  }
  return handling;
}

function nationalityFor(rng: Rng, role: Person['role'], stream: Stream): string {
  const { origin, transit } = stream.pattern;
  if (role === 'victim') return stream.pattern.family === 'fraud' ? stream.country : origin;
  if (role === 'other') return origin;
  const r = rng.float();
  if (r < 0.5 || (transit.length === 0 && r < 0.7)) return origin;
  if (r < 0.8) return stream.country;
  return transit.length > 0 ? rng.pick(transit) : stream.country;
}

/** Draws one incident of `stream` on `day`; `partnerCountries` feed share_with allow-lists. */
export function draftIncident(rng: Rng, stream: Stream, day: number, startMs: number, partnerCountries: readonly string[], lateShare = DEFAULT_LATE_REPORT_SHARE): IncidentDraft {
  const { pattern } = stream;
  const partner = rng.weighted(stream.partners, stream.partnerWeights);
  const caps = capsOf(partner);
  const occurredMs = startMs + day * DAY_MS + rng.int(86_400) * 1000;
  const reportedMs = occurredMs + Math.round(reportingDelayDays(rng, partner.meanDelayDays, lateShare) * 86_400) * 1000;

  const quantity = { value: roundQuantity(rng.logNormal(pattern.quantity.median, pattern.quantity.sigma), pattern.quantity.unit), unit: pattern.quantity.unit };

  const persons: Person[] = [];
  const personCount = Math.min(caps.maxPersons, rng.weighted([0, 1, 2, 3], PERSON_COUNT_WEIGHTS));
  for (let i = 0; i < personCount; i++) {
    const role = rng.pick(pattern.roles);
    persons.push(fakePerson(rng, { role, nationality: nationalityFor(rng, role, stream), identifiersOnly: caps.personIdentifiersOnly }));
  }

  const handling = handlingFor(rng, caps, partner.config.country, partnerCountries);
  const lang = rng.pick(partner.langs);
  const route: Incident['route'] = { origin: pattern.origin, transit: [...pattern.transit] as Incident['route']['transit'], destination: pattern.destination };
  if (pattern.name && caps.routeName) route.name = pattern.name;

  const incident: Omit<Incident, 'id'> = {
    partner: partner.config.id,
    occurred_at: isoSeconds(occurredMs),
    reported_at: isoSeconds(reportedMs),
    country: stream.country,
    category: pattern.category,
    route,
    modality: pattern.modality,
    methods: [...stream.profile.methods],
    technologies: [...stream.profile.technologies],
    commodities: [...pattern.commodities],
    handling,
  };
  if (caps.quantity) incident.quantity = quantity;
  if (caps.narrative && isNarrativeLang(lang)) {
    const facts = {
      family: pattern.family,
      commodity: pattern.commodities[0] ?? '',
      quantity,
      origin: pattern.origin,
      destination: pattern.destination,
      country: stream.country,
      modality: pattern.modality,
      persons: persons.filter((p) => p.role !== 'victim' && p.role !== 'other').length,
      ...(stream.term ? { term: stream.term } : {}),
    };
    incident.narrative = { text: writeNarrative(facts, lang, rng), lang };
  }
  if (persons.length > 0) incident.persons = persons;
  return { occurredMs, partner, incident };
}
