// Which emergence detector a key carries, and its state in the key's snapshot.
// The key types are chosen so that one consumer sees everything the detector
// needs: a pattern key (method, technology, route_edge) every country's
// observations of that pattern, a route_destination key every route to that
// destination, a narrative key every narrative of its language.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DetectKeyState, Evidence } from '@tocsin/core';
import type { DisplacementSignal, SpreadSignal, TermSignal } from '../emergence';
import { DisplacementDetector, type DisplacementDetectorState } from './displacement-detector';
import type { EmergenceSettings } from './emergence-settings';
import type { KeyState } from './key-state';
import { aheadWeeksFor, SpreadDetector, type SpreadDetectorState } from './spread-detector';
import { TermsDetector, type TermsDetectorState } from './terms-detector';

export type KeyEmergence =
  | { kind: 'spread'; detector: SpreadDetector }
  | { kind: 'displacement'; detector: DisplacementDetector }
  | { kind: 'terms'; detector: TermsDetector };

/** A finding of one key's emergence detector when one of its buckets closed, with the bucket's evidence. */
export type EmergenceFinding =
  | { kind: 'spread'; key: KeyState; week: number; signal: SpreadSignal; evidence: readonly Evidence[] }
  | { kind: 'displacement'; key: KeyState; day: number; signal: DisplacementSignal; evidence: readonly Evidence[] }
  | { kind: 'terms'; key: KeyState; day: number; signal: TermSignal; evidence: readonly Evidence[] };

/** Days the displacement ring keeps beyond the bucket closing: the allowed lateness and a margin. */
function aheadDays(settings: EmergenceSettings): number {
  return settings.allowedLatenessDays + 2;
}

/** The detector a new key carries, or null. */
export function emergenceFor(dimType: string, dimKey: string, settings: EmergenceSettings): KeyEmergence | null {
  if (settings.spread.enabled && settings.spread.types.has(dimType)) {
    return { kind: 'spread', detector: new SpreadDetector(`${dimType}:${dimKey}`, settings.spread, aheadWeeksFor(settings.allowedLatenessDays)) };
  }
  if (dimType === 'route_destination' && settings.displacement.enabled) {
    return { kind: 'displacement', detector: new DisplacementDetector(dimKey, settings.displacement, aheadDays(settings)) };
  }
  if (dimType === 'narrative' && settings.terms.enabled) return { kind: 'terms', detector: new TermsDetector(settings.terms) };
  return null;
}

/** The detector of a restored key, from its snapshot (a fresh one when the snapshot has none). */
export function restoreEmergence(dimType: string, dimKey: string, record: DetectKeyState['emergence'], settings: EmergenceSettings): KeyEmergence | null {
  const fresh = emergenceFor(dimType, dimKey, settings);
  if (!fresh || !record) return fresh;
  switch (fresh.kind) {
    case 'spread':
      return record.spread
        ? { kind: 'spread', detector: SpreadDetector.fromJSON(`${dimType}:${dimKey}`, record.spread as unknown as SpreadDetectorState, settings.spread, aheadWeeksFor(settings.allowedLatenessDays)) }
        : fresh;
    case 'displacement':
      return record.displacement
        ? { kind: 'displacement', detector: DisplacementDetector.fromJSON(dimKey, record.displacement as unknown as DisplacementDetectorState, settings.displacement, aheadDays(settings)) }
        : fresh;
    case 'terms':
      return record.terms ? { kind: 'terms', detector: TermsDetector.fromJSON(unpackTerms(record.terms), settings.terms) } : fresh;
  }
}

/** The `emergence` part of a key's snapshot. */
export function emergenceRecord(e: KeyEmergence): NonNullable<DetectKeyState['emergence']> {
  switch (e.kind) {
    case 'spread':
      return { spread: e.detector.toJSON() };
    case 'displacement':
      return { displacement: e.detector.toJSON() };
    case 'terms':
      return { terms: packTerms(e.detector.toJSON()) };
  }
}

// A language's vocabulary, window and open days are 100-600 KB of JSON, written with
// every batch that touches the key; gzip makes that about 15 KB (2 ms on simulator data).
function packTerms(state: TermsDetectorState): { gzip: string } {
  return { gzip: gzipSync(JSON.stringify(state)).toString('base64') };
}

function unpackTerms(record: object): TermsDetectorState {
  const packed = (record as { gzip?: unknown }).gzip;
  if (typeof packed !== 'string') return record as TermsDetectorState;
  return JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as TermsDetectorState;
}
