// What one row of the alert list carries: the caller's entry (visibility.ts)
// without the heavy parts a list never shows — evidence (narrative excerpts of
// every contributing incident) and, for admin keys, the revision history and
// the desk's action log — plus a human label of the dimension and, for admin
// keys, whether an active silence holds the alert's notifications. The detail
// route (GET /api/alerts/{id}) still serves all of it.
import type { Alert, Silence, Taxonomy } from '@tocsin/core';
import { dimensionLabel } from '@tocsin/core';
import type { Principal } from '@tocsin/http';
import { matcherSelects } from '../engine/silences';
import { entryFor, type AlertEntry } from './visibility';

export interface AlertListEntry extends AlertEntry {
  /** e.g. "Belgium · Mainstream encrypted messengers" for `BE|technology:messenger.encrypted`. */
  dimension_label: string;
  /** Admin keys only: an active silence selects this alert (silences are the operator's, not the agencies'). */
  silenced?: boolean;
}

/** Fields of the stored record (admin) or of the sharing view (agencies) a list row leaves out. */
const HEAVY_FIELDS = new Set(['evidence', 'history', 'desk']);

export function lighten(entry: AlertEntry): AlertEntry {
  const alert = Object.fromEntries(Object.entries(entry.alert).filter(([k]) => !HEAVY_FIELDS.has(k)));
  return { ...entry, alert: alert as unknown as AlertEntry['alert'] };
}

/** True when one of the (active) silences selects the alert. */
export function isSilenced(alert: Readonly<Alert>, active: readonly Silence[]): boolean {
  return active.some((s) => s.matchers.every((m) => matcherSelects(m, alert as Alert)));
}

export interface ListEntryContext {
  taxonomy: Pick<Taxonomy, 'label'>;
  /** Active silences, read once per request or change batch. */
  silences: readonly Silence[];
}

/** The caller's list row for `alert`, or null when the sharing rules withhold it. */
export function listEntryFor(alert: Readonly<Alert>, principal: Principal, context: ListEntryContext): AlertListEntry | null {
  const entry = entryFor(alert, principal);
  if (!entry) return null;
  return fromEntry(entry, alert, context);
}

/** Completes an entry already computed (the list route computes entries to filter them). */
export function fromEntry(entry: AlertEntry, alert: Readonly<Alert>, context: ListEntryContext): AlertListEntry {
  return {
    ...lighten(entry),
    dimension_label: dimensionLabel(entry.alert.dimension, context.taxonomy),
    ...(entry.level === 'admin' ? { silenced: isSilenced(alert, context.silences) } : {}),
  };
}
