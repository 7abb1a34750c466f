// Silences: Alertmanager-style matchers over an alert's labels. A silence holds
// the notifications of every alert all of its matchers select while it is active.
import type { Alert, Matcher, Silence } from '@tocsin/core';
import { AlertError } from '../errors';

export const MATCHER_LABELS = ['alert_id', 'detector', 'detector_kind', 'dimension_type', 'dimension_key', 'severity', 'status', 'country'] as const;

/** Label values of an alert; `country` and `detector` (every detector of the episode) are multi-valued. */
export function alertLabels(alert: Alert): Record<(typeof MATCHER_LABELS)[number], string[]> {
  return {
    alert_id: [alert.id],
    detector: alert.detectors.map((d) => d.id),
    detector_kind: [alert.detector.kind],
    dimension_type: [alert.dimension.type],
    dimension_key: [alert.dimension.key],
    severity: [alert.severity],
    status: [alert.status],
    country: alert.countries,
  };
}

/** Regexes are anchored like Alertmanager's (=~ "NL|BE" means exactly NL or BE). */
function compile(m: Matcher): (value: string) => boolean {
  if (m.op === '=' || m.op === '!=') return (v) => v === m.value;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${m.value})$`);
  } catch (cause) {
    throw new AlertError('ACTION_INVALID', `matcher ${m.name}${m.op}${JSON.stringify(m.value)} is not a valid regular expression`, { cause });
  }
  return (v) => re.test(v);
}

export function checkMatchers(matchers: readonly Matcher[]): void {
  if (matchers.length === 0) throw new AlertError('ACTION_INVALID', 'a silence needs at least one matcher');
  for (const m of matchers) {
    if (!(MATCHER_LABELS as readonly string[]).includes(m.name)) throw new AlertError('ACTION_INVALID', `unknown matcher label ${m.name}; use one of ${MATCHER_LABELS.join(', ')}`);
    compile(m);
  }
}

export function matcherSelects(m: Matcher, alert: Alert): boolean {
  const values = alertLabels(alert)[m.name];
  const test = compile(m);
  const any = values.some(test);
  return m.op === '=' || m.op === '=~' ? any : !any;
}

export function silenceSelects(s: Silence, alert: Alert, now: number): boolean {
  if (now < Date.parse(s.starts_at) || now >= Date.parse(s.ends_at)) return false;
  return s.matchers.every((m) => matcherSelects(m, alert));
}
