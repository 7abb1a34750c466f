// One-line explanations for the watch desk (Signal.summary, ≤ 500 chars).
import type { NoveltyHit } from './first-seen';
import type { TermSignal } from './emerging-terms';
import type { SpreadSignal } from './cross-border-spread';
import type { DisplacementSignal } from './route-displacement';

const PATTERN_WORDS: Record<NoveltyHit['patternType'], string> = {
  route_edge: 'route edge',
  route: 'route',
  country_method: 'method in country',
  country_technology: 'technology in country',
  route_commodity: 'commodity on route',
};

const day = (iso: string): string => iso.slice(0, 10);
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const clip = (s: string): string => (s.length <= 500 ? s : `${s.slice(0, 497)}...`);

export function noveltySummary(hit: NoveltyHit): string {
  const what = `${PATTERN_WORDS[hit.patternType]} ${hit.patternKey}`;
  const first = hit.firstReported;
  if (hit.kind === 'first-seen') return clip(`New ${what}: first reported by ${first.partner} (${first.country}) on ${day(first.at)}.`);
  return clip(
    `${what} seen again on ${day(hit.sighting.at)} by ${hit.sighting.partner} after ${hit.dormantDays} days; first reported by ${first.partner} (${first.country}) on ${day(first.at)}.`,
  );
}

export function termSummary(s: TermSignal): string {
  return clip(
    `Term "${s.display}" (${s.lang}) in ${s.observed} reports from ${s.partners.length} partners in ${s.countries.join(', ')}; ${s.expected.toFixed(1)} expected.`,
  );
}

export function spreadSummary(s: SpreadSignal): string {
  const order = s.onsets.map((o) => `${o.country} ${day(o.at)}`).join(' → ');
  const risk = s.atRisk.length ? `; next on routes: ${s.atRisk.map((n) => n.country).join(', ')}` : '';
  return clip(`${s.patternKey} rising in ${s.countries.length} countries (${order}), reported by ${s.partners.length} agencies${risk}.`);
}

export function displacementSummary(s: DisplacementSignal): string {
  const move = (xs: DisplacementSignal['losing']): string =>
    xs.map((r) => `${r.route} ${pct(r.baselineShare)}→${pct(r.recentShare)}`).join(', ');
  const losing = s.losing.length ? `from ${move(s.losing)}` : '';
  const gaining = s.gaining.length ? `to ${move(s.gaining)}` : '';
  return clip(`Traffic to ${s.group} shifting ${[losing, gaining].filter(Boolean).join(' ')} (JSD ${s.divergence.toFixed(3)}, p=${s.pValue.toExponential(1)}).`);
}
