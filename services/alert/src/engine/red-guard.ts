// A signal as the alert service keeps it: TLP:RED incidents taken out. RED leaves
// Tocsin only towards its owner, not even as a count (docs/sharing-rules.md), and
// detect lets no RED incident into detection. A signal from a producer that still
// lists some must not make them part of an alert, because every agency's view,
// revision and webhook is computed from the alert: a RED partner joining would be
// a `scope` revision, an `alert.updated` webhook and a withheld statistic for
// agencies that may not know the incident exists.
import type { Evidence, Signal, SignalSeries } from '@tocsin/core';
import { incidentCountries } from '@tocsin/core';

function dimensionCountries(signal: Signal): Set<string> {
  const a = signal.dimension.attributes;
  const out = new Set<string>();
  for (const c of [a.country, a.origin, a.destination, ...(a.transit ?? [])]) if (c) out.add(c);
  return out;
}

/**
 * The series with the signal's own bucket lowered by the RED incidents it counted. Older
 * buckets cannot be corrected here (their incidents are not listed): detect must not count RED.
 */
function withoutRedCount(series: SignalSeries, bucketStart: string, red: number): SignalSeries {
  const ms = series.granularity === 'day' ? 86_400_000 : 7 * 86_400_000;
  const i = (Date.parse(bucketStart) - Date.parse(series.start)) / ms;
  if (!Number.isInteger(i) || i < 0 || i >= series.observed.length) return series;
  const observed = [...series.observed];
  observed[i] = Math.max(0, observed[i]! - red);
  return { ...series, observed };
}

/** The signal without its RED evidence, and how many entries were taken out. */
export function withoutRedEvidence(signal: Signal): { signal: Signal; dropped: number } {
  const kept: Evidence[] = [];
  const red: Evidence[] = [];
  for (const e of signal.evidence) (e.handling.tlp === 'RED' ? red : kept).push(e);
  if (red.length === 0) return { signal, dropped: 0 };
  // Partners and countries known only through RED incidents go too.
  const keptPartners = new Set(kept.map((e) => e.partner));
  const redPartners = new Set(red.map((e) => e.partner).filter((p) => !keptPartners.has(p)));
  const keptCountries = dimensionCountries(signal);
  for (const e of kept) for (const c of incidentCountries(e)) keptCountries.add(c);
  const redCountries = new Set<string>();
  for (const e of red) for (const c of incidentCountries(e)) if (!keptCountries.has(c)) redCountries.add(c);
  return {
    signal: {
      ...signal,
      evidence: kept,
      evidence_total: Math.max(kept.length, signal.evidence_total - red.length),
      // A count detector's observed value is the bucket's incidents; its model numbers
      // (expected, p-value...) cannot be corrected here — detect must not count RED.
      observed: signal.detector.kind === 'count' ? Math.max(0, signal.observed - red.length) : signal.observed,
      ...(signal.series ? { series: withoutRedCount(signal.series, signal.bucket.start, red.length) } : {}),
      partners: signal.partners.filter((p) => !redPartners.has(p)),
      countries: signal.countries.filter((c) => !redCountries.has(c)),
    },
    dropped: red.length,
  };
}
